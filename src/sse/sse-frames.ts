/**
 * Server-sent events, cut at frame boundaries without re-encoding what passes through. Handles LF,
 * CRLF and CR line endings (also a CRLF split across two network chunks), comments, multi-line
 * data and multi-byte characters split across chunks.
 *
 * Linear in what arrives: each chunk is scanned once, with the last few characters before it (where
 * a boundary may begin), and an unfinished frame that grows long is kept as pieces, joined once
 * when it ends; it is never copied or scanned again per chunk. An unfinished frame past the limit
 * is an upstream error, not a memory leak.
 */
import { upstreamTooLarge } from '../errors.js';

// A blank line: two line terminators in a row, where a lone CR must not be the start of a CRLF.
const BOUNDARY = /(?:\r\n|\n|\r(?!\n))(?:\r\n|\n|\r(?!\n))/g;
/** A boundary is at most 4 characters (CRLF CRLF): 3 of them may sit before the chunk that ends it. */
const OVERLAP = 3;
/**
 * An unfinished frame up to this long is kept as one string (copied once more with the next chunk,
 * so a chunk costs at most this much beyond its own length); longer, as pieces.
 */
const SHORT_TAIL = 8 * 1024;

export class SseFrameSplitter {
  /** The start of the unfinished frame once it grew long: pieces, joined when the frame ends. */
  private pieces: string[] = [];
  private piecesLength = 0;
  /** The rest of the unfinished frame; only its last `OVERLAP` characters are scanned again. */
  private tail = '';
  /** Whether `tail` may hold a CR (else the next chunk alone decides which search to use). */
  private tailHasCr = false;
  private readonly decoder = new TextDecoder();
  /** Whether the decoder holds no part of a character (not before the first chunk: it also drops a leading BOM). */
  private decoderClean = false;

  /** `maxFrameLength`: an unfinished frame longer than this (in characters) is an upstream error (`responseLimitBytes`). */
  constructor(private readonly maxFrameLength = Infinity) {}

  /** Feeds one network chunk; returns the frames it completed, each with its blank line. */
  push(chunk: Uint8Array | string): string[] {
    const text = typeof chunk === 'string' ? chunk : this.decode(chunk);
    const tail = this.tail;
    const window = tail ? tail + text : text;
    // Where a boundary may end that was not there before: no need to search the tail again.
    const from = tail.length > OVERLAP ? tail.length - OVERLAP : 0;
    const hasCr = this.tailHasCr || text.indexOf('\r') !== -1;
    const frames: string[] = [];
    let start = 0;
    if (!hasCr) {
      // LF only, as nearly every server writes: a plain search instead of the regular expression.
      for (let at = window.indexOf('\n\n', from); at !== -1; at = window.indexOf('\n\n', start)) {
        frames.push(this.frame(window, start, at + 2));
        start = at + 2;
      }
    } else {
      BOUNDARY.lastIndex = from;
      for (let match = BOUNDARY.exec(window); match; match = BOUNDARY.exec(window)) {
        const end = match.index + match[0].length;
        // A CR at the very end may be the first half of a CRLF still on its way.
        if (end === window.length && window.charCodeAt(end - 1) === 13) break;
        frames.push(this.frame(window, start, end));
        start = end;
      }
    }
    this.hold(window, start, hasCr);
    return frames;
  }

  /** The frame `window[start, end)`, after the pieces held when it is the first of the window. */
  private frame(window: string, start: number, end: number): string {
    if (start > 0 || this.piecesLength === 0) {
      if (end - start > this.maxFrameLength) throw this.tooLarge();
      return window.slice(start, end);
    }
    if (this.piecesLength + end > this.maxFrameLength) throw this.tooLarge();
    this.pieces.push(window.slice(0, end));
    const frame = this.pieces.join('');
    this.pieces = [];
    this.piecesLength = 0;
    return frame;
  }

  /** Keeps what follows the last frame of the window: the unfinished frame. */
  private hold(window: string, start: number, hasCr: boolean): void {
    const rest = start === 0 ? window : window.slice(start);
    // After a frame ended here, only the rest decides (it is new text: one more pass at most).
    const restHasCr = start === 0 ? hasCr : hasCr && rest.indexOf('\r') !== -1;
    if (rest.length <= SHORT_TAIL) {
      this.tail = rest;
      this.tailHasCr = restHasCr;
    } else {
      const cut = rest.length - OVERLAP;
      this.pieces.push(rest.slice(0, cut));
      this.piecesLength += cut;
      this.tail = rest.slice(cut);
      this.tailHasCr = restHasCr;
    }
    if (this.piecesLength + this.tail.length > this.maxFrameLength) throw this.tooLarge();
  }

  /**
   * A chunk that ends with an ASCII byte ends with a whole character: when the decoder holds no
   * partial character either, Buffer's own UTF-8 decoding (cheaper) gives the same text.
   */
  private decode(chunk: Uint8Array): string {
    const last = chunk[chunk.length - 1];
    if (last === undefined) return '';
    const whole = last < 0x80;
    if (this.decoderClean && whole) {
      // undici's chunks are Buffers already: no second view of the same bytes per chunk.
      return Buffer.isBuffer(chunk)
        ? chunk.toString('utf8')
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
    }
    const text = this.decoder.decode(chunk, { stream: true });
    this.decoderClean = whole;
    return text;
  }

  private tooLarge(): Error {
    this.reset();
    return upstreamTooLarge('a stream event', this.maxFrameLength);
  }

  private reset(): void {
    this.pieces = [];
    this.piecesLength = 0;
    this.tail = '';
    this.tailHasCr = false;
  }

  /** What is left at the end of the stream: an unterminated last frame, if any. */
  end(): string | undefined {
    this.pieces.push(this.tail, this.decoder.decode());
    const rest = this.pieces.join('');
    this.reset();
    return rest.trim().length ? rest : undefined;
  }
}

export interface SseEvent {
  event?: string;
  /** Data lines joined with `\n`; undefined for a frame without data (a comment, a keep-alive). */
  data?: string;
  id?: string;
}

/** Parses one frame's fields per the EventSource specification. */
export function parseSseFrame(frame: string): SseEvent {
  const result: SseEvent = {};
  let data: string | undefined;
  // LF-only frames (nearly all) are walked line by line without splitting on a regular expression.
  const lines = frame.indexOf('\r') === -1 ? undefined : frame.split(/\r\n|\r|\n/);
  let start = 0;
  for (let i = 0; lines ? i < lines.length : start < frame.length; i++) {
    let line: string;
    if (lines) {
      line = lines[i];
    } else {
      let end = frame.indexOf('\n', start);
      if (end === -1) end = frame.length;
      line = frame.slice(start, end);
      start = end + 1;
    }
    if (line.length === 0 || line.charCodeAt(0) === 58 /* : comment */) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
    else if (field === 'event') result.event = value;
    else if (field === 'id') result.id = value;
  }
  if (data !== undefined) result.data = data;
  return result;
}

/** Serialises one JSON payload as an SSE frame. */
export function sseData(payload: unknown): string {
  return `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
}

/**
 * An event named twice, by an `event:` line and by its payload's `type` (the first field), as
 * OpenAI's Responses API and Anthropic's Messages API frame their streams.
 */
export function sseNamedEvent(payload: { type: string; [field: string]: unknown }): string {
  return `event: ${payload.type}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/** A data payload read as a JSON object; undefined for anything else (broken JSON, an array, a string). */
export function parseJsonObject(data: string): Record<string, any> | undefined {
  try {
    const parsed: unknown = JSON.parse(data);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, any>)
      : undefined;
  } catch {
    return undefined;
  }
}

export const SSE_DONE = 'data: [DONE]\n\n';

/** Headers of every SSE response: no caching and no transformation (compression would buffer the stream). */
export const SSE_RESPONSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
} as const;

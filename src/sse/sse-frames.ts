/**
 * Server-sent events, cut at frame boundaries without re-encoding what passes through. Handles LF,
 * CRLF and CR line endings (also a CRLF split across two network chunks), comments, multi-line
 * data and multi-byte characters split across chunks.
 */
import { GatewayError } from '../errors.js';

// A blank line: two line terminators in a row, where a lone CR must not be the start of a CRLF.
const BOUNDARY = /(?:\r\n|\n|\r(?!\n))(?:\r\n|\n|\r(?!\n))/g;

export class SseFrameSplitter {
  private buffer = '';
  private readonly decoder = new TextDecoder();
  /** Whether the decoder holds no part of a character (not before the first chunk: it also drops a leading BOM). */
  private decoderClean = false;

  /** `maxFrameLength`: an unfinished frame longer than this (in characters) is an upstream error, not a memory leak. */
  constructor(private readonly maxFrameLength = Infinity) {}

  /** Feeds one network chunk; returns the frames it completed, each with its blank line. */
  push(chunk: Uint8Array | string): string[] {
    const text = typeof chunk === 'string' ? chunk : this.decode(chunk);
    this.buffer = this.buffer.length ? this.buffer + text : text;
    const frames: string[] = [];
    let start = 0;
    if (this.buffer.indexOf('\r') === -1) {
      // LF only, as nearly every server writes: a plain search instead of the regular expression.
      for (let at = this.buffer.indexOf('\n\n'); at !== -1; at = this.buffer.indexOf('\n\n', start)) {
        if (at + 2 - start > this.maxFrameLength) throw this.tooLarge();
        frames.push(this.buffer.slice(start, at + 2));
        start = at + 2;
      }
    } else {
      BOUNDARY.lastIndex = 0;
      for (let match = BOUNDARY.exec(this.buffer); match; match = BOUNDARY.exec(this.buffer)) {
        const end = match.index + match[0].length;
        // A CR at the very end may be the first half of a CRLF still on its way.
        if (end === this.buffer.length && this.buffer.charCodeAt(end - 1) === 13) break;
        if (end - start > this.maxFrameLength) throw this.tooLarge();
        frames.push(this.buffer.slice(start, end));
        start = end;
      }
    }
    if (start > 0) this.buffer = this.buffer.slice(start);
    if (this.buffer.length > this.maxFrameLength) throw this.tooLarge();
    return frames;
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
      return Buffer.isBuffer(chunk) ? chunk.toString('utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
    }
    const text = this.decoder.decode(chunk, { stream: true });
    this.decoderClean = whole;
    return text;
  }

  private tooLarge(): GatewayError {
    this.buffer = '';
    return new GatewayError({ status: 502, code: 'upstream_response_too_large', retryable: true, message: `The upstream sent a stream event larger than ${this.maxFrameLength} bytes.` });
  }

  /** What is left at the end of the stream: an unterminated last frame, if any. */
  end(): string | undefined {
    const rest = this.buffer + this.decoder.decode();
    this.buffer = '';
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

export const SSE_DONE = 'data: [DONE]\n\n';

/** Headers of every SSE response: no caching and no transformation (compression would buffer the stream). */
export const SSE_RESPONSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
} as const;

/**
 * Relays an SSE stream in the route's own wire format as it arrives, synchronously per network
 * chunk, without parsing and re-serialising every payload. A side tap asks the route's format
 * (`PassthroughRules`) about each payload: an error, the usage (removed when the gateway asked for
 * it and the client did not), the end marker (`[DONE]`: the engine writes its own) and whether the
 * answer is complete (to tell a finished stream from a cut one).
 */
import { chatCompletions } from '../endpoints/chat-completions/index.js';
import type { OutputLog, PassthroughRules, StreamFormat } from '../endpoints/endpoint.js';
import { upstreamEmptyStream, upstreamStreamTruncated } from '../errors.js';
import type { Provider } from '../providers/types.js';
import { parseSseFrame, SseFrameSplitter, sseData } from '../sse/sse-frames.js';
import type { NormalizedUsage } from '../usage.js';
import { HeldText, relayChunks, type ChunkRelay } from './chunk-relay.js';
import { upstreamStreamError, type UpstreamErrorPolicy } from './upstream-error.js';

export interface StreamTap {
  usage?: NormalizedUsage;
  /** The JSON payloads of the stream, kept when asked (the cache stores the finished answer). */
  payloads?: string[];
  /** The log record's output, built payload by payload when asked (without keeping the payloads). */
  output?: OutputLog;
  /** The first data payload (its id and model name the request_breakdown chunk). */
  firstPayload?: string;
  /** The last data payload relayed (a numbered stream's error frame follows it). */
  lastPayload?: string;
}

export interface PassthroughOptions {
  /** Remove the usage chunk: the gateway asked for it, the client did not. */
  stripUsage: boolean;
  keepPayloads: boolean;
  /** Build the log record's output as the chunks pass (`tap.output`). */
  keepOutput?: boolean;
  /** An unfinished stream event larger than this ends the stream (`responseLimitBytes`). */
  maxEventBytes?: number;
  /** How an error inside the stream is classified (`fallbackOnStatus`, `fallbackOnAuthError`). */
  errorPolicy?: UpstreamErrorPolicy;
}

/** A frame that already ends with a blank line (a lone CR at the end was held back as a possible CRLF). */
const TERMINATED = /(?:\r\n|\n|\r(?!\n))(?:\r\n|\n|\r(?!\n))$/;

/** Relays an SSE body as an async iterable, one yield per network chunk (chat completions' format unless told). */
export function passthroughStream(
  body: AsyncIterable<Uint8Array>,
  provider: Provider,
  options: PassthroughOptions,
  tap: StreamTap,
  format: StreamFormat = chatCompletions.stream,
): AsyncGenerator<string> {
  return relayChunks(body, new PassthroughRelay(provider, options, tap, format));
}

export class PassthroughRelay implements ChunkRelay {
  failed = false;
  failure: unknown = undefined;
  private readonly splitter: SseFrameSplitter;
  /** Frames without data before the first data frame: they must not commit the response. */
  private readonly held: HeldText;
  private readonly rules: PassthroughRules;
  // The rules' per-payload tests, held on the relay (one load less per payload).
  private readonly endMarker: string | undefined;
  private readonly errorHint: string;
  private readonly usageTest: RegExp;
  private readonly completeTest: RegExp;
  private readonly contentTest: RegExp | undefined;
  private sawData = false;
  /** The first content passed: what is held goes out, and a failure no longer falls back. */
  private committed = false;
  private sawFinish = false;
  private sawDone = false;

  /** `format`: the route's (the engine always says; the default serves the tests and the bench). */
  constructor(
    private readonly provider: Provider,
    private readonly options: PassthroughOptions,
    private readonly tap: StreamTap,
    format: StreamFormat = chatCompletions.stream,
  ) {
    const rules = (this.rules = format.passthrough);
    this.endMarker = rules.endMarker;
    this.errorHint = rules.errorHint;
    this.usageTest = rules.usage;
    this.completeTest = rules.complete;
    this.contentTest = rules.content;
    this.splitter = new SseFrameSplitter(options.maxEventBytes);
    this.held = new HeldText(options.maxEventBytes);
    if (options.keepPayloads) tap.payloads = [];
    if (options.keepOutput) tap.output = format.createOutputLog();
  }

  get finished(): boolean {
    return this.sawDone;
  }

  push(chunk: Uint8Array): string {
    const committed = this.committed;
    let out = '';
    try {
      const frames = this.splitter.push(chunk);
      for (let i = 0; i < frames.length; i++) {
        out += this.relayFrame(frames[i]);
        if (this.sawDone) break;
      }
      return this.held.pass(out, this.committed);
    } catch (error) {
      this.fail(error);
      // Once the client has the first data, the frames the upstream sent before its error are its too.
      return committed ? out : '';
    }
  }

  end(): string {
    let out = '';
    const rest = this.splitter.end();
    if (rest !== undefined && !this.sawDone && (TERMINATED.test(rest) || isWholeEvent(rest, this.endMarker))) {
      try {
        const last = this.relayFrame(TERMINATED.test(rest) ? rest : `${rest}\n\n`);
        out = this.held.pass(last, this.sawData);
      } catch (error) {
        this.fail(error);
        return '';
      }
    }
    if (!this.sawData) {
      this.fail(upstreamEmptyStream(this.provider.id));
    } else if (!this.sawDone && !this.sawFinish) {
      this.fail(upstreamStreamTruncated(this.provider.id, 'it was complete'));
    }
    // A stream that failed before its first content sent nothing: it may still fall back.
    return this.failed && !this.committed ? '' : out;
  }

  close(): void {
    // The tap learns the usage as the usage chunk passes.
  }

  private fail(error: unknown): void {
    this.failed = true;
    this.failure = error;
  }

  private relayFrame(frame: string): string {
    let data: string | undefined;
    let isErrorEvent = false;
    if (frame.startsWith('data: ') && frame.indexOf('\n') === frame.length - 2) {
      data = frame.slice(6, -2);
    } else {
      const event = parseSseFrame(frame);
      data = event.data;
      isErrorEvent = event.event === 'error';
    }
    if (data === undefined) return frame;
    if (data === this.endMarker) {
      this.sawDone = true;
      return '';
    }
    if (isErrorEvent || data.includes(this.errorHint)) {
      const error = this.rules.errorIn(data, isErrorEvent);
      if (error !== undefined) throw upstreamStreamError(this.provider, error, this.options.errorPolicy);
    }
    this.sawData = true;
    if (!this.committed && (this.contentTest === undefined || this.contentTest.test(data))) this.committed = true;
    const tap = this.tap;
    tap.firstPayload ??= data;
    if (this.usageTest.test(data)) {
      const read = this.rules.readUsage(data, this.options.stripUsage, this.provider.id, tap.usage);
      tap.usage = read.usage ?? tap.usage;
      if (read.data === '') return '';
      if (read.data !== data) {
        data = read.data;
        frame = sseData(data);
      }
    }
    if (!this.sawFinish && this.completeTest.test(data)) this.sawFinish = true;
    tap.lastPayload = data;
    tap.payloads?.push(data);
    tap.output?.push(data);
    return frame;
  }
}

/**
 * Whether an event the upstream did not finish with a blank line is still whole (some servers end
 * the stream right after the last event): its data must be complete JSON. A cut event is dropped,
 * so that the client reads the truncation error frame rather than failing on broken JSON.
 */
function isWholeEvent(frame: string, endMarker: string | undefined): boolean {
  const data = parseSseFrame(frame).data;
  if (data === undefined || data === endMarker) return true;
  try {
    JSON.parse(data);
    return true;
  } catch {
    return false;
  }
}

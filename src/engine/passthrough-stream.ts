/**
 * Relays an OpenAI-format SSE stream as it arrives, synchronously per network chunk, without parsing
 * and re-serialising every chunk. A side tap looks only at the few frames that matter: an error event,
 * the usage chunk (removed when the gateway asked for it and the client did not), `[DONE]` (the
 * engine writes its own) and the finish reason (to tell a finished stream from a cut one).
 */
import { GatewayError } from '../errors.js';
import type { Provider } from '../providers/types.js';
import { parseSseFrame, SseFrameSplitter, sseData } from '../sse/sse-frames.js';
import { fromOpenAIUsage, type NormalizedUsage } from '../usage.js';
import { ChoicesAccumulator } from './accumulate-chunks.js';
import { HeldText, relayChunks, type ChunkRelay } from './chunk-relay.js';
import { upstreamStreamError, type UpstreamErrorPolicy } from './upstream-error.js';

export interface StreamTap {
  usage?: NormalizedUsage;
  /** The JSON payloads of the stream, kept when asked (the cache stores the finished answer). */
  payloads?: string[];
  /** The log record's output, built chunk by chunk when asked (without keeping the chunks). */
  output?: ChoicesAccumulator;
  /** The first data payload (its id and model name the request_breakdown chunk). */
  firstPayload?: string;
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

const USAGE = /"usage"\s*:\s*\{/;
const FINISH = /"finish_reason"\s*:\s*"/;
/** A frame that already ends with a blank line (a lone CR at the end was held back as a possible CRLF). */
const TERMINATED = /(?:\r\n|\n|\r(?!\n))(?:\r\n|\n|\r(?!\n))$/;

/** Relays an OpenAI SSE body as an async iterable, one yield per network chunk. */
export function passthroughStream(body: AsyncIterable<Uint8Array>, provider: Provider, options: PassthroughOptions, tap: StreamTap): AsyncGenerator<string> {
  return relayChunks(body, new PassthroughRelay(provider, options, tap));
}

export class PassthroughRelay implements ChunkRelay {
  failed = false;
  failure: unknown = undefined;
  private readonly splitter: SseFrameSplitter;
  /** Frames without data before the first data frame: they must not commit the response. */
  private readonly held: HeldText;
  private sawData = false;
  private sawFinish = false;
  private sawDone = false;

  constructor(
    private readonly provider: Provider,
    private readonly options: PassthroughOptions,
    private readonly tap: StreamTap,
  ) {
    this.splitter = new SseFrameSplitter(options.maxEventBytes);
    this.held = new HeldText(options.maxEventBytes);
    if (options.keepPayloads) tap.payloads = [];
    if (options.keepOutput) tap.output = new ChoicesAccumulator();
  }

  get finished(): boolean {
    return this.sawDone;
  }

  push(chunk: Uint8Array): string {
    const committed = this.sawData;
    let out = '';
    try {
      const frames = this.splitter.push(chunk);
      for (let i = 0; i < frames.length; i++) {
        out += this.relayFrame(frames[i]);
        if (this.sawDone) break;
      }
      return this.held.pass(out, this.sawData);
    } catch (error) {
      this.fail(error);
      // Once the client has the first data, the frames the upstream sent before its error are its too.
      return committed ? out : '';
    }
  }

  end(): string {
    let out = '';
    const rest = this.splitter.end();
    if (rest !== undefined && !this.sawDone && (TERMINATED.test(rest) || isWholeEvent(rest))) {
      try {
        const last = this.relayFrame(TERMINATED.test(rest) ? rest : `${rest}\n\n`);
        out = this.held.pass(last, this.sawData);
      } catch (error) {
        this.fail(error);
        return '';
      }
    }
    if (!this.sawData) {
      this.fail(new GatewayError({ status: 502, code: 'upstream_empty_stream', retryable: true, message: `Provider \`${this.provider.id}\` ended its stream without sending any data.` }));
    } else if (!this.sawDone && !this.sawFinish) {
      this.fail(new GatewayError({ status: 502, code: 'upstream_stream_truncated', retryable: true, message: `Provider \`${this.provider.id}\` ended its stream before it was complete.` }));
    }
    return out;
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
    if (data === '[DONE]') {
      this.sawDone = true;
      return '';
    }
    if (isErrorEvent || data.includes('"error"')) {
      const error = errorPayload(data);
      if (error !== undefined || isErrorEvent) throw upstreamStreamError(this.provider, error ?? { message: data }, this.options.errorPolicy);
    }
    this.sawData = true;
    const tap = this.tap;
    tap.firstPayload ??= data;
    if (USAGE.test(data)) {
      const chunk = parseChunk(data, this.provider);
      tap.usage = fromOpenAIUsage(chunk.usage) ?? tap.usage;
      if (this.options.stripUsage) {
        if (!chunk.choices?.length) return '';
        delete chunk.usage;
        data = JSON.stringify(chunk);
        frame = sseData(data);
      }
    }
    if (!this.sawFinish && FINISH.test(data)) this.sawFinish = true;
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
function isWholeEvent(frame: string): boolean {
  const data = parseSseFrame(frame).data;
  if (data === undefined || data === '[DONE]') return true;
  try {
    JSON.parse(data);
    return true;
  } catch {
    return false;
  }
}

/** A chunk the relay must read (the usage chunk); broken JSON there is the upstream's fault, not a gateway bug. */
function parseChunk(data: string, provider: Provider): { usage?: unknown; choices?: unknown[] } {
  try {
    return JSON.parse(data);
  } catch {
    throw new GatewayError({ status: 502, code: 'upstream_invalid_response', retryable: true, message: `Provider \`${provider.id}\` sent a stream chunk that is not valid JSON.` });
  }
}

function errorPayload(data: string): unknown {
  try {
    const parsed = JSON.parse(data) as Record<string, unknown>;
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed && !('choices' in parsed)) return parsed.error ?? {};
  } catch {
    // not JSON: an ordinary payload that happens to mention "error"
  }
  return undefined;
}

/**
 * Relays an OpenAI-format SSE stream as it arrives, one yield per network chunk, without parsing and
 * re-serialising every chunk. A side tap looks only at the few frames that matter: an error event,
 * the usage chunk (removed when the gateway asked for it and the client did not), `[DONE]` (the
 * engine writes its own) and the finish reason (to tell a finished stream from a cut one).
 */
import { GatewayError } from '../errors.js';
import type { Provider } from '../providers/types.js';
import { parseSseFrame, SseFrameSplitter, sseData } from '../sse/sse-frames.js';
import { fromOpenAIUsage, type NormalizedUsage } from '../usage.js';
import { upstreamStreamError } from './upstream-error.js';

export interface StreamTap {
  usage?: NormalizedUsage;
  /** The JSON payloads of the stream, kept for the log record's output when asked. */
  payloads?: string[];
  /** The first data payload (its id and model name the request_breakdown chunk). */
  firstPayload?: string;
}

export interface PassthroughOptions {
  /** Remove the usage chunk: the gateway asked for it, the client did not. */
  stripUsage: boolean;
  keepPayloads: boolean;
  /** An unfinished stream event larger than this ends the stream (`responseLimitBytes`). */
  maxEventBytes?: number;
}

const USAGE = /"usage"\s*:\s*\{/;
const FINISH = /"finish_reason"\s*:\s*"/;
/** A frame that already ends with a blank line (a lone CR at the end was held back as a possible CRLF). */
const TERMINATED = /(?:\r\n|\n|\r(?!\n))(?:\r\n|\n|\r(?!\n))$/;

export async function* passthroughStream(
  body: AsyncIterable<Uint8Array>,
  provider: Provider,
  options: PassthroughOptions,
  tap: StreamTap,
): AsyncGenerator<string> {
  const splitter = new SseFrameSplitter(options.maxEventBytes);
  if (options.keepPayloads) tap.payloads = [];
  let held = ''; // frames without data before the first data frame: they must not commit the response
  let sawData = false;
  let sawFinish = false;
  let sawDone = false;

  const relayFrame = (frame: string): string => {
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
      sawDone = true;
      return '';
    }
    if (isErrorEvent || data.includes('"error"')) {
      const error = errorPayload(data);
      if (error !== undefined || isErrorEvent) throw upstreamStreamError(provider, error ?? { message: data });
    }
    sawData = true;
    tap.firstPayload ??= data;
    if (USAGE.test(data)) {
      const chunk = parseChunk(data, provider);
      tap.usage = fromOpenAIUsage(chunk.usage) ?? tap.usage;
      if (options.stripUsage) {
        if (!chunk.choices?.length) return '';
        delete chunk.usage;
        data = JSON.stringify(chunk);
        frame = sseData(data);
      }
    }
    if (!sawFinish && FINISH.test(data)) sawFinish = true;
    tap.payloads?.push(data);
    return frame;
  };

  for await (const chunk of body) {
    if (sawDone) continue; // drain to the end so the connection can be reused
    const committed = sawData;
    let out = '';
    try {
      for (const frame of splitter.push(chunk)) {
        out += relayFrame(frame);
        if (sawDone) break;
      }
    } catch (error) {
      // Once the client has the first data, the frames the upstream sent before its error are its too.
      if (committed && out) yield out;
      throw error;
    }
    if (!sawData) {
      held += out;
    } else if (held || out) {
      yield held + out;
      held = '';
    }
  }
  const rest = splitter.end();
  if (rest !== undefined && !sawDone && (TERMINATED.test(rest) || isWholeEvent(rest))) {
    const out = relayFrame(TERMINATED.test(rest) ? rest : `${rest}\n\n`);
    if (sawData && (held || out)) yield held + out;
  }
  if (!sawData) {
    throw new GatewayError({ status: 502, code: 'upstream_empty_stream', retryable: true, message: `Provider \`${provider.id}\` ended its stream without sending any data.` });
  }
  if (!sawDone && !sawFinish) {
    throw new GatewayError({ status: 502, code: 'upstream_stream_truncated', retryable: true, message: `Provider \`${provider.id}\` ended its stream before it was complete.` });
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

/**
 * Chat completions' stream on the wire: `data:` chunks (`chat.completion.chunk`), the usage in a
 * last chunk with empty choices when asked for (`stream_options.include_usage`), a `finish_reason`
 * per choice, and `data: [DONE]` at the end.
 */
import { GatewayError } from '../../errors.js';
import { SSE_DONE, sseData } from '../../sse/sse-frames.js';
import { fromOpenAIUsage } from '../../usage.js';
import type { PassthroughRules, StreamFormat } from '../endpoint.js';
import { ChoicesAccumulator } from './accumulate-choices.js';
import { completionFromStream, completionToSse } from './cached-completion.js';

const chatPassthrough: PassthroughRules = {
  endMarker: '[DONE]',
  errorHint: '"error"',
  errorIn: (data, errorEvent) => errorPayload(data) ?? (errorEvent ? { message: data } : undefined),
  usage: /"usage"\s*:\s*\{/,
  readUsage(data, strip, providerId) {
    const chunk = parseChunk(data, providerId);
    const usage = fromOpenAIUsage(chunk.usage);
    if (!strip) return { usage, data };
    if (!chunk.choices?.length) return { usage, data: '' };
    delete chunk.usage;
    return { usage, data: JSON.stringify(chunk) };
  },
  // A stream cut after the last choice finished lacks only `[DONE]`: the answer is whole.
  complete: /"finish_reason"\s*:\s*"/,
};

export const chatStream: StreamFormat = {
  requested: (body) => body.stream === true,
  clientWantsUsage: (body) => (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true,
  askForUsage: (body) => ({ stream_options: { ...(body.stream_options as object | undefined), include_usage: true } }),
  passthrough: chatPassthrough,
  createOutputLog: () => new ChoicesAccumulator(),
  end: SSE_DONE,
  errorFrame: (error) => sseData(error.toJSON()),
  breakdownFrame(firstPayload, details) {
    let head: { id?: unknown; created?: unknown; model?: unknown } = {};
    try {
      head = firstPayload ? JSON.parse(firstPayload) : {};
    } catch {
      // keep the defaults below
    }
    return sseData({
      id: head.id ?? details.request_id,
      object: 'chat.completion.chunk',
      created: head.created ?? Math.floor(Date.now() / 1000),
      model: head.model ?? details.model,
      choices: [],
      request_breakdown: details,
    });
  },
  answerFromStream: completionFromStream,
  replay: completionToSse,
};

/** A chunk the relay must read (the usage chunk); broken JSON there is the upstream's fault, not a gateway bug. */
function parseChunk(data: string, providerId: string): { usage?: unknown; choices?: unknown[] } {
  try {
    return JSON.parse(data);
  } catch {
    throw new GatewayError({
      status: 502,
      code: 'upstream_invalid_response',
      retryable: true,
      message: `Provider \`${providerId}\` sent a stream chunk that is not valid JSON.`,
    });
  }
}

function errorPayload(data: string): unknown {
  try {
    const parsed = JSON.parse(data) as Record<string, unknown>;
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed && !('choices' in parsed))
      return parsed.error ?? {};
  } catch {
    // not JSON: an ordinary payload that happens to mention "error"
  }
  return undefined;
}

/**
 * The Messages API's stream on the wire: events named twice (an `event:` line and the payload's
 * `type`, its first field), no end marker: a stream is whole after `message_stop`. The usage is in
 * `message_start` (input) and `message_delta` (cumulative output), always sent (never stripped). An
 * `error` event is an upstream error: before the first content it retries or falls back; after it,
 * the client gets Anthropic's own `event: error` frame.
 */
import { GatewayError } from '../../errors.js';
import { parseJsonObject, sseNamedEvent } from '../../sse/sse-frames.js';
import type { PassthroughRules, StreamFormat } from '../endpoint.js';
import { anthropicErrorFrame } from './anthropic-errors.js';
import { MessagesOutput } from './messages-output.js';
import { fromMessagesUsage } from './messages-usage.js';

type Json = Record<string, any>;

const ERROR_EVENT = /^\{\s*"type"\s*:\s*"error"/;
const USAGE_EVENT = /^\{\s*"type"\s*:\s*"message_(?:start|delta)"/;
const STOP_EVENT = /^\{\s*"type"\s*:\s*"message_stop"/;

const messagesPassthrough: PassthroughRules = {
  // Code in a text delta may well say "error": only an `error` event or a payload typed so is one.
  errorHint: '"error"',
  errorIn(data, errorEvent) {
    if (!errorEvent && !ERROR_EVENT.test(data)) return undefined;
    const event = parseJsonObject(data);
    const error = event?.error as Json | undefined;
    if (error && typeof error === 'object') return { message: error.message, type: error.type, code: error.type };
    return { message: data.slice(0, 500) };
  },
  usage: USAGE_EVENT,
  readUsage(data, _strip, providerId, known) {
    const event = parseJsonObject(data);
    if (event === undefined)
      throw new GatewayError({
        status: 502,
        code: 'upstream_invalid_response',
        retryable: true,
        message: `Provider \`${providerId}\` sent a stream event that is not valid JSON.`,
      });
    const usage = event.type === 'message_start' ? event.message?.usage : event.usage;
    return { usage: fromMessagesUsage(usage, known), data };
  },
  complete: STOP_EVENT,
  // `message_start`, `ping` and a block's start are a preamble: an `overloaded_error` after them
  // still falls back. A delta, or the end of an answer without content, commits.
  content: /^\{\s*"type"\s*:\s*"(?:content_block_delta|message_delta|message_stop)"/,
};

export const messagesStream: StreamFormat = {
  requested: (body) => body.stream === true,
  // Anthropic always streams its usage, and clients read it (Claude Code's context meter).
  clientWantsUsage: () => true,
  askForUsage: () => ({}),
  passthrough: messagesPassthrough,
  createOutputLog: () => new MessagesOutput(),
  end: '',
  errorFrame: (error) => anthropicErrorFrame(error),
  // An SSE comment, after `message_stop`: Anthropic's SDKs skip comments.
  breakdownFrame: (_firstPayload, details) => `: request_breakdown ${JSON.stringify(details)}\n\n`,
  answerFromStream(payloads) {
    const output = new MessagesOutput();
    for (const payload of payloads) output.push(payload);
    return output.snapshot() ?? {};
  },
  replay: replayMessage,
};

/** A stored message as the stream Anthropic would have sent for it. */
function replayMessage(answer: Json): string {
  const content: Json[] = Array.isArray(answer.content) ? answer.content : [];
  let out = sseNamedEvent({
    type: 'message_start',
    message: { ...answer, content: [], stop_reason: null, stop_sequence: null },
  });
  out += sseNamedEvent({ type: 'ping' });
  content.forEach((block, index) => {
    const delta = (fields: Json) => sseNamedEvent({ type: 'content_block_delta', index, delta: fields });
    if (block.type === 'text') {
      out += sseNamedEvent({ type: 'content_block_start', index, content_block: { ...block, text: '' } });
      out += delta({ type: 'text_delta', text: block.text ?? '' });
    } else if (block.type === 'thinking') {
      out += sseNamedEvent({
        type: 'content_block_start',
        index,
        content_block: { ...block, thinking: '', signature: '' },
      });
      out += delta({ type: 'thinking_delta', thinking: block.thinking ?? '' });
      out += delta({ type: 'signature_delta', signature: block.signature ?? '' });
    } else if (block.type === 'tool_use') {
      out += sseNamedEvent({ type: 'content_block_start', index, content_block: { ...block, input: {} } });
      out += delta({ type: 'input_json_delta', partial_json: JSON.stringify(block.input ?? {}) });
    } else {
      out += sseNamedEvent({ type: 'content_block_start', index, content_block: block });
    }
    out += sseNamedEvent({ type: 'content_block_stop', index });
  });
  const stop: Json = { stop_reason: answer.stop_reason ?? 'end_turn', stop_sequence: answer.stop_sequence ?? null };
  if ('stop_details' in answer) stop.stop_details = answer.stop_details;
  if ('container' in answer) stop.container = answer.container;
  out += sseNamedEvent({ type: 'message_delta', delta: stop, usage: answer.usage ?? { output_tokens: 0 } });
  return out + sseNamedEvent({ type: 'message_stop' });
}

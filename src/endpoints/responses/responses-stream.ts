/**
 * The Responses API's stream on the wire: every event named twice (an `event:` line and the
 * payload's `type`, its first field) and numbered (`sequence_number`); no `[DONE]`: the stream ends
 * with one terminal event, `response.completed`, `response.incomplete` or `response.failed`, whose
 * `response` is the final snapshot and holds the usage (always sent: nothing to ask for or strip).
 * An `error` event or `response.failed` is an upstream error.
 */
import { GatewayError } from '../../errors.js';
import { parseJsonObject, sseNamedEvent } from '../../sse/sse-frames.js';
import type { PassthroughRules, StreamFormat } from '../endpoint.js';
import { ResponsesOutput } from './responses-output.js';
import { fromResponsesUsage } from './responses-usage.js';

type Json = Record<string, any>;

/** The events that end a stream with an answer (whole, or cut by `max_output_tokens` or a filter). */
const TERMINAL = /^\{\s*"type"\s*:\s*"response\.(?:completed|incomplete)"/;
const FAILED = /^\{\s*"type"\s*:\s*"(?:error|response\.failed)"/;

const responsesPassthrough: PassthroughRules = {
  // Snapshots carry `"error":null`, deltas do not: only the few snapshots, and real errors, are read.
  errorHint: '"error"',
  errorIn(data, errorEvent) {
    if (!errorEvent && !FAILED.test(data)) return undefined;
    const event = parseJsonObject(data);
    if (event?.type === 'response.failed') return event.response?.error ?? { message: 'The response failed.' };
    if (event?.type === 'error') return { message: event.message, code: event.code, param: event.param };
    return errorEvent ? { message: data } : undefined;
  },
  usage: TERMINAL,
  // The usage is part of the final snapshot the client reads: never stripped.
  readUsage(data, _strip, providerId) {
    const event = parseJsonObject(data);
    if (event === undefined)
      throw new GatewayError({
        status: 502,
        code: 'upstream_invalid_response',
        retryable: true,
        message: `Provider \`${providerId}\` sent a stream event that is not valid JSON.`,
      });
    return { usage: fromResponsesUsage(event.response?.usage), data };
  },
  complete: TERMINAL,
};

export const responsesStream: StreamFormat = {
  requested: (body) => body.stream === true,
  clientWantsUsage: () => true,
  askForUsage: () => ({}),
  passthrough: responsesPassthrough,
  createOutputLog: () => new ResponsesOutput(),
  end: '',
  // The Responses API's own `error` event, numbered after the last event the client had.
  errorFrame: (error, lastPayload) =>
    sseNamedEvent({
      type: 'error',
      code: error.code ?? null,
      message: error.message,
      param: error.param ?? null,
      sequence_number: nextSequence(lastPayload),
    }),
  // An SSE comment: the openai SDK's stream accumulator throws on an event type it does not know,
  // and the terminal event has gone to the client already. Readers of the raw stream find it last.
  breakdownFrame: (_firstPayload, details) => `: request_breakdown ${JSON.stringify(details)}\n\n`,
  // The terminal event's snapshot is the whole answer.
  answerFromStream: (payloads) => (parseJsonObject(payloads.at(-1) ?? '')?.response as Json | undefined) ?? {},
  replay(answer) {
    let sequence = 0;
    const next = (fields: Json & { type: string }) => sseNamedEvent({ ...fields, sequence_number: sequence++ });
    let out = next({ type: 'response.created', response: { ...answer, status: 'in_progress', output: [] } });
    const output = Array.isArray(answer.output) ? (answer.output as unknown[]) : [];
    output.forEach((item, index) => {
      out += next({ type: 'response.output_item.added', output_index: index, item });
      out += next({ type: 'response.output_item.done', output_index: index, item });
    });
    const terminal = answer.status === 'incomplete' ? 'response.incomplete' : 'response.completed';
    return out + next({ type: terminal, response: answer });
  },
};

const SEQUENCE = /"sequence_number"\s*:\s*(\d+)/;

/** The number after the last event's (0 when there was none, or it had no number). */
function nextSequence(lastPayload: string | undefined): number {
  const match = lastPayload === undefined ? null : SEQUENCE.exec(lastPayload);
  return match ? Number(match[1]) + 1 : 0;
}

/**
 * Anthropic errors: `{ "type": "error", "error": { "type", "message" }, "request_id" }`, as an HTTP
 * error body or as an `error` event inside a 200 stream (where `overloaded_error` is the usual one).
 */
import { UpstreamErrorEvent } from '../kit/upstream-error-event.js';
import type { UpstreamErrorInfo } from '../types.js';
import type { AnthropicErrorObject } from './anthropic-types.js';
import { ANTHROPIC_ERROR_STATUS } from '../../util/anthropic-error-types.js';

/** Reads an HTTP error body; the engine maps the status (529 and 5xx retryable, 429 with retry-after). */
export function parseAnthropicError(status: number, bodyText: string): UpstreamErrorInfo {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return { message: `HTTP ${status} from Anthropic.` };
  }
  const error = readError((parsed as { error?: unknown } | null)?.error);
  if (!error) return { message: `HTTP ${status} from Anthropic.` };
  return { message: error.message, code: error.type, type: error.type, param: null };
}

/**
 * An `error` event in a stream, described for the engine, which classifies it as the HTTP error of
 * its type (before the first content an `overloaded_error` then falls back like an HTTP 529; after
 * it, the client gets an OpenAI error frame).
 */
export function anthropicErrorEvent(error: unknown): UpstreamErrorEvent {
  const info = readError(error) ?? { type: 'api_error', message: 'unknown error' };
  // The type is upstream text: an own entry of the table only (the engine scrubs it before it becomes the code).
  // A type not listed is a failure on Anthropic's side.
  const status = Object.hasOwn(ANTHROPIC_ERROR_STATUS, info.type) ? ANTHROPIC_ERROR_STATUS[info.type] : 500;
  return new UpstreamErrorEvent({ status, message: `${info.type}: ${info.message}`, code: info.type, type: info.type });
}

function readError(value: unknown): AnthropicErrorObject | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { type, message } = value as Record<string, unknown>;
  if (typeof type !== 'string' && typeof message !== 'string') return undefined;
  return {
    type: typeof type === 'string' ? type : 'api_error',
    message: typeof message === 'string' ? message : 'unknown error',
  };
}

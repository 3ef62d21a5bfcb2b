/**
 * Errors on the Anthropic route, in Anthropic's shape (https://docs.anthropic.com/en/api/errors):
 * `{"type":"error","error":{"type","message"}}` as a body, and as an `event: error` frame once a
 * stream has started. The type follows the status as Anthropic's does; an upstream Anthropic error's
 * own type (the gateway keeps it as the code) wins, so `overloaded_error` stays one.
 */
import type { GatewayError } from '../../errors.js';
import type { ErrorShape } from '../endpoint.js';
import { ANTHROPIC_ERROR_STATUS } from '../../util/anthropic-error-types.js';

/** The Anthropic error type for a gateway error. */
export function anthropicErrorType(error: GatewayError): string {
  if (typeof error.code === 'string' && Object.hasOwn(ANTHROPIC_ERROR_STATUS, error.code)) return error.code;
  const status = error.status;
  if (status === 401) return 'authentication_error';
  if (status === 402) return 'billing_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 503 || status === 529) return 'overloaded_error';
  if (status === 504 || status === 408) return 'timeout_error';
  if (status >= 400 && status < 500) return 'invalid_request_error';
  return 'api_error';
}

/** The error body; `requestId` as Anthropic's `request_id` (an error response has one, an `error` event none). */
export function anthropicErrorBody(error: GatewayError, requestId?: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    type: 'error',
    error: { type: anthropicErrorType(error), message: error.message },
  };
  if (requestId !== undefined) body.request_id = requestId;
  return body;
}

export const anthropicErrors: ErrorShape = { body: anthropicErrorBody };

/** The in-stream error: Anthropic's `error` event. */
export function anthropicErrorFrame(error: GatewayError): string {
  return `event: error\ndata: ${JSON.stringify(anthropicErrorBody(error))}\n\n`;
}

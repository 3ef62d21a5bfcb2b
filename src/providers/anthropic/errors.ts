/**
 * Anthropic errors: `{ "type": "error", "error": { "type", "message" }, "request_id" }`, as an HTTP
 * error body or as an `error` event inside a 200 stream (where `overloaded_error` is the usual one).
 */
import { GatewayError } from '../../errors.js';
import { scrubIdentifier, scrubSecrets } from '../kit/scrub-secrets.js';
import type { UpstreamErrorInfo } from '../types.js';
import type { AnthropicErrorObject } from './anthropic-types.js';

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

/** What each in-stream error type means for the client and for the attempt loop. */
interface StreamErrorKind {
  status: number;
  upstreamStatus: number;
  retryable: boolean;
  fallback?: boolean;
}

const STREAM_ERRORS: Readonly<Record<string, StreamErrorKind>> = {
  overloaded_error: { status: 502, upstreamStatus: 529, retryable: true },
  api_error: { status: 502, upstreamStatus: 500, retryable: true },
  timeout_error: { status: 504, upstreamStatus: 504, retryable: true },
  rate_limit_error: { status: 429, upstreamStatus: 429, retryable: true },
  // Our own key or account: the caller is not at fault, another provider may serve.
  authentication_error: { status: 502, upstreamStatus: 401, retryable: false, fallback: true },
  permission_error: { status: 502, upstreamStatus: 403, retryable: false, fallback: true },
  billing_error: { status: 502, upstreamStatus: 402, retryable: false, fallback: true },
  invalid_request_error: { status: 400, upstreamStatus: 400, retryable: false },
  not_found_error: { status: 404, upstreamStatus: 404, retryable: false },
  request_too_large: { status: 413, upstreamStatus: 413, retryable: false },
};

/**
 * An `error` event in a stream. Thrown from the translator: before the first content the engine
 * still falls back invisibly (an `overloaded_error` then behaves like an HTTP 529); after it, the
 * client gets an OpenAI error frame.
 */
export function anthropicStreamError(providerId: string, error: unknown, secrets: readonly string[]): GatewayError {
  const info = readError(error) ?? { type: 'api_error', message: 'unknown error' };
  // The type is upstream text: an own entry of the table, and scrubbed before it becomes the code.
  const kind = Object.hasOwn(STREAM_ERRORS, info.type) ? STREAM_ERRORS[info.type] : STREAM_ERRORS.api_error;
  const type = scrubIdentifier(info.type, secrets) ?? 'api_error';
  return new GatewayError({
    status: kind.status,
    code: type,
    retryable: kind.retryable,
    fallback: kind.fallback,
    upstreamStatus: kind.upstreamStatus,
    message: `Provider \`${providerId}\` sent an error in its stream (${type}): ${scrubSecrets(info.message, secrets)}`,
  });
}

function readError(value: unknown): AnthropicErrorObject | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { type, message } = value as Record<string, unknown>;
  if (typeof type !== 'string' && typeof message !== 'string') return undefined;
  return { type: typeof type === 'string' ? type : 'api_error', message: typeof message === 'string' ? message : 'unknown error' };
}

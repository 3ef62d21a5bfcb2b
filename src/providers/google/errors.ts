/**
 * Google API errors (`google.rpc.Status`: `{ error: { code, message, status, details } }`, see
 * https://ai.google.dev/gemini-api/docs/troubleshooting and https://cloud.google.com/apis/design/errors)
 * read for the engine, which turns them into OpenAI-shaped errors with the right status:
 *
 * - an invalid API key comes as 400 `INVALID_ARGUMENT` with `ErrorInfo.reason: API_KEY_INVALID`:
 *   reported as 401 so that the engine treats it as the gateway's own credentials (502, fallback);
 * - `RetryInfo.retryDelay` ("34.4s") is the only wait hint Gemini gives on 429: read as `retryAfterMs`;
 * - the streaming endpoint may wrap the status in an array, and may send one inside a 200 stream,
 *   described with its `code` (the HTTP status it stands for) for the engine to classify.
 */
import { GatewayError } from '../../errors.js';
import { UpstreamErrorEvent } from '../kit/upstream-error-event.js';
import type { UpstreamErrorInfo } from '../types.js';
import type { GeminiStatus } from './gemini-types.js';

const KEY_REASONS = new Set([
  'API_KEY_INVALID',
  'API_KEY_EXPIRED',
  'API_KEY_SERVICE_BLOCKED',
  'API_KEY_HTTP_REFERRER_BLOCKED',
  'API_KEY_IP_ADDRESS_BLOCKED',
]);

export function parseGeminiError(status: number, bodyText: string): UpstreamErrorInfo {
  const error = readStatus(bodyText);
  if (!error) return { message: `HTTP ${status} from the upstream.` };
  return describeStatus(error, `HTTP ${status} from the upstream.`);
}

/** An error object inside a 200 stream, described for the engine with the HTTP status it carries. */
export function geminiErrorEvent(error: GeminiStatus): UpstreamErrorEvent {
  const info = describeStatus(error, 'unknown error');
  const code = typeof error.code === 'number' && error.code >= 400 && error.code <= 599 ? error.code : 500;
  return new UpstreamErrorEvent({ ...info, status: info.status ?? code });
}

function describeStatus(error: GeminiStatus, noMessage: string): UpstreamErrorInfo {
  const info: UpstreamErrorInfo = {
    message: typeof error.message === 'string' && error.message ? error.message : noMessage,
    code: codeOf(error),
    type: null,
  };
  const retryAfterMs = retryDelayOf(error);
  if (retryAfterMs !== undefined) info.retryAfterMs = retryAfterMs;
  if (errorReasons(error).some((reason) => KEY_REASONS.has(reason))) info.status = 401;
  return info;
}

/**
 * A candidate that ended in MALFORMED_FUNCTION_CALL with nothing else to show: the model failed,
 * not the request (retryable; another attempt usually succeeds).
 */
export function malformedFunctionCall(providerId: string): GatewayError {
  return new GatewayError({
    status: 502,
    code: 'upstream_malformed_function_call',
    retryable: true,
    message: `Provider \`${providerId}\` produced a malformed function call and nothing else (finishReason MALFORMED_FUNCTION_CALL).`,
  });
}

function readStatus(bodyText: string): GeminiStatus | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  if (Array.isArray(parsed)) parsed = parsed[0];
  const error = (parsed as { error?: unknown } | null)?.error;
  return typeof error === 'object' && error !== null ? (error as GeminiStatus) : undefined;
}

/** `NOT_FOUND` for a model is OpenAI's `model_not_found`; other statuses keep their name in lower case. */
function codeOf(error: GeminiStatus): string | null {
  if (typeof error.status !== 'string' || !error.status) return null;
  if (error.status === 'NOT_FOUND' && typeof error.message === 'string' && error.message.includes('models/'))
    return 'model_not_found';
  return error.status.toLowerCase();
}

function errorReasons(error: GeminiStatus): string[] {
  const reasons: string[] = [];
  for (const detail of Array.isArray(error.details) ? error.details : []) {
    if (typeof detail?.reason === 'string') reasons.push(detail.reason);
  }
  return reasons;
}

/** `google.rpc.RetryInfo.retryDelay` is a protobuf Duration in JSON: decimal seconds with an `s`. */
function retryDelayOf(error: GeminiStatus): number | undefined {
  for (const detail of Array.isArray(error.details) ? error.details : []) {
    const delay = detail?.retryDelay;
    if (typeof delay === 'string' && /^\d+(\.\d+)?s$/.test(delay)) return Math.round(Number.parseFloat(delay) * 1000);
  }
  return undefined;
}

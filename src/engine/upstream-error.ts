/**
 * Turns an upstream error — an HTTP error, or an error inside a 200 stream or body — into the
 * GatewayError the client sees (DESIGN.md §5): what may be retried or fall back, which status to
 * answer, and a message that names the provider but never carries a key or a raw upstream body.
 * Providers only describe an error (UpstreamErrorInfo); the decision is made here, once.
 */
import { GatewayError } from '../errors.js';
import { scrubErrorFields } from '../providers/kit/scrub-secrets.js';
import type { UpstreamErrorEvent } from '../providers/kit/upstream-error-event.js';
import type { Provider, UpstreamErrorInfo } from '../providers/types.js';
import { parseRetryAfter } from './backoff.js';

export interface UpstreamErrorPolicy {
  fallbackOnStatus: ReadonlySet<number>;
  fallbackOnAuthError: boolean;
}

/** An upstream error as the engine receives it: what the provider read, and how it arrived. */
export interface UpstreamFailure {
  /** The provider's description, not yet scrubbed. */
  info: UpstreamErrorInfo;
  /** The HTTP status the upstream answered: the error's own, or 200 when the error came inside a success. */
  httpStatus: number;
  headers?: Record<string, string | string[] | undefined>;
  /** The error was an event of a stream (rather than a status line or a body). */
  inStream?: boolean;
}

/** The gateway's defaults for the policy, for callers that have none of their own (tests). */
const DEFAULT_POLICY: UpstreamErrorPolicy = { fallbackOnStatus: new Set(), fallbackOnAuthError: true };

export function upstreamHttpError(
  provider: Provider,
  upstreamStatus: number,
  headers: Record<string, string | string[] | undefined>,
  bodyText: string,
  policy: UpstreamErrorPolicy,
): GatewayError {
  return classifyUpstreamError(
    provider,
    { info: provider.parseError(upstreamStatus, bodyText, headers), httpStatus: upstreamStatus, headers },
    policy,
  );
}

/** An error event a provider's decoder or translator threw: classified as an HTTP error of the status it stands for. */
export function upstreamEventError(
  provider: Provider,
  event: UpstreamErrorEvent,
  policy: UpstreamErrorPolicy = DEFAULT_POLICY,
): GatewayError {
  return classifyUpstreamError(provider, { info: event.info, httpStatus: 200, inStream: true }, policy);
}

/**
 * An OpenAI-shaped error object inside a 200 answer: an `error` event of a relayed stream, or an
 * `{ "error": ... }` body. It names no status, so it is classified as a failure on the upstream's side.
 */
export function upstreamStreamError(
  provider: Provider,
  error: unknown,
  policy: UpstreamErrorPolicy = DEFAULT_POLICY,
  inStream = true,
): GatewayError {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const info: UpstreamErrorInfo = {
    message: typeof fields.message === 'string' ? fields.message : 'unknown error',
    code: typeof fields.code === 'string' ? fields.code : null,
    type: typeof fields.type === 'string' ? fields.type : null,
    param: typeof fields.param === 'string' ? fields.param : null,
  };
  return classifyUpstreamError(provider, { info, httpStatus: 200, inStream }, policy);
}

/**
 * The one classification of upstream errors (DESIGN.md §5), for HTTP errors and in-stream errors
 * alike: what may be retried or fall back, which status and code the client sees, and a message
 * that names the provider but never carries a key.
 */
export function classifyUpstreamError(
  provider: Provider,
  failure: UpstreamFailure,
  policy: UpstreamErrorPolicy,
): GatewayError {
  const { httpStatus, headers = {} } = failure;
  // Everything the provider read is upstream text: scrubbed and bounded before any use.
  const info = scrubErrorFields(failure.info, provider.secrets);
  // An error inside a 2xx answer: an event of a stream, or an error body.
  const inAnswer = httpStatus < 300;
  // A provider may say what the error really is (Gemini answers a refused key with a 400); an error
  // inside an answer stands for the status its provider gave it, or for a failure on the upstream's side.
  const status = info.status ?? (inAnswer ? 500 : httpStatus);
  // What the attempt records: the status line, or for an error inside an answer the status it stands
  // for when the provider named one (an overloaded_error event is a 529, as over HTTP).
  const upstreamStatus = inAnswer ? (info.status ?? httpStatus) : httpStatus;
  const where = `Provider \`${provider.id}\``;
  const said = inAnswer
    ? `an error like HTTP ${status} in its ${failure.inStream ? 'stream' : 'response'}`
    : `HTTP ${httpStatus}`;
  if ((status === 401 || status === 403) && provider.credentials === 'caller') {
    // The key came with the request: the caller is at fault, and the operator's keys must not stand in.
    return new GatewayError({
      status: 401,
      code: 'invalid_customer_credentials',
      param: 'customer_credentials',
      upstreamStatus,
      message: `${where} rejected the key sent in customer_credentials or credential_override (${said}).`,
    });
  }
  if (status === 401 || status === 403) {
    // The caller is not at fault: the gateway's own credentials were refused.
    return new GatewayError({
      status: 502,
      code: 'upstream_auth_error',
      upstreamStatus,
      fallback: policy.fallbackOnAuthError,
      message: `${where} rejected the gateway's credentials (${said}). Check its apiKey in the gateway options.`,
    });
  }
  const message = inAnswer
    ? `${where} sent an error in its ${failure.inStream ? 'stream' : 'response'}: ${info.message}`
    : `${where} answered HTTP ${httpStatus}: ${info.message}`;
  // An upstream's own code passes through (scrubbed); without one, the gateway's name for the condition.
  const fallbackCode = inAnswer ? 'upstream_stream_error' : 'upstream_error';
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(headers) ?? info.retryAfterMs;
    return new GatewayError({
      status: 429,
      code: info.code ?? 'rate_limit_exceeded',
      retryable: true,
      upstreamStatus,
      message,
      retryAfterMs,
      headers: retryAfterMs === undefined ? {} : { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) },
    });
  }
  if (status === 408 || status === 409 || status >= 500 || info.serverFault) {
    return new GatewayError({
      status: status === 408 ? 504 : status === 409 ? 409 : 502,
      code: status === 408 ? 'upstream_timeout' : (info.code ?? fallbackCode),
      retryable: true,
      upstreamStatus,
      retryAfterMs: parseRetryAfter(headers) ?? info.retryAfterMs,
      message,
    });
  }
  return new GatewayError({
    status: status >= 400 && status < 500 ? status : 502,
    code: info.code ?? fallbackCode,
    param: info.param ?? null,
    fallback: policy.fallbackOnStatus.has(status),
    upstreamStatus,
    message,
  });
}

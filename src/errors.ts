/**
 * The one error type of modelgate. Every expected failure becomes a `GatewayError`, which knows its
 * HTTP status, its OpenAI error `type`/`code`, whether another attempt may help, and how to print
 * itself in OpenAI's `{ "error": { message, type, param, code } }` shape.
 */
const MARKER = Symbol.for('modelgate.GatewayError');

export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'insufficient_quota'
  | 'timeout_error'
  | 'api_error';

/**
 * Every code the gateway itself puts in an error, one stable name per condition (undici's errors
 * are the model: a class of failure, a code that never changes). Grouped by who is at fault.
 */
export const ERROR_CODES = [
  // The request: malformed, too large, too slow, or asking for what cannot be served.
  'invalid_request',
  'invalid_json',
  'invalid_body',
  'missing_body',
  'missing_model',
  'invalid_model',
  'invalid_model_name',
  'invalid_parameter_name',
  'invalid_gateway_parameter',
  'unknown_gateway_parameter',
  'invalid_tool_arguments',
  'nesting_too_deep',
  'request_too_large',
  'request_body_timeout',
  'request_timeout',
  'method_not_allowed',
  'unknown_url',
  'passthrough_not_configured',
  'organization_not_allowed',
  'response_not_found',
  'previous_response_not_found',
  'response_not_cancellable',
  'unsupported_media_type',
  'unsupported_content_encoding',
  // A provider cannot do what the request asks (refused with a 400 that names it; another model may).
  'unsupported_parameter',
  'unsupported_operation',
  'unsupported_model',
  'unsupported_content',
  'unsupported_input',
  'unsupported_tool',
  'unsupported_image_url',
  'unsupported_image_format',
  'unsupported_file_id',
  'unsupported_file_type',
  // The caller's credentials and limits.
  'missing_api_key',
  'invalid_api_key',
  'forbidden',
  'invalid_customer_credentials',
  'customer_credentials_not_allowed',
  'customer_rate_limit_exceeded',
  'insufficient_quota',
  // The admin API (docs/dashboard.md).
  'invalid_admin_key',
  'log_record_not_found',
  'log_store_unavailable',
  // Routing.
  'model_not_found',
  'model_cannot_serve_request',
  'load_balance_group_not_found',
  'no_model_available',
  'empty_chain',
  // The upstream, as the gateway classifies it (an upstream's own code passes through when it has one).
  'provider_not_configured',
  'upstream_auth_error',
  'upstream_connection_error',
  'upstream_timeout',
  'upstream_error',
  'upstream_stream_error',
  'upstream_stream_truncated',
  'upstream_empty_stream',
  'upstream_invalid_response',
  'upstream_invalid_stream',
  'upstream_malformed_function_call',
  'upstream_response_too_large',
  'rate_limit_exceeded',
  'service_unavailable',
  'model_not_ready',
  'model_error',
  'model_stream_error',
  // The gateway itself.
  'store_unavailable',
  'gateway_closed',
  'client_closed_request',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface GatewayErrorInit {
  status: number;
  message: string;
  type?: OpenAIErrorType;
  /**
   * One of the gateway's own codes (`ErrorCode`), or a code that is not the gateway's: an upstream's
   * own (passed through, scrubbed, by the engine's classification) or one a host's hook chose.
   */
  code?: ErrorCode | (string & {}) | null;
  param?: string | null;
  /** The same target may succeed if tried again (429, 5xx, timeouts, connection errors). */
  retryable?: boolean;
  /** Another target may succeed (defaults to `retryable`); e.g. a provider with no key configured. */
  fallback?: boolean;
  /** Response headers that belong to this error, such as `retry-after`. */
  headers?: Record<string, string>;
  /** Milliseconds the upstream asked us to wait before trying again. */
  retryAfterMs?: number;
  /** The upstream's own HTTP status, when the error came from an upstream response. */
  upstreamStatus?: number;
  cause?: unknown;
}

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export class GatewayError extends Error {
  readonly [MARKER] = true;
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly code: ErrorCode | (string & {}) | null;
  readonly param: string | null;
  readonly retryable: boolean;
  readonly fallback: boolean;
  readonly headers: Record<string, string>;
  readonly retryAfterMs: number | undefined;
  readonly upstreamStatus: number | undefined;

  constructor(init: GatewayErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'GatewayError';
    this.status = init.status;
    this.type = init.type ?? typeForStatus(init.status);
    this.code = init.code ?? null;
    this.param = init.param ?? null;
    this.retryable = init.retryable ?? false;
    this.fallback = init.fallback ?? this.retryable;
    this.headers = init.headers ?? {};
    this.retryAfterMs = init.retryAfterMs;
    this.upstreamStatus = init.upstreamStatus;
  }

  /** Works across duplicated bundles, unlike `instanceof`. */
  static isInstance(value: unknown): value is GatewayError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }

  toJSON(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

function typeForStatus(status: number): OpenAIErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 408 || status === 504) return 'timeout_error';
  if (status >= 400 && status < 500) return 'invalid_request_error';
  return 'api_error';
}

/** A `createGateway` option is wrong: thrown at start-up, with a message naming each offending path. */
export class GatewayConfigError extends Error {
  override name = 'GatewayConfigError';
}

export function invalidRequest(
  message: string,
  param: string | null = null,
  code: ErrorCode = 'invalid_request',
): GatewayError {
  return new GatewayError({ status: 400, message, param, code });
}

/** The codes of what a provider cannot do (the 415s of the request's own encoding are not among them). */
export type UnsupportedCode = Exclude<
  Extract<ErrorCode, `unsupported_${string}`>,
  'unsupported_media_type' | 'unsupported_content_encoding'
>;

/**
 * A provider cannot do what the request asks (a parameter under `strictParams`, an operation, a
 * kind of content): a 400 that names it. Another model of the chain may well do it, so it falls
 * back when there is one (the Vercel AI SDK's `UnsupportedFunctionalityError` plays this part).
 */
export function unsupported(code: UnsupportedCode, message: string, param: string | null = null): GatewayError {
  return new GatewayError({ status: 400, code, param, fallback: true, message });
}

/** A provider has no credentials to call its upstream: the caller is not at fault, another provider may serve. */
export function providerNotConfigured(providerId: string, missing = 'API key'): GatewayError {
  return new GatewayError({
    status: 502,
    code: 'provider_not_configured',
    fallback: true,
    message: `Provider \`${providerId}\` has no ${missing} configured.`,
  });
}

/** The upstream answered 2xx with a body the gateway cannot read: retryable, it may do better next time. */
export function upstreamInvalidResponse(message: string, upstreamStatus?: number): GatewayError {
  return new GatewayError({ status: 502, code: 'upstream_invalid_response', retryable: true, upstreamStatus, message });
}

/** A stream whose framing or events the gateway cannot read. */
export function upstreamInvalidStream(message: string, cause?: unknown): GatewayError {
  return new GatewayError({ status: 502, code: 'upstream_invalid_stream', retryable: true, message, cause });
}

/** A stream that ended before the answer did (`before` says what was missing): one code for every provider. */
export function upstreamStreamTruncated(providerId: string, before: string): GatewayError {
  return new GatewayError({
    status: 502,
    code: 'upstream_stream_truncated',
    retryable: true,
    message: `Provider \`${providerId}\` ended its stream before ${before}.`,
  });
}

/** A stream that ended without a single event of data. */
export function upstreamEmptyStream(providerId: string): GatewayError {
  return new GatewayError({
    status: 502,
    code: 'upstream_empty_stream',
    retryable: true,
    message: `Provider \`${providerId}\` ended its stream without sending any data.`,
  });
}

export function modelNotFound(model: string, hint: string, param = 'model'): GatewayError {
  return new GatewayError({
    status: 404,
    type: 'invalid_request_error',
    code: 'model_not_found',
    param,
    message: `The model \`${quoted(model)}\` is not available in this gateway. ${hint}`,
  });
}

/** An unexpected failure (a bug) turned into a response that reveals nothing internal. */
export function internalError(cause: unknown): GatewayError {
  return new GatewayError({ status: 500, code: 'internal_error', message: 'Internal gateway error.', cause });
}

/**
 * The upstream sent more than the gateway buffers (`responseLimitBytes`): a retryable 502 naming
 * the limit, so that an operator sees which option to raise.
 */
export function upstreamTooLarge(what: string, limitBytes: number): GatewayError {
  return new GatewayError({
    status: 502,
    code: 'upstream_response_too_large',
    retryable: true,
    message: `The upstream sent ${what} over the limit of ${limitBytes} bytes (responseLimitBytes).`,
  });
}

/** The client went away before the response was complete (logged as aborted, status 499). */
export function clientClosed(): GatewayError {
  return new GatewayError({ status: 499, code: 'client_closed_request', message: 'The client closed the request.' });
}

/** The caller's text, cut to `max` characters, for a message or a param name that quotes it. */
export function quoted(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function toGatewayError(error: unknown): GatewayError {
  return GatewayError.isInstance(error) ? error : internalError(error);
}

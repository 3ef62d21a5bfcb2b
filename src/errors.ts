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

export interface GatewayErrorInit {
  status: number;
  message: string;
  type?: OpenAIErrorType;
  code?: string | null;
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
  readonly code: string | null;
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

export function invalidRequest(message: string, param: string | null = null, code = 'invalid_request'): GatewayError {
  return new GatewayError({ status: 400, message, param, code });
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

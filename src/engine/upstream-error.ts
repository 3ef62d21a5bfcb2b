/**
 * Turns an upstream HTTP error into the GatewayError the client sees (DESIGN.md §5): what may be
 * retried or fall back, which status to answer, and a message that names the provider but never
 * carries a key or a raw upstream body.
 */
import { GatewayError } from '../errors.js';
import { scrubErrorFields, scrubIdentifier, scrubSecrets } from '../providers/kit/scrub-secrets.js';
import type { Provider } from '../providers/types.js';
import { parseRetryAfter } from './backoff.js';

export interface UpstreamErrorPolicy {
  fallbackOnStatus: ReadonlySet<number>;
  fallbackOnAuthError: boolean;
}

export function upstreamHttpError(
  provider: Provider,
  upstreamStatus: number,
  headers: Record<string, string | string[] | undefined>,
  bodyText: string,
  policy: UpstreamErrorPolicy,
): GatewayError {
  // Everything the provider read from the body is upstream text: scrubbed and bounded before any use.
  const info = scrubErrorFields(provider.parseError(upstreamStatus, bodyText, headers), provider.secrets);
  // A provider may say what the error really is (Gemini answers a refused key with a 400).
  const status = info.status ?? upstreamStatus;
  const where = `Provider \`${provider.id}\``;
  if ((status === 401 || status === 403) && provider.credentials === 'caller') {
    // The key came with the request: the caller is at fault, and the operator's keys must not stand in.
    return new GatewayError({
      status: 401,
      code: 'invalid_customer_credentials',
      param: 'customer_credentials',
      upstreamStatus,
      message: `${where} rejected the key sent in customer_credentials or credential_override (HTTP ${upstreamStatus}).`,
    });
  }
  if (status === 401 || status === 403) {
    // The caller is not at fault: the gateway's own credentials were refused.
    return new GatewayError({
      status: 502,
      code: 'upstream_auth_error',
      upstreamStatus,
      fallback: policy.fallbackOnAuthError,
      message: `${where} rejected the gateway's credentials (HTTP ${upstreamStatus}). Check its apiKey in the gateway options.`,
    });
  }
  const message = `${where} answered HTTP ${upstreamStatus}: ${info.message}`;
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
      code: status === 408 ? 'upstream_timeout' : info.code ?? 'upstream_error',
      retryable: true,
      upstreamStatus,
      retryAfterMs: parseRetryAfter(headers) ?? info.retryAfterMs,
      message,
    });
  }
  return new GatewayError({
    status: status >= 400 && status < 500 ? status : 502,
    code: info.code ?? 'upstream_error',
    param: info.param ?? null,
    fallback: policy.fallbackOnStatus.has(status),
    upstreamStatus,
    message,
  });
}

/** An error event inside a 200 stream, before or after the first chunk. */
export function upstreamStreamError(provider: Provider, error: unknown): GatewayError {
  const info = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const text = typeof info.message === 'string' ? info.message : 'unknown error';
  return new GatewayError({
    status: 502,
    code: scrubIdentifier(info.code, provider.secrets) ?? 'upstream_stream_error',
    retryable: true,
    upstreamStatus: 200,
    message: `Provider \`${provider.id}\` sent an error in its stream: ${scrubSecrets(text, provider.secrets)}`,
  });
}

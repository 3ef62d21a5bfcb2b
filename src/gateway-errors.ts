/**
 * The gateway's own error responses: a `GatewayError` in its route's shape (`ErrorShape`, else
 * OpenAI's), with the headers every error carries, and the errors of the intake itself (a path
 * outside the mount or unknown, a wrong method, a closed gateway).
 */
import type { JsonResponse } from './contract.js';
import { SERVED_ROUTES, type ErrorShape } from './endpoints/index.js';
import { countTries } from './engine/served-headers.js';
import { GatewayError } from './errors.js';
import type { RequestLog } from './logging/request-log.js';

export function closedMidway(): GatewayError {
  return new GatewayError({
    status: 503,
    code: 'gateway_closed',
    message: 'The gateway was closed (gateway.close()) before this request finished.',
  });
}

export function errorResponse(error: GatewayError, log: RequestLog, shape: ErrorShape | undefined): JsonResponse {
  const headers: Record<string, string> = {
    ...error.headers,
    'x-request-id': log.id,
    'x-should-retry': String(invitesRetry(error)),
  };
  const tries = countTries(log.record);
  if (tries) headers['x-modelgate-attempts'] = String(tries);
  return { kind: 'json', status: error.status, headers, body: shape ? shape.body(error, log.id) : error.toJSON() };
}

/**
 * After an upstream failure the gateway already retried and fell back: an SDK retrying on top would
 * multiply the wait (an upstream's `retry-after` is passed on as information). The gateway's own
 * short-lived refusals that name a wait (its store briefly unavailable, a customer's rate limit) are
 * worth retrying after it, and say so.
 */
function invitesRetry(error: GatewayError): boolean {
  return error.upstreamStatus === undefined && error.headers['retry-after'] !== undefined;
}

export function outsideMount(path: string, mount: string): GatewayError {
  const shown = path.split('?')[0].slice(0, 200);
  return new GatewayError({
    status: 404,
    code: 'unknown_url',
    message: `Unknown path \`${shown}\`: this gateway is mounted at ${mount.slice(0, 200)}; send requests to ${mount.slice(0, 200)}/chat/completions and the like.`,
  });
}

export function unknownPath(path: string): GatewayError {
  return new GatewayError({
    status: 404,
    code: 'unknown_url',
    message: `Unknown path \`${path.slice(0, 200)}\`. This gateway serves ${SERVED_ROUTES} (also under /v1); the rest of OpenAI's API passes through with the \`passthrough\` option (docs/passthrough.md).`,
  });
}

export function wrongMethod(method: string, allowed: string, path: string): GatewayError {
  return new GatewayError({
    status: 405,
    code: 'method_not_allowed',
    headers: { allow: allowed },
    message: `${method.slice(0, 20)} is not allowed on ${path}; use ${allowed}.`,
  });
}

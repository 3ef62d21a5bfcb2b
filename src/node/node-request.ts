/** A Node request as the core contract's GatewayRequest, and what a Node host knows about its body. */
import type { IncomingMessage } from 'node:http';
import type { GatewayRequest } from '../contract.js';

/**
 * Wraps a Node request. `parsedBody` is what a body parser that ran before left (undefined if
 * none did); the raw stream is used only when nobody consumed it.
 */
export function gatewayRequestFromNode(request: IncomingMessage, path: string, parsedBody?: unknown): GatewayRequest {
  const consumed = request.readableEnded || (request as { _body?: boolean })._body === true;
  return {
    method: request.method ?? 'GET',
    path,
    headers: request.headers,
    body: parsedBody,
    rawBody: parsedBody === undefined && !consumed ? request : undefined,
  };
}

/**
 * The size of the raw body a host kept next to the parsed one (`@koa/bodyparser`'s
 * `ctx.request.rawBody`, or the `req.rawBody` an Express `verify` hook stored), for
 * `GatewayRequest.bodyBytes`; undefined when there is none.
 */
export function keptBodyBytes(holder: { rawBody?: unknown }): number | undefined {
  const raw = holder.rawBody;
  if (typeof raw === 'string') return Buffer.byteLength(raw);
  return raw instanceof Uint8Array ? raw.byteLength : undefined;
}

/**
 * Whether the client is still sending the request's body (HTTP/1): an answer given now (a 413 on
 * the first megabytes of a larger body, a 408, a 415 or a 401 before the read) must carry
 * `connection: close`, so that Node closes the connection once the answer is out instead of
 * reading the rest of the upload to keep it alive. HTTP/2 streams end on their own.
 */
export function stillReceiving(request: IncomingMessage | undefined): boolean {
  return request !== undefined && !request.complete && request.httpVersionMajor === 1;
}

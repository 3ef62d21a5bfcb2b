/**
 * The building blocks every Node-based adapter shares (node:http, Express, Koa), public so that
 * custom servers can use them too.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayRequest, GatewayResponse, HandleContext, SseSink } from '../contract.js';
import { adoptableClientSignal } from '../engine/request-scope.js';
import { internalError } from '../errors.js';
import type { Gateway } from '../gateway.js';

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

/**
 * An AbortSignal that fires when the client goes away before the response finished, for the one
 * `gateway.handle()` call that serves this response: the gateway takes it over as its request's own
 * signal (its deadline aborts it too), so a request needs one AbortController instead of two. The Node, Express and Koa adapters use it.
 */
export function requestSignal(response: ServerResponse): AbortSignal {
  const { signal, abortForClient } = adoptableClientSignal();
  response.once('close', () => {
    if (!response.writableFinished) abortForClient();
  });
  return signal;
}

const CLOSE = { connection: 'close' };

/** Writes a GatewayResponse, honouring backpressure; stops (and cancels the stream) if the client leaves. */
export async function writeNodeResponse(response: ServerResponse, result: GatewayResponse): Promise<void> {
  try {
    if (result.kind === 'json') {
      const text = result.text ?? JSON.stringify(result.body);
      response.writeHead(result.status, {
        ...result.headers,
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
        ...(stillReceiving(response.req) ? CLOSE : undefined),
      });
      response.end(text);
      return;
    }
    response.writeHead(result.status, result.headers);
    // A compression middleware (Express's `compression`) holds writes back until flushed; without
    // this a stream would reach the client in one piece, at its end.
    const flush = (response as { flush?: () => void }).flush;
    if (result.pipeTo) {
      await result.pipeTo(nodeSink(response, typeof flush === 'function' ? flush : undefined));
      response.end();
      return;
    }
    for await (const piece of result.body) {
      if (response.destroyed) break;
      const accepted = response.write(piece);
      if (typeof flush === 'function') flush.call(response);
      if (!accepted) await drained(response);
    }
    response.end();
  } catch {
    // The stream reports its own failures in-band; anything else must not crash the host.
    response.destroy();
  }
}

/** A ServerResponse as the sink of `SseResponse.pipeTo`. */
function nodeSink(response: ServerResponse, flush: (() => void) | undefined): SseSink {
  return {
    get closed() {
      return response.destroyed;
    },
    write(piece) {
      const accepted = response.write(piece);
      if (flush) flush.call(response);
      return accepted;
    },
    onDrain: (resume) => onceDrained(response, resume),
  };
}

/** Calls `resume` once, when the response takes writes again or closed. */
function onceDrained(response: ServerResponse, resume: () => void): void {
  const done = () => {
    response.off('drain', done);
    response.off('close', done);
    resume();
  };
  response.on('drain', done);
  response.on('close', done);
}

function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => onceDrained(response, resolve));
}

/** The whole round trip for a Node request: the node adapter, Express and custom servers use it. */
export async function serveNodeRequest(
  gateway: Gateway,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  options: { parsedBody?: unknown; bodyBytes?: number; bodyError?: unknown; mount?: string; context?: Omit<HandleContext, 'signal'> } = {},
): Promise<void> {
  const signal = requestSignal(response);
  let result: GatewayResponse;
  try {
    const gatewayRequest = gatewayRequestFromNode(request, path, options.parsedBody);
    if (options.bodyBytes !== undefined) gatewayRequest.bodyBytes = options.bodyBytes;
    if (options.bodyError !== undefined) gatewayRequest.bodyError = options.bodyError;
    if (options.mount) gatewayRequest.mount = options.mount;
    result = await gateway.handle(gatewayRequest, { ...options.context, signal });
  } catch (bug) {
    const error = internalError(bug);
    result = { kind: 'json', status: error.status, headers: {}, body: error.toJSON() };
  }
  await writeNodeResponse(response, result);
}

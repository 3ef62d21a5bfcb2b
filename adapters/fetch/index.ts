/**
 * `modelgate/fetch`: a `(Request) => Promise<Response>` handler for fetch-style hosts (Hono, Next.js
 * route handlers, Bun, Deno, ...).
 *
 * ```ts
 * const handler = fetchGateway(gateway, { basePath: '/api' });
 * ```
 * The gateway reads the request body itself, within `bodyLimitBytes` and `timeouts.bodyReadMs`.
 * An answer given before the body was read to its end carries `connection: close`; whether the
 * connection then closes is the host's doing (Node-based hosts honour the header).
 */
import { GatewayError, hostContext, type ContextProvider, type Gateway } from '../../src/index.js';

export interface FetchGatewayOptions {
  /** The path prefix clients use, e.g. `/api`; other paths get a 404. */
  basePath?: string;
  /** Host context (principal, metadata) for the log record. */
  context?: ContextProvider<Request>;
}

const encoder = new TextEncoder();

export function fetchGateway(
  gateway: Gateway,
  options: FetchGatewayOptions = {},
): (request: Request) => Promise<Response> {
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  return async (request) => {
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const context = await hostContext(options.context, request);
    // Cancelling the response body (client gone) must also abort the upstream call.
    const controller = new AbortController();
    if (request.signal.aborted) controller.abort();
    else request.signal.addEventListener('abort', () => controller.abort(), { once: true });

    const requestBody = request.bodyUsed || !request.body ? undefined : readableBody(request.body);
    const result = await gateway.handle(
      {
        method: request.method,
        path: url.pathname + url.search,
        mount: basePath,
        headers,
        rawBody: request.bodyUsed ? bodyAlreadyRead() : requestBody?.chunks,
      },
      { ...context, signal: controller.signal },
    );
    if (result.kind === 'json') {
      return new Response(result.text ?? JSON.stringify(result.body), {
        status: result.status,
        // Answered before the body was read to its end (a 413, a 408, a 415, a 401): ask the host to
        // close the connection rather than read the rest of the upload.
        headers: {
          ...result.headers,
          'content-type': 'application/json; charset=utf-8',
          ...(requestBody && !requestBody.ended() ? CLOSE : undefined),
        },
      });
    }
    const iterator = result.body[Symbol.asyncIterator]();
    const body = new ReadableStream<Uint8Array>({
      async pull(stream) {
        const next = await iterator.next();
        if (next.done) stream.close();
        else stream.enqueue(typeof next.value === 'string' ? encoder.encode(next.value) : next.value);
      },
      async cancel() {
        controller.abort();
        await iterator.return?.();
      },
    });
    return new Response(body, { status: result.status, headers: result.headers });
  };
}

const CLOSE = { connection: 'close' };

/**
 * The request body as the gateway reads it, and whether it was read to its end. When the gateway
 * stops early, the stream is left as it is rather than cancelled: on Node-based hosts (Hono's node
 * server, say) cancelling it destroys the socket before the answer is out. The answer's
 * `connection: close` ends the upload instead, where the host honours it; meanwhile nothing pulls
 * from the stream, so the host stops reading the socket once the stream's queue is full.
 */
function readableBody(stream: ReadableStream<Uint8Array>): { chunks: AsyncIterable<Uint8Array>; ended(): boolean } {
  let ended = false;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const chunks: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => {
      reader ??= stream.getReader();
      return {
        async next() {
          const next = await reader!.read();
          if (next.done) ended = true;
          return next.done ? { done: true, value: undefined } : { done: false, value: next.value };
        },
        async return() {
          return { done: true, value: undefined };
        },
      };
    },
  };
  return { chunks, ended: () => ended };
}

/**
 * A host middleware (a validator calling `request.json()`, say) consumed the body before the
 * gateway: say so, as an answer and in the log record, rather than fail on a locked stream.
 */
// eslint-disable-next-line require-yield
async function* bodyAlreadyRead(): AsyncIterable<Uint8Array> {
  throw new GatewayError({
    status: 500,
    code: 'body_already_read',
    message:
      'The host read the request body before modelgate could: mount the fetch handler before any middleware that reads the body.',
  });
}

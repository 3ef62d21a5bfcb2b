/**
 * `modelgate/fetch`: a `(Request) => Promise<Response>` handler for fetch-style hosts (Hono, Next.js
 * route handlers, Bun, Deno, ...).
 *
 * ```ts
 * const handler = fetchGateway(gateway, { basePath: '/api' });
 * ```
 */
import { GatewayError, hostContext, type ContextProvider, type Gateway } from '../../src/index.js';

export interface FetchGatewayOptions {
  /** The path prefix clients use, e.g. `/api`; other paths get a 404. */
  basePath?: string;
  /** Host context (principal, metadata) for the log record. */
  context?: ContextProvider<Request>;
}

const encoder = new TextEncoder();

export function fetchGateway(gateway: Gateway, options: FetchGatewayOptions = {}): (request: Request) => Promise<Response> {
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

    const result = await gateway.handle(
      {
        method: request.method,
        path: url.pathname + url.search,
        mount: basePath,
        headers,
        rawBody: request.bodyUsed ? bodyAlreadyRead() : request.body ? (request.body as unknown as AsyncIterable<Uint8Array>) : undefined,
      },
      { ...context, signal: controller.signal },
    );
    if (result.kind === 'json') {
      return new Response(result.text ?? JSON.stringify(result.body), {
        status: result.status,
        headers: { ...result.headers, 'content-type': 'application/json; charset=utf-8' },
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

/**
 * A host middleware (a validator calling `request.json()`, say) consumed the body before the
 * gateway: say so, as an answer and in the log record, rather than fail on a locked stream.
 */
// eslint-disable-next-line require-yield
async function* bodyAlreadyRead(): AsyncIterable<Uint8Array> {
  throw new GatewayError({
    status: 500,
    code: 'body_already_read',
    message: 'The host read the request body before modelgate could: mount the fetch handler before any middleware that reads the body.',
  });
}

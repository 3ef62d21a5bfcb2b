/**
 * `modelgate/koa`: mount the gateway in a Koa app.
 *
 * ```ts
 * app.use(koaGateway(gateway, { prefix: '/api' })); // before any body parser
 * app.use(bodyParser());
 * ```
 * Placed before the body parser, the gateway answers everything under its prefix and reads those
 * bodies itself (its limit, timeouts and error answers); the parser never sees them. It also works
 * after a parser, taking the parsed body, but then the parser's errors never reach it: see
 * `koaGatewayErrors`.
 */
import type { Context, Next } from 'koa';
import { hostContext, type ContextProvider, type Gateway, type GatewayRequest } from '../../src/index.js';
import {
  gatewayRequestFromNode,
  isBodyParserError,
  keptBodyBytes,
  requestSignal,
  stillReceiving,
  writeNodeResponse,
} from '../node/index.js';

export interface KoaGatewayOptions {
  /** Only paths under this prefix are served (others go to the next middleware). */
  prefix?: string;
  /** Host context (principal, metadata) for the log record, e.g. `(ctx) => ({ principal: ctx.state.user })`. */
  context?: ContextProvider<Context>;
}

/**
 * The gateway as Koa middleware. Requests under `prefix` are answered here and go no further;
 * the others go on to the next middleware.
 *
 * Where to put it: before the body parser. Koa runs middleware as a stack, and a parser's error
 * (malformed JSON, over its limit, a body that does not inflate) is thrown back up through the
 * middleware that ran before it only: a `koaGateway` placed after the parser never runs for that
 * request and cannot answer it, and no middleware can both run after the parser and catch its
 * error. Placed first, the gateway does not need the parser at all. If the parser must run first
 * (a stack you do not control), put `koaGatewayErrors` before the parser as well.
 *
 * After a parser, the gateway holds its `bodyLimitBytes` on what the parser read (the size of
 * `ctx.request.rawBody`, which `@koa/bodyparser` keeps), but the time the parser spends reading is
 * the host's to bound (`server.requestTimeout`).
 */
export function koaGateway(gateway: Gateway, options: KoaGatewayOptions = {}) {
  const prefix = (options.prefix ?? '').replace(/\/+$/, '');
  return async function modelgate(ctx: Context, next: Next): Promise<void> {
    if (!underPrefix(ctx, prefix)) return next();
    const parsed = ctx.req.readableEnded ? (ctx.request as { body?: unknown }).body : undefined;
    const request = gatewayRequestFromNode(ctx.req, (ctx.path.slice(prefix.length) || '/') + ctx.search, parsed);
    if (parsed !== undefined) request.bodyBytes = keptBodyBytes(ctx.request as { rawBody?: unknown });
    await serveKoa(gateway, ctx, request, options);
  };
}

/**
 * Only for a body parser that must run before `koaGateway`: catches the parser's error (malformed
 * JSON, a body over its limit, a compressed body that does not inflate) under the prefix and
 * answers it OpenAI-shaped, with a log record; place it before the parser. Other errors go on up.
 * With `koaGateway` placed before the parser, this is not needed.
 *
 * ```ts
 * app.use(koaGatewayErrors(gateway, { prefix: '/api' }));
 * app.use(bodyParser());
 * app.use(koaGateway(gateway, { prefix: '/api' }));
 * ```
 */
export function koaGatewayErrors(gateway: Gateway, options: KoaGatewayOptions = {}) {
  const prefix = (options.prefix ?? '').replace(/\/+$/, '');
  return async function modelgateErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
    } catch (error) {
      if (!underPrefix(ctx, prefix) || !isBodyParserError(error) || ctx.headerSent) throw error;
      const request: GatewayRequest = {
        method: ctx.method,
        path: (ctx.path.slice(prefix.length) || '/') + ctx.search,
        headers: ctx.req.headers,
        bodyError: error,
      };
      await serveKoa(gateway, ctx, request, options);
    }
  };
}

function underPrefix(ctx: Context, prefix: string): boolean {
  return !prefix || ctx.path === prefix || ctx.path.startsWith(`${prefix}/`);
}

async function serveKoa(
  gateway: Gateway,
  ctx: Context,
  request: GatewayRequest,
  options: KoaGatewayOptions,
): Promise<void> {
  const context = await hostContext(options.context, ctx);
  const signal = requestSignal(ctx.res);
  const result = await gateway.handle(request, { ...context, signal });
  if (result.kind === 'json') {
    ctx.status = result.status;
    ctx.set(result.headers);
    // Answered while the body is still arriving: close rather than read the rest (see stillReceiving).
    if (stillReceiving(ctx.req)) ctx.set('connection', 'close');
    if (result.text === undefined) {
      ctx.body = result.body;
    } else {
      ctx.type = 'application/json';
      ctx.body = result.text;
    }
    return;
  }
  // Koa cannot pull from an async iterable itself: write the stream straight to the socket.
  ctx.status = 200;
  ctx.respond = false;
  await writeNodeResponse(ctx.res, result);
}

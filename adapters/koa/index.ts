/**
 * `modelgate/koa`: mount the gateway in a Koa app.
 *
 * ```ts
 * app.use(koaGateway(gateway, { prefix: '/api' }));
 * ```
 * Works whether or not `@koa/bodyparser` ran before it. With a body parser, put
 * `koaGatewayErrors(gateway, { prefix })` before the parser so that its errors (malformed JSON,
 * over its limit) are answered OpenAI-shaped and logged too.
 */
import type { Context, Next } from 'koa';
import { gatewayRequestFromNode, hostContext, isBodyParserError, requestSignal, writeNodeResponse, type ContextProvider, type Gateway, type GatewayRequest } from '../../src/index.js';

export interface KoaGatewayOptions {
  /** Only paths under this prefix are served (others go to the next middleware). */
  prefix?: string;
  /** Host context (principal, metadata) for the log record, e.g. `(ctx) => ({ principal: ctx.state.user })`. */
  context?: ContextProvider<Context>;
}

export function koaGateway(gateway: Gateway, options: KoaGatewayOptions = {}) {
  const prefix = (options.prefix ?? '').replace(/\/+$/, '');
  return async function modelgate(ctx: Context, next: Next): Promise<void> {
    if (!underPrefix(ctx, prefix)) return next();
    const parsed = ctx.req.readableEnded ? (ctx.request as { body?: unknown }).body : undefined;
    await serveKoa(gateway, ctx, gatewayRequestFromNode(ctx.req, ctx.path.slice(prefix.length) || '/', parsed), options);
  };
}

/**
 * Catches a body parser's error (malformed JSON, a body over its limit) under the prefix and answers
 * it OpenAI-shaped, with a log record; place it before the parser. Other errors go on up.
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
      const request: GatewayRequest = { method: ctx.method, path: ctx.path.slice(prefix.length) || '/', headers: ctx.req.headers, bodyError: error };
      await serveKoa(gateway, ctx, request, options);
    }
  };
}

function underPrefix(ctx: Context, prefix: string): boolean {
  return !prefix || ctx.path === prefix || ctx.path.startsWith(`${prefix}/`);
}

async function serveKoa(gateway: Gateway, ctx: Context, request: GatewayRequest, options: KoaGatewayOptions): Promise<void> {
  const context = await hostContext(options.context, ctx);
  const signal = requestSignal(ctx.res);
  const result = await gateway.handle(request, { ...context, signal });
  if (result.kind === 'json') {
    ctx.status = result.status;
    ctx.set(result.headers);
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

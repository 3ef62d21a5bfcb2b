/**
 * `modelgate/koa`: mount the gateway in a Koa app.
 *
 * ```ts
 * app.use(koaGateway(gateway, { prefix: '/api' }));
 * ```
 * Works whether or not `@koa/bodyparser` ran before it.
 */
import type { Context, Next } from 'koa';
import { disconnectSignal, gatewayRequestFromNode, writeNodeResponse, type ContextProvider, type Gateway } from '../../src/index.js';

export interface KoaGatewayOptions {
  /** Only paths under this prefix are served (others go to the next middleware). */
  prefix?: string;
  /** Host context (principal, metadata) for the log record, e.g. `(ctx) => ({ principal: ctx.state.user })`. */
  context?: ContextProvider<Context>;
}

export function koaGateway(gateway: Gateway, options: KoaGatewayOptions = {}) {
  const prefix = (options.prefix ?? '').replace(/\/+$/, '');
  return async function modelgate(ctx: Context, next: Next): Promise<void> {
    if (prefix && ctx.path !== prefix && !ctx.path.startsWith(`${prefix}/`)) return next();
    const path = ctx.path.slice(prefix.length) || '/';
    const context = options.context ? await options.context(ctx) : undefined;
    const parsed = ctx.req.readableEnded ? (ctx.request as { body?: unknown }).body : undefined;
    const signal = disconnectSignal(ctx.res);
    const result = await gateway.handle(gatewayRequestFromNode(ctx.req, path, parsed), { ...context, signal });
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
  };
}

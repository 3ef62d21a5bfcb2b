/**
 * `modelgate/express`: mount the gateway in an Express app.
 *
 * ```ts
 * app.use('/api', expressGateway(gateway));
 * ```
 * Works whether or not a body parser (`express.json()`) ran before it, at the app level, on a
 * router or in the same `app.use`: the mount also catches the parser's own errors (malformed JSON,
 * a body over its limit, a compressed body that does not inflate) and answers them OpenAI-shaped,
 * with a log record.
 */
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { hostContext, type ContextProvider, type Gateway } from '../../src/index.js';
import { isBodyParserError, keptBodyBytes, serveNodeRequest } from '../node/index.js';

export interface ExpressGatewayOptions {
  /** Host context (principal, metadata) for the log record, e.g. `(req) => ({ principal: req.user?.id })`. */
  context?: ContextProvider<Request>;
}

/** The gateway's request handler and its error handler, in the order Express must run them. */
export type ExpressGatewayHandlers = [handler: RequestHandler, errorHandler: ErrorRequestHandler];

/**
 * The gateway as Express middleware: `[handler, errorHandler]`. Express flattens arrays wherever it
 * takes handlers, so `app.use('/api', expressGateway(gateway))` and `router.use(...)` install both.
 *
 * The error handler is there because of how Express runs a parser's error: `next(error)` skips
 * every ordinary middleware (the gateway's handler too) and goes to the next error handler on a
 * matching path, in the same router or, once that router is done, in the ones that contain it. So
 * a parser that runs before the mount in the same app or router (`app.use(express.json())` then
 * `app.use('/api', expressGateway(gateway))`, or both in one `app.use`) has its errors answered
 * here, OpenAI-shaped and logged. Any other error goes on to the host's own error handlers.
 * Errors never go down into a router: with the parser at the app level and the gateway on a router
 * mounted after it, add `expressGatewayErrors` at the app level.
 *
 * With a parser in front, its limit and timing are the host's: the gateway still holds its
 * `bodyLimitBytes` on what the parser read (by `req.rawBody` when a `verify` hook kept the bytes,
 * by the Content-Length of an uncompressed body, or else by the body serialised again as JSON),
 * but it cannot bound the time the parser spends reading: set `server.requestTimeout` for that,
 * or let the gateway read the body itself (`timeouts.bodyReadMs`).
 */
export function expressGateway(gateway: Gateway, options: ExpressGatewayOptions = {}): ExpressGatewayHandlers {
  // Arity 3 on purpose: Express treats a 4-argument function as an error handler.
  function modelgate(req: Request, res: Response, next: NextFunction): void {
    void (async () => {
      const context = await hostContext(options.context, req);
      // A body parser that ran left `req.body`; Express 4's parsers leave `{}` without parsing.
      const parsed = (req as { _body?: boolean })._body === true || req.readableEnded ? req.body : undefined;
      const bodyBytes = parsed === undefined ? undefined : keptBodyBytes(req as { rawBody?: unknown });
      await serveNodeRequest(gateway, req, res, req.url, { parsedBody: parsed, bodyBytes, context });
    })().catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else next(error);
    });
  }
  return [modelgate, gatewayErrorHandler(gateway, options)];
}

/**
 * The error handler `expressGateway()` includes, on its own. Needed in one layout only: the gateway
 * on a router, the parser before that router at the app level. Express never passes an error down
 * into a router (a router is an ordinary middleware, which errors skip), so add this at the app level:
 *
 * ```ts
 * app.use(express.json());
 * app.use('/api', apiRouter); // apiRouter.use(expressGateway(gateway))
 * app.use('/api', expressGatewayErrors(gateway));
 * ```
 * Mounted next to `expressGateway()` as before (`app.use('/api', expressGateway(gateway),
 * expressGatewayErrors(gateway))`) it does no harm: the first error handler answers.
 */
export function expressGatewayErrors(gateway: Gateway, options: ExpressGatewayOptions = {}): ErrorRequestHandler {
  return gatewayErrorHandler(gateway, options);
}

function gatewayErrorHandler(gateway: Gateway, options: ExpressGatewayOptions): ErrorRequestHandler {
  return function modelgateErrors(error: unknown, req: Request, res: Response, next: NextFunction): void {
    if (!isBodyParserError(error) || res.headersSent) return next(error);
    void (async () => {
      const context = await hostContext(options.context, req);
      await serveNodeRequest(gateway, req, res, req.url, { bodyError: error, context });
    })().catch(next);
  };
}

/**
 * `modelgate/express`: mount the gateway in an Express app.
 *
 * ```ts
 * app.use('/api', expressGateway(gateway));
 * ```
 * Works whether or not `express.json()` ran before it. With a body parser in front, add
 * `expressGatewayErrors(gateway)` after it so that the parser's own errors (malformed JSON, over its
 * limit) are answered OpenAI-shaped and logged too.
 */
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { hostContext, isBodyParserError, serveNodeRequest, type ContextProvider, type Gateway } from '../../src/index.js';

export interface ExpressGatewayOptions {
  /** Host context (principal, metadata) for the log record, e.g. `(req) => ({ principal: req.user?.id })`. */
  context?: ContextProvider<Request>;
}

export function expressGateway(gateway: Gateway, options: ExpressGatewayOptions = {}) {
  // Arity 3 on purpose: Express treats a 4-argument function as an error handler.
  return function modelgate(req: Request, res: Response, next: NextFunction): void {
    void (async () => {
      const context = await hostContext(options.context, req);
      // A body parser that ran left `req.body`; Express 4's parsers leave `{}` without parsing.
      const parsed = (req as { _body?: boolean })._body === true || req.readableEnded ? req.body : undefined;
      await serveNodeRequest(gateway, req, res, req.url, { parsedBody: parsed, context });
    })().catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else next(error);
    });
  };
}

/**
 * An Express error handler for the mount: a host body parser's error (malformed JSON, a body over
 * its limit, an unsupported charset) becomes an OpenAI-shaped 4xx with a log record; any other
 * error goes on to the host's own handlers.
 *
 * ```ts
 * app.use('/api', express.json(), expressGateway(gateway), expressGatewayErrors(gateway));
 * ```
 */
export function expressGatewayErrors(gateway: Gateway, options: ExpressGatewayOptions = {}): ErrorRequestHandler {
  return function modelgateErrors(error: unknown, req: Request, res: Response, next: NextFunction): void {
    if (!isBodyParserError(error) || res.headersSent) return next(error);
    void (async () => {
      const context = await hostContext(options.context, req);
      await serveNodeRequest(gateway, req, res, req.url, { bodyError: error, context });
    })().catch(next);
  };
}

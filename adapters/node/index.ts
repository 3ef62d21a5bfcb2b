/**
 * `modelgate/node`: a `(req, res)` handler for `http.createServer` and other Node servers.
 *
 * ```ts
 * http.createServer(nodeGateway(gateway, { basePath: '/api' })).listen(3000);
 * ```
 * Also the Node host glue the Express and Koa adapters are made of, for Node servers of your own:
 * `serveNodeRequest` (the whole round trip), or its pieces `gatewayRequestFromNode`, `requestSignal`
 * and `writeNodeResponse` (which uses `SseResponse.pipeTo`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostContext, type ContextProvider, type Gateway } from '../../src/index.js';
import { serveNodeRequest } from '../../src/node/index.js';

export * from '../../src/node/index.js';

export interface NodeGatewayOptions {
  /** The path prefix clients use, e.g. `/api` for a base URL `http://host/api`; other paths get a 404. */
  basePath?: string;
  /** Host context (principal, metadata) for the log record, e.g. from your own auth. */
  context?: ContextProvider<IncomingMessage>;
}

export function nodeGateway(
  gateway: Gateway,
  options: NodeGatewayOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const mount = (options.basePath ?? '').replace(/\/+$/, '');
  return (req, res) => {
    void (async () => {
      const context = await hostContext(options.context, req);
      await serveNodeRequest(gateway, req, res, req.url ?? '/', { context, mount });
    })().catch(() => {
      if (!res.headersSent)
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end(
            '{"error":{"message":"Internal gateway error.","type":"api_error","param":null,"code":"internal_error"}}',
          );
      else res.destroy();
    });
  };
}

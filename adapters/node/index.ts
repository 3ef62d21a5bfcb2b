/**
 * `modelgate/node`: a `(req, res)` handler for `http.createServer` and other Node servers.
 *
 * ```ts
 * http.createServer(nodeGateway(gateway, { basePath: '/api' })).listen(3000);
 * ```
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveNodeRequest, type ContextProvider, type Gateway } from '../../src/index.js';

export interface NodeGatewayOptions {
  /** A path prefix to strip, e.g. `/api` when clients use `http://host/api` as base URL. */
  basePath?: string;
  /** Host context (principal, metadata) for the log record, e.g. from your own auth. */
  context?: ContextProvider<IncomingMessage>;
}

export function nodeGateway(gateway: Gateway, options: NodeGatewayOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  return (req, res) => {
    void (async () => {
      const url = req.url ?? '/';
      // Strip the prefix only at a segment boundary: `/apix/...` is not under `/api`.
      const under = basePath !== '' && (url === basePath || url.startsWith(`${basePath}/`) || url.startsWith(`${basePath}?`));
      const path = under ? url.slice(basePath.length) || '/' : url;
      const context = options.context ? await options.context(req) : undefined;
      await serveNodeRequest(gateway, req, res, path, { context });
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"Internal gateway error.","type":"api_error","param":null,"code":"internal_error"}}');
      else res.destroy();
    });
  };
}

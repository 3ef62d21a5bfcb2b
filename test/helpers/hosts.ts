/**
 * Real host apps with the gateway mounted, one per adapter, listening on a loopback port.
 */
import bodyParser from '@koa/bodyparser';
import express from 'express';
import Koa from 'koa';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { Gateway } from '../../src/index.js';
import { expressGateway, expressGatewayErrors } from '../../adapters/express/index.js';
import { fetchGateway } from '../../adapters/fetch/index.js';
import { koaGateway, koaGatewayErrors } from '../../adapters/koa/index.js';
import { nodeGateway } from '../../adapters/node/index.js';

export type HostKind =
  'node' | 'express' | 'express+json' | 'express+router' | 'koa' | 'koa+bodyparser' | 'koa-before-bodyparser' | 'fetch';
/**
 * The hosts every contract runs on. `express+json` is the README's one-line setup behind an
 * app-level `express.json()`; `koa+bodyparser` has the parser first, so it needs `koaGatewayErrors`.
 */
export const HOST_KINDS: HostKind[] = ['node', 'express', 'express+json', 'koa', 'koa+bodyparser', 'fetch'];
/** Hosts with a body parser in front of the gateway, for the tests of what a parser changes. */
export const PARSER_HOST_KINDS: HostKind[] = [
  'express+json',
  'express+router',
  'koa+bodyparser',
  'koa-before-bodyparser',
];

export interface Host {
  /** The base URL clients use, e.g. http://127.0.0.1:PORT/api */
  baseURL: string;
  server: Server;
  close(): Promise<void>;
}

export type HostContext = (request: any) => { principal?: string; metadata?: Record<string, unknown> } | undefined;

export async function startHost(
  kind: HostKind,
  gateway: Gateway,
  options: { context?: HostContext } = {},
): Promise<Host> {
  const server = createServer(requestListener(kind, gateway, options));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/api`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function requestListener(
  kind: HostKind,
  gateway: Gateway,
  options: { context?: HostContext },
): (req: IncomingMessage, res: ServerResponse) => void {
  const context = options.context as never;
  switch (kind) {
    case 'node':
      return nodeGateway(gateway, { basePath: '/api', context });
    case 'express':
    case 'express+json': {
      const app = express();
      if (kind === 'express+json') app.use(express.json({ limit: '20mb' }));
      app.use('/api', expressGateway(gateway, { context }));
      return app;
    }
    case 'express+router': {
      // The gateway on a router, the parser at the app level, as many apps are laid out. Express
      // never passes an error down into a router, so the app level needs the error handler.
      const router = express.Router();
      router.use(expressGateway(gateway, { context }));
      const app = express();
      app.use(express.json({ limit: '20mb' }));
      app.use('/api', router);
      app.use('/api', expressGatewayErrors(gateway, { context }));
      return app;
    }
    case 'koa':
    case 'koa+bodyparser': {
      const app = new Koa();
      if (kind === 'koa+bodyparser') {
        app.use(koaGatewayErrors(gateway, { prefix: '/api', context }));
        app.use(bodyParser({ jsonLimit: '20mb' }));
      }
      app.use(koaGateway(gateway, { prefix: '/api', context }));
      return app.callback();
    }
    case 'koa-before-bodyparser': {
      // Koa's one-line setup with a parser: the gateway first, so the parser never reads its requests.
      const app = new Koa();
      app.use(koaGateway(gateway, { prefix: '/api', context }));
      app.use(bodyParser({ jsonLimit: '20mb' }));
      return app.callback();
    }
    case 'fetch': {
      const handler = fetchGateway(gateway, { basePath: '/api', context });
      return (req, res) => void serveFetch(handler, req, res);
    }
  }
}

/** A minimal fetch host on node:http, as Hono's node server or Next.js would be. */
async function serveFetch(
  handler: (request: Request) => Promise<Response>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const request = new Request(`http://${req.headers.host}${req.url}`, {
    method: req.method,
    headers: req.headers as Record<string, string>,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    duplex: 'half',
    signal: controller.signal,
  } as RequestInit);
  const response = await handler(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) return void res.end();
  const reader = response.body.getReader();
  res.once('close', () => void reader.cancel().catch(() => {}));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      res.write(value);
    }
    res.end();
  } catch {
    res.destroy();
  }
}

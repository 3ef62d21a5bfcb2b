/**
 * modelgate under test, with the real feature path on: an alias that routes to a provider with a
 * fallback, gateway parameters in every request, and one JSON log line per request written to a
 * file by `jsonlSink`. Mounted with the node, Express or Koa adapter.
 *
 *   node --import tsx bench/modelgate-proxy.ts node|express|koa <upstream origin> <log file>
 */
import express from 'express';
import Koa from 'koa';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGateway, jsonlSink, type GatewayOptions, type LogRecord } from '../src/index.js';
import { expressGateway } from '../adapters/express/index.js';
import { koaGateway } from '../adapters/koa/index.js';
import { nodeGateway } from '../adapters/node/index.js';
import { processStats, serveParent } from './lib/child.js';

const [framework, upstreamOrigin, logFile] = process.argv.slice(2);
const sink = jsonlSink(logFile);
let requests = 0;
let logRecords = 0;
const statuses: Record<string, number> = {};

const BENCH_OPTIONS = (origin: string): GatewayOptions => ({
  providers: {
    openai: { apiKey: 'sk-bench-not-a-real-key', baseURL: `${origin}/v1` },
    backup: { kind: 'openai-compatible', apiKey: 'sk-bench-backup-not-real', baseURL: `${origin}/v1` },
    anthropic: { apiKey: 'sk-ant-bench-not-real', baseURL: `${origin}/v1` },
  },
  models: {
    'chat-fast': { target: 'openai/gpt-4.1-nano', fallbacks: ['backup/gpt-4.1-nano'], params: { temperature: 0.2 } },
    'chat-flaky': { target: 'openai/flaky-model', fallbacks: ['backup/gpt-4.1-nano'] },
  },
});

function createBenchGateway() {
  const onLog = (record: LogRecord) => {
    logRecords++;
    statuses[record.status_code] = (statuses[record.status_code] ?? 0) + 1;
    sink(record);
  };
  return createGateway({ ...BENCH_OPTIONS(upstreamOrigin), onLog });
}

const gateway = createBenchGateway();

function app(): (req: IncomingMessage, res: ServerResponse) => void {
  if (framework === 'node') return nodeGateway(gateway, { basePath: '/v1' });
  if (framework === 'express') {
    const expressApp = express();
    expressApp.use('/v1', expressGateway(gateway));
    return expressApp;
  }
  const koa = new Koa();
  koa.silent = true;
  koa.use(koaGateway(gateway, { prefix: '/v1' }));
  return koa.callback();
}

const server = createServer(app());
server.on('request', () => requests++);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  serveParent(
    { port },
    {
      stats: () => ({ ...processStats(), requests, logRecords, statuses }),
      /** The heap after a full GC (the soak runs this process with --expose-gc). */
      heapAfterGc: () => {
        const gc = (globalThis as { gc?: () => void }).gc;
        if (!gc) return null;
        gc();
        return process.memoryUsage().heapUsed;
      },
      close: async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        await gateway.close();
        return { requests, logRecords };
      },
    },
  );
});

/**
 * The host under chaos, in a process of its own (so that its heap is the gateway's alone): one
 * gateway mounted in a node:http, an Express and a Koa app, an undici agent it owns (so that the
 * pool can be inspected), log records sent to the parent as they come.
 *
 * Started by gateway.chaos.ts with `--import tsx --expose-gc`, argv[2] = the upstream origin,
 * argv[3] = `health` to keep the cooldown of failing deployments on (off by default, so that the
 * attempts follow the retry and fallback policy alone and can be predicted exactly).
 */
import express from 'express';
import Koa from 'koa';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { createGateway, type LogRecord } from '../../src/index.js';
import { expressGateway } from '../../adapters/express/index.js';
import { koaGateway } from '../../adapters/koa/index.js';
import { nodeGateway } from '../../adapters/node/index.js';
import { POLICY } from './faults.js';

const origin = process.argv[2];
const health = process.argv[3] === 'health';
const agent = new Agent({ connections: 128, keepAliveTimeout: 10_000 });
const errors: string[] = [];

const gateway = createGateway({
  providers: {
    primary: { kind: 'openai-compatible', apiKey: 'sk-test-chaos-primary-0001', baseURL: `${origin}/primary/v1` },
    secondary: { kind: 'openai-compatible', apiKey: 'sk-test-chaos-secondary-0002', baseURL: `${origin}/secondary/v1` },
  },
  models: { chaos: { target: 'primary/model-a', fallbacks: ['secondary/model-b'] } },
  retry: { maxRetries: POLICY.maxRetries, initialDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: POLICY.maxRetryAfterMs },
  timeouts: { requestMs: 20_000, firstByteMs: POLICY.firstByteMs, idleMs: POLICY.idleMs },
  responseLimitBytes: POLICY.responseLimitBytes,
  dispatcher: agent,
  ...(health ? {} : { health: false as const }),
  onLog: (record: LogRecord) => process.send!({ type: 'log', record: compact(record) }),
  onError: (error, where) => errors.push(`${where}: ${String((error as Error)?.stack ?? error)}`),
});

/** What the checks need of a record; the rest stays here. */
function compact(record: LogRecord) {
  return {
    id: record.id,
    custom_identifier: record.custom_identifier,
    status_code: record.status_code,
    status: record.status,
    error_code: record.error_code,
    client_aborted: record.client_aborted,
    stream: record.stream,
    provider: record.provider,
    model: record.model,
    fallback_used: record.fallback_used,
    attempts: record.attempts.map(({ provider, model, retry, status_code, error_code, skipped }) => ({
      provider,
      model,
      retry,
      status_code,
      error_code,
      ...(skipped ? { skipped } : {}),
    })),
    output: record.output,
  };
}

const apps = {
  node: nodeGateway(gateway, { basePath: '/v1' }),
  express: express().use('/v1', expressGateway(gateway)),
  koa: new Koa().use(koaGateway(gateway, { prefix: '/v1' })).callback(),
};
const servers: Server[] = [];
/** Chaos ids of the requests the hosts received: a client may abort before its request leaves it. */
const received = new Set<string>();
let closing: Promise<void> | undefined;

async function listen(): Promise<Record<string, number>> {
  const ports: Record<string, number> = {};
  for (const [name, app] of Object.entries(apps)) {
    const server = createServer(app);
    server.on('request', (req) => received.add(String(req.headers['x-chaos-id'])));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    ports[name] = (server.address() as AddressInfo).port;
  }
  return ports;
}

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

process.on('message', async (message: { type: string }) => {
  if (message.type === 'received') {
    process.send!({ type: 'received', ids: [...received] });
  } else if (message.type === 'stats') {
    process.send!({ type: 'stats', heapUsed: heapAfterGc(), pool: agent.stats, errors: errors.splice(0) });
  } else if (message.type === 'close') {
    closing ??= (async () => {
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
      await gateway.close();
      await agent.close();
    })();
    await closing;
    // gateway.close() waits for requests without a log record: there must be none by now.
    process.send!({ type: 'closed', errors: errors.splice(0) });
  }
});
process.on('disconnect', () => process.exit(0));

process.send!({ type: 'ready', ports: await listen() });

/**
 * A gateway in its own process, for the multi-instance tests: a node:http host on a free loopback
 * port, sharing state through Redis. Started as `node --import tsx gateway-process.ts '<json>'`;
 * prints `READY <port>` once listening, then one `LOG <json>` line per log record.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeGateway } from '../../adapters/node/index.js';
import { createGateway, redisStore } from '../../src/index.js';

export interface GatewayProcessConfig {
  upstream: string;
  backup: string;
  redis: string;
  prefix: string;
  onStoreError: 'open' | 'closed';
}

const config = JSON.parse(process.argv[2] ?? '{}') as GatewayProcessConfig;

const gateway = createGateway({
  providers: {
    openai: { apiKey: 'sk-test-multi-process-01', baseURL: config.upstream },
    groq: { apiKey: 'sk-test-multi-process-02', baseURL: config.backup },
  },
  // Patient timeouts: a loaded CI machine must not turn slow commands into store failures. A dead
  // Redis fails at once anyway (nothing is queued while disconnected).
  store: redisStore({ url: config.redis, prefix: config.prefix, commandTimeoutMs: 2_000 }),
  onStoreError: config.onStoreError,
  storeTimeoutMs: 3_000,
  retry: { maxRetries: 0 },
  health: { failureThreshold: 2, cooldownMs: 60_000 },
  // $1,000 per million output tokens: 10 output tokens cost $0.01.
  pricing: { 'openai/gpt-4o-mini': { input: 0, output: 1_000 } },
  customers: { burst: { totalBudget: 0.1 }, limited: { rateLimit: 5 } },
  onLog: (record) => {
    process.stdout.write(`LOG ${JSON.stringify(record)}\n`);
  },
});

const server = createServer(nodeGateway(gateway, { basePath: '/api' }));
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`);
});

process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void gateway.close().finally(() => process.exit(0));
});

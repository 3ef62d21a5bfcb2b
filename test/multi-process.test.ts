/**
 * Two gateway processes sharing one real redis-server: budgets, rate limits, cooldowns and the
 * cache hold across them, and killing Redis mid-run follows each process's `onStoreError` policy
 * (one `open`, one `closed`) without a hang or a crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogRecord } from '../src/index.js';
import { chat, fail, reply } from './helpers/chat-upstream.js';
import type { GatewayProcessConfig } from './helpers/gateway-process.js';
import { hasRedis, startRedis, type RedisServer } from './helpers/redis.js';
import { sleep, startUpstream, type Upstream } from './helpers/upstream.js';

interface GatewayProcess {
  name: string;
  url: string;
  logs: LogRecord[];
  child: ChildProcess;
  exitCode: () => number | null;
}

const SCRIPT = fileURLToPath(new URL('./helpers/gateway-process.ts', import.meta.url));

async function startGatewayProcess(name: string, config: GatewayProcessConfig): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogRecord[] = [];
  let exitCode: number | null = null;
  child.once('exit', (code) => (exitCode = code ?? -1));
  let stderr = '';
  child.stderr!.on('data', (data) => (stderr += data));
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${stderr}`)), 20_000);
    child.once('exit', () => reject(new Error(`${name} exited: ${stderr}`)));
    child.stdout!.on('data', (data: Buffer) => {
      buffered += data.toString('utf8');
      let newline;
      while ((newline = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.startsWith('READY ')) {
          clearTimeout(timer);
          resolve(Number(line.slice(6)));
        } else if (line.startsWith('LOG ')) {
          logs.push(JSON.parse(line.slice(4)));
        }
      }
    });
  });
  return { name, url: `http://127.0.0.1:${port}/api/v1/chat/completions`, logs, child, exitCode: () => exitCode };
}

async function send(gateway: GatewayProcess, body: unknown): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

async function waitForLogs(gateways: GatewayProcess[], count: number): Promise<LogRecord[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const all = gateways.flatMap((gateway) => gateway.logs);
    if (all.length >= count || Date.now() > deadline) return all;
    await sleep(20);
  }
}

let redis: RedisServer;
let upstream: Upstream;
let backup: Upstream;
let open: GatewayProcess; // onStoreError: 'open'
let closed: GatewayProcess; // onStoreError: 'closed'
const priced = (request: any, response: any) => reply(request, response, { completionTokens: 10, delayMs: 30 });

beforeAll(async () => {
  if (!hasRedis) return;
  [redis, upstream, backup] = await Promise.all([
    startRedis(),
    startUpstream(priced),
    startUpstream((request, response) => reply(request, response, { content: 'backup' })),
  ]);
  const config = { upstream: upstream.baseURL, backup: backup.baseURL, redis: redis.url, prefix: 'multi:' };
  [open, closed] = await Promise.all([
    startGatewayProcess('open', { ...config, onStoreError: 'open' }),
    startGatewayProcess('closed', { ...config, onStoreError: 'closed' }),
  ]);
}, 40_000);

afterAll(async () => {
  for (const gateway of [open, closed]) gateway?.child.kill('SIGTERM');
  await Promise.all([upstream?.close(), backup?.close(), redis?.stop()]);
});

function reset() {
  upstream.requests.length = 0;
  backup.requests.length = 0;
  open.logs.length = 0;
  closed.logs.length = 0;
}

describe.skipIf(!hasRedis)('two gateway processes on one Redis', () => {
  it('let at most the budget through: 100 concurrent requests, a budget for 10', async () => {
    reset();
    const body = chat('gpt-4o-mini', { max_tokens: 10, customer_identifier: 'burst' });
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => send(i % 2 ? open : closed, body)));
    const records = await waitForLogs([open, closed], 100);
    expect(records.filter((record) => record.store_errors)).toEqual([]); // the store answered every call
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(10);
    expect(
      answers.filter((answer) => answer.status === 429 && answer.body.error.code === 'insufficient_quota'),
    ).toHaveLength(90);
    expect(upstream.requests).toHaveLength(10);
    // Each process took half the requests: the ten are the budget of both together.
    expect([open.logs.length, closed.logs.length]).toEqual([50, 50]);
    expect(Math.max(...records.map((record) => record.customer?.total_budget?.spent_usd ?? 0))).toBeCloseTo(0.1, 12);
  });

  it('share a rate limit', async () => {
    reset();
    const answers = [];
    for (let i = 0; i < 8; i++)
      answers.push(await send(i % 2 ? open : closed, chat('gpt-4o-mini', { customer_identifier: 'limited' })));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(Number(answers[5].headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('share a cooldown: a deployment that failed in one process is skipped by the other', async () => {
    reset();
    upstream.handle((_request, response) => fail(response, 500));
    const body = chat('gpt-4o-mini', { fallback_models: ['groq/llama-3.1-8b-instant'] });
    for (let i = 0; i < 2; i++) expect((await send(open, body)).body.choices[0].message.content).toBe('backup');
    await sleep(50);
    expect(upstream.requests).toHaveLength(2);
    const other = await send(closed, body);
    expect(other.body.choices[0].message.content).toBe('backup');
    expect(upstream.requests).toHaveLength(2);
    const [record] = await waitForLogs([closed], 1);
    expect(record.attempts[0]).toMatchObject({ provider: 'openai', skipped: 'cooldown' });
    upstream.handle(priced);
  });

  it('share the cache', async () => {
    reset();
    const body = chat('gpt-4o-mini', {
      messages: [{ role: 'user', content: 'shared cache' }],
      cache_enabled: true,
      fallback_models: ['groq/llama-3.1-8b-instant'],
    });
    const first = await send(open, body);
    expect(first.headers.get('x-modelgate-cache')).toBe('miss');
    const second = await send(closed, body);
    expect(second.headers.get('x-modelgate-cache')).toBe('hit');
    expect(second.body).toEqual(first.body);
  });

  it('follow their onStoreError policy when Redis dies mid-run, and recover when it returns', async () => {
    reset();
    const limited = chat('gpt-4o-mini', {
      customer_params: { customer_identifier: 'mid-run', rate_limit: 1_000 },
      fallback_models: ['groq/llama-3.1-8b-instant'],
    });
    const inFlight: Array<Promise<{ gateway: string; status: number; ms: number }>> = [];
    for (let i = 0; i < 40; i++) {
      const gateway = i % 2 ? open : closed;
      const started = Date.now();
      inFlight.push(
        send(gateway, limited).then((answer) => ({
          gateway: gateway.name,
          status: answer.status,
          ms: Date.now() - started,
        })),
      );
      if (i === 15) await redis.kill();
      await sleep(5);
    }
    const results = await Promise.all(inFlight);
    // Every request got an answer quickly: no hang, no crash.
    expect(Math.max(...results.map((result) => result.ms))).toBeLessThan(2_000);
    expect(open.exitCode()).toBeNull();
    expect(closed.exitCode()).toBeNull();
    const late = results.slice(20);
    expect(late.filter((result) => result.gateway === 'open').every((result) => result.status === 200)).toBe(true);
    expect(late.filter((result) => result.gateway === 'closed').every((result) => result.status === 503)).toBe(true);
    // A request that needs no store is served by both, whatever the policy.
    expect((await send(closed, chat('gpt-4o-mini'))).status).toBe(200);

    const records = await waitForLogs([open, closed], 41);
    const openFailure = open.logs.find((record) =>
      record.store_errors?.some((note) => /^rate_limit \(open\): /.test(note)),
    );
    expect(openFailure?.status_code).toBe(200);
    const closedFailure = closed.logs.find((record) => record.status_code === 503);
    expect(closedFailure).toMatchObject({ error_code: 'store_unavailable' });
    expect(closedFailure?.store_errors?.some((note) => /^rate_limit \(closed\): /.test(note))).toBe(true);
    expect(records.length).toBeGreaterThanOrEqual(41);

    await redis.restart();
    let status = 0;
    for (let i = 0; i < 60 && status !== 200; i++) {
      status = (await send(closed, limited)).status;
      if (status !== 200) await sleep(100);
    }
    expect(status).toBe(200);
  });
});

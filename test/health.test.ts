/**
 * Deployment health on memory and on a real redis-server: cooldown after repeated failures or a
 * 429 with a wait, a single half-open probe, and (on Redis) one gateway seeing what another learned.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, memoryStore, redisStore, type Gateway, type LogRecord, type Store } from '../src/index.js';
import { chat, fail, reply } from './helpers/chat-upstream.js';
import { post } from './helpers/call.js';
import { startHost } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { hasRedis, PATIENT_REDIS, PATIENT_STORE_TIMEOUT_MS, startRedis, type RedisServer } from './helpers/redis.js';
import { sleep, startUpstream, type Upstream } from './helpers/upstream.js';

let primary: Upstream;
let backup: Upstream;
let redis: RedisServer | undefined;

beforeAll(async () => {
  [primary, backup, redis] = await Promise.all([
    startUpstream(),
    startUpstream((request, response) => reply(request, response, { content: 'backup' })),
    hasRedis ? startRedis() : undefined,
  ]);
});
afterAll(async () => {
  await Promise.all([primary.close(), backup.close(), redis?.stop()]);
});

let prefix = 0;
const stores: Array<[string, () => () => Store]> = [
  [
    'memory',
    () => {
      const shared = memoryStore();
      return () => shared;
    },
  ],
];
if (hasRedis) {
  stores.push([
    'redis',
    () => {
      const name = `health${++prefix}:`;
      return () => redisStore({ url: redis!.url, prefix: name, ...PATIENT_REDIS });
    },
  ]);
}

describe.each(stores)('health on the %s store', (_kind, storeFactory) => {
  const gateways: Gateway[] = [];
  const logs = logCollector();
  let nextStore: () => Store;

  function gateway(): Gateway {
    const created = createGateway({
      providers: {
        openai: { apiKey: 'sk-test-primary-000000001', baseURL: primary.baseURL },
        groq: { apiKey: 'sk-test-backup-0000000002', baseURL: backup.baseURL },
      },
      fallbacks: ['groq/llama-3.1-8b-instant'],
      retry: { maxRetries: 0 },
      health: { failureThreshold: 2, failureWindowMs: 10_000, cooldownMs: 300, maxCooldownMs: 2_000 },
      store: nextStore(),
      storeTimeoutMs: PATIENT_STORE_TIMEOUT_MS,
      onLog: logs.sink,
    });
    gateways.push(created);
    return created;
  }

  beforeAll(() => {
    nextStore = storeFactory();
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((created) => created.close()));
    nextStore = storeFactory(); // a fresh state per test
    primary.requests.length = 0;
    logs.records.length = 0;
  });

  async function lastRecord() {
    await logs.waitFor(1);
    const record = logs.records.at(-1)!;
    logs.records.length = 0;
    return record;
  }

  it('cools a deployment down after repeated failures, then probes it once and recovers', async () => {
    primary.handle((_request, response) => fail(response, 500));
    const gw = gateway();
    for (let i = 0; i < 2; i++) {
      const answer = await post(gw, chat('gpt-4o-mini'));
      expect(answer.body.choices[0].message.content).toBe('backup');
      expect(answer.headers['x-modelgate-fallback']).toBe('true');
    }
    await sleep(30); // failures are recorded in the background
    expect(primary.requests).toHaveLength(2);
    logs.records.length = 0;

    const skipped = await post(gw, chat('gpt-4o-mini'));
    expect(skipped.status).toBe(200);
    expect(primary.requests).toHaveLength(2); // not tried
    const record = await lastRecord();
    expect(record.attempts[0]).toMatchObject({
      provider: 'openai',
      deployment: 'openai',
      skipped: 'cooldown',
      status_code: null,
    });
    expect(record.attempts[0].error).toMatch(/openai \(gpt-4o-mini\) is cooling down for 1 s after 2 failures/);
    expect(skipped.headers['x-modelgate-attempts']).toBe('1');

    await sleep(320);
    primary.handle((request, response) => reply(request, response, { content: 'primary' }));
    // Concurrent requests after the cooldown: exactly one probes, the others keep away.
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(gw, chat('gpt-4o-mini'))));
    expect(primary.requests).toHaveLength(3);
    expect(answers.filter((answer) => answer.body.choices[0].message.content === 'primary')).toHaveLength(1);
    const records = await logs.waitFor(5);
    const probes = records.flatMap((entry) => entry.attempts).filter((attempt) => attempt.probe);
    expect(probes).toHaveLength(1);
    expect(probes[0]).toMatchObject({ provider: 'openai', status_code: 200 });
    logs.records.length = 0;

    await sleep(30);
    const healthy = await post(gw, chat('gpt-4o-mini'));
    expect(healthy.body.choices[0].message.content).toBe('primary');
    expect((await lastRecord()).attempts).toHaveLength(1);
  });

  it('doubles the cooldown after a failed probe', async () => {
    primary.handle((_request, response) => fail(response, 503));
    const gw = gateway();
    await post(gw, chat('gpt-4o-mini'));
    await post(gw, chat('gpt-4o-mini'));
    await sleep(330);
    await post(gw, chat('gpt-4o-mini')); // the probe, failing: the next cooldown lasts 600 ms
    await sleep(30);
    expect(primary.requests).toHaveLength(3);
    await sleep(350); // past the first cooldown's length, within the doubled one
    await post(gw, chat('gpt-4o-mini'));
    expect(primary.requests).toHaveLength(3);
    await sleep(400);
    await post(gw, chat('gpt-4o-mini'));
    expect(primary.requests).toHaveLength(4);
  });

  it('cools down at once after a 429 that says how long to wait', async () => {
    primary.handle((_request, response) => fail(response, 429, { 'retry-after-ms': '400' }));
    const gw = gateway();
    const first = await post(gw, chat('gpt-4o-mini'));
    expect(first.body.choices[0].message.content).toBe('backup');
    await sleep(30);
    logs.records.length = 0;
    await post(gw, chat('gpt-4o-mini'));
    expect(primary.requests).toHaveLength(1);
    expect((await lastRecord()).attempts[0].error).toContain('after a 429 asking to wait 1 s');
  });

  it('does not count a caller error against the deployment', async () => {
    primary.handle((_request, response) => fail(response, 400));
    const gw = gateway();
    for (let i = 0; i < 3; i++) expect((await post(gw, chat('gpt-4o-mini'))).status).toBe(400);
    await sleep(30);
    expect(primary.requests).toHaveLength(3);
  });

  it('still tries a cooled-down deployment when it is the only one', async () => {
    primary.handle((_request, response) => fail(response, 500));
    const gw = gateway();
    await post(gw, chat('gpt-4o-mini'));
    await post(gw, chat('gpt-4o-mini'));
    await sleep(30);
    const alone = await post(gw, chat('gpt-4o-mini', { exclude_providers: ['groq'] }));
    expect(alone.status).toBe(502);
    expect(primary.requests).toHaveLength(3);
  });

  if (_kind === 'redis') {
    it('shares a cooldown between gateways on the same Redis', async () => {
      primary.handle((_request, response) => fail(response, 500));
      const one = gateway();
      const two = gateway();
      await post(one, chat('gpt-4o-mini'));
      await post(one, chat('gpt-4o-mini'));
      await sleep(30);
      logs.records.length = 0;
      const answer = await post(two, chat('gpt-4o-mini'));
      expect(answer.body.choices[0].message.content).toBe('backup');
      expect(primary.requests).toHaveLength(2);
      expect((await lastRecord()).attempts[0].skipped).toBe('cooldown');
    });
  }
});

describe('health bookkeeping that fails slowly', () => {
  it('is in the log record, which never changes after it reached the sink', async () => {
    primary.handle((_request, response) => fail(response, 500));
    // The failure count hangs until the store call times out, long after the fallback answered.
    const slow: Store = { ...memoryStore(), kind: 'slow', increment: () => new Promise<number>(() => {}) };
    const delivered: Array<{ record: LogRecord; text: string }> = [];
    const gw = createGateway({
      providers: {
        openai: { apiKey: 'sk-test-primary-000000001', baseURL: primary.baseURL },
        groq: { apiKey: 'sk-test-backup-0000000002', baseURL: backup.baseURL },
      },
      fallbacks: ['groq/llama-3.1-8b-instant'],
      retry: { maxRetries: 0 },
      store: slow,
      storeTimeoutMs: 150,
      onLog: (record) => void delivered.push({ record, text: JSON.stringify(record) }),
    });
    const host = await startHost('express', gw);
    try {
      const answer = await fetch(`${host.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(chat('gpt-4o-mini')),
      });
      expect(((await answer.json()) as any).choices[0].message.content).toBe('backup');
      await sleep(400); // past the store timeout
      expect(delivered).toHaveLength(1);
      const [{ record, text }] = delivered;
      expect(JSON.stringify(record)).toBe(text); // nothing written into it after it was emitted
      expect(record.store_errors).toEqual([expect.stringMatching(/^health \(skipped\): /)]);
    } finally {
      await host.close();
      await gw.close();
      primary.requests.length = 0;
    }
  });
});

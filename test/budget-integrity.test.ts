/**
 * Budgets a caller cannot widen, through a real Express host and a loopback upstream, on memory and
 * on a real redis-server: the operator's customer settings win over `customer_params` whole (a
 * caller naming another `budget_duration` gets no fresh bucket), the estimate reserves for every
 * choice `n` asks for, and the state made for a caller-supplied customer id always expires.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, memoryStore, redisStore, type GatewayOptions, type Store } from '../src/index.js';
import { chat, reply } from './helpers/chat-upstream.js';
import { startHost, type Host } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { hasRedis, PATIENT_REDIS, PATIENT_STORE_TIMEOUT_MS, startRedis, type RedisServer } from './helpers/redis.js';
import { sleep, startUpstream, type Upstream } from './helpers/upstream.js';

let upstream: Upstream;
let redis: RedisServer | undefined;
const answerNormally = (request: any, response: any) =>
  reply(request, response, { promptTokens: 7, completionTokens: 10 });

beforeAll(async () => {
  [upstream, redis] = await Promise.all([startUpstream(answerNormally), hasRedis ? startRedis() : undefined]);
});
afterAll(async () => {
  await Promise.all([upstream.close(), redis?.stop()]);
});

/** $1,000 per million output tokens, input free: 10 output tokens cost exactly $0.01. */
const PRICED = { pricing: { 'openai/gpt-4o-mini': { input: 0, output: 1_000 } } };
const ask = (extra: Record<string, unknown> = {}) => chat('gpt-4o-mini', { max_tokens: 10, ...extra });
const DAY_MS = 86_400_000;

let prefixCounter = 0;
const stores: Array<[string, () => Store]> = [['memory', () => memoryStore()]];
if (hasRedis)
  stores.push([
    'redis',
    () => redisStore({ url: redis!.url, prefix: `integrity${++prefixCounter}:`, ...PATIENT_REDIS }),
  ]);

const hosts: Host[] = [];
const logs = logCollector();

async function serve(
  store: Store,
  options: Partial<GatewayOptions> = {},
): Promise<(body: unknown) => Promise<{ status: number; body: any }>> {
  const gateway = createGateway({
    providers: { openai: { apiKey: 'sk-test-integrity-000001', baseURL: upstream.baseURL } },
    store,
    storeTimeoutMs: PATIENT_STORE_TIMEOUT_MS,
    retry: { maxRetries: 0 },
    onLog: logs.sink,
    ...PRICED,
    ...options,
  });
  const host = await startHost('express', gateway);
  hosts.push({ ...host, close: async () => (await host.close(), await gateway.close()) });
  return async (body) => {
    const response = await fetch(`${host.baseURL}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
}

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
  upstream.requests.length = 0;
  upstream.handle(answerNormally);
  await sleep(20);
  logs.records.length = 0;
});

describe.each(stores)('budgets on the %s store', (_kind, makeStore) => {
  it("keeps the operator's budget whole whatever duration the caller names", async () => {
    const send = await serve(makeStore(), { customers: { acme: { periodBudget: 0.05 } } });
    const durations = ['daily', 'weekly', 'yearly', undefined, 'monthly'];
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) {
      const duration = durations[i % durations.length];
      statuses.push(
        (
          await send(
            ask({
              customer_params: { customer_identifier: 'acme', ...(duration ? { budget_duration: duration } : {}) },
            }),
          )
        ).status,
      );
    }
    // $0.05 at $0.01 a request: five answers in all, not five per duration the caller can name.
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    expect(upstream.requests).toHaveLength(5);
    const records = await logs.waitFor(15);
    expect(new Set(records.map((record) => record.customer?.period_budget?.duration))).toEqual(new Set(['monthly']));
  });

  it('takes no limit from customer_params for a customer the operator configured', async () => {
    const send = await serve(makeStore(), { customers: { acme: { totalBudget: 0.02, name: 'Acme' } } });
    const loosened = {
      customer_identifier: 'acme',
      name: 'Someone Else',
      email: 'caller@example.com',
      total_budget: 1_000,
      period_budget: 1_000,
      rate_limit: 1,
      markup_percentage: 0,
    };
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await send(ask({ customer_params: loosened }))).status);
    expect(statuses).toEqual([200, 200, 429, 429]); // the operator's $0.02, and no caller rate limit of 1 either
    const [record] = await logs.waitFor(4);
    expect(record.customer).toMatchObject({
      name: 'Acme',
      email: 'caller@example.com',
      period_budget: null,
      rate_limit: null,
      total_budget: { limit_usd: 0.02 },
    });
  });

  it('reserves for every choice a request asks for (n)', async () => {
    upstream.handle((request, response) =>
      reply(request, response, { promptTokens: 7, completionTokens: 10 * (request.body.n ?? 1) }),
    );
    const send = await serve(makeStore(), { customers: { many: { totalBudget: 1 } } });
    expect((await send(ask({ n: 200, customer_identifier: 'many' }))).status).toBe(200);
    const [record] = await logs.waitFor(1);
    expect(record.cost_usd).toBeCloseTo(2, 12); // 200 choices of 10 tokens
    expect(record.customer!.reserved_usd).toBeGreaterThanOrEqual(record.customer!.charged_usd!);
    expect(record.customer!.reserved_usd).toBeCloseTo(2, 12);
    const over = await send(ask({ customer_identifier: 'many' }));
    expect(over.status).toBe(429);
    expect(over.body.error.message).toContain('($2.00 spent)');
  });

  it('keeps an astronomical estimate or cost exact in the store: still counted, never a store error', async () => {
    // Nothing bounds `n`; 1e20 choices of 10 tokens cost $1e18, past what a store counts exactly.
    upstream.handle((request, response) =>
      reply(request, response, { promptTokens: 7, completionTokens: 10 * (request.body.n ?? 1) }),
    );
    const send = await serve(makeStore(), { customers: { huge: { totalBudget: 1 } }, onStoreError: 'open' });
    expect((await send(ask({ n: 1e20, customer_identifier: 'huge' }))).status).toBe(200);
    const over = await send(ask({ customer_identifier: 'huge' }));
    expect(over.status).toBe(429); // counted, so refused: not let through unchecked by a failing store
    const records = await logs.waitFor(2);
    expect(records.flatMap((record) => record.store_errors ?? [])).toEqual([]);
    expect(records[0].customer!.total_budget!.spent_usd).toBeGreaterThanOrEqual(1);
  });
});

describe('state made for caller-supplied customer ids', () => {
  it.skipIf(!hasRedis)('expires on Redis: the rate-limit window, the period and an idle total budget', async () => {
    const prefix = `ttl${++prefixCounter}:`;
    const send = await serve(redisStore({ url: redis!.url, prefix, ...PATIENT_REDIS }), {
      customers: { operator: { totalBudget: 5 } },
    });
    const invented = {
      customer_identifier: 'made-up-7',
      rate_limit: 10,
      period_budget: 1,
      budget_duration: 'daily',
      total_budget: 5,
    };
    expect((await send(ask({ customer_params: invented }))).status).toBe(200);
    expect((await send(ask({ customer_identifier: 'operator' }))).status).toBe(200);
    const raw = new Redis(redis!.url);
    try {
      const keys = (await raw.keys(`${prefix}*`)).sort();
      const ttl = async (part: string) => raw.pttl(keys.find((key) => key.includes(part))!);
      expect(keys.filter((key) => key.includes('made-up-7'))).toHaveLength(3);
      const window = await ttl('ratelimit:made-up-7');
      expect(window).toBeGreaterThan(0);
      expect(window).toBeLessThanOrEqual(60_000);
      const daily = await ttl('made-up-7:daily');
      expect(daily).toBeGreaterThan(0);
      expect(daily).toBeLessThanOrEqual(2 * DAY_MS); // the rest of today, and a day for late settlements
      const total = await ttl('made-up-7:total');
      expect(total).toBeGreaterThan(0);
      expect(total).toBeLessThanOrEqual(31 * DAY_MS);
      // The operator's own customer keeps its lifetime budget.
      expect(await ttl('operator:total')).toBe(-1);
    } finally {
      raw.disconnect();
    }
  });

  it('expires on the memory store, while an operator customer keeps its lifetime budget', async () => {
    let clock = Date.now();
    const send = await serve(memoryStore({ now: () => clock }), { customers: { operator: { totalBudget: 0.01 } } });
    const invented = { customer_params: { customer_identifier: 'made-up-8', total_budget: 0.01 } };
    const operator = { customer_identifier: 'operator' };
    expect([(await send(ask(invented))).status, (await send(ask(invented))).status]).toEqual([200, 429]);
    expect([(await send(ask(operator))).status, (await send(ask(operator))).status]).toEqual([200, 429]);
    clock += 31 * DAY_MS; // a month with no request from either
    // The invented id's state is gone (nothing kept it alive); the operator's customer is still spent.
    expect((await send(ask(invented))).status).toBe(200);
    expect((await send(ask(operator))).status).toBe(429);
  });
});

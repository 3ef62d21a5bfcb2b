/**
 * Customer rate limits and budgets on memory and on a real redis-server: a sliding-window limit
 * checked before the request, budgets reserved before and settled after, never overspent by
 * concurrent requests, and the onStoreError policy when the store is gone.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, memoryStore, redisStore, type Gateway, type GatewayOptions, type Store } from '../src/index.js';
import { chat, completionChunks, fail, reply } from './helpers/chat-upstream.js';
import { post } from './helpers/call.js';
import { logCollector } from './helpers/logs.js';
import {
  freePort,
  hasRedis,
  PATIENT_REDIS,
  PATIENT_STORE_TIMEOUT_MS,
  startRedis,
  type RedisServer,
} from './helpers/redis.js';
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

let prefix = 0;
const stores: Array<[string, () => Store]> = [['memory', () => memoryStore()]];
if (hasRedis)
  stores.push(['redis', () => redisStore({ url: redis!.url, prefix: `customers${++prefix}:`, ...PATIENT_REDIS })]);

describe.each(stores)('customers on the %s store', (_kind, makeStore) => {
  const gateways: Gateway[] = [];
  const logs = logCollector();

  function gateway(options: Partial<GatewayOptions> = {}): Gateway {
    const created = createGateway({
      providers: { openai: { apiKey: 'sk-test-customers-000001', baseURL: upstream.baseURL } },
      store: makeStore(),
      storeTimeoutMs: PATIENT_STORE_TIMEOUT_MS,
      retry: { maxRetries: 0 },
      onLog: logs.sink,
      ...PRICED,
      ...options,
    });
    gateways.push(created);
    return created;
  }

  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((created) => created.close()));
    upstream.requests.length = 0;
    upstream.handle(answerNormally);
    await sleep(20);
    logs.records.length = 0;
  });

  it('refuses the request past the rate limit with 429 and retry-after, before calling upstream', async () => {
    const gw = gateway();
    const limited = { customer_params: { customer_identifier: 'cust-rl', rate_limit: 3 } };
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await post(gw, ask(limited)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
    expect(answers[2].headers['x-ratelimit-remaining-requests']).toBe('0');
    const refused = answers[3];
    expect(refused.body.error).toMatchObject({ type: 'rate_limit_error', code: 'customer_rate_limit_exceeded' });
    expect(refused.body.error.message).toContain('rate limit of 3 requests per minute');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(59);
    // The gateway's own limit names its wait: the SDKs may retry after it (OpenAI's own 429s work so).
    expect(refused.headers['x-should-retry']).toBe('true');
    expect(upstream.requests).toHaveLength(3);
    const records = await logs.waitFor(4);
    expect(records[0].customer).toMatchObject({
      customer_identifier: 'cust-rl',
      rate_limit: { limit: 3, remaining: 2 },
    });
    expect(records[0].customer_identifier).toBe('cust-rl');
    expect(records[3]).toMatchObject({ status_code: 429, error_code: 'customer_rate_limit_exceeded' });
  });

  it('lets the customers option win over customer_params', async () => {
    const gw = gateway({ customers: { 'cust-opt': { rateLimit: 1 } } });
    const generous = { customer_params: { customer_identifier: 'cust-opt', rate_limit: 100 } };
    expect((await post(gw, ask(generous))).status).toBe(200);
    expect((await post(gw, ask(generous))).status).toBe(429);
    // A customer named only by customer_identifier gets the configured limit too.
    expect((await post(gw, ask({ customer_identifier: 'cust-opt' }))).status).toBe(429);
  });

  it('spends a period budget down and then refuses with insufficient_quota', async () => {
    const gw = gateway();
    const budget = {
      customer_params: { customer_identifier: 'cust-budget', period_budget: 0.05, budget_duration: 'daily' },
    };
    for (let i = 0; i < 5; i++) expect((await post(gw, ask(budget))).status).toBe(200);
    const over = await post(gw, ask(budget));
    expect(over.status).toBe(429);
    expect(over.body.error.type).toBe('insufficient_quota');
    expect(over.body.error.code).toBe('insufficient_quota');
    expect(over.body.error.message).toMatch(
      /^Customer `cust-budget` has used up its daily budget of \$0\.0500 \(\$0\.0500 spent\)\. It resets at \d{4}-\d{2}-\d{2}T00:00:00\.000Z\.$/,
    );
    expect(over.headers['x-modelgate-budget-reset']).toMatch(/T00:00:00.000Z$/);
    expect(upstream.requests).toHaveLength(5);
    const records = await logs.waitFor(6);
    expect(records[0].customer).toMatchObject({
      reserved_usd: 0.01,
      charged_usd: 0.01,
      period_budget: { duration: 'daily', limit_usd: 0.05, spent_usd: 0.01 },
    });
    expect(records[4].customer?.period_budget?.spent_usd).toBeCloseTo(0.05, 12);
  });

  it('never lets concurrent requests overspend: 100 at once against a budget for 10', async () => {
    upstream.handle((request, response) =>
      reply(request, response, { promptTokens: 7, completionTokens: 10, delayMs: 50 }),
    );
    const gw = gateway({ customers: { 'cust-burst': { totalBudget: 0.1 } } });
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => post(gw, ask({ customer_identifier: 'cust-burst' }))),
    );
    const ok = answers.filter((answer) => answer.status === 200);
    expect(ok).toHaveLength(10);
    expect(
      answers.filter((answer) => answer.status === 429 && answer.body.error.code === 'insufficient_quota'),
    ).toHaveLength(90);
    expect(upstream.requests).toHaveLength(10);
    const records = await logs.waitFor(100);
    const spent = Math.max(...records.map((record) => record.customer?.total_budget?.spent_usd ?? 0));
    expect(spent).toBeCloseTo(0.1, 12);
  });

  it('releases the reservation of a failed request, and applies the markup', async () => {
    const gw = gateway({ budgetExceededStatus: 402 });
    const budget = {
      customer_params: { customer_identifier: 'cust-fail', total_budget: 0.02, markup_percentage: 100 },
    };
    upstream.handle((_request, response) => fail(response, 500));
    for (let i = 0; i < 3; i++) expect((await post(gw, ask(budget))).status).toBe(502);
    upstream.handle(answerNormally);
    expect((await post(gw, ask(budget))).status).toBe(200); // $0.01 at cost, $0.02 with the markup
    const over = await post(gw, ask(budget));
    expect(over.status).toBe(402);
    expect(over.body.error.message).toContain('total budget of $0.0200');
    const records = await logs.waitFor(5);
    expect(records[0].customer).toMatchObject({ reserved_usd: 0.02, charged_usd: 0, total_budget: { spent_usd: 0 } });
    expect(records[3].customer).toMatchObject({
      charged_usd: 0.02,
      markup_percentage: 100,
      total_budget: { limit_usd: 0.02, spent_usd: 0.02 },
    });
  });

  it('settles a streamed request with the usage it reported', async () => {
    const gw = gateway();
    const answer = await post(
      gw,
      ask({ stream: true, customer_params: { customer_identifier: 'cust-stream', total_budget: 1 } }),
    );
    expect(answer.status).toBe(200);
    expect(answer.done).toBe(true);
    const [record] = await logs.waitFor(1);
    expect(record.customer).toMatchObject({ charged_usd: 0.01, total_budget: { spent_usd: 0.01 } });
    expect(record.cost_usd).toBe(0.01); // budgets count what the log's cost says
  });

  it('charges the reserved estimate for a stream the client left before its usage came', async () => {
    upstream.handle(async (request, response) => {
      const [first, second] = completionChunks(request.body.model, { content: 'Hello there, how are you?' });
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(`data: ${JSON.stringify(first)}\n\ndata: ${JSON.stringify(second)}\n\n`);
      await new Promise((resolve) => response.once('close', resolve)); // the rest never comes
    });
    const gw = gateway();
    const client = new AbortController();
    const budget = { customer_params: { customer_identifier: 'cust-leaves', total_budget: 0.01 } };
    const answer = await gw.handle(
      { method: 'POST', path: '/chat/completions', headers: {}, body: ask({ stream: true, ...budget }) },
      { signal: client.signal },
    );
    if (answer.kind !== 'sse') throw new Error(`expected a stream, got ${answer.status}`);
    for await (const piece of answer.body) {
      expect(String(piece)).toContain('Hello');
      client.abort(); // the client leaves after the first content
      break;
    }
    const [record] = await logs.waitFor(1);
    expect(record).toMatchObject({ client_aborted: true, usage: null });
    // max_tokens 10 at $1,000 per million output tokens: the reservation, $0.01, is what it costs at most.
    expect(record.customer).toMatchObject({ reserved_usd: 0.01, charged_usd: 0.01, total_budget: { spent_usd: 0.01 } });
    upstream.handle(answerNormally);
    const over = await post(gw, ask(budget));
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('insufficient_quota');
  });

  it('prices budgets from the catalogue when no pricing is configured', async () => {
    const gw = gateway({ pricing: undefined });
    await post(
      gw,
      chat('gpt-4o-mini', {
        max_tokens: 10,
        customer_params: { customer_identifier: 'cust-catalogue', total_budget: 1 },
      }),
    );
    const [record] = await logs.waitFor(1);
    expect(record.cost_usd).toBeGreaterThan(0);
    expect(record.customer!.charged_usd).toBeCloseTo(record.cost_usd!, 12);
    expect(record.customer!.reserved_usd).toBeGreaterThan(record.cost_usd!);
  });
});

describe('the store when customers need it', () => {
  function counting(store: Store) {
    const calls: string[] = [];
    const proxy = new Proxy(store, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== 'function' || name === 'close') return value;
        return (...args: unknown[]) => {
          calls.push(String(name));
          return value.apply(target, args);
        };
      },
    });
    return { store: proxy, calls };
  }

  it('makes no store call for requests that use no store-backed feature', async () => {
    const { store, calls } = counting(memoryStore());
    const gw = createGateway({
      providers: { openai: { apiKey: 'sk-test-customers-000001', baseURL: upstream.baseURL } },
      store,
    });
    expect((await post(gw, ask({ customer_identifier: 'just-a-label' }))).status).toBe(200);
    expect((await post(gw, ask({ stream: true }))).status).toBe(200);
    expect(calls).toEqual([]);
    await gw.close();
  });

  it('fails open by default: the request passes and the log notes the store failure', async () => {
    const logs = logCollector();
    const gw = createGateway({
      providers: { openai: { apiKey: 'sk-test-customers-000001', baseURL: upstream.baseURL } },
      store: redisStore({ url: `redis://127.0.0.1:${await freePort()}`, commandTimeoutMs: 50 }),
      onLog: logs.sink,
      ...PRICED,
    });
    const answer = await post(
      gw,
      ask({ customer_params: { customer_identifier: 'c', rate_limit: 1, total_budget: 0.001 } }),
    );
    expect(answer.status).toBe(200);
    const [record] = await logs.waitFor(1);
    expect(record.store_errors).toHaveLength(2); // the rate limit and the reservation (nothing to settle then)
    expect(record.store_errors![0]).toMatch(/^rate_limit \(open\): /);
    expect(record.store_errors![1]).toMatch(/^budget \(open\): /);
    await gw.close();
  });

  it('fails closed on request: 503 store_unavailable, without calling upstream, and never hangs', async () => {
    const hanging: Store = { ...memoryStore(), kind: 'hanging', hitWindow: () => new Promise(() => {}) };
    const gw = createGateway({
      providers: { openai: { apiKey: 'sk-test-customers-000001', baseURL: upstream.baseURL } },
      store: hanging,
      storeTimeoutMs: 100,
      onStoreError: 'closed',
    });
    const before = upstream.requests.length;
    const started = Date.now();
    const answer = await post(gw, ask({ customer_params: { customer_identifier: 'c', rate_limit: 5 } }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('store_unavailable');
    expect(answer.headers['retry-after']).toBe('1');
    expect(answer.headers['x-should-retry']).toBe('true'); // "try again shortly": the headers agree
    expect(upstream.requests).toHaveLength(before);
    await gw.close();
  });
});

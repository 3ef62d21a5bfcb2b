/**
 * Budgets across store failures, through a real node:http host and a loopback upstream: a
 * settlement lost to a dropped store connection still counts (its hold lapses into spend, at its
 * reservation), and a reservation whose command timed out while Redis was frozen (SIGSTOP) leaves
 * no hold when Redis resumes, so requests let through under `onStoreError: 'open'` are never charged.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createGateway,
  memoryStore,
  redisStore,
  type GatewayOptions,
  type LogRecord,
  type Store,
} from '../src/index.js';
import { chat, reply } from './helpers/chat-upstream.js';
import { startHost, type Host } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { hasRedis, PATIENT_REDIS, PATIENT_STORE_TIMEOUT_MS, startRedis, type RedisServer } from './helpers/redis.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';
import { sleep, startUpstream, type Upstream } from './helpers/upstream.js';

let upstream: Upstream;
let redis: RedisServer | undefined;
let proxy: TcpProxy | undefined;
const answerNormally = (request: any, response: any) =>
  reply(request, response, { promptTokens: 7, completionTokens: 10 });

beforeAll(async () => {
  [upstream, redis] = await Promise.all([startUpstream(answerNormally), hasRedis ? startRedis() : undefined]);
  if (redis) proxy = await startTcpProxy(redis.port);
});
afterAll(async () => {
  await Promise.all([upstream.close(), redis?.stop(), proxy?.close()]);
});

/** $1,000 per million output tokens, input free: 10 output tokens cost exactly $0.01. */
const PRICED = { pricing: { 'openai/gpt-4o-mini': { input: 0, output: 1_000 } } };
const ask = (extra: Record<string, unknown> = {}) => chat('gpt-4o-mini', { max_tokens: 10, ...extra });
/** Longest a hold can outlive its request's deadline before it lapses (CustomerLimits' margin), plus slack. */
const LAPSE_MARGIN_MS = 5_000 + 500;

const hosts: Host[] = [];
const logs = logCollector();

async function serve(
  store: Store,
  options: Partial<GatewayOptions>,
): Promise<(body: unknown) => Promise<{ status: number; body: any }>> {
  const gateway = createGateway({
    providers: { openai: { apiKey: 'sk-test-store-failures-01', baseURL: upstream.baseURL } },
    store,
    retry: { maxRetries: 0 },
    health: false,
    onLog: logs.sink,
    ...PRICED,
    ...options,
  });
  const host = await startHost('node', gateway);
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
  proxy?.restore();
  await Promise.all(hosts.splice(0).map((host) => host.close()));
  upstream.requests.length = 0;
  upstream.handle(answerNormally);
  await sleep(20);
  logs.records.length = 0;
});

/** Holds every upstream answer until `open()`: the test decides when the answers (and their settlements) come. */
function gatedUpstream(completionTokens: number): { open: () => void } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  upstream.handle(async (request, response) => {
    await gate;
    await reply(request, response, { promptTokens: 7, completionTokens });
  });
  return { open };
}

/** Polls until the store answers again (`closed` policy: 503 until then). */
async function whenReachable(
  send: (body: unknown) => Promise<{ status: number; body: any }>,
  body: unknown,
): Promise<{ status: number; body: any }> {
  for (let i = 0; i < 100; i++) {
    const answer = await send(body);
    if (answer.status !== 503) return answer;
    await sleep(50);
  }
  throw new Error('the store did not come back');
}

const settleFailures = (records: LogRecord[]) =>
  records.filter((record) => record.store_errors?.some((note) => note.startsWith('budget (skipped)')));

describe('a settlement lost to a store failure', () => {
  it('still counts on the memory store: the lapsed hold is charged its reservation', async () => {
    let clock = Date.now();
    const base = memoryStore({ now: () => clock });
    // Fault injection: every settlement (and every try again) fails as if the connection had dropped.
    const flaky: Store = { ...base, kind: 'flaky', settle: () => Promise.reject(new Error('connection lost')) };
    const send = await serve(flaky, { customers: { acme: { totalBudget: 0.05 } }, onStoreError: 'closed' });
    const first = await Promise.all(
      Array.from({ length: 5 }, () => send(ask({ customer_identifier: 'acme', deadline_ms: 1_000 }))),
    );
    expect(first.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(settleFailures(await logs.waitFor(5))).toHaveLength(5);
    clock += 15 * 60_000; // past every hold
    const second = await Promise.all(Array.from({ length: 5 }, () => send(ask({ customer_identifier: 'acme' }))));
    expect(second.map((answer) => answer.status)).toEqual([429, 429, 429, 429, 429]);
    expect(second[0].body.error.message).toContain('($0.0500 spent)');
    expect(upstream.requests).toHaveLength(5);
  });

  it.skipIf(!hasRedis)(
    'still counts on Redis when the connection drops while the answers settle',
    async () => {
      const answers = gatedUpstream(10);
      // `closed`: while Redis is out of reach nothing is served unchecked, so every answer below is accounted for.
      const send = await serve(redisStore({ url: proxy!.url, prefix: 'dropped:', ...PATIENT_REDIS }), {
        customers: { acme: { totalBudget: 0.1 } },
        onStoreError: 'closed',
        storeTimeoutMs: PATIENT_STORE_TIMEOUT_MS,
      });
      const inFlight = Array.from({ length: 10 }, () => send(ask({ customer_identifier: 'acme', deadline_ms: 2_000 })));
      while (upstream.requests.length < 10) await sleep(5);
      const reservedBy = Date.now(); // each reservation came before its upstream request
      proxy!.cut();
      answers.open();
      const first = await Promise.all(inFlight);
      expect(first.map((answer) => answer.status)).toEqual(Array(10).fill(200));
      expect(settleFailures(await logs.waitFor(10))).toHaveLength(10);
      // The connection stays down until every hold has lapsed, so no settlement (nor a try again) lands meanwhile.
      await sleep(reservedBy + 2_000 + LAPSE_MARGIN_MS - Date.now());
      proxy!.restore();
      const answer = await whenReachable(send, ask({ customer_identifier: 'acme' }));
      expect(answer.status).toBe(429);
      expect(answer.body.error.message).toContain('($0.100 spent)');
      const later = await Promise.all(Array.from({ length: 10 }, () => send(ask({ customer_identifier: 'acme' }))));
      expect(later.map((next) => next.status)).toEqual(Array(10).fill(429));
      expect(upstream.requests).toHaveLength(10);
    },
    20_000,
  );
});

describe('a settlement that failed', () => {
  it.skipIf(!hasRedis)(
    'is tried again, and lands at the real cost once the store is back',
    async () => {
      // 5 output tokens: $0.005 spent, against $0.01 reserved (max_tokens 10).
      const answers = gatedUpstream(5);
      const send = await serve(redisStore({ url: proxy!.url, prefix: 'retried:', ...PATIENT_REDIS }), {
        customers: { acme: { totalBudget: 1 } },
        onStoreError: 'closed',
        storeTimeoutMs: PATIENT_STORE_TIMEOUT_MS,
      });
      const inFlight = Array.from({ length: 4 }, () => send(ask({ customer_identifier: 'acme' })));
      while (upstream.requests.length < 4) await sleep(5);
      proxy!.cut();
      answers.open();
      expect((await Promise.all(inFlight)).map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
      expect(settleFailures(await logs.waitFor(4))).toHaveLength(4);
      proxy!.restore();
      // Watch the budget in Redis until no reservation is left: the tries again (0.25, 2 and 10 s on) landed.
      const raw = new Redis(redis!.url);
      try {
        const deadline = Date.now() + 15_000;
        while (
          Object.keys(await raw.hgetall('retried:budget:acme:total')).some((field) => field.startsWith('h:')) &&
          Date.now() < deadline
        )
          await sleep(100);
      } finally {
        raw.disconnect();
      }
      logs.records.length = 0;
      upstream.handle((request, response) => reply(request, response, { promptTokens: 7, completionTokens: 5 }));
      expect((await whenReachable(send, ask({ customer_identifier: 'acme' }))).status).toBe(200);
      const [record] = await logs.waitFor(1);
      expect(record.customer?.total_budget?.spent_usd).toBeCloseTo(5 * 0.005, 12); // four late settlements and this one
    },
    30_000,
  );
});

describe('a reservation whose command timed out', () => {
  it.skipIf(!hasRedis)(
    'leaves no hold when a frozen Redis resumes: the requests let through are never charged',
    async () => {
      const own = await startRedis();
      try {
        // Timeouts long enough for a loaded machine, short enough for a frozen Redis to exceed them.
        const send = await serve(redisStore({ url: own.url, commandTimeoutMs: 1_500 }), {
          customers: { frozen: { totalBudget: 0.05 } },
          onStoreError: 'open',
          storeTimeoutMs: 1_500,
        });
        expect((await send(ask({ customer_identifier: 'frozen' }))).status).toBe(200); // $0.01 spent
        own.pause();
        let frozen;
        try {
          frozen = await Promise.all(Array.from({ length: 20 }, () => send(ask({ customer_identifier: 'frozen' }))));
        } finally {
          own.resume();
        }
        // Let through unchecked (`open`), each noted in its log record.
        expect(frozen.map((answer) => answer.status)).toEqual(Array(20).fill(200));
        const records = await logs.waitFor(21);
        expect(
          records.filter((record) => record.store_errors?.some((note) => note.startsWith('budget (open)'))),
        ).toHaveLength(20);
        await sleep(300); // Redis runs every command it received while frozen
        const statuses: number[] = [];
        let refusal: any;
        for (let i = 0; i < 6; i++) {
          const answer = await send(ask({ customer_identifier: 'frozen' }));
          statuses.push(answer.status);
          refusal ??= answer.status === 429 ? answer.body : undefined;
        }
        // The budget counts the five requests it checked, nothing else: four more fit in $0.05.
        expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
        expect(refusal.error.message).toContain('total budget of $0.0500 ($0.0500 spent).');
      } finally {
        await own.stop();
      }
    },
    20_000,
  );
});

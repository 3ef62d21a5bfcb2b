/**
 * The log stores on their own: memory, SQLite (better-sqlite3, a real file) and a real redis-server.
 * Filters, cursor pages, lookups by id, retention by count, bytes and age, oversized records,
 * content left out, the live tail; SQLite survives a reopen; Redis shares records and the tail
 * between instances.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  memoryLogStore,
  redisLogStore,
  sqliteLogStore,
  type LogRecord,
  type LogStore,
  type RetentionOptions,
} from '../src/index.js';
import { hasRedis, startRedis, type RedisServer } from './helpers/redis.js';
import { betterSqlite3 } from './helpers/services.js';

let redis: RedisServer | undefined;
const dir = mkdtempSync(join(tmpdir(), 'modelgate-log-store-'));
let counter = 0;

beforeAll(async () => {
  if (hasRedis) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const kinds: Array<[string, (options?: RetentionOptions) => LogStore]> = [
  ['memory', (options) => memoryLogStore(options)],
];
if (betterSqlite3.available)
  kinds.push(['sqlite', (options) => sqliteLogStore({ path: join(dir, `logs-${++counter}.db`), ...options })]);
if (hasRedis)
  kinds.push(['redis', (options) => redisLogStore({ url: redis!.url, prefix: `logstore${++counter}:`, ...options })]);

let sequence = 0;
function record(overrides: Partial<LogRecord> = {}): LogRecord {
  const n = ++sequence;
  const start = new Date(Date.now() - 1_000 + n).toISOString();
  return {
    id: `rec-${n}-${Math.random().toString(36).slice(2, 8)}`,
    start_time: start,
    end_time: start,
    latency_ms: n,
    ttft_ms: null,
    gateway_overhead_ms: null,
    method: 'POST',
    path: '/chat/completions',
    endpoint: 'chat.completions',
    bytes_in: null,
    bytes_out: null,
    status_code: 200,
    status: 'success',
    error_message: null,
    error_code: null,
    client_aborted: false,
    stream: false,
    requested_model: 'gpt-4o-mini',
    model: 'gpt-4o-mini',
    provider: 'openai',
    fallback_used: false,
    deployment: 'openai',
    load_balance_group: null,
    attempts: [],
    dropped_params: null,
    usage: {
      prompt_tokens: 1,
      completion_tokens: 2,
      total_tokens: 3,
      cached_tokens: 0,
      cache_write_tokens: 0,
      reasoning_tokens: 0,
    },
    cost_usd: 0.001,
    cost: null,
    cost_unavailable_reason: null,
    customer_identifier: null,
    custom_identifier: null,
    thread_identifier: null,
    group_identifier: null,
    metadata: null,
    principal: null,
    host_metadata: null,
    gateway_key: null,
    cache: null,
    customer: null,
    store_errors: null,
    params: { model: 'gpt-4o-mini' },
    input: [{ role: 'user', content: `question ${n}` }],
    output: { role: 'assistant', content: `answer ${n}` },
    ...overrides,
  };
}

const idsOf = (records: LogRecord[]) => records.map((r) => r.id);

describe.each(kinds)('%s log store', (_kind, make) => {
  it('lists newest first with filters, pages with a cursor and finds a record by id', async () => {
    const store = make();
    try {
      const added = [
        record({ customer_identifier: 'alice', metadata: { env: 'prod', n: 1 } }),
        record({ customer_identifier: 'bob', status: 'error', status_code: 503, provider: 'anthropic' }),
        record({
          customer_identifier: 'alice',
          thread_identifier: 't1',
          group_identifier: 'g1',
          model: 'gpt-4o',
          requested_model: 'fast',
        }),
        record({ customer_identifier: 'carol', metadata: { env: 'dev' } }),
        record({ customer_identifier: 'alice', metadata: { env: 'prod', n: 2 } }),
      ];
      for (const one of added) await store.add(one);
      const newest = [...added].reverse();
      expect(idsOf((await store.list({}, { limit: 50 })).records)).toEqual(idsOf(newest));
      const alice = (await store.list({ customer: 'alice' }, { limit: 50 })).records;
      expect(idsOf(alice)).toEqual(idsOf(newest.filter((r) => r.customer_identifier === 'alice')));
      expect(idsOf((await store.list({ status: 'error' }, { limit: 9 })).records)).toEqual([added[1].id]);
      expect(idsOf((await store.list({ provider: 'anthropic' }, { limit: 9 })).records)).toEqual([added[1].id]);
      expect(idsOf((await store.list({ model: 'fast' }, { limit: 9 })).records)).toEqual([added[2].id]);
      expect(idsOf((await store.list({ model: 'gpt-4o' }, { limit: 9 })).records)).toEqual([added[2].id]);
      expect(idsOf((await store.list({ thread: 't1', group: 'g1' }, { limit: 9 })).records)).toEqual([added[2].id]);
      expect(idsOf((await store.list({ metadata: [{ key: 'env', value: 'prod' }] }, { limit: 9 })).records)).toEqual([
        added[4].id,
        added[0].id,
      ]);
      expect(idsOf((await store.list({ metadata: [{ key: 'n', value: '2' }] }, { limit: 9 })).records)).toEqual([
        added[4].id,
      ]);
      const from = Date.parse(added[2].start_time);
      expect(idsOf((await store.list({ from }, { limit: 9 })).records)).toEqual(idsOf(newest.slice(0, 3)));
      expect(idsOf((await store.list({ to: from }, { limit: 9 })).records)).toEqual(idsOf(newest.slice(3)));

      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list({}, { limit: 2, cursor });
        pages.push(idsOf(page.records));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      expect(pages).toEqual([idsOf(newest.slice(0, 2)), idsOf(newest.slice(2, 4)), idsOf(newest.slice(4))]);
      const alicePage = await store.list({ customer: 'alice' }, { limit: 2 });
      const aliceRest = await store.list({ customer: 'alice' }, { limit: 2, cursor: alicePage.next_cursor! });
      expect([...idsOf(alicePage.records), ...idsOf(aliceRest.records)]).toEqual(idsOf(alice));
      expect(aliceRest.next_cursor).toBeNull();

      expect(await store.get(added[3].id)).toEqual(added[3]);
      expect(await store.get('nope')).toBeNull();
      expect(idsOf(await store.scan({ customer: 'alice' }, 2))).toEqual(idsOf(alice.slice(0, 2)));
    } finally {
      await store.close();
    }
  });

  it('keeps at most maxRecords, the newest', async () => {
    const store = make({ maxRecords: 3 });
    try {
      const added = Array.from({ length: 7 }, () => record());
      for (const one of added) await store.add(one);
      expect(idsOf((await store.list({}, { limit: 50 })).records)).toEqual(idsOf(added.slice(-3).reverse()));
      expect(await store.get(added[0].id)).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('keeps at most maxBytes of records, the newest', async () => {
    const one = record();
    const size = Buffer.byteLength(JSON.stringify(one));
    const store = make({ maxBytes: size * 3 + 10 });
    try {
      const added = [one, ...Array.from({ length: 9 }, () => record())];
      for (const each of added) await store.add(each);
      const kept = (await store.list({}, { limit: 50 })).records;
      expect(kept.length).toBeGreaterThanOrEqual(2);
      expect(kept.length).toBeLessThanOrEqual(3);
      expect(idsOf(kept)).toEqual(idsOf(added.slice(-kept.length).reverse()));
      const bytes = kept.reduce((total, r) => total + Buffer.byteLength(JSON.stringify(r)), 0);
      expect(bytes).toBeLessThanOrEqual(size * 3 + 10);
    } finally {
      await store.close();
    }
  });

  it('drops records older than maxAgeMs', async () => {
    const store = make({ maxAgeMs: 60_000 });
    try {
      const old = record({ start_time: new Date(Date.now() - 120_000).toISOString() });
      const fresh = record();
      await store.add(old);
      await store.add(fresh);
      expect(idsOf((await store.list({}, { limit: 50 })).records)).toEqual([fresh.id]);
      expect(await store.get(old.id)).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('keeps an oversized record without its content, and no content at all with content: false', async () => {
    const store = make({ maxRecordBytes: 2_000 });
    const quiet = make({ content: false });
    try {
      const big = record({ input: [{ role: 'user', content: 'x'.repeat(10_000) }] });
      await store.add(big);
      const kept = (await store.get(big.id))!;
      expect(kept.customer_identifier).toBe(big.customer_identifier);
      expect(String(kept.input)).toMatch(/left out/);
      expect(JSON.stringify(kept).length).toBeLessThan(2_000);
      const plain = record();
      await quiet.add(plain);
      expect(await quiet.get(plain.id)).toEqual({ ...plain, input: null, output: null });
    } finally {
      await store.close();
      await quiet.close();
    }
  });

  it('tells subscribers about each record added', async () => {
    const store = make();
    try {
      const [a, b] = [record(), record()];
      await settleSubscription(store);
      const heard: string[] = [];
      const all = new Promise<void>((resolve) => {
        const stop = store.subscribe((added) => {
          if (added.id !== a.id && added.id !== b.id) return;
          heard.push(added.id);
          if (heard.length === 2) {
            stop();
            resolve();
          }
        });
      });
      await store.add(a);
      await store.add(b);
      await all;
      expect(heard).toEqual([a.id, b.id]);
    } finally {
      await store.close();
    }
  });
});

/** A shared store's subscription takes a round trip to open. */
async function settleSubscription(store: LogStore): Promise<void> {
  await store.listening?.();
}

describe.skipIf(!betterSqlite3.available)('sqlite log store', () => {
  it('keeps its records across a reopen of the same file, and its byte count', async () => {
    const path = join(dir, 'durable.db');
    const first = sqliteLogStore({ path });
    const kept = record({ customer_identifier: 'durable' });
    await first.add(kept);
    await first.close();
    const size = Buffer.byteLength(JSON.stringify(kept));
    const second = sqliteLogStore({ path, maxBytes: size * 2 + 10 });
    try {
      expect(await second.get(kept.id)).toEqual(kept);
      const [a, b] = [record(), record()];
      await second.add(a);
      await second.add(b);
      // The bound counts the record from before the reopen: it is the one that went.
      expect(idsOf((await second.list({}, { limit: 9 })).records)).toEqual([b.id, a.id]);
    } finally {
      await second.close();
    }
  });
});

describe.skipIf(!hasRedis)('redis log store shared by two instances', () => {
  it('shows each instance the records of the other, and tails them', async () => {
    const prefix = `shared${++counter}:`;
    const one = redisLogStore({ url: redis!.url, prefix });
    const two = redisLogStore({ url: redis!.url, prefix });
    try {
      await settleSubscription(two);
      const heard = new Promise<LogRecord>((resolve) => {
        const stop = two.subscribe((added) => {
          if (added.customer_identifier !== 'from-one') return;
          stop();
          resolve(added);
        });
      });
      const sent = record({ customer_identifier: 'from-one' });
      await one.add(sent);
      expect(await two.get(sent.id)).toEqual(sent);
      expect(idsOf((await two.list({ customer: 'from-one' }, { limit: 9 })).records)).toEqual([sent.id]);
      expect((await heard).id).toBe(sent.id);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});

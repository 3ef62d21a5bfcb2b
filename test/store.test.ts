/**
 * The Store contract, run against the memory store and a real redis-server: atomic counters,
 * sliding windows, all-or-nothing budget reservations under concurrency, timeouts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryStore } from '../src/store/memory-store.js';
import { redisStore } from '../src/store/redis-store.js';
import { guardStore } from '../src/store/guard-store.js';
import { StoreUnavailableError, type Store } from '../src/store/store.js';
import { startRedis, freePort, hasRedis, PATIENT_REDIS, type RedisServer } from './helpers/redis.js';

let redis: RedisServer | undefined;
beforeAll(async () => {
  if (hasRedis) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

let prefixCounter = 0;
const makers: Array<[string, () => Store]> = [['memory', () => memoryStore()]];
if (hasRedis)
  makers.push(['redis', () => redisStore({ url: redis!.url, prefix: `test${++prefixCounter}:`, ...PATIENT_REDIS })]);

describe.each(makers)('%s store', (_name, make) => {
  let store: Store;
  beforeAll(() => {
    store = make();
  });
  afterAll(async () => {
    await store.close();
  });

  it('increments counters atomically and expires them', async () => {
    const values = await Promise.all(Array.from({ length: 50 }, () => store.increment('c1', 1, 200)));
    expect(values.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await store.get('c1')).toBe('50');
    await new Promise((resolve) => setTimeout(resolve, 260));
    expect(await store.get('c1')).toBeNull();
    expect(await store.increment('c1', 3, 1_000)).toBe(3);
  });

  it('sets values with a TTL, only-if-absent, and deletes them', async () => {
    expect(await store.set('v1', 'a', 1_000)).toBe(true);
    expect(await store.set('v1', 'b', 1_000, { onlyIfAbsent: true })).toBe(false);
    expect(await store.getMany(['v1', 'missing'])).toEqual(['a', null]);
    const winners = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.set('lock', String(i), 1_000, { onlyIfAbsent: true })),
    );
    expect(winners.filter(Boolean)).toHaveLength(1);
    await store.delete(['v1', 'lock']);
    expect(await store.getMany(['v1', 'lock'])).toEqual([null, null]);
  });

  it('admits at most `limit` hits per sliding window and says when to retry', async () => {
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => store.hitWindow('rl', 5, 300)));
    expect(outcomes.filter((o) => o.allowed)).toHaveLength(5);
    const refused = outcomes.find((o) => !o.allowed)!;
    expect(refused.count).toBe(5);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(300);
    await new Promise((resolve) => setTimeout(resolve, refused.retryAfterMs + 20));
    expect((await store.hitWindow('rl', 5, 300)).allowed).toBe(true);
  });

  it('reserves on every budget line or none, and never past the limit under concurrency', async () => {
    const lines = [
      { key: 'b:period', limit: 1_000, ttlMs: 60_000 },
      { key: 'b:total', limit: 10_000 },
    ];
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => store.reserve(lines, `r${i}`, 100, 10_000)),
    );
    const admitted = outcomes.filter((o) => o.ok);
    expect(admitted).toHaveLength(10);
    const refused = outcomes.find((o) => !o.ok)!;
    expect(refused.refusedAt).toBe(0);
    expect(refused.lines[0].reserved).toBe(1_000);
    // Settle half with a lower real cost, release the other half.
    const ids = outcomes.map((o, i) => (o.ok ? `r${i}` : undefined)).filter((id): id is string => id !== undefined);
    for (const [index, id] of ids.entries()) await store.settle(lines, id, index % 2 === 0 ? 50 : 0);
    const after = await store.settle(lines, 'none', 0);
    expect(after).toEqual([
      { spent: 250, reserved: 0 },
      { spent: 250, reserved: 0 },
    ]);
  });

  it('charges an unsettled reservation its amount once its hold lapses', async () => {
    const lines = [{ key: 'lapse', limit: 20 }];
    expect((await store.reserve(lines, 'a', 10, 100)).ok).toBe(true);
    expect((await store.reserve(lines, 'b', 10, 100)).ok).toBe(true);
    expect((await store.reserve(lines, 'c', 10, 100)).ok).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 150));
    // Lapsed: no longer reserved, but spent — a lost settlement is never free.
    const after = await store.reserve(lines, 'd', 5, 100);
    expect(after).toEqual({ ok: false, lines: [{ spent: 20, reserved: 0 }], refusedAt: 0 });
  });

  it('settles idempotently: a late settlement corrects a lapsed charge, a repeated one changes nothing', async () => {
    const lines = [{ key: 'late', limit: 1_000 }];
    await store.reserve(lines, 'slow', 100, 50);
    await store.reserve(lines, 'live', 100, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await store.settle(lines, 'none', 0)).toEqual([{ spent: 100, reserved: 100 }]); // 'slow' lapsed into spend
    expect(await store.settle(lines, 'slow', 30)).toEqual([{ spent: 30, reserved: 100 }]); // corrected to its real cost
    expect(await store.settle(lines, 'slow', 30)).toEqual([{ spent: 30, reserved: 100 }]);
    expect(await store.settle(lines, 'live', 40)).toEqual([{ spent: 70, reserved: 0 }]);
    expect(await store.settle(lines, 'live', 40)).toEqual([{ spent: 70, reserved: 0 }]);
    expect(await store.settle(lines, 'never-reserved', 500)).toEqual([{ spent: 70, reserved: 0 }]);
  });

  it('caches responses with a TTL', async () => {
    await store.setCached('k1', '{"x":1}', 150);
    expect(await store.getCached(['k0', 'k1'])).toEqual([null, '{"x":1}']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await store.getCached(['k1'])).toEqual([null]);
  });

  it('keeps documents until their expiry, apart from plain values, and says whether a delete found one', async () => {
    await store.setDocument('d1', '{"id":"resp_1"}', 150);
    await store.setDocument('d2', '{"id":"resp_2"}', 60_000);
    expect(await store.getDocuments(['d0', 'd1', 'd2'])).toEqual([null, '{"id":"resp_1"}', '{"id":"resp_2"}']);
    expect(await store.get('d1')).toBeNull(); // documents are their own space
    expect(await store.deleteDocument('d2')).toBe(true);
    expect(await store.deleteDocument('d2')).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await store.getDocuments(['d1', 'd2'])).toEqual([null, null]);
    expect(await store.deleteDocument('d1')).toBe(false);
    expect(await store.getDocuments([])).toEqual([]);
  });
});

describe('memory store specifics', () => {
  it('bounds the response cache in bytes, evicting the least recently used', async () => {
    const store = memoryStore({ cacheMaxBytes: 10_000 });
    const value = 'x'.repeat(1_000); // ~2 KB each as UTF-16
    for (let i = 0; i < 10; i++) await store.setCached(`k${i}`, value, 60_000);
    const found = await store.getCached(Array.from({ length: 10 }, (_, i) => `k${i}`));
    expect(found.filter((v) => v !== null).length).toBeLessThanOrEqual(4);
    expect(found[9]).toBe(value);
    expect(found[0]).toBeNull();
    // Counters are not in the LRU: a full cache does not push them out.
    await store.increment('counter', 1, 60_000);
    for (let i = 10; i < 30; i++) await store.setCached(`k${i}`, value, 60_000);
    expect(await store.get('counter')).toBe('1');
    await store.close();
  });
});

describe('memory store documents', () => {
  it('bound documents in bytes, dropping the oldest, and never let them push out counters', async () => {
    let clock = 1_000;
    const store = memoryStore({ documentsMaxBytes: 10_000, now: () => clock });
    const value = 'x'.repeat(1_000); // ~2 KB each as UTF-16
    await store.increment('counter', 1, 60_000);
    for (let i = 0; i < 10; i++) await store.setDocument(`d${i}`, value, 60_000);
    const found = await store.getDocuments(Array.from({ length: 10 }, (_, i) => `d${i}`));
    expect(found.filter((v) => v !== null)).toHaveLength(4);
    expect(found.slice(6)).toEqual([value, value, value, value]);
    expect(await store.get('counter')).toBe('1');
    // Larger than the whole space: kept nowhere.
    await store.setDocument('huge', 'y'.repeat(6_000), 60_000);
    expect(await store.getDocuments(['huge', 'd9'])).toEqual([null, value]);
    clock += 60_000;
    expect(await store.getDocuments(['d9'])).toEqual([null]);
    await store.close();
  });
});

describe('store failures', () => {
  it('times out a hanging store call instead of hanging the caller', async () => {
    const hanging = { ...memoryStore(), kind: 'hanging', get: () => new Promise<string | null>(() => {}) };
    const store = guardStore(hanging, 50);
    const started = Date.now();
    await expect(store.get('x')).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(500);
    expect(await store.increment('ok', 1, 1_000)).toBe(1);
  });

  it('fails fast when Redis is unreachable, and works once it is up', async () => {
    const port = await freePort();
    // Long timeouts: a refused connection must fail at once, not wait for them.
    const store = guardStore(redisStore({ url: `redis://127.0.0.1:${port}`, commandTimeoutMs: 5_000 }), 5_000);
    const started = Date.now();
    await expect(store.increment('x', 1, 1_000)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.hitWindow('x', 1, 1_000)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(1_000);
    await store.close();
  });

  it.skipIf(!hasRedis)('ignores a reservation that reaches a frozen Redis after its caller gave up', async () => {
    const own = await startRedis();
    const store = guardStore(redisStore({ url: own.url, commandTimeoutMs: 1_000 }), 1_000);
    const lines = [{ key: 'frozen', limit: 100 }];
    expect((await store.reserve(lines, 'before', 10, 60_000)).ok).toBe(true);
    own.pause();
    try {
      await expect(store.reserve(lines, 'late', 10, 60_000)).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      own.resume();
    }
    await new Promise((resolve) => setTimeout(resolve, 100)); // Redis runs what it received meanwhile
    expect(await store.settle(lines, 'none', 0)).toEqual([{ spent: 0, reserved: 10 }]); // only 'before' holds
    await store.close();
    await own.stop();
  });

  it.skipIf(!hasRedis)('recovers after Redis restarts', async () => {
    const own = await startRedis();
    const store = guardStore(redisStore({ url: own.url, ...PATIENT_REDIS }), 5_000);
    expect(await store.increment('x', 1, 10_000)).toBe(1);
    await own.kill();
    await expect(store.increment('x', 1, 10_000)).rejects.toBeInstanceOf(StoreUnavailableError);
    await own.restart();
    let value: number | undefined;
    for (let i = 0; i < 50 && value === undefined; i++) {
      value = await store.increment('x', 1, 10_000).catch(() => undefined);
      if (value === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(value).toBe(1); // a fresh server: the counter starts again
    await store.close();
    await own.stop();
  });
});

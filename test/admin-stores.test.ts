/**
 * The admin API over each durable log store (SQLite, a real redis-server): the records a gateway
 * logged are listed, filtered and summarised as with the memory store, and with Redis a second
 * gateway instance sees and tails the first one's traffic.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisLogStore, sqliteLogStore, type LogRecord, type LogStore } from '../src/index.js';
import { percentiles } from '../src/admin/log-summary.js';
import { ADMIN, adminGateway, adminGet, sendTraffic, startAdminUpstream, TRAFFIC } from './helpers/admin-rig.js';
import { startHost } from './helpers/hosts.js';
import { freePort, hasRedis, startRedis, type RedisServer } from './helpers/redis.js';
import { betterSqlite3 } from './helpers/services.js';
import type { Upstream } from './helpers/upstream.js';

let upstream: Upstream;
let redis: RedisServer | undefined;
const dir = mkdtempSync(join(tmpdir(), 'modelgate-admin-stores-'));

beforeAll(async () => {
  [upstream, redis] = await Promise.all([startAdminUpstream(), hasRedis ? startRedis() : undefined]);
});
afterAll(async () => {
  await Promise.all([upstream.close(), redis?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

/** The store adds records after `onLog` has them: wait until the API lists them all. */
async function listed(baseURL: string, count: number): Promise<any[]> {
  for (let i = 0; i < 200; i++) {
    const { body } = await adminGet(baseURL, 'admin/logs?limit=200');
    if (body.data.length >= count) return body.data;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the admin API never listed ${count} records`);
}

const stores: Array<[string, () => LogStore]> = [];
if (betterSqlite3.available) stores.push(['sqlite', () => sqliteLogStore({ path: join(dir, 'admin.db') })]);
if (hasRedis) stores.push(['redis', () => redisLogStore({ url: redis!.url, prefix: 'admin-stores:' })]);

describe.each(stores)('admin API over the %s log store', (_kind, make) => {
  it('lists, filters and summarises what the gateway logged', async () => {
    const rig = adminGateway(upstream, { logStore: make() });
    const host = await startHost('express', rig.gateway);
    try {
      const records: LogRecord[] = await sendTraffic(host.baseURL, rig.logs);
      const data = await listed(host.baseURL, TRAFFIC.length);
      expect(data.map((r) => r.id)).toEqual(records.map((r) => r.id).reverse());
      const bob = (await adminGet(host.baseURL, 'admin/logs?customer=bob')).body.data;
      expect(bob.map((r: LogRecord) => r.id)).toEqual(
        records
          .filter((r) => r.customer_identifier === 'bob')
          .map((r) => r.id)
          .reverse(),
      );
      const { body } = await adminGet(host.baseURL, 'admin/logs/summary');
      expect(body.totals.requests).toBe(TRAFFIC.length);
      expect(body.totals.latency_ms).toEqual(percentiles(records.map((r) => r.latency_ms)));
      const fellBack = records.find((r) => r.fallback_used)!;
      expect((await adminGet(host.baseURL, `admin/logs/${fellBack.id}`)).body).toEqual(fellBack);
    } finally {
      await host.close();
      await rig.gateway.close();
    }
  });
});

describe.skipIf(!hasRedis)('two gateway instances on one Redis log store', () => {
  it('each lists and tails the traffic of the other', async () => {
    const prefix = 'two-instances:';
    const one = adminGateway(upstream, { logStore: redisLogStore({ url: redis!.url, prefix }) });
    const two = adminGateway(upstream, { logStore: redisLogStore({ url: redis!.url, prefix }) });
    const [hostOne, hostTwo] = await Promise.all([startHost('node', one.gateway), startHost('koa', two.gateway)]);
    const controller = new AbortController();
    try {
      const tail = await fetch(`${hostTwo.baseURL}/admin/logs/tail?customer=dave`, {
        headers: ADMIN,
        signal: controller.signal,
      });
      const reader = tail.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      while (!text.includes('event: ready')) text += (await reader.read()).value;
      // `ready` comes once the tail's Redis subscription is open: it hears everything after it.
      const records = await sendTraffic(hostOne.baseURL, one.logs);
      const sent = records.filter((r) => r.customer_identifier === 'dave');
      while (!text.includes('event: log')) text += (await reader.read()).value;
      const heard = JSON.parse(
        text
          .split('event: log\n')[1]
          .split('\n')
          .find((line) => line.startsWith('data: '))!
          .slice(6),
      );
      expect(heard.id).toBe(sent[0].id);
      const seenByTwo = await listed(hostTwo.baseURL, TRAFFIC.length);
      expect(seenByTwo.map((r) => r.id)).toEqual(expect.arrayContaining(records.map((r) => r.id)));
      expect(two.logs.records).toHaveLength(0);
    } finally {
      controller.abort();
      await Promise.all([hostOne.close(), hostTwo.close()]);
      await Promise.all([one.gateway.close(), two.gateway.close()]);
    }
  });
});

describe('failures', () => {
  it('answers 503 log_store_unavailable when the store is down, and reports the cause', async () => {
    const reported: string[] = [];
    const deadPort = await freePort();
    const rig = adminGateway(upstream, {
      logStore: redisLogStore({ url: `redis://127.0.0.1:${deadPort}`, commandTimeoutMs: 200 }),
      onError: (_error, where) => reported.push(where),
    });
    const host = await startHost('node', rig.gateway);
    try {
      const answer = await adminGet(host.baseURL, 'admin/logs');
      expect(answer.status).toBe(503);
      expect(answer.body.error.code).toBe('log_store_unavailable');
      expect(reported).toContain('admin');
      // The LLM routes do not depend on it: the request is served, the store's failure reported.
      const [served] = await sendTraffic(host.baseURL, rig.logs);
      expect(served.status).toBe('success');
    } finally {
      await host.close();
      await rig.gateway.close();
    }
  });

  it('ends an open tail when the gateway closes', async () => {
    const rig = adminGateway(upstream);
    const host = await startHost('express', rig.gateway);
    try {
      const tail = await fetch(`${host.baseURL}/admin/logs/tail`, { headers: ADMIN });
      const reader = tail.body!.pipeThrough(new TextDecoderStream()).getReader();
      expect((await reader.read()).value).toContain('event: ready');
      await rig.gateway.close();
      for (;;) if ((await reader.read()).done) break;
    } finally {
      await host.close();
    }
  });

  it('refuses an admin key shorter than 16 characters', () => {
    expect(() => adminGateway(upstream, { admin: { key: 'short' } })).toThrow(
      /admin\.key: the admin key must be at least 16 characters/,
    );
  });
});

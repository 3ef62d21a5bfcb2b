/**
 * The admin API on a real node host: no admin option, no API (404); the admin key or a 401 with no
 * data; filters, cursor pages, one record, summaries (percentiles checked against the records
 * `onLog` received), the SSE tail, customers; admin requests leave no LLM record; `disable_log`
 * and `content: false` keep content out of the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, memoryLogStore, type LogRecord } from '../src/index.js';
import { percentiles } from '../src/admin/log-summary.js';
import {
  ADMIN,
  ADMIN_KEY,
  adminGateway,
  adminGet,
  sendTraffic,
  startAdminUpstream,
  TRAFFIC,
} from './helpers/admin-rig.js';
import { HOST_KINDS, startHost, type Host } from './helpers/hosts.js';
import type { Upstream } from './helpers/upstream.js';

let upstream: Upstream;
let host: Host;
let rig: ReturnType<typeof adminGateway>;
let records: LogRecord[];

beforeAll(async () => {
  upstream = await startAdminUpstream();
  rig = adminGateway(upstream);
  host = await startHost('node', rig.gateway);
  records = await sendTraffic(host.baseURL, rig.logs);
});
afterAll(async () => {
  await host.close();
  await rig.gateway.close();
  await upstream.close();
});

const newestFirst = () => [...records].reverse();
const ids = (list: Array<{ id: string }>) => list.map((record) => record.id);

describe('access', () => {
  it('is a 404 on every admin path and the page when no admin is configured', async () => {
    const gateway = createGateway({ providers: { openai: { apiKey: 'sk-test', baseURL: upstream.baseURL } } });
    const bare = await startHost('node', gateway);
    try {
      for (const path of ['admin/logs', 'admin/logs/summary', 'admin/customers', 'dashboard', 'dashboard/app.js']) {
        const answer = await adminGet(bare.baseURL, path);
        expect(answer.status, path).toBe(404);
        expect(answer.body.error.code).toBe('unknown_url');
      }
    } finally {
      await bare.close();
      await gateway.close();
    }
  });

  it('answers 401 with no data without the key or with a wrong one, on every data route', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { 'x-modelgate-admin-key': 'wrong-key-wrong-key-wrong' },
      { authorization: 'Bearer nope' },
    ];
    for (const headers of attempts) {
      for (const path of [
        'admin/logs',
        `admin/logs/${records[0].id}`,
        'admin/logs/summary',
        'admin/logs/tail',
        'admin/customers',
      ]) {
        const response = await fetch(`${host.baseURL}/${path}`, { headers });
        const text = await response.text();
        expect(response.status, path).toBe(401);
        expect(JSON.parse(text).error.code).toBe('invalid_admin_key');
        for (const record of records) expect(text).not.toContain(record.id);
        expect(text).not.toContain('alice');
      }
    }
  });

  it('takes the key as a Bearer token too, and never echoes it', async () => {
    const answer = await adminGet(host.baseURL, 'admin/logs?limit=1', { authorization: `Bearer ${ADMIN_KEY}` });
    expect(answer.status).toBe(200);
    expect(JSON.stringify(answer.body)).not.toContain(ADMIN_KEY);
  });

  it('leaves no LLM log record for admin requests', async () => {
    const before = rig.logs.records.length;
    await adminGet(host.baseURL, 'admin/logs');
    await adminGet(host.baseURL, 'admin/logs', {});
    await fetch(`${host.baseURL}/dashboard`).then((response) => response.text());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(rig.logs.records.length).toBe(before);
    const listed = await adminGet(host.baseURL, 'admin/logs?limit=200');
    expect(listed.body.data.every((record: LogRecord) => !record.path.includes('admin'))).toBe(true);
  });
});

describe('the page', () => {
  it('serves the page, its script and stylesheet without a key, under a CSP that allows only itself', async () => {
    const page = await fetch(`${host.baseURL}/dashboard`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'; script-src 'self'");
    expect(html).toContain('<script type="module" src="dashboard/app.js">');
    expect(html).not.toMatch(/https?:\/\//);
    for (const [file, type] of [
      ['app.js', 'text/javascript; charset=utf-8'],
      ['app.css', 'text/css; charset=utf-8'],
    ]) {
      const asset = await fetch(`${host.baseURL}/dashboard/${file}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toBe(type);
      const text = await asset.text();
      expect(text.length).toBeGreaterThan(1_000);
      // Nothing loaded from elsewhere: no absolute URL a browser would fetch.
      expect(text).not.toMatch(/(?:src|href|url)\(?\s*=?\s*["']?https?:/i);
    }
    const slash = await fetch(`${host.baseURL}/dashboard/`, { redirect: 'manual' });
    expect(slash.status).toBe(308);
    expect(slash.headers.get('location')).toBe('../dashboard');
    expect((await fetch(`${host.baseURL}/dashboard/other.js`)).status).toBe(404);
  });
});

describe('every adapter', () => {
  it.each(HOST_KINDS)('serves the page and the API on a %s host', async (kind) => {
    const other = await startHost(kind, rig.gateway);
    try {
      const page = await fetch(`${other.baseURL}/dashboard`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('dashboard/app.js');
      const listed = await adminGet(other.baseURL, 'admin/logs?customer=bob&limit=1');
      expect(listed.status).toBe(200);
      expect(ids(listed.body.data)).toEqual(
        ids(
          newestFirst()
            .filter((r) => r.customer_identifier === 'bob')
            .slice(0, 1),
        ),
      );
      expect((await adminGet(other.baseURL, 'admin/logs', {})).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe('GET admin/logs', () => {
  it('lists every record newest first, without input, output and params', async () => {
    const answer = await adminGet(host.baseURL, 'admin/logs');
    expect(ids(answer.body.data)).toEqual(ids(newestFirst()));
    expect(answer.body.next_cursor).toBeNull();
    expect(answer.body.data[0]).not.toHaveProperty('input');
    expect(answer.body.data[0]).not.toHaveProperty('output');
  });

  it.each([
    ['customer=alice', (r: LogRecord) => r.customer_identifier === 'alice'],
    ['model=gpt-4o-mini', (r: LogRecord) => r.model === 'gpt-4o-mini' || r.requested_model === 'gpt-4o-mini'],
    ['model=flaky', (r: LogRecord) => r.requested_model === 'flaky'],
    ['provider=openai', (r: LogRecord) => r.provider === 'openai'],
    ['status=error', (r: LogRecord) => r.status === 'error'],
    ['thread=t1', (r: LogRecord) => r.thread_identifier === 't1'],
    ['group=g1', (r: LogRecord) => r.group_identifier === 'g1'],
    ['metadata.env=prod', (r: LogRecord) => r.metadata?.env === 'prod'],
    ['metadata.env=prod&customer=bob', (r: LogRecord) => r.metadata?.env === 'prod' && r.customer_identifier === 'bob'],
  ])('filters by %s', async (query, wanted) => {
    const expected = newestFirst().filter(wanted);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(records.length);
    const answer = await adminGet(host.baseURL, `admin/logs?${query}`);
    expect(ids(answer.body.data)).toEqual(ids(expected));
  });

  it('filters by a time range', async () => {
    const third = Date.parse(records[2].start_time);
    const answer = await adminGet(
      host.baseURL,
      `admin/logs?from=${third}&to=${new Date(Date.now() + 1000).toISOString()}`,
    );
    expect(ids(answer.body.data)).toEqual(ids(newestFirst().filter((r) => Date.parse(r.start_time) >= third)));
    const none = await adminGet(host.baseURL, `admin/logs?to=${Date.parse(records[0].start_time)}`);
    expect(none.body.data).toEqual([]);
  });

  it('pages with a cursor: every record once, in order', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer = await adminGet(host.baseURL, `admin/logs?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(answer.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...ids(answer.body.data));
      cursor = answer.body.next_cursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(ids(newestFirst()));
    expect(pages).toBe(Math.ceil(TRAFFIC.length / 2));
  });

  it.each([
    ['status=ok', 'status'],
    ['limit=0', 'limit'],
    ['limit=500', 'limit'],
    ['cursor=abc', 'cursor'],
    ['from=yesterday', 'from'],
  ])('refuses %s with a 400 naming the parameter', async (query, param) => {
    const answer = await adminGet(host.baseURL, `admin/logs?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body.error.param).toBe(param);
  });
});

describe('GET admin/logs/{id}', () => {
  it('returns the whole record under its x-request-id, input and output included', async () => {
    const response = await fetch(`${host.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'find me' }] }),
    });
    await response.text();
    const id = response.headers.get('x-request-id')!;
    await rig.logs.waitFor(records.length + 1);
    const answer = await adminGet(host.baseURL, `admin/logs/${id}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(rig.logs.records.find((record) => record.id === id));
    expect(answer.body.input).toEqual([{ role: 'user', content: 'find me' }]);
    records = [...rig.logs.records]; // the store keeps it: the summaries below count it too
  });

  it('keeps no content of a disable_log request, and shows the fallback attempts', async () => {
    const quiet = records.find((record) => record.customer_identifier === 'carol' && record.status === 'success')!;
    expect((await adminGet(host.baseURL, `admin/logs/${quiet.id}`)).body).toMatchObject({ input: null, output: null });
    const fellBack = records.find((record) => record.fallback_used)!;
    const detail = (await adminGet(host.baseURL, `admin/logs/${fellBack.id}`)).body;
    expect(detail.attempts.map((a: any) => [a.model, a.status_code])).toEqual([
      ['gpt-4o', 503],
      ['gpt-4o-mini', 200],
    ]);
  });

  it('is a 404 for an id it does not keep, a 400 for one that does not decode', async () => {
    const answer = await adminGet(host.baseURL, 'admin/logs/00000000-0000-0000-0000-000000000000');
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('log_record_not_found');
    const garbled = await adminGet(host.baseURL, 'admin/logs/%E0%A4%A');
    expect(garbled.status).toBe(400);
    expect(garbled.body.error.param).toBe('id');
  });
});

describe('GET admin/logs/summary', () => {
  const sum = (list: LogRecord[], pick: (r: LogRecord) => number) => list.reduce((total, r) => total + pick(r), 0);

  it('totals requests, errors, tokens and cost, with latency and TTFT percentiles of the records', async () => {
    const { body } = await adminGet(host.baseURL, 'admin/logs/summary');
    expect(records).toHaveLength(TRAFFIC.length + 1);
    expect(body.totals).toMatchObject({
      requests: records.length,
      errors: 1,
      total_tokens: sum(records, (r) => r.usage?.total_tokens ?? 0),
      // the traffic's max_tokens, and the default 4 of the request found by id
      completion_tokens: 5 + 7 + 11 + 13 + 3 + 17 + 4,
      fallbacks: 1,
    });
    expect(body.totals.cost_usd).toBeCloseTo(
      sum(records, (r) => r.cost_usd ?? 0),
      9,
    );
    expect(body.totals.latency_ms).toEqual(percentiles(records.map((r) => r.latency_ms)));
    const ttfts = records.filter((r) => r.ttft_ms !== null).map((r) => r.ttft_ms!);
    expect(ttfts).toHaveLength(2);
    expect(body.totals.ttft_ms).toEqual(percentiles(ttfts));
  });

  it('computes nearest-rank percentiles', () => {
    expect(percentiles([5, 1, 4, 2, 3, 10, 9, 8, 7, 6])).toEqual({ p50: 5, p90: 9, p95: 10, p99: 10, max: 10 });
    expect(percentiles([42])).toEqual({ p50: 42, p90: 42, p95: 42, p99: 42, max: 42 });
    expect(percentiles([])).toBeNull();
  });

  it('groups by customer and by model, each group matching its records', async () => {
    const { body } = await adminGet(host.baseURL, 'admin/logs/summary?group_by=customer');
    expect(body.groups.map((g: any) => g.key.customer)).toEqual([null, 'alice', 'bob', 'carol', 'dave']);
    for (const group of body.groups) {
      const mine = records.filter((r) => r.customer_identifier === group.key.customer);
      expect(group.requests).toBe(mine.length);
      expect(group.total_tokens).toBe(sum(mine, (r) => r.usage?.total_tokens ?? 0));
      expect(group.cost_usd).toBeCloseTo(
        sum(mine, (r) => r.cost_usd ?? 0),
        9,
      );
      expect(group.latency_ms).toEqual(percentiles(mine.map((r) => r.latency_ms)));
    }
    const byModel = (await adminGet(host.baseURL, 'admin/logs/summary?group_by=model&status=success')).body;
    expect(byModel.groups.map((g: any) => [g.key.model, g.requests])).toEqual([['gpt-4o-mini', 7]]);
  });

  it('groups by time bucket and model', async () => {
    const { body } = await adminGet(host.baseURL, 'admin/logs/summary?group_by=time,provider&bucket=minute');
    expect(body.bucket_ms).toBe(60_000);
    expect(sum(body.groups, (g: any) => g.requests)).toBe(records.length);
    for (const group of body.groups) expect(Date.parse(group.key.time) % 60_000).toBe(0);
    const bad = await adminGet(host.baseURL, 'admin/logs/summary?group_by=colour');
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('group_by');
  });
});

// Last but one: it adds two records (frank, erin) that the tests above do not expect.
describe('GET admin/logs/tail', () => {
  it('streams records added after it opened, filtered, as SSE', async () => {
    const controller = new AbortController();
    const response = await fetch(`${host.baseURL}/admin/logs/tail?customer=erin`, {
      headers: ADMIN,
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('event: ready')) text += (await reader.read()).value;
    for (const customer of ['frank', 'erin']) {
      await fetch(`${host.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'gpt-4o-mini',
          customer_identifier: customer,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      }).then((r) => r.text());
    }
    while (!text.includes('event: log')) text += (await reader.read()).value;
    controller.abort();
    const frame = text.split('\n\n').find((part) => part.startsWith('event: log'))!;
    const record = JSON.parse(
      frame
        .split('\n')
        .find((line) => line.startsWith('data: '))!
        .slice(6),
    );
    expect(record.customer_identifier).toBe('erin');
    expect(record).not.toHaveProperty('input');
    expect(text).not.toContain('frank');
    await rig.logs.waitFor(records.length + 2);
  });
});

describe('GET admin/customers', () => {
  it('lists configured and seen customers with limits, spend as of the last request and logged totals', async () => {
    const { body } = await adminGet(host.baseURL, 'admin/customers');
    const alice = body.data.find((c: any) => c.customer_identifier === 'alice');
    const aliceRecords = records.filter((r) => r.customer_identifier === 'alice');
    expect(alice).toMatchObject({
      name: 'Alice',
      configured: true,
      limits: { rate_limit_per_minute: 100, period_budget_usd: 10, budget_duration: 'daily' },
      state: { period_spent_usd: aliceRecords.at(-1)!.customer!.period_budget!.spent_usd },
      logged: { requests: 2, errors: 0 },
    });
    expect(alice.logged.cost_usd).toBeCloseTo(sum(aliceRecords), 9);
    expect(alice.state.period_spent_usd).toBeGreaterThan(0);
    expect(body.data.map((c: any) => c.customer_identifier)).toEqual(expect.arrayContaining(['bob', 'carol', 'dave']));
  });
  const sum = (list: LogRecord[]) => list.reduce((total, r) => total + (r.cost_usd ?? 0), 0);
});

describe('content', () => {
  it('keeps no input or output with content: false', async () => {
    const quiet = adminGateway(upstream, { logStore: memoryLogStore({ content: false }) });
    const quietHost = await startHost('node', quiet.gateway);
    try {
      const [first] = await sendTraffic(quietHost.baseURL, quiet.logs);
      expect(first.input).not.toBeNull();
      const stored = (await adminGet(quietHost.baseURL, `admin/logs/${first.id}`)).body;
      expect(stored).toMatchObject({ input: null, output: null, customer_identifier: 'alice' });
    } finally {
      await quietHost.close();
      await quiet.gateway.close();
    }
  });
});

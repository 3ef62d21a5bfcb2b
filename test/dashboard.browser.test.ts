/**
 * The dashboard in headless Chromium, served by an Express, a Koa and a node host: log in, see the
 * requests just sent (and one more arriving live), filter by customer, open a request with its
 * fallback attempts, check the usage totals and chart tables against the records, see the
 * customers; without the admin key the API answers 401 with no data. Screenshots of each page go to
 * test-output/dashboard/. One browser for the file, one tab per host.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogRecord } from '../src/index.js';
import { count, usd } from '../src/dashboard-ui/format.js';
import { ADMIN_KEY, adminGateway, sendTraffic, startAdminUpstream } from './helpers/admin-rig.js';
import { hasChromium, launchChromium, SCREENSHOTS } from './helpers/browser.js';
import { startHost, type Host, type HostKind } from './helpers/hosts.js';
import type { Upstream } from './helpers/upstream.js';

let browser: Browser;
let upstream: Upstream;

beforeAll(async () => {
  if (!hasChromium) return;
  [browser, upstream] = await Promise.all([launchChromium(), startAdminUpstream()]);
});
afterAll(async () => {
  await Promise.all([browser?.close(), upstream?.close()]);
});

const sumOf = (records: LogRecord[], pick: (r: LogRecord) => number) =>
  records.reduce((total, r) => total + pick(r), 0);
const rowIds = (page: Page, table = '#requests') =>
  page.$$eval(`${table} tbody tr[data-id]`, (rows) => rows.map((row) => (row as HTMLElement).dataset.id));

describe.skipIf(!hasChromium).each<HostKind>(['express', 'koa', 'node'])('the dashboard on a %s host', (kind) => {
  let host: Host;
  let rig: ReturnType<typeof adminGateway>;
  let records: LogRecord[];
  let page: Page;
  const shot = (name: string) => page.screenshot({ path: `${SCREENSHOTS}${kind}-${name}.png`, fullPage: true });
  const ready = (hash: string) => page.waitForSelector(`body[data-ready="${hash}"]`);

  beforeAll(async () => {
    rig = adminGateway(upstream);
    host = await startHost(kind, rig.gateway);
    records = await sendTraffic(host.baseURL, rig.logs);
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  });
  afterAll(async () => {
    await page?.close();
    await host?.close();
    await rig?.gateway.close();
  });

  it('asks for the admin key, then lists the requests just sent, and new ones live', async () => {
    await page.goto(`${host.baseURL}/dashboard`);
    await page.getByLabel('Admin key').fill('not-the-admin-key-at-all');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not accepted');
    expect(await page.$$('#requests')).toHaveLength(0);

    await page.getByLabel('Admin key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Log in' }).click();
    await ready('/requests');
    expect(await rowIds(page)).toEqual(records.map((r) => r.id).reverse());
    const fallback = records.find((r) => r.fallback_used)!;
    const cells = await page.$$eval(`tr[data-id="${fallback.id}"] td`, (tds) => tds.map((td) => td.textContent));
    expect(cells).toEqual([
      expect.any(String),
      '200 success',
      'gpt-4o-minifallback',
      'openai',
      'bob',
      `${fallback.usage!.prompt_tokens} / ${fallback.usage!.completion_tokens}`,
      usd(fallback.cost_usd),
      expect.stringMatching(/ms$/),
      '2',
    ]);
    await shot('requests');

    const [late] = await sendTraffic(host.baseURL, rig.logs).then((sent) => sent.slice(-1));
    await page.waitForSelector(`#requests tbody tr[data-id="${late.id}"]:first-child`);
    records = rig.logs.records.slice();
  });

  it('filters by customer', async () => {
    await page.getByLabel('Customer').fill('bob');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await ready('/requests?customer=bob');
    const bob = records
      .filter((r) => r.customer_identifier === 'bob')
      .map((r) => r.id)
      .reverse();
    expect(bob.length).toBeGreaterThan(1);
    expect(await rowIds(page)).toEqual(bob);
    expect(await page.$$eval('#requests td.customer', (tds) => [...new Set(tds.map((td) => td.textContent))])).toEqual([
      'bob',
    ]);
    await shot('requests-bob');
  });

  it('opens a request with its fallback attempts', async () => {
    const fallback = records.find((r) => r.fallback_used)!;
    // By keyboard: every row's link takes the focus and opens with Enter.
    await page.focus(`tr[data-id="${fallback.id}"] a`);
    await page.keyboard.press('Enter');
    await ready(`/request/${fallback.id}`);
    expect(await page.textContent('h2')).toBe(`Request ${fallback.id}`);
    const attempts = await page.$$eval('.timeline li', (items) => items.map((li) => li.textContent));
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatch(/^1\. openai\/gpt-4o first try — 503/);
    expect(attempts[1]).toMatch(/^2\. openai\/gpt-4o-mini fallback, served — 200/);
    expect(await page.textContent('#section-metadata + pre')).toContain('"env": "prod"');
    expect(await page.textContent('#section-input + pre')).toContain('hello bob');
    await shot('request');
  });

  it('renders the usage charts with the totals of the records', async () => {
    await page.goto(`${host.baseURL}/dashboard#/usage`);
    await ready('/usage');
    for (const id of ['cost-by-model', 'tokens-by-model', 'cost-by-customer', 'tokens-by-customer'])
      await page.waitForSelector(`#${id} canvas`);
    const total = (name: string) => page.textContent(`[data-total="${name}"] dd`);
    expect(await total('requests')).toBe(count(records.length));
    expect(await total('tokens')).toBe(count(sumOf(records, (r) => r.usage?.total_tokens ?? 0)));
    expect(await total('cost')).toBe(usd(sumOf(records, (r) => r.cost_usd ?? 0)));
    const errors = records.filter((r) => r.status !== 'success').length;
    expect(await total('errors')).toContain(count(errors));

    const series = (figure: string) =>
      page.$$eval(`#${figure} tbody tr`, (rows) =>
        rows.map((row) => [(row as HTMLElement).dataset.series, row.querySelector('td')!.textContent]),
      );
    const byModel = new Map<string, LogRecord[]>();
    for (const r of records)
      byModel.set(r.model ?? r.requested_model!, [...(byModel.get(r.model ?? r.requested_model!) ?? []), r]);
    expect(Object.fromEntries(await series('cost-by-model'))).toEqual(
      Object.fromEntries([...byModel].map(([model, list]) => [model, usd(sumOf(list, (r) => r.cost_usd ?? 0))])),
    );
    const byCustomer = new Map<string, LogRecord[]>();
    for (const r of records)
      byCustomer.set(r.customer_identifier!, [...(byCustomer.get(r.customer_identifier!) ?? []), r]);
    expect(Object.fromEntries(await series('tokens-by-customer'))).toEqual(
      Object.fromEntries(
        [...byCustomer].map(([customer, list]) => [customer, count(sumOf(list, (r) => r.usage?.total_tokens ?? 0))]),
      ),
    );
    await shot('usage');
  });

  it('shows the customers with their budgets and rate limits', async () => {
    await page.click('nav >> text=Customers');
    await ready('/customers');
    const alice = await page.$$eval('#customers tbody tr', (rows) =>
      rows
        .map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent))
        .find((cells) => cells[0] === 'alice'),
    );
    const aliceRecords = records.filter((r) => r.customer_identifier === 'alice');
    const spent = aliceRecords.at(-1)!.customer!.period_budget!.spent_usd!;
    expect(alice![1]).toContain(`${usd(spent)} of ${usd(10)} daily`);
    expect(alice![3]).toContain('100/min');
    expect(alice![4]).toBe(String(aliceRecords.length));
    expect(await page.$$('#customers meter')).not.toHaveLength(0);
    await shot('customers');
  });

  it('gets a 401 and no data from the API without the admin key', async () => {
    const answer = await page.evaluate(async () => {
      const response = await fetch('admin/logs');
      return { status: response.status, text: await response.text() };
    });
    expect(answer.status).toBe(401);
    for (const record of records) expect(answer.text).not.toContain(record.id);
    const stranger = await browser.newPage();
    try {
      await stranger.goto(`${host.baseURL}/dashboard#/requests`);
      await stranger.getByLabel('Admin key').waitFor();
      expect(await stranger.$$('#requests')).toHaveLength(0);
      await stranger.screenshot({ path: `${SCREENSHOTS}${kind}-login.png` });
    } finally {
      await stranger.close();
    }
  });
});

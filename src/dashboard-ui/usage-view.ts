/**
 * Usage: cost and tokens over time by model and by customer (uPlot charts, each with its numbers
 * in a table for screen readers and for checking), latency and time-to-first-token percentiles
 * and error rates by model, provider and customer.
 */
import uPlot from 'uplot';
import type { Summary, SummaryGroup, SummaryRow } from '../admin/log-summary.js';
import { api } from './api.js';
import { h, show } from './dom.js';
import { count, ms, percent, text, usd } from './format.js';

const RANGES: Record<string, { label: string; spanMs: number; bucket: string; bucketMs: number }> = {
  hour: { label: 'Last hour', spanMs: 3_600_000, bucket: 'minute', bucketMs: 60_000 },
  day: { label: 'Last 24 hours', spanMs: 86_400_000, bucket: 'hour', bucketMs: 3_600_000 },
  week: { label: 'Last 7 days', spanMs: 7 * 86_400_000, bucket: 'day', bucketMs: 86_400_000 },
};
const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563', '#ca8a04'];

export async function usageView(query: URLSearchParams): Promise<void> {
  const rangeName = RANGES[query.get('range') ?? ''] ? query.get('range')! : 'hour';
  const range = RANGES[rangeName];
  const now = Date.now();
  const from = Math.floor((now - range.spanMs) / range.bucketMs) * range.bucketMs;
  const ask = (groupBy: string) =>
    api<Summary>(
      'admin/logs/summary',
      new URLSearchParams({ group_by: groupBy, bucket: range.bucket, from: String(from) }),
    );
  const [byTimeModel, byTimeCustomer, byModel, byProvider, byCustomer] = await Promise.all([
    ask('time,model'),
    ask('time,customer'),
    ask('model'),
    ask('provider'),
    ask('customer'),
  ]);
  const picker = h(
    'select',
    { id: 'range' },
    Object.entries(RANGES).map(([name, { label }]) =>
      h('option', { value: name, selected: name === rangeName }, label),
    ),
  );
  picker.addEventListener('change', () => (location.hash = `#/usage?range=${picker.value}`));
  const totals = byModel.totals;
  const buckets: number[] = [];
  for (let at = from; at <= now; at += range.bucketMs) buckets.push(at);
  show(
    h('h2', {}, 'Usage'),
    h('p', { class: 'controls' }, h('label', { for: 'range' }, 'Time range '), picker),
    h('section', { 'aria-labelledby': 'totals-title' }, h('h3', { id: 'totals-title' }, 'Totals'), totalsList(totals)),
    h(
      'div',
      { class: 'charts' },
      chart('cost-by-model', 'Cost by model (USD)', byTimeModel.groups, 'model', buckets, (row) => row.cost_usd, usd),
      chart(
        'tokens-by-model',
        'Tokens by model',
        byTimeModel.groups,
        'model',
        buckets,
        (row) => row.total_tokens,
        count,
      ),
      chart(
        'cost-by-customer',
        'Cost by customer (USD)',
        byTimeCustomer.groups,
        'customer',
        buckets,
        (row) => row.cost_usd,
        usd,
      ),
      chart(
        'tokens-by-customer',
        'Tokens by customer',
        byTimeCustomer.groups,
        'customer',
        buckets,
        (row) => row.total_tokens,
        count,
      ),
    ),
    breakdown('by-model', 'By model', 'Model', byModel.groups, 'model'),
    breakdown('by-provider', 'By provider', 'Provider', byProvider.groups, 'provider'),
    breakdown('by-customer', 'By customer', 'Customer', byCustomer.groups, 'customer'),
    byModel.truncated
      ? h('p', { class: 'muted' }, `Summarised the newest ${count(byModel.records)} records only.`)
      : null,
  );
}

function totalsList(totals: SummaryRow): HTMLDListElement {
  const pairs: Array<[string, string, string]> = [
    ['requests', 'Requests', count(totals.requests)],
    ['errors', 'Errors', `${count(totals.errors)} (${percent(totals.error_rate)})`],
    ['tokens', 'Tokens', count(totals.total_tokens)],
    ['cost', 'Cost', usd(totals.cost_usd)],
    ['latency', 'Latency p50 / p95 / p99', triple(totals.latency_ms)],
    ['ttft', 'Time to first token p50 / p95 / p99', triple(totals.ttft_ms)],
  ];
  return h(
    'dl',
    { class: 'totals', id: 'totals' },
    pairs.map(([name, term, value]) => h('div', { 'data-total': name }, h('dt', {}, term), h('dd', {}, value))),
  );
}

function triple(p: SummaryRow['latency_ms']): string {
  return p ? `${ms(p.p50)} / ${ms(p.p95)} / ${ms(p.p99)}` : '—';
}

function chart(
  id: string,
  title: string,
  groups: SummaryGroup[],
  split: 'model' | 'customer',
  buckets: number[],
  value: (row: SummaryRow) => number,
  format: (value: number) => string,
): HTMLElement {
  const names = [...new Set(groups.map((group) => group.key[split] ?? '(none)'))].sort();
  const index = new Map(buckets.map((at, position) => [new Date(at).toISOString(), position]));
  const series = names.map(() => buckets.map(() => 0));
  const totals = names.map(() => 0);
  for (const group of groups) {
    const at = index.get(group.key.time ?? '');
    const which = names.indexOf(group.key[split] ?? '(none)');
    if (at === undefined) continue;
    series[which][at] += value(group);
    totals[which] += value(group);
  }
  const target = h('div', {
    class: 'plot',
    role: 'img',
    'aria-label': `${title} over time, chart; the table below has the totals`,
  });
  const figure = h(
    'figure',
    { id },
    h('figcaption', {}, title),
    target,
    h(
      'table',
      { class: 'chart-totals' },
      h('caption', { class: 'visually-hidden' }, `${title}: totals`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, split === 'model' ? 'Model' : 'Customer'),
          h('th', { scope: 'col' }, 'Total'),
        ),
      ),
      h(
        'tbody',
        {},
        names.map((name, position) =>
          h(
            'tr',
            { 'data-series': name },
            h('th', { scope: 'row' }, h('span', { class: 'swatch', 'data-colour': position % COLOURS.length }), name),
            h('td', { class: 'num' }, format(totals[position])),
          ),
        ),
      ),
    ),
  );
  requestAnimationFrame(() => {
    if (!names.length) return void target.append(h('p', { class: 'muted' }, 'No data in this range.'));
    new uPlot(
      {
        width: Math.max(280, target.clientWidth),
        height: 200,
        legend: { show: false },
        series: [
          {},
          ...names.map((name, position) => ({
            label: name,
            stroke: COLOURS[position % COLOURS.length],
            width: 2,
            points: { show: true },
          })),
        ],
        axes: [{}, { size: 70, values: (_plot: uPlot, ticks: number[]) => ticks.map((tick) => format(tick)) }],
      },
      [buckets.map((at) => at / 1000), ...series],
      target,
    );
  });
  return figure;
}

function breakdown(
  id: string,
  title: string,
  column: string,
  groups: SummaryGroup[],
  key: 'model' | 'provider' | 'customer',
) {
  return h(
    'section',
    { 'aria-labelledby': `${id}-title` },
    h('h3', { id: `${id}-title` }, title),
    h(
      'table',
      { id },
      h('caption', { class: 'visually-hidden' }, title),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            column,
            'Requests',
            'Errors',
            'Error rate',
            'Tokens',
            'Cost',
            'Latency p50',
            'Latency p95',
            'TTFT p50',
            'TTFT p95',
          ].map((name) => h('th', { scope: 'col' }, name)),
        ),
      ),
      h(
        'tbody',
        {},
        groups.map((group) =>
          h(
            'tr',
            { 'data-key': group.key[key] ?? '' },
            h('th', { scope: 'row' }, text(group.key[key])),
            h('td', { class: 'num' }, count(group.requests)),
            h('td', { class: 'num' }, count(group.errors)),
            h('td', { class: 'num' }, percent(group.error_rate)),
            h('td', { class: 'num' }, count(group.total_tokens)),
            h('td', { class: 'num' }, usd(group.cost_usd)),
            h('td', { class: 'num' }, ms(group.latency_ms?.p50)),
            h('td', { class: 'num' }, ms(group.latency_ms?.p95)),
            h('td', { class: 'num' }, ms(group.ttft_ms?.p50)),
            h('td', { class: 'num' }, ms(group.ttft_ms?.p95)),
          ),
        ),
      ),
    ),
  );
}

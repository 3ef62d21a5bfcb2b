/**
 * Summaries of log records, grouped by up to two dimensions (model, provider, customer, time
 * bucket): requests, errors, tokens, cost, and latency and time-to-first-token percentiles.
 * Percentiles use the nearest-rank method: the smallest value with at least p% of the values at or
 * below it, always one of the values seen.
 */
import type { LogRecord } from '../logging/log-record.js';

export const SUMMARY_DIMENSIONS = ['model', 'provider', 'customer', 'time'] as const;
export type SummaryDimension = (typeof SUMMARY_DIMENSIONS)[number];

export interface Percentiles {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export interface SummaryRow {
  requests: number;
  errors: number;
  /** errors / requests; 0 without requests. */
  error_rate: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** Summed over the records with a known cost; `unpriced` counts the others. */
  cost_usd: number;
  unpriced: number;
  fallbacks: number;
  cache_hits: number;
  latency_ms: Percentiles | null;
  /** Streams only. */
  ttft_ms: Percentiles | null;
}

export interface SummaryGroup extends SummaryRow {
  /** The group's value of each dimension (`time`: the bucket's start, ISO); null where the record had none. */
  key: Partial<Record<SummaryDimension, string | null>>;
}

export interface Summary {
  totals: SummaryRow;
  groups: SummaryGroup[];
  /** Time buckets' width, when grouped by time. */
  bucket_ms: number | null;
  /** Records summarised (at most the scan limit; `truncated` says when more matched). */
  records: number;
  truncated: boolean;
}

export function summarise(
  records: readonly LogRecord[],
  groupBy: readonly SummaryDimension[],
  bucketMs: number,
  truncated = false,
): Summary {
  const groups = new Map<string, { key: SummaryGroup['key']; records: LogRecord[] }>();
  for (const record of records) {
    const key: SummaryGroup['key'] = {};
    for (const dimension of groupBy) key[dimension] = valueOf(record, dimension, bucketMs);
    const id = JSON.stringify(key);
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { key, records: [] }));
    group.records.push(record);
  }
  const rows = [...groups.values()].map(({ key, records: members }) => ({ key, ...summaryRow(members) }));
  rows.sort((a, b) => compareKeys(a.key, b.key, groupBy) || b.requests - a.requests);
  return {
    totals: summaryRow(records),
    groups: rows,
    bucket_ms: groupBy.includes('time') ? bucketMs : null,
    records: records.length,
    truncated,
  };
}

export function summaryRow(records: readonly LogRecord[]): SummaryRow {
  let errors = 0;
  let prompt = 0;
  let completion = 0;
  let total = 0;
  let cost = 0;
  let unpriced = 0;
  let fallbacks = 0;
  let cacheHits = 0;
  const latencies: number[] = [];
  const ttfts: number[] = [];
  for (const record of records) {
    if (record.status !== 'success') errors++;
    prompt += record.usage?.prompt_tokens ?? 0;
    completion += record.usage?.completion_tokens ?? 0;
    total += record.usage?.total_tokens ?? 0;
    if (record.cost_usd === null) unpriced++;
    else cost += record.cost_usd;
    if (record.fallback_used) fallbacks++;
    if (record.cache?.status === 'hit') cacheHits++;
    latencies.push(record.latency_ms);
    if (record.ttft_ms !== null) ttfts.push(record.ttft_ms);
  }
  return {
    requests: records.length,
    errors,
    error_rate: records.length ? errors / records.length : 0,
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: total,
    cost_usd: roundUsd(cost),
    unpriced,
    fallbacks,
    cache_hits: cacheHits,
    latency_ms: percentiles(latencies),
    ttft_ms: percentiles(ttfts),
  };
}

/** Nearest-rank percentiles of `values` (null when empty). */
export function percentiles(values: number[]): Percentiles | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
  return { p50: rank(50), p90: rank(90), p95: rank(95), p99: rank(99), max: sorted[sorted.length - 1] };
}

function valueOf(record: LogRecord, dimension: SummaryDimension, bucketMs: number): string | null {
  switch (dimension) {
    case 'model':
      return record.model ?? record.requested_model;
    case 'provider':
      return record.provider;
    case 'customer':
      return record.customer_identifier;
    case 'time': {
      const at = Date.parse(record.start_time);
      return new Date(Math.floor(at / bucketMs) * bucketMs).toISOString();
    }
  }
}

function compareKeys(a: SummaryGroup['key'], b: SummaryGroup['key'], order: readonly SummaryDimension[]): number {
  for (const dimension of order) {
    const left = a[dimension] ?? '';
    const right = b[dimension] ?? '';
    if (left !== right) return left < right ? -1 : 1;
  }
  return 0;
}

/** Sums of many small float costs, shown to the nano-dollar. */
function roundUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}

/**
 * The admin API's query string: filters, a page, a summary's grouping. Anything malformed is a 400
 * that names the parameter, never a silently wider query.
 */
import { invalidRequest } from '../errors.js';
import type { LogFilter } from '../log-store/log-filter.js';
import { SUMMARY_DIMENSIONS, type SummaryDimension } from './log-summary.js';

const STATUSES = ['success', 'error', 'aborted'] as const;
const TEXT_FILTERS = ['customer', 'model', 'provider', 'thread', 'group'] as const;
const BUCKETS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
export const MAX_PAGE = 200;
const MAX_VALUE = 500;

export function queryOf(path: string): URLSearchParams {
  const at = path.indexOf('?');
  return new URLSearchParams(at === -1 ? '' : path.slice(at + 1));
}

export function readFilter(query: URLSearchParams): LogFilter {
  const filter: LogFilter = {};
  for (const name of ['from', 'to'] as const) {
    const value = query.get(name);
    if (value !== null && value !== '') filter[name] = readTime(name, value);
  }
  for (const name of TEXT_FILTERS) {
    const value = query.get(name);
    if (value !== null && value !== '') filter[name] = bounded(name, value);
  }
  const status = query.get('status');
  if (status !== null && status !== '') {
    if (!(STATUSES as readonly string[]).includes(status))
      throw invalidRequest(`\`status\` must be one of ${STATUSES.join(', ')}.`, 'status');
    filter.status = status as LogFilter['status'];
  }
  for (const [name, value] of query) {
    if (!name.startsWith('metadata.')) continue;
    const key = name.slice('metadata.'.length);
    if (!key || key.length > 200) throw invalidRequest('A metadata filter is `metadata.<key>=<value>`.', name);
    (filter.metadata ??= []).push({ key, value: bounded(name, value) });
  }
  return filter;
}

export function readPage(query: URLSearchParams): { cursor?: string; limit: number } {
  const limitText = query.get('limit');
  let limit = 50;
  if (limitText !== null) {
    limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
      throw invalidRequest(`\`limit\` must be an integer from 1 to ${MAX_PAGE}.`, 'limit');
  }
  const cursor = query.get('cursor') ?? undefined;
  if (cursor !== undefined && !/^[1-9][0-9]{0,15}$/.test(cursor))
    throw invalidRequest('`cursor` must be the `next_cursor` of a previous page.', 'cursor');
  return { cursor, limit };
}

export function readGrouping(query: URLSearchParams): { groupBy: SummaryDimension[]; bucketMs: number } {
  const names = (query.get('group_by') ?? '').split(',').filter(Boolean);
  if (names.length > 2) throw invalidRequest('`group_by` takes at most two dimensions.', 'group_by');
  for (const name of names)
    if (!(SUMMARY_DIMENSIONS as readonly string[]).includes(name))
      throw invalidRequest(
        `\`group_by\` takes ${SUMMARY_DIMENSIONS.join(', ')}; not \`${name.slice(0, 50)}\`.`,
        'group_by',
      );
  const bucket = query.get('bucket') ?? 'hour';
  const bucketMs = BUCKETS[bucket] ?? Number(bucket);
  if (!Number.isInteger(bucketMs) || bucketMs < 1_000 || bucketMs > 31 * 86_400_000)
    throw invalidRequest('`bucket` is minute, hour, day or a width in ms (1000 or more).', 'bucket');
  return { groupBy: [...new Set(names)] as SummaryDimension[], bucketMs };
}

/** ISO 8601 or ms since the epoch. */
function readTime(name: string, value: string): number {
  const at = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(at)) throw invalidRequest(`\`${name}\` must be an ISO 8601 time or ms since the epoch.`, name);
  return at;
}

function bounded(name: string, value: string): string {
  if (value.length > MAX_VALUE)
    throw invalidRequest(`\`${name.slice(0, 200)}\` is longer than ${MAX_VALUE} characters.`, name);
  return value;
}

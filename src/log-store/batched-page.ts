/**
 * Pages and scans over a store read in batches, newest first (SQLite, Redis): a store narrows what
 * it can, `matchesFilter` decides, and the walk stops as soon as the page is full.
 */
import type { LogRecord } from '../logging/log-record.js';
import { matchesFilter, type LogFilter } from './log-filter.js';
import type { LogPage } from './log-store.js';

export interface SeqRecord {
  seq: number;
  record: LogRecord;
}

/**
 * The next `size` entries with a sequence number below `before`, newest first: the records still
 * there, and the sequence number to go on from (null when nothing older is left).
 */
export type FetchBatch = (before: number, size: number) => Promise<{ records: SeqRecord[]; next: number | null }>;

const BATCH = 200;

export async function pageFromBatches(
  fetch: FetchBatch,
  filter: LogFilter,
  limit: number,
  before: number,
): Promise<LogPage> {
  const records: LogRecord[] = [];
  let last = 0;
  for (;;) {
    const batch = await fetch(before, BATCH);
    for (const { seq, record } of batch.records) {
      if (!matchesFilter(record, filter)) continue;
      if (records.length === limit) return { records, next_cursor: String(last) };
      records.push(record);
      last = seq;
    }
    if (batch.next === null) return { records, next_cursor: null };
    before = batch.next;
  }
}

export async function scanBatches(fetch: FetchBatch, filter: LogFilter, max: number): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  let before = Number.POSITIVE_INFINITY;
  for (;;) {
    const batch = await fetch(before, BATCH);
    for (const { record } of batch.records) {
      if (records.length >= max) return records;
      if (matchesFilter(record, filter)) records.push(record);
    }
    if (batch.next === null) return records;
    before = batch.next;
  }
}

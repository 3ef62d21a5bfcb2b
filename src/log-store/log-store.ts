/**
 * A log store keeps the gateway's log records for the admin API and the dashboard (docs/dashboard.md):
 * `memoryLogStore()` (the default with `admin`), `sqliteLogStore()` for one instance and
 * `redisLogStore()` for several. Every store is bounded by count, bytes and age.
 */
import type { LogRecord } from '../logging/log-record.js';
import type { LogFilter } from './log-filter.js';

export interface LogPage {
  /** Newest first. */
  records: LogRecord[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  next_cursor: string | null;
}

export interface LogStore {
  /** `memory`, `sqlite`, `redis` or your own store's name. */
  readonly kind: string;
  /** Keeps one finished record (already stripped as the retention options say). */
  add(record: LogRecord): Promise<void>;
  /** Records matching `filter`, newest first, `limit` at most, older than `cursor`. */
  list(filter: LogFilter, page: { cursor?: string; limit: number }): Promise<LogPage>;
  /** One record by id (the `x-request-id` of its response). */
  get(id: string): Promise<LogRecord | null>;
  /** Up to `max` matching records, newest first: what summaries are computed from. */
  scan(filter: LogFilter, max: number): Promise<LogRecord[]>;
  /** Calls `listener` with every record added from now on (by any instance, for a shared store). */
  subscribe(listener: (record: LogRecord) => void): () => void;
  /**
   * Optional: resolves once subscribers hear every record added from then on (a shared store's
   * subscription takes a round trip to open). The live tail says `ready` after it.
   */
  listening?(): Promise<void>;
  close(): Promise<void>;
}

export function isLogStore(value: unknown): value is LogStore {
  if (typeof value !== 'object' || value === null) return false;
  const store = value as Record<string, unknown>;
  return ['add', 'list', 'get', 'scan', 'subscribe', 'close'].every((name) => typeof store[name] === 'function');
}

/** A cursor is the store's sequence number of the last record shown; anything else is no cursor. */
export function cursorSeq(cursor: string | undefined): number {
  if (cursor === undefined) return Number.POSITIVE_INFINITY;
  const seq = Number(cursor);
  return Number.isSafeInteger(seq) && seq > 0 ? seq : Number.POSITIVE_INFINITY;
}

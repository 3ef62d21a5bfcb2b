/** Which records a query wants; every field narrows, an absent field does not. */
import type { LogRecord } from '../logging/log-record.js';

export interface LogFilter {
  /** Start time at or after, ms since the epoch. */
  from?: number;
  /** Start time before, ms since the epoch. */
  to?: number;
  customer?: string;
  /** The model served or requested. */
  model?: string;
  provider?: string;
  status?: LogRecord['status'];
  thread?: string;
  group?: string;
  /** Each pair must match `metadata[key]` (compared as text). */
  metadata?: Array<{ key: string; value: string }>;
}

export function matchesFilter(record: LogRecord, filter: LogFilter): boolean {
  if (filter.from !== undefined || filter.to !== undefined) {
    const at = Date.parse(record.start_time);
    if (filter.from !== undefined && !(at >= filter.from)) return false;
    if (filter.to !== undefined && !(at < filter.to)) return false;
  }
  if (filter.customer !== undefined && record.customer_identifier !== filter.customer) return false;
  if (filter.model !== undefined && record.model !== filter.model && record.requested_model !== filter.model)
    return false;
  if (filter.provider !== undefined && record.provider !== filter.provider) return false;
  if (filter.status !== undefined && record.status !== filter.status) return false;
  if (filter.thread !== undefined && record.thread_identifier !== filter.thread) return false;
  if (filter.group !== undefined && record.group_identifier !== filter.group) return false;
  for (const { key, value } of filter.metadata ?? []) {
    const metadata = record.metadata;
    if (!metadata || !Object.hasOwn(metadata, key) || metadataText(metadata[key]) !== value) return false;
  }
  return true;
}

/** A metadata value as a filter compares it: strings as they are, anything else as JSON. */
export function metadataText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

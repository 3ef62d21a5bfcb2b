/**
 * What a log store keeps: bounds by count, bytes and age, and the form a record is stored in
 * (content left out on request, an oversized record's content replaced by a note).
 */
import type { LogRecord } from '../logging/log-record.js';

export interface RetentionOptions {
  /** Most records kept; the oldest go first. */
  maxRecords?: number;
  /** Most bytes of stored JSON kept; the oldest records go first. */
  maxBytes?: number;
  /** Records older than this (by start time) are dropped. */
  maxAgeMs?: number;
  /** Largest record kept whole; a bigger one is kept without its input and output (default 256 KiB). */
  maxRecordBytes?: number;
  /**
   * Whether input and output are stored (default true). Records of requests with `disable_log`
   * never carry them.
   */
  content?: boolean;
}

export type Retention = Required<RetentionOptions>;

const DAY_MS = 86_400_000;

export function retention(
  options: RetentionOptions,
  defaults: Omit<Retention, 'content' | 'maxRecordBytes'>,
): Retention {
  return {
    maxRecords: options.maxRecords ?? defaults.maxRecords,
    maxBytes: options.maxBytes ?? defaults.maxBytes,
    maxAgeMs: options.maxAgeMs ?? defaults.maxAgeMs,
    maxRecordBytes: options.maxRecordBytes ?? 256 * 1024,
    content: options.content ?? true,
  };
}

export const MEMORY_DEFAULTS = { maxRecords: 5_000, maxBytes: 32 * 1024 * 1024, maxAgeMs: 7 * DAY_MS };
export const SQLITE_DEFAULTS = { maxRecords: 200_000, maxBytes: 1024 * 1024 * 1024, maxAgeMs: 30 * DAY_MS };
export const REDIS_DEFAULTS = { maxRecords: 50_000, maxBytes: 256 * 1024 * 1024, maxAgeMs: 7 * DAY_MS };

/** The record as stored: its JSON, and the size counted against `maxBytes`. */
export function storedForm(record: LogRecord, keep: Retention): { json: string; bytes: number } {
  let kept = record;
  if (!keep.content && (record.input !== null || record.output !== null))
    kept = { ...record, input: null, output: null };
  let json = JSON.stringify(kept);
  if (Buffer.byteLength(json) > keep.maxRecordBytes) {
    const note = `[left out: the record was over the log store's maxRecordBytes (${keep.maxRecordBytes})]`;
    kept = { ...kept, input: note, output: kept.output === null ? null : note, params: null };
    json = JSON.stringify(kept);
  }
  return { json, bytes: Buffer.byteLength(json) };
}

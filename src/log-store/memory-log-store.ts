/**
 * The default log store: a ring of the newest records in this process, bounded by count, bytes and
 * age. Lost on restart; each instance sees only its own records.
 */
import type { LogRecord } from '../logging/log-record.js';
import { matchesFilter } from './log-filter.js';
import { LogListeners } from './log-listeners.js';
import { cursorSeq, type LogStore } from './log-store.js';
import { MEMORY_DEFAULTS, retention, storedForm, type RetentionOptions } from './retention.js';

interface Entry {
  seq: number;
  record: LogRecord;
  bytes: number;
  startMs: number;
}

export type MemoryLogStoreOptions = RetentionOptions;

/** `createGateway({ admin: { key }, logStore: memoryLogStore({ maxRecords: 10_000 }) })`. */
export function memoryLogStore(options: MemoryLogStoreOptions = {}): LogStore {
  const keep = retention(options, MEMORY_DEFAULTS);
  /** Oldest first; `head` entries at the front are already gone (compacted now and then). */
  let entries: Entry[] = [];
  let head = 0;
  const byId = new Map<string, Entry>();
  const listeners = new LogListeners();
  let seq = 0;
  let bytes = 0;

  const dropOldest = () => {
    const entry = entries[head++];
    byId.delete(entry.record.id);
    bytes -= entry.bytes;
    if (head > 1024 && head * 2 > entries.length) {
      entries = entries.slice(head);
      head = 0;
    }
  };
  const expire = (now: number) => {
    const cutoff = now - keep.maxAgeMs;
    while (head < entries.length && entries[head].startMs < cutoff) dropOldest();
  };
  /** Newest first, after dropping what expired. */
  function* newest(before: number): Generator<Entry> {
    expire(Date.now());
    for (let index = entries.length - 1; index >= head; index--) if (entries[index].seq < before) yield entries[index];
  }

  return {
    kind: 'memory',
    async add(record) {
      if (byId.has(record.id)) return;
      const form = storedForm(record, keep);
      const entry: Entry = {
        seq: ++seq,
        record: JSON.parse(form.json) as LogRecord,
        bytes: form.bytes,
        startMs: Date.parse(record.start_time),
      };
      entries.push(entry);
      byId.set(record.id, entry);
      bytes += entry.bytes;
      expire(Date.now());
      while (entries.length - head > keep.maxRecords || (bytes > keep.maxBytes && entries.length - head > 0))
        dropOldest();
      if (byId.has(record.id)) listeners.emit(entry.record);
    },
    async list(filter, page) {
      const records: LogRecord[] = [];
      let last = 0;
      for (const entry of newest(cursorSeq(page.cursor))) {
        if (!matchesFilter(entry.record, filter)) continue;
        if (records.length === page.limit) return { records, next_cursor: String(last) };
        records.push(entry.record);
        last = entry.seq;
      }
      return { records, next_cursor: null };
    },
    async get(id) {
      expire(Date.now());
      return byId.get(id)?.record ?? null;
    },
    async scan(filter, max) {
      const records: LogRecord[] = [];
      for (const entry of newest(Number.POSITIVE_INFINITY)) {
        if (records.length >= max) break;
        if (matchesFilter(entry.record, filter)) records.push(entry.record);
      }
      return records;
    },
    subscribe: (listener) => listeners.add(listener),
    async close() {
      entries = [];
      head = 0;
      byId.clear();
      bytes = 0;
    },
  };
}

/**
 * A durable log store in one SQLite file, for a single instance: `sqliteLogStore({ path })`.
 * Uses `better-sqlite3` (an optional peer, loaded on first use). Column filters and the time range
 * are narrowed in SQL; metadata pairs are checked on the rows read.
 */
import type { LogRecord } from '../logging/log-record.js';
import { pageFromBatches, scanBatches, type FetchBatch } from './batched-page.js';
import type { LogFilter } from './log-filter.js';
import { LogListeners } from './log-listeners.js';
import { cursorSeq, type LogStore } from './log-store.js';
import { retention, SQLITE_DEFAULTS, storedForm, type RetentionOptions } from './retention.js';

export interface SqliteLogStoreOptions extends RetentionOptions {
  /** The database file (created if missing); `:memory:` for a throwaway one. */
  path?: string;
  /** Your own `better-sqlite3` Database instead of `path`; modelgate then leaves closing it to you. */
  database?: object;
  /** Table name (default `modelgate_logs`): letters, digits and `_`. */
  table?: string;
}

interface Statement {
  run(...params: unknown[]): { changes: number };
  all(...params: unknown[]): any[];
  get(...params: unknown[]): any;
}
interface Database {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  pragma(sql: string): unknown;
  close(): void;
}

const COLUMNS: Array<[keyof LogFilter, string]> = [
  ['customer', 'customer'],
  ['provider', 'provider'],
  ['status', 'status'],
  ['thread', 'thread'],
  ['group', 'grp'],
];

export function sqliteLogStore(options: SqliteLogStoreOptions = {}): LogStore {
  const keep = retention(options, SQLITE_DEFAULTS);
  const table = options.table ?? 'modelgate_logs';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new Error(`sqliteLogStore: invalid table name ${table}`);
  const listeners = new LogListeners();
  /** Rows and stored bytes, counted at open and kept up to date (one instance writes the file). */
  let rows = 0;
  let bytes = 0;
  let sql!: ReturnType<typeof statements>;
  const ready: Promise<Database> = (async () => {
    const db =
      (options.database as Database | undefined) ?? new (await loadSqlite())(options.path ?? 'modelgate-logs.db');
    if (!options.database) {
      db.pragma('journal_mode = WAL');
      // With WAL, NORMAL never corrupts the file; a power cut may lose the last records, not the rest.
      db.pragma('synchronous = NORMAL');
    }
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, start_ms INTEGER NOT NULL,
      customer TEXT, model TEXT, requested_model TEXT, provider TEXT, status TEXT, thread TEXT, grp TEXT,
      bytes INTEGER NOT NULL, record TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS ${table}_start ON ${table}(start_ms);
      CREATE INDEX IF NOT EXISTS ${table}_customer ON ${table}(customer, seq);`);
    const totals = db.prepare(`SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS total FROM ${table}`).get() as {
      n: number;
      total: number;
    };
    rows = totals.n;
    bytes = totals.total;
    sql = statements(db, table);
    return db;
  })();
  ready.catch(() => {}); // the first call reports it

  const trim = () => {
    const drop = (deleted: Array<{ bytes: number }>) => {
      rows -= deleted.length;
      for (const row of deleted) bytes -= row.bytes;
    };
    drop(sql.expire.all(Date.now() - keep.maxAgeMs));
    if (rows > keep.maxRecords) drop(sql.dropOldest.all(rows - keep.maxRecords));
    while (bytes > keep.maxBytes && rows > 0) {
      let over = bytes - keep.maxBytes;
      let count = 0;
      for (const row of sql.oldestSizes.all() as Array<{ bytes: number }>) {
        count++;
        over -= row.bytes;
        if (over <= 0) break;
      }
      drop(sql.dropOldest.all(Math.max(1, count)));
    }
  };

  const fetchBatch =
    (filter: LogFilter): FetchBatch =>
    async (before, size) => {
      const db = await ready;
      const where: string[] = [];
      const params: unknown[] = [];
      const narrow = (clause: string, ...values: unknown[]) => {
        where.push(clause);
        params.push(...values);
      };
      narrow('seq < ?', Number.isFinite(before) ? before : Number.MAX_SAFE_INTEGER);
      narrow('start_ms >= ?', Date.now() - keep.maxAgeMs);
      if (filter.from !== undefined) narrow('start_ms >= ?', filter.from);
      if (filter.to !== undefined) narrow('start_ms < ?', filter.to);
      if (filter.model !== undefined) narrow('(model = ? OR requested_model = ?)', filter.model, filter.model);
      for (const [field, column] of COLUMNS) {
        const value = filter[field];
        if (value !== undefined) narrow(`${column} = ?`, value);
      }
      const rows = db
        .prepare(`SELECT seq, record FROM ${table} WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`)
        .all(...params, size) as Array<{ seq: number; record: string }>;
      const records = rows.map((row) => ({ seq: row.seq, record: JSON.parse(row.record) as LogRecord }));
      return { records, next: rows.length < size ? null : rows[rows.length - 1].seq };
    };

  return {
    kind: 'sqlite',
    async add(record) {
      await ready;
      const form = storedForm(record, keep);
      const inserted = sql.insert.run(
        record.id,
        Date.parse(record.start_time),
        record.customer_identifier,
        record.model,
        record.requested_model,
        record.provider,
        record.status,
        record.thread_identifier,
        record.group_identifier,
        form.bytes,
        form.json,
      );
      if (!inserted.changes) return;
      rows++;
      bytes += form.bytes;
      trim();
      listeners.emit(JSON.parse(form.json) as LogRecord);
    },
    async list(filter, page) {
      return pageFromBatches(fetchBatch(filter), filter, page.limit, cursorSeq(page.cursor));
    },
    async get(id) {
      const db = await ready;
      const row = db
        .prepare(`SELECT record FROM ${table} WHERE id = ? AND start_ms >= ?`)
        .get(id, Date.now() - keep.maxAgeMs) as { record: string } | undefined;
      return row ? (JSON.parse(row.record) as LogRecord) : null;
    },
    scan: (filter, max) => scanBatches(fetchBatch(filter), filter, max),
    subscribe: (listener) => listeners.add(listener),
    async close() {
      const db = await ready.catch(() => undefined);
      if (db && !options.database) db.close();
    },
  };
}

/** Prepared once: preparing a statement per record costs more than running it. */
function statements(db: Database, table: string) {
  return {
    insert: db.prepare(
      `INSERT OR IGNORE INTO ${table} (id, start_ms, customer, model, requested_model, provider, status, thread, grp, bytes, record)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    expire: db.prepare(`DELETE FROM ${table} WHERE start_ms < ? RETURNING bytes`),
    dropOldest: db.prepare(
      `DELETE FROM ${table} WHERE seq IN (SELECT seq FROM ${table} ORDER BY seq ASC LIMIT ?) RETURNING bytes`,
    ),
    oldestSizes: db.prepare(`SELECT bytes FROM ${table} ORDER BY seq ASC LIMIT 100`),
  };
}

/** better-sqlite3 is an optional peer dependency: only a SQLite log store needs it. */
async function loadSqlite(): Promise<new (path: string) => Database> {
  try {
    const loaded = (await import('better-sqlite3')) as unknown as { default?: unknown };
    return (loaded.default ?? loaded) as new (path: string) => Database;
  } catch (error) {
    throw new Error('sqliteLogStore() needs the `better-sqlite3` package: npm install better-sqlite3', {
      cause: error,
    });
  }
}

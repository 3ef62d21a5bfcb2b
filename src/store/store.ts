/**
 * The shared state behind rate limits, budgets, health, the response cache and stored responses. Two implementations:
 * `memoryStore()` (one process, the default) and `redisStore()` (many processes). Every operation
 * that must not race is a single atomic step of the store (a Lua script on Redis).
 */

/** One budget a reservation counts against, e.g. a customer's monthly and total budget. */
export interface BudgetLine {
  key: string;
  /** The amount that may be committed: spent plus live reservations. */
  limit: number;
  /** Expiry of the whole budget (e.g. the end of its period); undefined: never. */
  ttlMs?: number;
}

/** How long a store remembers a lapsed reservation, so that a late settlement can still correct its charge. */
export const LAPSED_HOLD_KEPT_MS = 3_600_000;

/** A budget's state: settled spend (lapsed reservations included) and the sum of live reservations. */
export interface BudgetState {
  spent: number;
  reserved: number;
}

export interface ReserveOutcome {
  /** False when one line had nothing left: spent + reserved >= limit. Nothing was reserved then. */
  ok: boolean;
  /** The state of each line, in order, after the reservation (or as found when refused). */
  lines: BudgetState[];
  /** Index of the first line that refused. */
  refusedAt?: number;
}

export interface WindowOutcome {
  allowed: boolean;
  /** Hits inside the window, this one included when allowed. */
  count: number;
  /** When refused: milliseconds until the oldest hit leaves the window. */
  retryAfterMs: number;
}

/**
 * The operations modelgate needs from a store. Keys are plain strings; an implementation may add
 * its own prefix. Counters and budget amounts are integers (modelgate counts money in nano-USD), so
 * that sums stay exact.
 */
export interface Store {
  /** `memory`, `redis`, or your own implementation's name (shown in logs). */
  readonly kind: string;
  /** Adds `by` to an integer counter and returns the new value; a new counter expires after `ttlMs`. */
  increment(key: string, by: number, ttlMs: number): Promise<number>;
  get(key: string): Promise<string | null>;
  getMany(keys: readonly string[]): Promise<Array<string | null>>;
  /** Sets a value with an expiry; with `onlyIfAbsent` it does nothing (and returns false) when the key exists. */
  set(key: string, value: string, ttlMs: number, options?: { onlyIfAbsent?: boolean }): Promise<boolean>;
  delete(keys: readonly string[]): Promise<void>;
  /** Sliding-window limiter: records a hit if fewer than `limit` hits fall in the last `windowMs`. */
  hitWindow(key: string, limit: number, windowMs: number): Promise<WindowOutcome>;
  /**
   * Reserves `amount` under `id` on every line, or on none: a line refuses when its spent plus live
   * reservations already reach its limit. A reservation left unsettled lapses after `holdMs` and
   * then counts as spent, at its amount: a settlement lost to a store failure is never free.
   */
  reserve(lines: readonly BudgetLine[], id: string, amount: number, holdMs: number): Promise<ReserveOutcome>;
  /**
   * Replaces reservation `id` by the amount really spent (0 releases it) on every line. Idempotent:
   * a reservation that lapsed meanwhile has its charge corrected to `actual` (for
   * `LAPSED_HOLD_KEPT_MS` after it lapsed); an id already settled, or never reserved, changes nothing.
   */
  settle(lines: readonly BudgetLine[], id: string, actual: number): Promise<BudgetState[]>;
  /** Response cache reads; entries may be evicted early (a memory store is bounded in bytes). */
  getCached(keys: readonly string[]): Promise<Array<string | null>>;
  setCached(key: string, value: string, ttlMs: number): Promise<void>;
  /**
   * Documents: larger values kept whole until their expiry (stored responses), apart from the
   * counters and the cache, so that neither pushes them out. A memory store bounds them in bytes
   * (oldest first out); a missing key reads as null.
   */
  getDocuments(keys: readonly string[]): Promise<Array<string | null>>;
  setDocument(key: string, value: string, ttlMs: number): Promise<void>;
  /** Deletes a document; true when it was there. */
  deleteDocument(key: string): Promise<boolean>;
  /** Releases connections; `gateway.close()` calls it. */
  close(): Promise<void>;
}

/** A store call that failed or took longer than its timeout. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

/** The store's calls that reach its backend (all but `close`): what `guardStore` bounds in time. */
export const STORE_CALLS = [
  'increment',
  'get',
  'getMany',
  'set',
  'delete',
  'hitWindow',
  'reserve',
  'settle',
  'getCached',
  'setCached',
  'getDocuments',
  'setDocument',
  'deleteDocument',
] as const;

export function isStore(value: unknown): value is Store {
  if (typeof value !== 'object' || value === null) return false;
  const store = value as Record<string, unknown>;
  return [...STORE_CALLS, 'close'].every((name) => typeof store[name] === 'function');
}

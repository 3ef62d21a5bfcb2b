/**
 * The default store: state for one process. Operations are synchronous underneath, so each is
 * atomic by construction. Response-cache entries live in a separate LRU bounded in bytes, so a big
 * cache can never push out counters, reservations or health state.
 */
import { LRUCache } from 'lru-cache';
import {
  LAPSED_HOLD_KEPT_MS,
  type BudgetLine,
  type BudgetState,
  type ReserveOutcome,
  type Store,
  type WindowOutcome,
} from './store.js';

export interface MemoryStoreOptions {
  /** Upper bound of the response cache in bytes (keys and values, UTF-16 length × 2). Default 64 MiB. */
  cacheMaxBytes?: number;
  /** Upper bound of the documents (stored responses) in bytes, counted as the cache's. Default 64 MiB. */
  documentsMaxBytes?: number;
  /** Clock, for tests. */
  now?: () => number;
}

interface Entry {
  value: string;
  expiresAt: number;
}

interface Hold {
  amount: number;
  expiresAt: number;
}

interface Budget {
  spent: number;
  holds: Map<string, Hold>;
  /** Holds that lapsed unsettled and were charged their amount, kept a while (`expiresAt`) so a late settlement can correct the charge. */
  lapsed?: Map<string, Hold>;
  expiresAt: number;
}

const SWEEP_INTERVAL_MS = 30_000;

export function memoryStore(options: MemoryStoreOptions = {}): Store {
  const now = options.now ?? Date.now;
  const values = new Map<string, Entry>();
  const windows = new Map<string, { hits: number[]; expiresAt: number }>();
  const budgets = new Map<string, Budget>();
  const cache = new LRUCache<string, string>({
    maxSize: options.cacheMaxBytes ?? 64 * 1024 * 1024,
    sizeCalculation: (value, key) => (value.length + key.length) * 2 || 1,
  });

  const documents = boundedDocuments(options.documentsMaxBytes ?? 64 * 1024 * 1024, now);

  // Expired entries are dropped when read; the sweep frees the ones nobody reads again.
  const sweep = setInterval(() => {
    const at = now();
    for (const map of [values, windows, budgets] as Array<Map<string, { expiresAt: number }>>) {
      for (const [key, entry] of map) if (entry.expiresAt <= at) map.delete(key);
    }
    documents.sweep(at);
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  const live = (key: string): Entry | undefined => {
    const entry = values.get(key);
    if (entry && entry.expiresAt <= now()) {
      values.delete(key);
      return undefined;
    }
    return entry;
  };

  const budgetOf = (line: BudgetLine, at: number): Budget => {
    let budget = budgets.get(line.key);
    if (!budget || budget.expiresAt <= at) {
      budget = { spent: 0, holds: new Map(), expiresAt: Infinity };
      budgets.set(line.key, budget);
    }
    if (line.ttlMs !== undefined) budget.expiresAt = at + line.ttlMs;
    return budget;
  };

  /** Live reservations; a hold that lapsed unsettled counts as spent at its amount from then on. */
  const stateOf = (budget: Budget, at: number): BudgetState => {
    let reserved = 0;
    for (const [id, hold] of budget.holds) {
      if (hold.expiresAt > at) {
        reserved += hold.amount;
        continue;
      }
      budget.holds.delete(id);
      budget.spent += hold.amount;
      (budget.lapsed ??= new Map()).set(id, { amount: hold.amount, expiresAt: at + LAPSED_HOLD_KEPT_MS });
    }
    if (budget.lapsed) {
      for (const [id, hold] of budget.lapsed) if (hold.expiresAt <= at) budget.lapsed.delete(id);
    }
    return { spent: budget.spent, reserved };
  };

  /** Replaces a hold by the real cost: a live hold is released, a lapsed one's charge corrected; an unknown id (settled already) changes nothing. */
  const settleHold = (budget: Budget, id: string, actual: number): void => {
    if (budget.holds.delete(id)) {
      budget.spent += actual;
      return;
    }
    const lapsed = budget.lapsed?.get(id);
    if (!lapsed) return;
    budget.lapsed!.delete(id);
    budget.spent = Math.max(0, budget.spent + actual - lapsed.amount);
  };

  return {
    kind: 'memory',
    async increment(key, by, ttlMs) {
      const entry = live(key);
      if (!entry) {
        values.set(key, { value: String(by), expiresAt: now() + ttlMs });
        return by;
      }
      const next = Number(entry.value) + by;
      entry.value = String(next);
      return next;
    },
    async get(key) {
      return live(key)?.value ?? null;
    },
    async getMany(keys) {
      return keys.map((key) => live(key)?.value ?? null);
    },
    async set(key, value, ttlMs, setOptions) {
      if (setOptions?.onlyIfAbsent && live(key)) return false;
      values.set(key, { value, expiresAt: now() + ttlMs });
      return true;
    },
    async delete(keys) {
      for (const key of keys) values.delete(key);
    },
    async hitWindow(key, limit, windowMs): Promise<WindowOutcome> {
      const at = now();
      let window = windows.get(key);
      if (!window) {
        window = { hits: [], expiresAt: 0 };
        windows.set(key, window);
      }
      const hits = window.hits;
      let expired = 0;
      while (expired < hits.length && hits[expired] <= at - windowMs) expired++;
      if (expired) hits.splice(0, expired);
      if (hits.length >= limit)
        return { allowed: false, count: hits.length, retryAfterMs: Math.max(1, hits[0] + windowMs - at) };
      hits.push(at);
      window.expiresAt = at + windowMs;
      return { allowed: true, count: hits.length, retryAfterMs: 0 };
    },
    async reserve(lines, id, amount, holdMs): Promise<ReserveOutcome> {
      const at = now();
      const found = lines.map((line) => budgetOf(line, at));
      const states = found.map((budget) => stateOf(budget, at));
      const refusedAt = states.findIndex((state, index) => state.spent + state.reserved >= lines[index].limit);
      if (refusedAt !== -1) return { ok: false, lines: states, refusedAt };
      for (const budget of found) budget.holds.set(id, { amount, expiresAt: at + holdMs });
      return { ok: true, lines: states.map((state) => ({ spent: state.spent, reserved: state.reserved + amount })) };
    },
    async settle(lines, id, actual) {
      const at = now();
      return lines.map((line) => {
        const budget = budgetOf(line, at);
        settleHold(budget, id, actual);
        return stateOf(budget, at);
      });
    },
    async getCached(keys) {
      return keys.map((key) => cache.get(key) ?? null);
    },
    async setCached(key, value, ttlMs) {
      cache.set(key, value, { ttl: ttlMs });
    },
    async getDocuments(keys) {
      return keys.map((key) => documents.get(key));
    },
    async setDocument(key, value, ttlMs) {
      documents.set(key, value, ttlMs);
    },
    async deleteDocument(key) {
      return documents.delete(key);
    },
    async close() {
      clearInterval(sweep);
      documents.clear();
      values.clear();
      windows.clear();
      budgets.clear();
      cache.clear();
    },
  };
}

/**
 * Documents in insertion order (a rewrite moves one to the end), with their total size kept under
 * `maxBytes` by dropping the oldest. The clock is the store's, so tests can move it.
 */
function boundedDocuments(maxBytes: number, now: () => number) {
  const entries = new Map<string, Entry & { bytes: number }>();
  let total = 0;
  const drop = (key: string): boolean => {
    const entry = entries.get(key);
    if (!entry) return false;
    entries.delete(key);
    total -= entry.bytes;
    return true;
  };
  return {
    get(key: string): string | null {
      const entry = entries.get(key);
      if (!entry) return null;
      if (entry.expiresAt > now()) return entry.value;
      drop(key);
      return null;
    },
    set(key: string, value: string, ttlMs: number): void {
      drop(key);
      const bytes = (key.length + value.length) * 2;
      if (bytes > maxBytes) return; // larger than the whole space: kept nowhere, read back as missing
      entries.set(key, { value, expiresAt: now() + ttlMs, bytes });
      total += bytes;
      for (const oldest of entries.keys()) {
        if (total <= maxBytes) break;
        drop(oldest);
      }
    },
    delete(key: string): boolean {
      const entry = entries.get(key);
      return drop(key) && entry!.expiresAt > now();
    },
    sweep(at: number): void {
      for (const [key, entry] of entries) if (entry.expiresAt <= at) drop(key);
    },
    clear(): void {
      entries.clear();
      total = 0;
    },
  };
}

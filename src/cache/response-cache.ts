/**
 * The response cache: settings per request (`cache_enabled`, `cache_ttl`, `cache_options`, over the
 * `cache` option), one lookup for every provider/model of the chain (the first hit in chain order
 * wins), and storing only final successful answers. Store failures make it a `skip`, never an error.
 */
import type { GatewayParams } from '../params/gateway-params.js';
import type { ChainTarget } from '../routing/build-chain.js';
import type { LogRecord } from '../logging/log-record.js';
import type { StoreCalls } from '../store/store-calls.js';
import { cacheKey, cacheScope } from './cache-key.js';

export interface CacheDefaults {
  enabled?: boolean;
  ttlSeconds?: number;
  byCustomer?: boolean;
  omitLog?: boolean;
}

export interface CacheSettings {
  ttlMs: number;
  byCustomer: boolean;
  omitLog: boolean;
}

export interface CachedEntry {
  provider: string;
  model: string;
  deployment: string | null;
  /** The `chat.completion` or embeddings response. */
  body: Record<string, unknown>;
  /** Epoch ms. */
  storedAt: number;
}

const DEFAULT_TTL_SECONDS = 3_600;

/** Whether the request is cached, and how; undefined when caching is off for it. */
export function cacheSettings(defaults: CacheDefaults | undefined, params: GatewayParams): CacheSettings | undefined {
  if (!(params.cache_enabled ?? defaults?.enabled ?? false)) return undefined;
  return {
    ttlMs: (params.cache_ttl ?? defaults?.ttlSeconds ?? DEFAULT_TTL_SECONDS) * 1000,
    byCustomer: params.cache_options?.cache_by_customer ?? defaults?.byCustomer ?? false,
    omitLog: params.cache_options?.omit_log ?? defaults?.omitLog ?? false,
  };
}

/** Whether to send `x-modelgate-cache` at all: the gateway or the request cares about caching. */
export function cacheMentioned(defaults: CacheDefaults | undefined, params: GatewayParams): boolean {
  return defaults !== undefined || params.cache_enabled !== undefined || params.cache_ttl !== undefined || params.cache_options !== undefined;
}

export class ResponseCache {
  constructor(private readonly calls: StoreCalls) {}

  /** One key per provider/model of the chain, in chain order. */
  keys(chain: readonly ChainTarget[], operation: string, body: Record<string, unknown>, record: LogRecord, customer: string | undefined, settings: CacheSettings): Map<string, string> {
    const scope = cacheScope(record.gateway_key, record.principal, settings.byCustomer ? customer ?? '' : undefined);
    const keys = new Map<string, string>();
    for (const target of chain) {
      const served = `${target.provider.id}/${target.model}`;
      if (!keys.has(served)) keys.set(served, cacheKey(scope, operation, target.provider.id, target.model, { ...target.params, ...body }));
    }
    return keys;
  }

  /** The first cached answer in chain order; undefined on a miss or a store failure (noted in the record). */
  async lookup(keys: ReadonlyMap<string, string>, record: LogRecord): Promise<{ entry?: CachedEntry; failed: boolean }> {
    const values = await this.calls.attempt('cache', record, (store) => store.getCached([...keys.values()]));
    if (!values) return { failed: true };
    for (const value of values) {
      if (value === null) continue;
      try {
        const entry = JSON.parse(value) as CachedEntry;
        if (entry && typeof entry.body === 'object') return { entry, failed: false };
      } catch {
        // a damaged entry is a miss
      }
    }
    return { failed: false };
  }

  async save(key: string, entry: CachedEntry, ttlMs: number, record: LogRecord): Promise<boolean> {
    const done = await this.calls.attempt('cache', record, async (store) => {
      await store.setCached(key, JSON.stringify(entry), ttlMs);
      return true;
    });
    return done === true;
  }
}

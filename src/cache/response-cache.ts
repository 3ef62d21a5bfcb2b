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
  shared?: boolean;
}

export interface CacheSettings {
  ttlMs: number;
  byCustomer: boolean;
  omitLog: boolean;
  /** The operator's choice alone: a request cannot share its answers with other callers. */
  shared: boolean;
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
    shared: defaults?.shared ?? false,
  };
}

/** Whether to send `x-modelgate-cache` at all: the gateway or the request cares about caching. */
export function cacheMentioned(defaults: CacheDefaults | undefined, params: GatewayParams): boolean {
  return (
    defaults !== undefined ||
    params.cache_enabled !== undefined ||
    params.cache_ttl !== undefined ||
    params.cache_options !== undefined
  );
}

export class ResponseCache {
  constructor(private readonly calls: StoreCalls) {}

  /** One key per provider/model of the chain, in chain order. */
  keys(
    chain: readonly ChainTarget[],
    operation: string,
    body: Record<string, unknown>,
    record: LogRecord,
    params: GatewayParams,
    settings: CacheSettings,
  ): Map<string, string> {
    const scope = cacheScope({
      gatewayKey: record.gateway_key,
      principal: record.principal,
      customer: params.customer_params?.customer_identifier ?? params.customer_identifier,
      credentials: callerCredentials(params),
      shared: settings.shared,
      byCustomer: settings.byCustomer,
    });
    const keys = new Map<string, string>();
    for (const target of chain) {
      const served = `${target.provider.id}/${target.model}`;
      if (!keys.has(served))
        keys.set(served, cacheKey(scope, operation, target.provider.id, target.model, { ...target.params, ...body }));
    }
    return keys;
  }

  /** The first cached answer in chain order; undefined on a miss or a store failure (noted in the record). */
  async lookup(
    keys: ReadonlyMap<string, string>,
    record: LogRecord,
  ): Promise<{ entry?: CachedEntry; failed: boolean }> {
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

/** Every provider key the request brings (`customer_credentials`, `credential_override`, a group's `credentials`), or undefined. */
function callerCredentials(params: GatewayParams): unknown {
  const groups = [params.load_balance_group?.models, params.load_balance_models, params.loadbalance_models];
  const inGroups = groups.flatMap(
    (models) => models?.flatMap((entry) => (entry.credentials ? [entry.credentials] : [])) ?? [],
  );
  if (!params.customer_credentials && !params.credential_override && !inGroups.length) return undefined;
  return [params.customer_credentials ?? null, params.credential_override ?? null, inGroups];
}

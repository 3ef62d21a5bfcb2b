/**
 * Everything traffic management needs, built once in `createGateway`: routing (deployments and load
 * balance groups), the model catalogue, the store with its failure policy, health, the response
 * cache and the customers.
 */
import { ModelCatalog } from '../catalog/model-catalog.js';
import { ResponseCache, type CacheDefaults } from '../cache/response-cache.js';
import { CustomerLimits } from '../customers/customer-limits.js';
import type { CostCalculator } from '../cost/cost-calculator.js';
import { DEFAULT_HEALTH_POLICY, HealthMonitor } from '../health/health-monitor.js';
import type { ParsedOptions } from '../options.js';
import type { Provider } from '../providers/types.js';
import type { RoutingConfig } from '../routing/build-chain.js';
import { DeploymentTable } from '../routing/deployments.js';
import type { ModelResolver } from '../routing/resolve-model.js';
import { guardStore } from '../store/guard-store.js';
import { memoryStore } from '../store/memory-store.js';
import { StoreCalls } from '../store/store-calls.js';
import type { Store } from '../store/store.js';
import type { CustomerOptions } from './traffic-options.js';

export interface TrafficContext {
  routing: RoutingConfig;
  catalog: ModelCatalog;
  /** Prices for budgets: `options.pricing`, then the price catalogue (the same as the log's cost). */
  costs: CostCalculator;
  calls: StoreCalls;
  /** Undefined when `health: false`. */
  health?: HealthMonitor;
  cache: ResponseCache;
  cacheDefaults?: CacheDefaults;
  customers: Readonly<Record<string, CustomerOptions>>;
  limits: CustomerLimits;
  /** The store as configured (closed by `gateway.close()`). */
  store: Store;
  deployments: DeploymentTable;
}

export const DEFAULT_STORE_TIMEOUT_MS = 250;

export function createTrafficContext(
  options: ParsedOptions,
  providers: ReadonlyMap<string, Provider>,
  resolver: ModelResolver,
  costs: CostCalculator,
): TrafficContext {
  const store = options.store ?? memoryStore({ cacheMaxBytes: options.cache?.maxBytes });
  // The default memory store cannot hang: no timer per store call for it.
  const timeoutMs = options.store ? (options.storeTimeoutMs ?? DEFAULT_STORE_TIMEOUT_MS) : undefined;
  const calls = new StoreCalls(guardStore(store, timeoutMs), options.onStoreError ?? 'open');
  const deployments = new DeploymentTable(options.providers, providers);
  const { maxBytes: _maxBytes, ...cacheDefaults } = options.cache ?? {};
  return {
    routing: {
      resolver,
      deployments,
      groups: options.loadBalanceGroups ?? {},
      globalFallbacks: options.fallbacks ?? [],
      allowCustomerCredentials: options.allowCustomerCredentials ?? false,
    },
    catalog: new ModelCatalog(
      [...providers.values()].map((provider) => provider.kind),
      options.modelInfo,
    ),
    costs,
    calls,
    health:
      options.health === false
        ? undefined
        : new HealthMonitor(calls.store, { ...DEFAULT_HEALTH_POLICY, ...options.health }),
    cache: new ResponseCache(calls),
    cacheDefaults: options.cache ? cacheDefaults : undefined,
    customers: options.customers ?? {},
    limits: new CustomerLimits(calls, options.budgetExceededStatus ?? 429),
    store,
    deployments,
  };
}

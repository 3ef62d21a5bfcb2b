import type { CostCalculator } from '../cost/cost-calculator.js';
import type { ErrorReporter } from '../logging/emit-log.js';
import type { ModelResolver } from '../routing/resolve-model.js';
import type { TrafficContext } from '../traffic/traffic-context.js';
import type { Transport } from '../transport/types.js';
import type { RetryPolicy } from './backoff.js';
import type { UpstreamErrorPolicy } from './upstream-error.js';
import type { RequestScope } from './request-scope.js';

/** What the engine needs from the gateway, built once in `createGateway`. */
export interface EngineContext {
  resolver: ModelResolver;
  transport: Transport;
  retry: RetryPolicy;
  errorPolicy: UpstreamErrorPolicy;
  timeouts: { requestMs: number; firstByteMs: number; idleMs: number };
  globalFallbacks: readonly string[];
  strictParams: boolean;
  costs: CostCalculator;
  /** Load balancing, health, capabilities, cache, customers and their store. */
  traffic: TrafficContext;
  /** Largest non-streaming upstream body, single stream event, and text held before a stream's first content, buffered. */
  responseLimitBytes: number;
  /** The requests under way, so that `gateway.close()` can end those that outlast its wait. */
  liveScopes: Set<RequestScope>;
  /** `onError`: hears a bug met where no caller can (in a stream after its response was handed over). */
  report: ErrorReporter;
}

/** Largest upstream error body read (the rest is dropped). */
export const ERROR_BODY_LIMIT = 64 * 1024;
/** Default of `responseLimitBytes`: largest non-streaming upstream response, or stream event, accepted. */
export const RESPONSE_BODY_LIMIT = 64 * 1024 * 1024;

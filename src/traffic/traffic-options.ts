/**
 * The `createGateway` options of traffic management and shared state: the store and its failure
 * policy, load balance groups, model information, health, cache and customers. Spread into the
 * options schema in options.ts.
 */
import { z } from 'zod';
import { isStore, type Store } from '../store/store.js';

const weight = z.number().positive().max(1_000_000);
const usd = z.number().min(0).max(1e9);

const modelInfoSchema = z.strictObject({
  /** Context window in tokens (prompt plus completion). */
  contextWindow: z.number().int().positive().optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  tools: z.boolean().optional(),
  images: z.boolean().optional(),
  /** Structured outputs (`response_format: { type: 'json_schema' }`). */
  jsonSchema: z.boolean().optional(),
});

const customerSchema = z.strictObject({
  name: z.string().optional(),
  email: z.string().optional(),
  /** USD per `budgetDuration`. */
  periodBudget: usd.optional(),
  budgetDuration: z.enum(['daily', 'weekly', 'monthly', 'yearly']).optional(),
  /** USD over the customer's lifetime. */
  totalBudget: usd.optional(),
  /** Requests per minute. */
  rateLimit: z.number().int().positive().optional(),
  /** Added to the provider cost when it counts against the budgets. */
  markupPercentage: z.number().min(0).max(10_000).optional(),
});

export const trafficOptionShapes = {
  /** Where rate limits, budgets, health and the cache live: `memoryStore()` (default) or `redisStore({ url })`. */
  store: z.custom<Store>(isStore, { message: 'must be a Store (memoryStore() or redisStore({ url }))' }).optional(),
  /**
   * When the store fails or times out: `open` (default) lets requests pass without the limit it
   * could not check; `closed` answers 503 to requests that need a rate limit or a budget. The cache
   * and health are skipped either way. The log record notes every store failure.
   */
  onStoreError: z.enum(['open', 'closed']).optional(),
  /** Longest wait for one store call (default 250 ms). */
  storeTimeoutMs: z.number().int().positive().max(60_000).optional(),
  /** Named load balance groups for `load_balance_group: { group_id }` or `model: '<group id>'`. */
  loadBalanceGroups: z
    .record(
      z.string().min(1),
      z.strictObject({
        models: z.array(z.strictObject({ model: z.string().min(1), weight: weight.optional() })).min(1),
      }),
    )
    .optional(),
  /** Accept `customer_credentials` and `credential_override` (callers then bring their own provider keys). */
  allowCustomerCredentials: z.boolean().optional(),
  /** Capabilities by model (`provider/model`, alias or bare name), over the built-in catalogue. Prices go in `pricing`. */
  modelInfo: z.record(z.string().min(1), modelInfoSchema).optional(),
  /** Cooldown of failing deployments; `false` turns it off. */
  health: z
    .union([
      z.literal(false),
      z.strictObject({
        /** Failures within `failureWindowMs` that put a deployment into cooldown (default 3). */
        failureThreshold: z.number().int().positive().optional(),
        failureWindowMs: z.number().int().positive().optional(),
        /** First cooldown (default 10 s); doubles after each failed probe up to `maxCooldownMs` (default 5 min). */
        cooldownMs: z.number().int().positive().optional(),
        maxCooldownMs: z.number().int().positive().optional(),
      }),
    ])
    .optional(),
  cache: z
    .strictObject({
      /** Cache every request unless it says `cache_enabled: false` (default false). */
      enabled: z.boolean().optional(),
      ttlSeconds: z.number().positive().optional(),
      /** Separate cache entries per customer (default false: per tenant). */
      byCustomer: z.boolean().optional(),
      /**
       * One cache for every caller (default false). Otherwise answers stay within a gateway key, a
       * host principal or, without either, a `customer_identifier`; a caller's own provider keys
       * always stay part of the scope.
       */
      shared: z.boolean().optional(),
      /** Leave no log record for cache hits. */
      omitLog: z.boolean().optional(),
      /** Byte bound of the in-memory cache of the default store (default 64 MiB). */
      maxBytes: z.number().int().positive().optional(),
    })
    .optional(),
  /** Customers by `customer_identifier`; these settings win over a request's `customer_params`. */
  customers: z.record(z.string().min(1), customerSchema).optional(),
  /** Status of an over-budget answer: 429 `insufficient_quota` (OpenAI's, default) or 402. */
  budgetExceededStatus: z.union([z.literal(429), z.literal(402)]).optional(),
};

export type ModelInfo = z.output<typeof modelInfoSchema>;
export type CustomerOptions = z.output<typeof customerSchema>;

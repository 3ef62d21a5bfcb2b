/**
 * Traffic management around one request, in order: the customer's rate limit, the chain (groups,
 * deployments, exclusions), the capability filter, the cache lookup, health, and the budget
 * reservation. What comes out is the chain to run and `finish()`, which settles the budget and
 * stores the answer. A request that uses none of these features makes no store call.
 */
import { cacheMentioned, cacheSettings, type CachedEntry, type CacheSettings } from '../cache/response-cache.js';
import type { ModelFacts } from '../catalog/model-catalog.js';
import { hasBudget, customerSettings, type CustomerSettings } from '../customers/customer-settings.js';
import { actualCost, estimateCost } from '../customers/request-cost.js';
import type { Reservation } from '../customers/customer-limits.js';
import type { ModelEndpoint } from '../endpoints/index.js';
import { GatewayError } from '../errors.js';
import type { AttemptRecord, LogRecord } from '../logging/log-record.js';
import type { GatewayParams } from '../params/gateway-params.js';
import { buildChain, type ChainTarget, type SkippedTarget } from '../routing/build-chain.js';
import { preferTarget } from '../routing/prefer-target.js';
import { cannotServe, type RequestNeeds } from '../routing/request-needs.js';
import type { NormalizedUsage } from '../usage.js';
import type { TrafficContext } from './traffic-context.js';

export interface PlanInput {
  endpoint: ModelEndpoint;
  body: Record<string, unknown>;
  params: GatewayParams;
  record: LogRecord;
  /** Holds the record back until this work (beside the request) has settled: see `RequestLog.track`. */
  track(work: Promise<unknown>): void;
  deadlineMs: number;
  /** A provider/model to try first when the chain holds it (where a conversation was served before). */
  prefer?: { provider: string; model: string };
}

/** Told about each attempt by the attempt loop (health bookkeeping). */
export interface ChainObserver {
  isProbe(target: ChainTarget): boolean;
  onFailure(target: ChainTarget, error: GatewayError): void;
  onSuccess(target: ChainTarget): void;
}

export interface FinishOutcome {
  ok: boolean;
  target?: ChainTarget;
  usage?: NormalizedUsage;
  /**
   * A stream that had begun to answer (its first content arrived): the provider bills what it
   * generated even when the stream did not finish, and its usage is then missing or partial.
   */
  committed?: boolean;
  /** The final answer, to cache (in the route's JSON format: a `chat.completion`, an embeddings list). */
  body?: Record<string, unknown>;
}

export interface TrafficPlan {
  chain: ChainTarget[];
  /** Headers for every answer of this request (rate-limit state). */
  headers: Record<string, string>;
  /** The `x-modelgate-cache` value, when caching is in play. */
  cacheStatus?: 'hit' | 'miss' | 'skip';
  cacheSettings?: CacheSettings;
  /** A cached answer to serve instead of calling upstream. */
  cached?: CachedEntry;
  observer: ChainObserver;
  /** Settles the budget and stores a successful answer; never throws. The first call counts, later ones do nothing. */
  finish(outcome: FinishOutcome): Promise<void>;
}

export async function planRequest(traffic: TrafficContext, input: PlanInput): Promise<TrafficPlan> {
  const { endpoint, body, params, record } = input;
  const customer = customerSettings(traffic.customers, params);
  const headers = customer ? await checkCustomerRate(traffic, customer, record) : {};

  const built = buildChain(
    traffic.routing,
    typeof body.model === 'string' && body.model !== '' ? body.model : undefined,
    params,
  );
  if (input.prefer) built.chain = preferTarget(built.chain, input.prefer);
  record.load_balance_group = built.group;
  record.attempts.push(...built.skipped.map(skippedAttempt));

  if (!traffic.catalog.isLoaded) await traffic.catalog.ready;
  const facts = new Map<ChainTarget, ModelFacts | undefined>();
  let known = false;
  for (const target of built.chain) {
    const found = traffic.catalog.lookup(target.provider, target.model, target.alias ?? target.requested);
    facts.set(target, found);
    known ||= found !== undefined;
  }
  const wantsBudget = customer !== undefined && hasBudget(customer);
  // Reading the request's needs walks its messages: only when something will use them.
  const needs = known || wantsBudget ? endpoint.needs(body) : undefined;
  let chain =
    endpoint.checksCapabilities && known
      ? filterCapabilities(built.chain, built.skipped, facts, needs!, record)
      : built.chain;

  const settings = endpoint.cacheable ? cacheSettings(traffic.cacheDefaults, params) : undefined;
  let cacheStatus: TrafficPlan['cacheStatus'] = cacheMentioned(traffic.cacheDefaults, params) ? 'skip' : undefined;
  let cacheKeys: Map<string, string> | undefined;
  if (settings) {
    cacheKeys = traffic.cache.keys(chain, endpoint.operation, body, record, params, settings);
    const found = await traffic.cache.lookup(cacheKeys, record);
    cacheStatus = found.failed ? 'skip' : found.entry ? 'hit' : 'miss';
    record.cache = { status: cacheStatus, ttl_s: settings.ttlMs / 1000, stored: false };
    if (found.entry) {
      return {
        chain,
        headers,
        cacheStatus,
        cacheSettings: settings,
        cached: found.entry,
        observer: NO_OBSERVER,
        finish: async () => {},
      };
    }
    if (found.failed) cacheKeys = undefined;
  } else if (cacheStatus) {
    record.cache = { status: 'skip', ttl_s: null, stored: false };
  }

  const probes = new Set<ChainTarget>();
  if (traffic.health) chain = await filterHealth(traffic, chain, probes, record);

  let reservation: Reservation | undefined;
  let estimates: Map<ChainTarget, number | undefined> | undefined;
  if (customer && wantsBudget) {
    estimates = new Map(
      chain.map((target) => [
        target,
        estimateCost(traffic.costs, target.provider, target.model, facts.get(target), needs!),
      ]),
    );
    // Reserve for the dearest model the chain may fall back to.
    const estimate = Math.max(0, ...[...estimates.values()].map((value) => value ?? 0));
    reservation = await traffic.limits.reserve(customer, estimate, input.deadlineMs, record);
  }

  const health = traffic.health;
  const observer: ChainObserver = !health
    ? NO_OBSERVER
    : {
        isProbe: (target) => probes.has(target),
        onFailure: (target, error) => {
          if (target.callerKey || !health.counts(error)) return;
          background(
            traffic.calls.attempt('health', record, () => health.recordFailure(target, error, probes.has(target))),
            input,
          );
        },
        onSuccess: (target) => {
          if (probes.has(target))
            background(
              traffic.calls.attempt('health', record, () => health.recordProbeSuccess(target)),
              input,
            );
        },
      };

  let finished = false;
  return {
    chain,
    headers,
    cacheStatus,
    cacheSettings: settings,
    observer,
    async finish(outcome) {
      // Once: an exit path that settles again (a failure after the settlement) must not charge twice.
      if (finished) return;
      finished = true;
      try {
        await settle(outcome);
      } catch (error) {
        // A bug here must not cost the request its log record.
        (record.store_errors ??= []).push(`finish (skipped): ${(error as Error)?.message ?? String(error)}`);
      }
    },
  };

  /** What a request counts against the budgets: its real cost, or the estimate where that is unknown. */
  function charge(target: ChainTarget, outcome: FinishOutcome): number {
    const actual = outcome.usage ? actualCost(traffic.costs, target.provider, target.model, outcome.usage) : undefined;
    const estimate = estimates?.get(target);
    // A stream cut after it began (the client left, the upstream broke) reports no or partial usage:
    // charge the reserved estimate, or a client could stop every stream before its end for free.
    if (!outcome.ok && outcome.committed) return Math.max(actual ?? 0, estimate ?? 0);
    if (outcome.usage) return actual ?? estimate ?? 0;
    return outcome.ok ? (estimate ?? 0) : 0; // no usage reported: a success is charged the estimate
  }

  async function settle(outcome: FinishOutcome): Promise<void> {
    const target = outcome.target;
    if (reservation) await traffic.limits.settle(reservation, target ? charge(target, outcome) : 0, record);
    if (outcome.ok && target && outcome.body && settings && cacheKeys) {
      const key = cacheKeys.get(`${target.provider.id}/${target.model}`);
      const entry: CachedEntry = {
        provider: target.provider.id,
        model: target.model,
        deployment: target.deployment,
        body: outcome.body,
        storedAt: Date.now(),
      };
      if (key && (await traffic.cache.save(key, entry, settings.ttlMs, record)) && record.cache)
        record.cache.stored = true;
    }
  }
}

/**
 * Health bookkeeping runs beside the request (it never delays the answer); its failures go into the
 * record, which waits for it, and never become an unhandled rejection.
 */
function background(work: Promise<unknown>, { record, track }: PlanInput): void {
  track(
    work.catch((error: unknown) =>
      (record.store_errors ??= []).push(`health (skipped): ${(error as Error)?.message ?? String(error)}`),
    ),
  );
}

const NO_OBSERVER: ChainObserver = { isProbe: () => false, onFailure: () => {}, onSuccess: () => {} };

/**
 * The customer's rate limit alone, for requests that go through no chain of their own (the
 * pass-through): the rate-limit headers, or the 429 `customer_rate_limit_exceeded`.
 */
export async function checkRateLimit(
  traffic: TrafficContext,
  params: GatewayParams,
  record: LogRecord,
): Promise<Record<string, string>> {
  const customer = customerSettings(traffic.customers, params);
  return customer ? checkCustomerRate(traffic, customer, record) : {};
}

async function checkCustomerRate(
  traffic: TrafficContext,
  customer: CustomerSettings,
  record: LogRecord,
): Promise<Record<string, string>> {
  traffic.limits.describe(customer, record);
  return traffic.limits.checkRate(customer, record);
}

function filterCapabilities(
  chain: ChainTarget[],
  skipped: SkippedTarget[],
  facts: ReadonlyMap<ChainTarget, ModelFacts | undefined>,
  needs: RequestNeeds,
  record: LogRecord,
): ChainTarget[] {
  const kept: ChainTarget[] = [];
  const reported = new Set<number>();
  const reasons: string[] = skipped.map((skip) => skip.message);
  for (const target of chain) {
    const why = cannotServe(facts.get(target), needs);
    if (!why) {
      kept.push(target);
      continue;
    }
    if (reported.has(target.modelIndex)) continue; // one entry per model, not per deployment
    reported.add(target.modelIndex);
    const message = `${target.provider.id}/${target.model} ${why}`;
    reasons.push(message);
    record.attempts.push(
      skippedAttempt({
        provider: target.provider.id,
        model: target.model,
        deployment: null,
        reason: 'capability',
        message,
      }),
    );
  }
  if (!kept.length) {
    throw new GatewayError({
      status: 400,
      code: 'model_cannot_serve_request',
      param: 'model',
      message: `No model can serve this request: ${reasons.join('; ')}.`,
    });
  }
  return kept;
}

/** Leaves out deployments in cooldown while others remain; the half-open ones go as probes. */
async function filterHealth(
  traffic: TrafficContext,
  chain: ChainTarget[],
  probes: Set<ChainTarget>,
  record: LogRecord,
): Promise<ChainTarget[]> {
  const tracked = chain.filter((target) => !target.callerKey);
  // With one target there is no alternative to prefer: no store call.
  if (chain.length < 2 || tracked.length === 0) return chain;
  const views = await traffic.calls.attempt('health', record, () => traffic.health!.check(tracked));
  if (!views) return chain;
  const cooling = new Map<ChainTarget, string>();
  tracked.forEach((target, index) => {
    const view = views[index];
    if (view.state === 'cooling') cooling.set(target, view.message);
    else if (view.state === 'probe') probes.add(target);
  });
  if (!cooling.size) return chain;
  const kept = chain.filter((target) => !cooling.has(target));
  if (!kept.length) return chain; // everything is cooling down: try anyway rather than fail unasked
  for (const [target, message] of cooling) {
    record.attempts.push(
      skippedAttempt({
        provider: target.provider.id,
        model: target.model,
        deployment: target.deployment,
        reason: 'cooldown',
        message,
      }),
    );
  }
  return kept;
}

function skippedAttempt(skip: SkippedTarget): AttemptRecord {
  return {
    provider: skip.provider,
    model: skip.model,
    retry: 0,
    status_code: null,
    error: skip.message,
    error_code: `skipped_${skip.reason}`,
    duration_ms: 0,
    deployment: skip.deployment,
    skipped: skip.reason,
  };
}

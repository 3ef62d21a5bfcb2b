/**
 * Deployment health, shared through the store so that every gateway process sees a dead
 * deployment: after `failureThreshold` failures within `failureWindowMs`, or at once after a 429
 * that says how long to wait, a deployment (for one model) cools down. When the cooldown ends one
 * request, and one only, probes it (half-open); success clears the state, failure doubles the
 * cooldown up to `maxCooldownMs`. Successes cost no store call unless they end a probe.
 */
import type { GatewayError } from '../errors.js';
import type { ChainTarget } from '../routing/build-chain.js';
import type { Store } from '../store/store.js';

export interface HealthPolicy {
  failureThreshold: number;
  failureWindowMs: number;
  cooldownMs: number;
  maxCooldownMs: number;
}

export const DEFAULT_HEALTH_POLICY: HealthPolicy = {
  failureThreshold: 3,
  failureWindowMs: 60_000,
  cooldownMs: 10_000,
  maxCooldownMs: 300_000,
};

/** Stored under the cooldown key while a deployment is unhealthy. */
interface Cooldown {
  /** Epoch ms when the cooldown ends and a probe may go. */
  until: number;
  /** Cooldowns in a row (the next one lasts cooldownMs × 2^level). */
  level: number;
  reason: string;
}

export type HealthView = { state: 'healthy' } | { state: 'cooling'; message: string } | { state: 'probe' };

const FAILURE_STATUSES = new Set([401, 403]);
const HEALTHY: HealthView = { state: 'healthy' };

export class HealthMonitor {
  constructor(
    private readonly store: Store,
    private readonly policy: HealthPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The health of each target, in one store round trip (plus one per half-open target, to take
   * the probe). Throws StoreUnavailableError; the caller then treats every target as healthy.
   */
  async check(chain: readonly ChainTarget[]): Promise<HealthView[]> {
    const values = await this.store.getMany(chain.map((target) => cooldownKey(target)));
    // Nearly always nobody is cooling down: no async work per target then.
    if (values.every((value) => value === null)) return values.map(() => HEALTHY);
    const at = this.now();
    return Promise.all(
      values.map(async (value, index): Promise<HealthView> => {
        const cooldown = parse(value);
        if (!cooldown) return { state: 'healthy' };
        const target = chain[index];
        if (at < cooldown.until) {
          return {
            state: 'cooling',
            message: `${target.deployment} (${target.model}) is cooling down for ${Math.ceil((cooldown.until - at) / 1000)} s after ${cooldown.reason}`,
          };
        }
        const probeMs = Math.max(this.policy.cooldownMs, 10_000);
        const mine = await this.store.set(probeKey(target), String(at), probeMs, { onlyIfAbsent: true });
        return mine
          ? { state: 'probe' }
          : { state: 'cooling', message: `${target.deployment} (${target.model}) is being probed by another request` };
      }),
    );
  }

  /** Whether a failure counts against a deployment's health (not the caller's own 4xx). */
  counts(error: GatewayError): boolean {
    if (error.code === 'client_closed_request' || error.code === 'request_timeout') return false;
    return error.retryable || (error.upstreamStatus !== undefined && FAILURE_STATUSES.has(error.upstreamStatus));
  }

  /** Records a failed attempt; `probe` when it was the half-open probe. */
  async recordFailure(target: ChainTarget, error: GatewayError, probe: boolean): Promise<void> {
    const at = this.now();
    if (probe) {
      const previous = parse(await this.store.get(cooldownKey(target)));
      await this.coolDown(target, (previous?.level ?? 0) + 1, 'a failed probe', at);
      await this.store.delete([probeKey(target)]);
      return;
    }
    if (error.status === 429 && error.retryAfterMs !== undefined) {
      await this.coolDown(
        target,
        0,
        `a 429 asking to wait ${Math.ceil(error.retryAfterMs / 1000)} s`,
        at,
        error.retryAfterMs,
      );
      return;
    }
    const failures = await this.store.increment(failuresKey(target), 1, this.policy.failureWindowMs);
    if (failures === this.policy.failureThreshold) await this.coolDown(target, 0, `${failures} failures`, at);
  }

  /** A successful probe makes the deployment healthy again. */
  async recordProbeSuccess(target: ChainTarget): Promise<void> {
    await this.store.delete([cooldownKey(target), failuresKey(target), probeKey(target)]);
  }

  private async coolDown(
    target: ChainTarget,
    level: number,
    reason: string,
    at: number,
    forMs?: number,
  ): Promise<void> {
    const duration = Math.min(this.policy.maxCooldownMs, forMs ?? this.policy.cooldownMs * 2 ** level);
    const cooldown: Cooldown = { until: at + duration, level, reason };
    // Kept a while past its end, so the next request knows to probe; forgotten if nobody comes.
    await this.store.set(cooldownKey(target), JSON.stringify(cooldown), duration * 2 + 60_000);
    await this.store.delete([failuresKey(target)]);
  }
}

const id = (target: ChainTarget) => `${target.deployment}|${target.model}`;
const cooldownKey = (target: ChainTarget) => `health:cooldown:${id(target)}`;
const failuresKey = (target: ChainTarget) => `health:failures:${id(target)}`;
const probeKey = (target: ChainTarget) => `health:probe:${id(target)}`;

function parse(value: string | null): Cooldown | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(value) as Cooldown;
    return typeof parsed.until === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The attempt loop: try each target of the chain, retrying retryable failures with backoff, moving
 * to the next target when one gives up, all inside the request's single deadline.
 */
import { GatewayError, toGatewayError } from '../errors.js';
import type { AttemptRecord } from '../logging/log-record.js';
import { round } from '../logging/request-log.js';
import type { ChainTarget } from '../routing/build-chain.js';
import type { ChainObserver } from '../traffic/plan-request.js';
import { retryDelayMs, type RetryPolicy } from './backoff.js';
import type { RequestScope } from './request-scope.js';

export interface ChainResult<T> {
  value: T;
  target: ChainTarget;
  /** Index of the target in the chain (0: the requested model served). */
  targetIndex: number;
}

export interface ChainTiming {
  /** Time spent waiting on upstream attempts. */
  upstreamMs: number;
  /** Time spent in backoff waits. */
  backoffMs: number;
}

export async function runChain<T>(
  chain: readonly ChainTarget[],
  scope: RequestScope,
  policy: RetryPolicy,
  attempts: AttemptRecord[],
  timing: ChainTiming,
  attempt: (target: ChainTarget) => Promise<T>,
  observer?: ChainObserver,
): Promise<ChainResult<T>> {
  let lastError: GatewayError | undefined;
  for (let targetIndex = 0; targetIndex < chain.length; targetIndex++) {
    const target = chain[targetIndex];
    const hasNext = targetIndex < chain.length - 1;
    // Another deployment of the same model is tried at once instead of retrying this one.
    const siblingNext = hasNext && chain[targetIndex + 1].modelIndex === target.modelIndex;
    const probe = observer?.isProbe(target) ?? false;
    for (let retry = 0; ; retry++) {
      if (scope.endReason) throw scope.endReason;
      scope.observation?.attemptStart(target, retry, targetIndex, probe);
      const started = performance.now();
      try {
        const value = await attempt(target);
        const duration = performance.now() - started;
        timing.upstreamMs += duration;
        attempts.push(attemptRecord(target, retry, duration, 200, undefined, probe));
        scope.observation?.attemptEnd(attempts[attempts.length - 1]);
        observer?.onSuccess(target);
        return { value, target, targetIndex };
      } catch (thrown) {
        const duration = performance.now() - started;
        timing.upstreamMs += duration;
        const error = scope.endReason ?? toGatewayError(thrown);
        attempts.push(attemptRecord(target, retry, duration, error.upstreamStatus ?? null, error, probe));
        scope.observation?.attemptEnd(attempts[attempts.length - 1]);
        if (scope.endReason) throw scope.endReason;
        if (!GatewayError.isInstance(thrown)) throw thrown; // a bug, not an upstream failure
        observer?.onFailure(target, error);
        lastError = error;
        if (!error.retryable && !error.fallback) throw error;
        // A rate limit with a fallback left moves on at once instead of waiting; so does a failed probe.
        if (
          !error.retryable ||
          (error.status === 429 && hasNext) ||
          siblingNext ||
          (probe && hasNext) ||
          retry >= policy.maxRetries
        )
          break;
        const delay = retryDelayMs(retry, policy, error.retryAfterMs);
        if (delay === undefined || delay >= scope.remainingMs()) break;
        const waitStart = performance.now();
        await scope.wait(delay);
        timing.backoffMs += performance.now() - waitStart;
      }
    }
  }
  throw lastError ?? new GatewayError({ status: 500, code: 'empty_chain', message: 'No model to try.' });
}

function attemptRecord(
  target: ChainTarget,
  retry: number,
  durationMs: number,
  status: number | null,
  error?: GatewayError,
  probe = false,
): AttemptRecord {
  const record: AttemptRecord = {
    provider: target.provider.id,
    model: target.model,
    retry,
    status_code: status,
    error: error?.message ?? null,
    error_code: error?.code ?? null,
    duration_ms: round(durationMs),
    deployment: target.deployment,
  };
  if (probe) record.probe = true;
  return record;
}

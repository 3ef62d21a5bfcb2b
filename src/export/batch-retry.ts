/**
 * When a log batch POST is tried again: 429, 5xx and network errors are, after the collector's
 * `retry-after` (seconds or an HTTP date) or else an exponential backoff with jitter; any other
 * status will not get better by sending the same batch again.
 */

export interface BatchRetryPolicy {
  /** First backoff (default 500 ms), doubled each time up to `maxDelayMs`. */
  initialDelayMs: number;
  /** Longest backoff (default 30 s); a longer `retry-after` is capped at `maxRetryAfterMs`. */
  maxDelayMs: number;
  /** Longest `retry-after` honoured (default 5 min). */
  maxRetryAfterMs: number;
}

export const DEFAULT_BATCH_RETRY: BatchRetryPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 300_000,
};

export function retryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/** The wait before try number `failures + 1` (`failures` ≥ 1), in ms. */
export function batchRetryDelayMs(
  failures: number,
  retryAfter: string | null | undefined,
  policy: BatchRetryPolicy,
  now = Date.now(),
  random = Math.random,
): number {
  const asked = retryAfterMs(retryAfter, now);
  if (asked !== undefined) return Math.min(asked, policy.maxRetryAfterMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, failures - 1));
  // Half fixed, half jitter: collectors coming back are not hit by every gateway at once.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function retryAfterMs(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

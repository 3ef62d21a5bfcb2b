/**
 * What a served request tells about itself: the log record's served fields and the `x-modelgate-*`
 * response headers (also of a cache hit).
 */
import type { ResponseHeaders } from '../contract.js';
import type { LogRecord } from '../logging/log-record.js';
import { round, type RequestLog } from '../logging/request-log.js';
import type { TrafficPlan } from '../traffic/plan-request.js';
import { toWellFormed } from '../util/well-formed.js';
import type { ChainResult, ChainTiming } from './run-chain.js';

export function noteServed(
  record: LogRecord,
  result: ChainResult<unknown>,
  log: RequestLog,
  timing: ChainTiming,
  droppedParams?: string[],
): void {
  record.dropped_params = droppedParams?.length ? droppedParams : null;
  record.provider = result.target.provider.id;
  record.model = result.target.model;
  record.deployment = result.target.deployment;
  // Another deployment of the same model is load balancing, not a fallback.
  record.fallback_used = result.target.modelIndex > 0;
  record.gateway_overhead_ms = round(Math.max(0, log.elapsedMs() - timing.upstreamMs - timing.backoffMs));
}

export function servedHeaders(record: LogRecord, id: string, plan: TrafficPlan): ResponseHeaders {
  const headers: ResponseHeaders = {
    ...plan.headers,
    'x-request-id': id,
    'x-modelgate-provider': headerSafe(record.provider ?? ''),
    'x-modelgate-model': headerSafe(record.model ?? ''),
    'x-modelgate-attempts': String(countTries(record)),
    'x-modelgate-fallback': String(record.fallback_used),
    'x-modelgate-overhead-ms': String(record.gateway_overhead_ms ?? 0),
  };
  if (record.dropped_params) headers['x-modelgate-dropped-params'] = headerSafe(record.dropped_params.join(','));
  if (plan.cacheStatus) headers['x-modelgate-cache'] = plan.cacheStatus;
  return headers;
}

/**
 * Names from the request may hold characters a header cannot (Node refuses them and drops the
 * response): percent-encoded then. Never throws: a lone surrogate, which `encodeURIComponent`
 * refuses, goes out as U+FFFD (requests carrying one are refused earlier; this is the last guard).
 */
export function headerSafe(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(toWellFormed(value));
}

/** Attempts that reached (or tried to reach) an upstream; skipped models are not tries. */
export function countTries(record: LogRecord): number {
  let tries = 0;
  for (const attempt of record.attempts) if (!attempt.skipped) tries++;
  return tries;
}

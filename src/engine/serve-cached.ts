/**
 * Answers from the response cache: the stored JSON as is, or, for a streaming client, the stored
 * answer replayed as a short stream in the route's format. No upstream call, no cost, `x-modelgate-cache: hit`.
 */
import type { GatewayResponse, ResponseHeaders } from '../contract.js';
import type { ModelEndpoint } from '../endpoints/index.js';
import { round, type RequestLog } from '../logging/request-log.js';
import type { GatewayParams } from '../params/gateway-params.js';
import type { TrafficPlan } from '../traffic/plan-request.js';
import { SSE_RESPONSE_HEADERS } from '../sse/sse-frames.js';
import { headerSafe } from './served-headers.js';

export function serveCached(
  plan: TrafficPlan,
  endpoint: ModelEndpoint,
  stream: boolean,
  body: Record<string, unknown>,
  params: GatewayParams,
  log: RequestLog,
  signal?: AbortSignal,
): GatewayResponse {
  const entry = plan.cached!;
  const record = log.record;
  record.provider = entry.provider;
  record.model = entry.model;
  record.deployment = entry.deployment;
  record.gateway_overhead_ms = round(log.elapsedMs());
  record.cost_usd = 0; // nothing was spent upstream
  if (!params.disable_log) record.output = endpoint.logOutput(entry.body);
  if (plan.cacheSettings?.omitLog) log.omit();
  const headers: ResponseHeaders = {
    ...plan.headers,
    'x-request-id': log.id,
    'x-modelgate-provider': headerSafe(entry.provider),
    'x-modelgate-model': headerSafe(entry.model),
    'x-modelgate-attempts': '0',
    'x-modelgate-fallback': 'false',
    'x-modelgate-cache': 'hit',
  };
  const format = endpoint.stream;
  if (!stream || !format) {
    log.finish(200);
    return { kind: 'json', status: 200, headers, body: entry.body };
  }
  record.ttft_ms = round(log.elapsedMs());
  return {
    kind: 'sse',
    status: 200,
    headers: { ...SSE_RESPONSE_HEADERS, ...headers },
    body: replay(format.replay(entry.body, format.clientWantsUsage(body)), log, signal),
  };
}

/** Frames the gateway has whole (a stored response) as a stream, which settles the record once read. */
export function replayedStream(
  frames: string,
  headers: ResponseHeaders,
  log: RequestLog,
  signal?: AbortSignal,
): GatewayResponse {
  return {
    kind: 'sse',
    status: 200,
    headers: { ...SSE_RESPONSE_HEADERS, ...headers },
    body: replay(frames, log, signal),
  };
}

function replay(frames: string, log: RequestLog, signal?: AbortSignal): AsyncGenerator<string> {
  let started = false;
  // A generator that never started skips its `finally`: a client gone before reading still logs.
  signal?.addEventListener('abort', () => started || log.finish(499, undefined, true), { once: true });
  return replayFrames(frames, log, () => (started = true));
}

async function* replayFrames(frames: string, log: RequestLog, onStart: () => void): AsyncGenerator<string> {
  onStart();
  let delivered = false;
  try {
    yield frames;
    delivered = true;
  } finally {
    if (delivered) log.finish(200);
    else log.finish(499, undefined, true);
  }
}

/**
 * `prometheusMetrics()`: modelgate's requests as Prometheus metrics through `prom-client` (an
 * optional peer) in a registry of its own or yours. A listener (`createGateway({ listeners })`)
 * with `collect()` for the exposition, which the gateway can serve itself (option `metrics`).
 *
 * Counters move when a request ends (its record is final), so after any run the request counter
 * equals the records the gateway handed to `onLog` (plus those `cache_options.omit_log` left out).
 * Customer and gateway-key labels only when enabled: they are as many as your customers.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsText } from '../observe/metrics-route.js';
import type { AttemptEndEvent, GatewayListener, RequestEndEvent } from '../observe/gateway-listener.js';

export interface PrometheusMetricsOptions {
  /** Where the metrics are registered: yours (e.g. prom-client's global `register`) or a new one (default). */
  registry?: Registry;
  /** Metric name prefix (default `modelgate_`). */
  prefix?: string;
  /** Extra labels, off by default (cardinality): `customer` (customer_identifier), `gatewayKey` (its name). */
  labels?: { customer?: boolean; gatewayKey?: boolean };
  /** Histogram buckets in seconds; the defaults are sized for LLM calls (seconds to minutes). */
  buckets?: { latency?: number[]; timeToFirstToken?: number[]; overhead?: number[]; attempt?: number[] };
}

export interface PrometheusMetrics extends GatewayListener {
  readonly registry: Registry;
  /** The exposition in the Prometheus text format: for `createGateway({ metrics: { collect } })` or your own server. */
  collect(): Promise<MetricsText>;
}

/** End-to-end latency of LLM requests: 50 ms to 10 min. */
export const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300, 600];
/** Time to first token: 50 ms to 30 s. */
export const TTFT_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30];
/** Gateway overhead (our own time): 0.1 ms to 1 s. */
export const OVERHEAD_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

export function prometheusMetrics(options: PrometheusMetricsOptions = {}): PrometheusMetrics {
  const registry = options.registry ?? new Registry();
  const prefix = options.prefix ?? 'modelgate_';
  const withCustomer = options.labels?.customer === true;
  const withKey = options.labels?.gatewayKey === true;
  const who = [...(withCustomer ? ['customer'] : []), ...(withKey ? ['gateway_key'] : [])];
  const buckets = options.buckets ?? {};
  const registers = [registry];
  const counter = (name: string, help: string, labelNames: string[]) =>
    new Counter({ name: prefix + name, help, labelNames, registers });
  const histogram = (name: string, help: string, labelNames: string[], bucketList: number[]) =>
    new Histogram({ name: prefix + name, help, labelNames, buckets: bucketList, registers });

  const served = ['endpoint', 'provider', 'model'];
  const requests = counter('requests_total', 'Requests by route, serving provider and model, and status.', [
    ...served,
    'status_code',
    'status',
    ...who,
  ]);
  const attempts = counter('upstream_attempts_total', 'Upstream attempts by outcome (success, error, skipped).', [
    'provider',
    'model',
    'outcome',
    'reason',
  ]);
  const tokens = counter('tokens_total', 'Tokens by type (input, output, cached_input, reasoning).', [
    'provider',
    'model',
    'type',
    ...who,
  ]);
  const cost = counter('cost_usd_total', 'What requests cost, in USD.', ['provider', 'model', ...who]);
  const fallbacks = counter('fallbacks_total', 'Requests served by a fallback model.', [
    'endpoint',
    'provider',
    'model',
  ]);
  const cacheHits = counter('cache_hits_total', 'Requests answered from the response cache.', ['endpoint']);
  const cacheMisses = counter('cache_misses_total', 'Cacheable requests the cache could not answer.', ['endpoint']);
  const cooldowns = counter('cooldown_skips_total', 'Targets left out because their deployment was cooling down.', [
    'provider',
    'model',
  ]);
  const inFlight = new Gauge({
    name: `${prefix}requests_in_flight`,
    help: 'Requests under way (streams until they end).',
    registers,
  });
  const latency = histogram(
    'request_duration_seconds',
    'Request latency, to the end of a stream.',
    [...served, 'status'],
    buckets.latency ?? LATENCY_BUCKETS,
  );
  const ttft = histogram(
    'time_to_first_token_seconds',
    'Streams: time to the first content chunk.',
    ['provider', 'model'],
    buckets.timeToFirstToken ?? TTFT_BUCKETS,
  );
  const overhead = histogram(
    'gateway_overhead_seconds',
    'Time the gateway itself spent on a request, upstream waits excluded.',
    ['endpoint'],
    buckets.overhead ?? OVERHEAD_BUCKETS,
  );
  const attemptDuration = histogram(
    'upstream_attempt_duration_seconds',
    'Upstream attempts, until the response (a stream: its first content).',
    ['provider', 'model', 'outcome'],
    buckets.attempt ?? LATENCY_BUCKETS,
  );

  function requestEnd({ record }: RequestEndEvent): void {
    inFlight.dec();
    const endpoint = record.endpoint ?? 'none';
    const provider = record.provider ?? '';
    const model = record.model ?? '';
    const whoLabels: Record<string, string> = {};
    if (withCustomer) whoLabels.customer = record.customer_identifier ?? '';
    if (withKey) whoLabels.gateway_key = record.gateway_key ?? '';
    requests.inc({
      endpoint,
      provider,
      model,
      status_code: String(record.status_code),
      status: record.status,
      ...whoLabels,
    });
    latency.observe({ endpoint, provider, model, status: record.status }, record.latency_ms / 1000);
    if (record.gateway_overhead_ms !== null) overhead.observe({ endpoint }, record.gateway_overhead_ms / 1000);
    if (record.ttft_ms !== null && record.status === 'success')
      ttft.observe({ provider, model }, record.ttft_ms / 1000);
    if (record.fallback_used) fallbacks.inc({ endpoint, provider, model });
    if (record.cache?.status === 'hit') cacheHits.inc({ endpoint });
    else if (record.cache?.status === 'miss') cacheMisses.inc({ endpoint });
    const usage = record.usage;
    if (usage) {
      const add = (type: string, value: number) =>
        value > 0 && tokens.inc({ provider, model, type, ...whoLabels }, value);
      add('input', usage.prompt_tokens);
      add('output', usage.completion_tokens);
      add('cached_input', usage.cached_tokens);
      add('reasoning', usage.reasoning_tokens);
    }
    if (record.cost_usd) cost.inc({ provider, model, ...whoLabels }, record.cost_usd);
  }

  function attemptEnd({ attempt, outcome }: AttemptEndEvent): void {
    const reason = attempt.skipped ?? attempt.error_code ?? '';
    attempts.inc({ provider: attempt.provider, model: attempt.model, outcome, reason });
    if (attempt.skipped === 'cooldown') cooldowns.inc({ provider: attempt.provider, model: attempt.model });
    if (outcome !== 'skipped')
      attemptDuration.observe(
        { provider: attempt.provider, model: attempt.model, outcome },
        attempt.duration_ms / 1000,
      );
  }

  return {
    registry,
    requestStart: () => inFlight.inc(),
    attemptEnd,
    requestEnd,
    async collect() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/**
 * `modelgate/prometheus`: modelgate's metrics in the Prometheus text format through `prom-client`
 * (an optional peer dependency; docs/observability.md).
 *
 * ```ts
 * import { prometheusMetrics } from 'modelgate/prometheus';
 * const prometheus = prometheusMetrics();
 * const gateway = createGateway({
 *   providers,
 *   listeners: [prometheus],
 *   metrics: { path: '/metrics', collect: prometheus.collect },
 * });
 * ```
 */
export {
  prometheusMetrics,
  LATENCY_BUCKETS,
  OVERHEAD_BUCKETS,
  TTFT_BUCKETS,
  type PrometheusMetrics,
  type PrometheusMetricsOptions,
} from '../../src/prometheus/prometheus-metrics.js';

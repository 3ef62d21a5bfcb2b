/**
 * The metrics path (option `metrics`): the gateway answers `GET {mount}{path}` with what the
 * operator's collector returns (the Prometheus exposition of `modelgate/prometheus`), through
 * every adapter, as a plain text body with the collector's content type.
 */
import type { StreamResponse } from '../contract.js';

/** What a scrape returns: the exposition and its content type. */
export interface MetricsText {
  contentType: string;
  body: string;
}

/** Produces the exposition (`prometheusMetrics().collect`, or your own). */
export type MetricsCollector = () => MetricsText | Promise<MetricsText>;

export async function metricsResponse(collect: MetricsCollector, requestId: string): Promise<StreamResponse> {
  const { contentType, body } = await collect();
  const bytes = Buffer.from(body, 'utf8');
  return {
    kind: 'stream',
    status: 200,
    headers: {
      'content-type': contentType,
      'content-length': String(bytes.byteLength),
      'cache-control': 'no-store',
      'x-request-id': requestId,
    },
    body: (async function* () {
      yield bytes;
    })(),
  };
}

/** `/metrics/` and `metrics` mean `/metrics`. */
export function normaliseMetricsPath(path: string): string {
  const trimmed = `/${path}`.replace(/^\/+/, '/').replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

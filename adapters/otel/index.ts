/**
 * `modelgate/otel`: modelgate's requests as OpenTelemetry spans and metrics through your own SDK
 * (`@opentelemetry/api` is an optional peer dependency; docs/observability.md).
 *
 * ```ts
 * import { otelListener, semconvFromEnv } from 'modelgate/otel';
 * const gateway = createGateway({
 *   providers,
 *   listeners: [otelListener({ semconv: semconvFromEnv(process.env.OTEL_SEMCONV_STABILITY_OPT_IN) })],
 * });
 * ```
 */
export { otelListener, type OtelListenerOptions } from '../../src/otel/otel-listener.js';
export type { OtelLogger } from '../../src/otel/otel-log.js';
export { semconvFromEnv, type SemconvVersion } from '../../src/otel/semconv.js';

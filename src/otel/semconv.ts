/**
 * The GenAI semantic conventions' names, pinned: `released` is semconv v1.41 (the last release
 * that carried them: `gen_ai.client.token.usage`, `gen_ai.client.operation.duration`, ...);
 * `latest` follows open-telemetry/semantic-conventions-genai's main (`gen_ai.client.inference.*`),
 * what `OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental` asks instrumentations for. All
 * of it is Development status upstream: names may move, so the version is the user's choice.
 */
import type { LogRecord } from '../logging/log-record.js';
import { GEN_AI_PROVIDER_NAMES } from '../providers/gen-ai-provider-names.js';

export type SemconvVersion = 'released' | 'latest';

/** The version `OTEL_SEMCONV_STABILITY_OPT_IN` asks for: `semconvFromEnv(process.env.OTEL_SEMCONV_STABILITY_OPT_IN)`. */
export function semconvFromEnv(optIn: string | undefined): SemconvVersion {
  return (optIn ?? '')
    .split(',')
    .map((part) => part.trim())
    .includes('gen_ai_latest_experimental')
    ? 'latest'
    : 'released';
}

export interface MetricNames {
  duration: string;
  timeToFirstChunk: string;
  /** One histogram with `gen_ai.token.type` (released), or a counter per token type (latest). */
  tokens: { histogram: string } | { input: string; output: string };
}

export const METRIC_NAMES: Record<SemconvVersion, MetricNames> = {
  released: {
    duration: 'gen_ai.client.operation.duration',
    timeToFirstChunk: 'gen_ai.client.operation.time_to_first_chunk',
    tokens: { histogram: 'gen_ai.client.token.usage' },
  },
  latest: {
    duration: 'gen_ai.client.inference.duration',
    timeToFirstChunk: 'gen_ai.client.inference.time_to_first_chunk',
    tokens: {
      input: 'gen_ai.client.inference.usage.input_tokens',
      output: 'gen_ai.client.inference.usage.output_tokens',
    },
  },
};

/** The semconv's buckets: `gen_ai.client.operation.duration` (s) and `gen_ai.client.token.usage`. */
export const DURATION_BUCKETS_S = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
export const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

/** `gen_ai.provider.name` for a provider kind: the semconv's well-known values, else the kind. */
export function providerName(kind: string | null | undefined): string | undefined {
  if (!kind) return undefined;
  return GEN_AI_PROVIDER_NAMES[kind] ?? kind;
}

/** `gen_ai.operation.name` of a route; undefined for routes that call no model. */
export function operationName(endpoint: LogRecord['endpoint'] | string): string | undefined {
  switch (endpoint) {
    case 'chat.completions':
    case 'chat':
    case 'responses':
      return 'chat';
    case 'embeddings':
      return 'embeddings';
    default:
      return undefined;
  }
}

/** The request parameters the semconv names `gen_ai.request.*`. */
export const REQUEST_PARAMS: ReadonlyArray<[param: string, attribute: string]> = [
  ['temperature', 'gen_ai.request.temperature'],
  ['top_p', 'gen_ai.request.top_p'],
  ['max_tokens', 'gen_ai.request.max_tokens'],
  ['max_completion_tokens', 'gen_ai.request.max_tokens'],
  ['max_output_tokens', 'gen_ai.request.max_tokens'],
  ['frequency_penalty', 'gen_ai.request.frequency_penalty'],
  ['presence_penalty', 'gen_ai.request.presence_penalty'],
  ['seed', 'gen_ai.request.seed'],
];

/**
 * `createGateway` options: one zod schema, checked once, with errors that name the offending path.
 * Each provider's options are those of its kind, from the provider registry.
 */
import { z } from 'zod';
import { adminOptionShapes } from './admin/admin-options.js';
import { GatewayConfigError } from './errors.js';
import { pricingSchema } from './cost/pricing-options.js';
import type { LogRecord } from './logging/log-record.js';
import type { GatewayListener } from './observe/gateway-listener.js';
import type { MetricsCollector } from './observe/metrics-route.js';
import { providersOptionsSchema } from './providers/provider-options.js';
import type { Transport } from './transport/types.js';
import { trafficOptionShapes } from './traffic/traffic-options.js';

const modelAliasSchema = z.strictObject({
  target: z.string().min(1),
  fallbacks: z.array(z.string().min(1)).optional(),
  /** Request parameters applied when the request does not set them. */
  params: z.record(z.string(), z.unknown()).optional(),
});

const fn = <T>(name: string) =>
  z.custom<T>((value) => typeof value === 'function', { message: `${name} must be a function` });

const gatewayKeySchema = z.union([
  z.string().min(8, 'a gateway key must be at least 8 characters'),
  z.strictObject({ key: z.string().min(8, 'a gateway key must be at least 8 characters'), name: z.string().min(1) }),
]);

const optionsSchema = z.strictObject({
  /** By provider id; each entry's options are those of its kind (providers/provider-options.ts). */
  providers: providersOptionsSchema,
  models: z.record(z.string().min(1), modelAliasSchema).optional(),
  /** Tried after every request's own chain. */
  fallbacks: z.array(z.string().min(1)).optional(),
  retry: z
    .strictObject({
      maxRetries: z.number().int().min(0).max(10).optional(),
      initialDelayMs: z.number().min(0).optional(),
      maxDelayMs: z.number().min(0).optional(),
      maxRetryAfterMs: z.number().min(0).optional(),
    })
    .optional(),
  /** Upstream 4xx statuses that should also fall back (by default only 408, 409, 429 do). */
  fallbackOnStatus: z.array(z.number().int().min(400).max(499)).optional(),
  /**
   * What to do with an OpenAI parameter a translated provider (Anthropic, Gemini, Bedrock) cannot
   * honour: drop it and say so in `x-modelgate-dropped-params` and the log (default), or, when
   * true, refuse the request with a 400 that names it.
   */
  strictParams: z.boolean().optional(),
  /** Whether an upstream 401/403 (our own key rejected) falls back to the next model (default true). */
  fallbackOnAuthError: z.boolean().optional(),
  timeouts: z
    .strictObject({
      requestMs: z.number().int().positive().optional(),
      firstByteMs: z.number().int().positive().optional(),
      idleMs: z.number().int().positive().optional(),
      /** Longest time the gateway spends reading a request body from the client (never past `requestMs`). */
      bodyReadMs: z.number().int().positive().optional(),
    })
    .optional(),
  gatewayKeys: z.array(gatewayKeySchema).optional(),
  /** Your own prices per model (USD per million tokens), applied before the price catalogue. */
  pricing: pricingSchema.optional(),
  authorize: fn<AuthorizeHook>('authorize').optional(),
  onLog: fn<(record: LogRecord) => unknown>('onLog').optional(),
  /**
   * Exporters told of each request's start, each upstream attempt and its end (docs/observability.md):
   * `modelgate/otel`, `modelgate/prometheus`, your own. Called in this order; one that throws is
   * reported to `onError` and never breaks a request.
   */
  listeners: z
    .array(
      z.custom<GatewayListener>((value) => typeof value === 'object' && value !== null, {
        message: 'a listener is an object with requestStart / attemptStart / attemptEnd / requestEnd methods',
      }),
    )
    .optional(),
  /**
   * Serves metrics at `GET {mount}{path}` through every adapter (docs/observability.md): `collect`
   * returns the text (`prometheusMetrics().collect`). A scrape passes `gatewayKeys` / `authorize`
   * like any request unless `public` is true; it leaves a log record (endpoint `metrics`).
   */
  metrics: z
    .strictObject({
      path: z.string().regex(/^\/?[A-Za-z0-9._~\-/]+$/, 'must be a path such as /metrics'),
      collect: fn<MetricsCollector>('metrics.collect'),
      public: z.boolean().optional(),
    })
    .optional(),
  /** Hears about failures nobody else sees: a throwing log sink, an internal bug. */
  onError: fn<(error: unknown, where: string) => void>('onError').optional(),
  bodyLimitBytes: z.number().int().positive().optional(),
  /**
   * The rest of OpenAI's API passed through (docs/passthrough.md): requests without a `model`
   * (files, batches, ...) go to `provider`, which must speak OpenAI's API; the admin API
   * (`/organization/...`, `/projects/...`) only with `organization: true`.
   */
  passthrough: z
    .strictObject({ provider: z.string().min(1).optional(), organization: z.boolean().optional() })
    .optional(),
  /**
   * `POST /responses` state (docs/responses.md): `store` keeps the answers of providers that keep
   * none (Anthropic, Gemini, Bedrock, ...) in the gateway's store for `previous_response_id` and the
   * `/responses/{id}` routes, per tenant, for `ttlSeconds` (default 1 day), each up to `maxBytes`
   * (default 4 MiB).
   */
  responses: z
    .strictObject({
      store: z
        .union([
          z.boolean(),
          z.strictObject({
            ttlSeconds: z.number().int().positive().max(31_536_000).optional(),
            maxBytes: z.number().int().positive().max(1_073_741_824).optional(),
          }),
        ])
        .optional(),
    })
    .optional(),
  /** Largest upstream body the gateway buffers: a non-streaming response, one stream event, or a stream's frames before its first content (default 64 MiB). */
  responseLimitBytes: z.number().int().positive().optional(),
  /** Advanced: your own transport (an undici dispatcher goes in `dispatcher`). */
  transport: z.custom<Transport>((value) => typeof value === 'object' && value !== null && 'send' in value).optional(),
  dispatcher: z
    .custom<object>((value) => typeof value === 'object' && value !== null, { message: 'must be an undici Dispatcher' })
    .optional(),
  ...trafficOptionShapes,
  ...adminOptionShapes,
});

export interface AuthorizeInput {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The gateway key's name when `gatewayKeys` matched one. */
  gatewayKey?: string;
}

export type AuthorizeResult =
  boolean | { principal?: string | Record<string, unknown>; metadata?: Record<string, unknown> };
export type AuthorizeHook = (input: AuthorizeInput) => AuthorizeResult | Promise<AuthorizeResult>;

export type GatewayOptions = z.input<typeof optionsSchema>;
export type ParsedOptions = z.output<typeof optionsSchema>;
export type { EndpointOptions, ParsedProviderOptions, ProviderOptions } from './providers/provider-options.js';
export type ModelAlias = z.output<typeof modelAliasSchema>;

export function parseOptions(input: unknown): ParsedOptions {
  const result = optionsSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  - ${issue.path.join('.') || '(options)'}: ${issue.message}`);
    throw new GatewayConfigError(`Invalid modelgate options:\n${lines.join('\n')}`);
  }
  return result.data;
}

/**
 * `createGateway` options: one zod schema, checked once, with errors that name the offending path.
 */
import { z } from 'zod';
import { GatewayConfigError } from './errors.js';
import { pricingSchema } from './cost/pricing-options.js';
import { OPENAI_COMPATIBLE_PRESETS, type OpenAICompatiblePresetName } from './providers/openai-compatible/presets.js';
import type { LogRecord } from './logging/log-record.js';
import type { Transport } from './transport/types.js';
import { endpointSchema, trafficOptionShapes } from './traffic/traffic-options.js';

// Typed as the union of names (Object.keys alone gives string[]), so editors complete `kind` and tsc catches a typo.
const PROVIDER_KINDS = [...(Object.keys(OPENAI_COMPATIBLE_PRESETS) as OpenAICompatiblePresetName[]), 'openai-compatible', 'azure', 'anthropic', 'bedrock', 'google', 'demo'] as const;

const stringMap = z.record(z.string(), z.string());
const httpURL = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const providerSchema = z.strictObject({
  kind: z.enum(PROVIDER_KINDS).optional(),
  /** May be undefined (e.g. an unset environment variable): the provider then fails over at request time. */
  apiKey: z.string().optional(),
  baseURL: httpURL.optional(),
  headers: stringMap.optional(),
  models: z.array(z.string().min(1)).optional(),
  // Azure OpenAI
  resource: z.string().regex(/^[a-z0-9-]+$/i, 'must be an Azure resource name').optional(),
  apiVersion: z.string().min(1).optional(),
  deployments: stringMap.optional(),
  // Anthropic
  /** The `anthropic-version` header (default `2023-06-01`, the version the translation follows). */
  anthropicVersion: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2023-06-01').optional(),
  /** Beta features, sent in one `anthropic-beta` header. */
  betaHeaders: z.array(z.string().regex(/^[a-z0-9.-]+$/i, 'must be a beta name like fine-grained-tool-streaming-2025-05-14')).optional(),
  /** `max_tokens` when a request sets none (Anthropic requires one; default 4096). */
  defaultMaxTokens: z.number().int().positive().optional(),
  /** `reasoning_effort` → a thinking token budget (default) or adaptive thinking with an effort level. */
  thinking: z.enum(['budget', 'adaptive']).optional(),
  // AWS Bedrock: SigV4 credentials (or `apiKey`, a Bedrock API key). Never read from the environment.
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as us-east-1').optional(),
  accessKeyId: z.string().optional(),
  secretAccessKey: z.string().optional(),
  sessionToken: z.string().optional(),
  // Google Gemini: sent with every request, e.g. [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_ONLY_HIGH' }]
  safetySettings: z.array(z.strictObject({ category: z.string().min(1), threshold: z.string().min(1) })).optional(),
  /** Gemini on Vertex AI: a service-account key (the parsed JSON file, or its text) instead of an API key. */
  vertex: z
    .strictObject({
      project: z.string().min(1).optional(),
      location: z.string().regex(/^[a-z0-9-]+$/, 'must be a location such as global, us-central1 or europe-west4').optional(),
      credentials: z.union([z.string().min(1), z.looseObject({ client_email: z.string().min(1), private_key: z.string().min(1), private_key_id: z.string().optional(), project_id: z.string().optional() })], {
        error: 'required: the service-account key, as its JSON text or the parsed object with client_email and private_key',
      }),
    })
    .optional(),
  /** Several deployments of this provider (keys and/or endpoints), chosen by weight. */
  endpoints: z.array(endpointSchema).min(1).optional(),
  // demo
  failureRate: z.number().min(0).max(1).optional(),
  wordDelayMs: z.number().int().min(0).optional(),
});

const modelAliasSchema = z.strictObject({
  target: z.string().min(1),
  fallbacks: z.array(z.string().min(1)).optional(),
  /** Request parameters applied when the request does not set them. */
  params: z.record(z.string(), z.unknown()).optional(),
});

const fn = <T>(name: string) => z.custom<T>((value) => typeof value === 'function', { message: `${name} must be a function` });

const gatewayKeySchema = z.union([
  z.string().min(8, 'a gateway key must be at least 8 characters'),
  z.strictObject({ key: z.string().min(8, 'a gateway key must be at least 8 characters'), name: z.string().min(1) }),
]);

const optionsSchema = z.strictObject({
  providers: z.record(z.string().regex(/^[a-zA-Z0-9_.-]+$/, 'a provider id may only hold letters, digits, _ . -'), providerSchema),
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
  /** Hears about failures nobody else sees: a throwing log sink, an internal bug. */
  onError: fn<(error: unknown, where: string) => void>('onError').optional(),
  bodyLimitBytes: z.number().int().positive().optional(),
  /** Largest upstream body the gateway buffers: a non-streaming response, one stream event, or a stream's frames before its first content (default 64 MiB). */
  responseLimitBytes: z.number().int().positive().optional(),
  /** Advanced: your own transport (an undici dispatcher goes in `dispatcher`). */
  transport: z.custom<Transport>((value) => typeof value === 'object' && value !== null && 'send' in value).optional(),
  dispatcher: z.custom<object>((value) => typeof value === 'object' && value !== null, { message: 'must be an undici Dispatcher' }).optional(),
  ...trafficOptionShapes,
});

export interface AuthorizeInput {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The gateway key's name when `gatewayKeys` matched one. */
  gatewayKey?: string;
}

export type AuthorizeResult = boolean | { principal?: string | Record<string, unknown>; metadata?: Record<string, unknown> };
export type AuthorizeHook = (input: AuthorizeInput) => AuthorizeResult | Promise<AuthorizeResult>;

export type GatewayOptions = z.input<typeof optionsSchema>;
export type ParsedOptions = z.output<typeof optionsSchema>;
export type ProviderOptions = z.output<typeof providerSchema>;
export type ModelAlias = z.output<typeof modelAliasSchema>;

export function parseOptions(input: unknown): ParsedOptions {
  const result = optionsSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  - ${issue.path.join('.') || '(options)'}: ${issue.message}`);
    throw new GatewayConfigError(`Invalid modelgate options:\n${lines.join('\n')}`);
  }
  return result.data;
}

/**
 * The gateway parameters a caller may send with a request (Keywords AI's names, so that clients
 * written for it work unchanged). They are removed before the request goes upstream.
 */
import { z } from 'zod';
import { hasControlCharacter, isModelName } from '../http/validate-request-body.js';

const MAX_IDENTIFIER = 120;
/** Only a wrong type gets this message; other issues (unknown keys, ...) keep zod's own. */
const mustBeAn = (what: string) => (issue: { code: string }) =>
  issue.code === 'invalid_type' ? `must be ${what}` : undefined;

/** Identifiers and metadata may end up in headers downstream (exporters, proxies): no line breaks there. */
const noControlCharacters = (text: string) => !hasControlCharacter(text);
const noLineBreakOrNul = (value: unknown) => typeof value !== 'string' || !/[\r\n\0]/.test(value);

const identifier = z
  .string({ error: 'must be a string' })
  .max(MAX_IDENTIFIER, `must be at most ${MAX_IDENTIFIER} characters`)
  .refine(noControlCharacters, 'must not contain control characters (line breaks, tabs, NUL)');

const modelList = z
  .array(
    z
      .string({ error: 'must be a list of model names' })
      .min(1, 'must not hold an empty model name')
      .refine(
        isModelName,
        'must hold model names of at most 256 characters, without control characters or lone UTF-16 surrogates',
      ),
    { error: 'must be a list of model names' },
  )
  .max(16, 'may hold at most 16 models');

const metadata = z
  // zod reports a bad key as "Invalid key in record": say what is wrong with it instead.
  .record(
    z.string().max(128).refine(noControlCharacters),
    z.unknown().refine(noLineBreakOrNul, 'metadata values must not contain line breaks or NUL characters'),
    {
      error: (issue) =>
        issue.code === 'invalid_type'
          ? 'must be an object'
          : issue.code === 'invalid_key'
            ? 'keys must be at most 128 characters, without control characters'
            : undefined,
    },
  )
  .refine((value) => Object.keys(value).length <= 64, 'may hold at most 64 keys');

const apiKeyCredentials = z.strictObject(
  {
    api_key: z
      .string({ error: 'must be a string' })
      .min(1, 'must not be empty')
      .max(4096, 'is too long')
      // It becomes an HTTP header value: no spaces or control characters.
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  },
  { error: 'must be an object like { "api_key": "..." }' },
);

const providerCredentials = z
  .record(z.string().max(MAX_IDENTIFIER), apiKeyCredentials, { error: 'must be an object keyed by provider id' })
  .refine((value) => !Array.isArray(value), 'must be an object keyed by provider id');

const weight = z
  .number({ error: 'must be a number' })
  .positive('must be positive')
  .max(1_000_000, 'must be at most 1000000');

const weightedModels = z
  .array(
    z.strictObject(
      {
        model: z.string({ error: 'must be a model name' }).min(1, 'must not be empty'),
        weight: weight.optional(),
        credentials: apiKeyCredentials.optional(),
      },
      { error: 'must be an object like { "model": "...", "weight": 1 }' },
    ),
    { error: 'must be a list of { model, weight }' },
  )
  .min(1, 'must hold at least one model')
  .max(16, 'may hold at most 16 models');

const budget = z
  .number({ error: 'must be a number (USD)' })
  .min(0, 'must not be negative')
  .max(1e9, 'must be at most 1000000000 (USD)');

export const gatewayParamShapes = {
  customer_identifier: identifier,
  custom_identifier: identifier,
  thread_identifier: identifier,
  group_identifier: identifier,
  metadata,
  fallback_models: modelList,
  /** Keywords AI's name for fallbacks when `model` is also set. */
  models: modelList,
  retry_params: z.strictObject(
    {
      retry_enabled: z.boolean({ error: 'must be a boolean' }).optional(),
      num_retries: z
        .number({ error: 'must be a number' })
        .int('must be an integer')
        .min(0, 'must not be negative')
        .max(10, 'must be at most 10')
        .optional(),
      retry_after: z
        .number({ error: 'must be a number of seconds' })
        .min(0, 'must not be negative')
        .max(60, 'must be at most 60 (seconds)')
        .optional(),
    },
    { error: mustBeAn('an object') },
  ),
  disable_log: z.boolean({ error: 'must be a boolean' }),
  request_breakdown: z.boolean({ error: 'must be a boolean' }),
  /** modelgate's own: a deadline for the whole request, retries and fallbacks included. */
  deadline_ms: z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be at least 1 (ms)')
    .max(3_600_000, 'must be at most 3600000 (ms, one hour)'),
  // Load balancing and deployments
  load_balance_group: z.strictObject(
    { group_id: identifier.min(1, 'must not be empty'), models: weightedModels.optional() },
    { error: 'must be an object like { "group_id": "..." }' },
  ),
  /** Deprecated Keywords AI names for an unnamed load balance group. */
  load_balance_models: weightedModels,
  loadbalance_models: weightedModels,
  /** The caller's own provider keys: `{ openai: { api_key } }`, or weighted deployments `[{ credentials, weight }]`. */
  customer_credentials: z.union(
    [
      providerCredentials,
      z
        .array(z.strictObject({ credentials: providerCredentials, weight: weight.optional() }), {
          error: 'must be a list of { credentials, weight }',
        })
        .min(1, 'must hold at least one { credentials, weight }')
        .max(16, 'may hold at most 16 entries'),
    ],
    { error: 'must be { "<provider>": { "api_key": "..." } } or a list of { credentials, weight }' },
  ),
  /** A key for one model: `{ "gpt-4o": { api_key } }`. */
  credential_override: z
    .record(z.string().min(1).max(MAX_IDENTIFIER), apiKeyCredentials, { error: 'must be an object keyed by model' })
    .refine((value) => !Array.isArray(value), 'must be an object keyed by model'),
  exclude_models: modelList,
  exclude_providers: z
    .array(identifier, { error: 'must be a list of provider ids' })
    .max(32, 'may hold at most 32 providers'),
  // Cache
  cache_enabled: z.boolean({ error: 'must be a boolean' }),
  /** Seconds a cached response stays valid. */
  cache_ttl: z
    .number({ error: 'must be a number of seconds' })
    .positive('must be positive')
    .max(365 * 86_400, 'must be at most 31536000 (seconds, a year)'),
  cache_options: z.strictObject(
    {
      cache_by_customer: z.boolean({ error: 'must be a boolean' }).optional(),
      omit_log: z.boolean({ error: 'must be a boolean' }).optional(),
    },
    { error: 'must be an object' },
  ),
  // Customers
  customer_params: z.strictObject(
    {
      customer_identifier: identifier.min(1, 'must not be empty').optional(),
      name: z.string({ error: 'must be a string' }).max(200, 'must be at most 200 characters').optional(),
      email: z.string({ error: 'must be a string' }).max(320, 'must be at most 320 characters').optional(),
      period_budget: budget.optional(),
      budget_duration: z
        .enum(['daily', 'weekly', 'monthly', 'yearly'], { error: 'must be daily, weekly, monthly or yearly' })
        .optional(),
      total_budget: budget.optional(),
      /** Requests per minute. */
      rate_limit: z
        .number({ error: 'must be a number of requests per minute' })
        .int('must be an integer')
        .positive('must be positive')
        .max(1_000_000, 'must be at most 1000000')
        .optional(),
      markup_percentage: z
        .number({ error: 'must be a number' })
        .min(0, 'must not be negative')
        .max(10_000, 'must be at most 10000')
        .optional(),
    },
    { error: 'must be an object' },
  ),
} as const;

const isIdentifier = (value: unknown) =>
  typeof value === 'string' && value.length <= MAX_IDENTIFIER && !hasControlCharacter(value);
const isModelList = (value: unknown) =>
  Array.isArray(value) &&
  value.length <= 16 &&
  value.every((name) => typeof name === 'string' && name.length > 0 && isModelName(name));
function isMetadata(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false; // a plain object, as JSON makes
  let keys = 0;
  for (const key in value) {
    if (
      ++keys > 64 ||
      key.length > 128 ||
      hasControlCharacter(key) ||
      !noLineBreakOrNul((value as Record<string, unknown>)[key])
    )
      return false;
  }
  return true;
}

/**
 * Checks that say yes only to values the schema above certainly accepts, as they are (no
 * transformation): the common, valid case skips zod. Anything else goes through the schema, which
 * alone decides and words the error. test/gateway-params.test.ts holds them to the schema.
 */
export const acceptsAsIs: Partial<Record<keyof typeof gatewayParamShapes, (value: unknown) => boolean>> = {
  customer_identifier: isIdentifier,
  custom_identifier: isIdentifier,
  thread_identifier: isIdentifier,
  group_identifier: isIdentifier,
  metadata: isMetadata,
  fallback_models: isModelList,
  models: isModelList,
  disable_log: (value) => typeof value === 'boolean',
  request_breakdown: (value) => typeof value === 'boolean',
  deadline_ms: (value) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 3_600_000,
};

export type GatewayParamName = keyof typeof gatewayParamShapes;
export type GatewayParams = { [K in GatewayParamName]?: z.output<(typeof gatewayParamShapes)[K]> };

export const GATEWAY_PARAM_NAMES = Object.keys(gatewayParamShapes) as GatewayParamName[];
const NAME_SET: ReadonlySet<string> = new Set(GATEWAY_PARAM_NAMES);

export function isGatewayParam(name: string): name is GatewayParamName {
  return NAME_SET.has(name);
}

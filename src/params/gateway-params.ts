/**
 * The gateway parameters a caller may send with a request (Keywords AI's names, so that clients
 * written for it work unchanged). They are removed before the request goes upstream.
 */
import { z } from 'zod';

const MAX_IDENTIFIER = 120;
/** Only a wrong type gets this message; other issues (unknown keys, ...) keep zod's own. */
const mustBeAn = (what: string) => (issue: { code: string }) => (issue.code === 'invalid_type' ? `must be ${what}` : undefined);

const identifier = z
  .string({ error: 'must be a string' })
  .max(MAX_IDENTIFIER, `must be at most ${MAX_IDENTIFIER} characters`);

const modelList = z.array(z.string({ error: 'must be a list of model names' }).min(1, 'must not hold an empty model name'), {
  error: 'must be a list of model names',
}).max(16, 'may hold at most 16 models');

const metadata = z
  .record(z.string().max(128, 'metadata keys must be at most 128 characters'), z.unknown(), { error: mustBeAn('an object') })
  .refine((value) => Object.keys(value).length <= 64, 'may hold at most 64 keys');

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
      num_retries: z.number({ error: 'must be a number' }).int('must be an integer').min(0).max(10).optional(),
      retry_after: z.number({ error: 'must be a number of seconds' }).min(0).max(60).optional(),
    },
    { error: mustBeAn('an object') },
  ),
  disable_log: z.boolean({ error: 'must be a boolean' }),
  request_breakdown: z.boolean({ error: 'must be a boolean' }),
  /** modelgate's own: a deadline for the whole request, retries and fallbacks included. */
  deadline_ms: z.number({ error: 'must be a number' }).int('must be an integer').min(1).max(3_600_000),
} as const;

export type GatewayParamName = keyof typeof gatewayParamShapes;
export type GatewayParams = { [K in GatewayParamName]?: z.output<(typeof gatewayParamShapes)[K]> };

export const GATEWAY_PARAM_NAMES = Object.keys(gatewayParamShapes) as GatewayParamName[];
const NAME_SET: ReadonlySet<string> = new Set(GATEWAY_PARAM_NAMES);

export function isGatewayParam(name: string): name is GatewayParamName {
  return NAME_SET.has(name);
}

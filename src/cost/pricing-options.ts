/**
 * `options.pricing`: your own prices per model, applied before the catalogue (negotiated rates, a
 * model the catalogue lacks, a local server that costs nothing).
 */
import { z } from 'zod';

const perMillion = z
  .number({ error: 'must be a price in USD per million tokens' })
  .min(0, 'must be a price in USD per million tokens, 0 or more');

/** Prices of one model in USD per million tokens. */
export const modelPricingSchema = z.strictObject({
  input: perMillion,
  output: perMillion,
  /** Cached prompt tokens read; the input price when absent. */
  cacheRead: perMillion.optional(),
  /** Prompt tokens written to a cache; the input price when absent. */
  cacheWrite: perMillion.optional(),
  /** Reasoning (thinking) tokens; the output price when absent, which is how every provider bills them today. */
  reasoning: perMillion.optional(),
});

/**
 * Keys: `provider/model` (the provider id under `options.providers` and the model name sent
 * upstream), a bare `model` (any provider), or `provider/*` (every model of that provider), tried
 * in that order.
 */
export const pricingSchema = z.record(z.string(), modelPricingSchema).superRefine((pricing, context) => {
  // Checked here rather than on the key schema, whose message zod replaces with "Invalid key in record".
  for (const key of Object.keys(pricing)) {
    if (!/^\S+$/.test(key))
      context.addIssue({
        code: 'custom',
        path: [key],
        message: 'a pricing key is `provider/model`, `model` or `provider/*`, without spaces',
      });
  }
});

export type ModelPricing = z.output<typeof modelPricingSchema>;
export type PricingOptions = z.output<typeof pricingSchema>;

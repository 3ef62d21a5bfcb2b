/**
 * Cost arithmetic: usage in disjoint buckets × a price per million tokens for each bucket. Pure and
 * allocation-light, it runs once per request.
 */
import type { NormalizedUsage } from '../usage.js';

/**
 * A long-context price: the whole bucket is charged at `price` of the highest tier whose `start`
 * the request's prompt (uncached input + cache read + cache write) exceeds, as Anthropic and
 * Gemini bill prompts above 200k tokens. `tiers` are sorted by `start`.
 */
export interface TieredRate {
  base: number;
  tiers: ReadonlyArray<{ start: number; price: number }>;
}

/** USD per million tokens. */
export type Rate = number | TieredRate;

/** The price of each usage bucket, in USD per million tokens. */
export interface BucketPrices {
  input: Rate;
  cacheRead: Rate;
  cacheWrite: Rate;
  output: Rate;
  reasoning: Rate;
}

/** What each usage bucket cost, in USD. */
export interface CostBreakdown {
  input_usd: number;
  cache_read_usd: number;
  cache_write_usd: number;
  output_usd: number;
  reasoning_usd: number;
}

export interface ComputedCost {
  total_usd: number;
  breakdown: CostBreakdown;
  /** The prompt-size threshold of the long-context tier applied; null when the base prices applied. */
  tier: number | null;
}

/** Costs are rounded to 1e-12 USD: enough for any token price, and free of floating-point noise. */
const ROUNDING = 1e12;
const round = (usd: number): number => Math.round(usd * ROUNDING) / ROUNDING;

export function computeCost(usage: NormalizedUsage, prices: BucketPrices): ComputedCost {
  const prompt = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  let tier: number | null = null;
  const charge = (tokens: number, rate: Rate): number => {
    if (tokens <= 0) return 0;
    if (typeof rate === 'number') return (tokens * rate) / 1e6;
    let price = rate.base;
    for (const step of rate.tiers) {
      if (prompt > step.start) {
        price = step.price;
        if (tier === null || step.start > tier) tier = step.start;
      }
    }
    return (tokens * price) / 1e6;
  };
  const input = charge(usage.inputTokens, prices.input);
  const cacheRead = charge(usage.cacheReadTokens, prices.cacheRead);
  const cacheWrite = charge(usage.cacheWriteTokens, prices.cacheWrite);
  const output = charge(usage.outputTokens, prices.output);
  const reasoning = charge(usage.reasoningTokens, prices.reasoning);
  return {
    total_usd: round(input + cacheRead + cacheWrite + output + reasoning),
    breakdown: {
      input_usd: round(input),
      cache_read_usd: round(cacheRead),
      cache_write_usd: round(cacheWrite),
      output_usd: round(output),
      reasoning_usd: round(reasoning),
    },
    tier,
  };
}

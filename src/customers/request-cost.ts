/**
 * The cost of a request, for budgets: an estimate before it runs (to reserve) and the real cost
 * after (to settle), both priced by the gateway's CostCalculator (`options.pricing`, then the price
 * catalogue), so that budgets count exactly what the log record's `cost_usd` says.
 */
import type { ModelFacts } from '../catalog/model-catalog.js';
import type { CostCalculator, PricedProvider } from '../cost/cost-calculator.js';
import type { RequestNeeds } from '../routing/request-needs.js';
import type { NormalizedUsage } from '../usage.js';

/** Output assumed when the request sets no `max_tokens` and the catalogue knows no output limit. */
export const DEFAULT_OUTPUT_ESTIMATE = 4_096;

/**
 * An upper estimate: the prompt at 3 characters a token (leaning high, unlike the context check)
 * plus OpenAI's framing of 4 tokens a message and 3 for the reply, and the most output the request
 * allows, for each of the `n` choices it asks for (the prompt is billed once, the output per
 * choice). Undefined when the model has no known price.
 */
export function estimateCost(
  costs: CostCalculator,
  provider: PricedProvider,
  model: string,
  facts: ModelFacts | undefined,
  needs: RequestNeeds,
): number | undefined {
  const usage: NormalizedUsage = {
    inputTokens: Math.ceil(needs.promptChars / 3) + 4 * needs.messages + 3,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: (needs.maxOutputTokens ?? facts?.maxOutputTokens ?? DEFAULT_OUTPUT_ESTIMATE) * needs.choices,
    reasoningTokens: 0,
  };
  return costs.cost(provider, model, usage).cost_usd ?? undefined;
}

/** What the usage cost; undefined when the model has no known price. */
export function actualCost(
  costs: CostCalculator,
  provider: PricedProvider,
  model: string,
  usage: NormalizedUsage,
): number | undefined {
  return costs.cost(provider, model, usage).cost_usd ?? undefined;
}

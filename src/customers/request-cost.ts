/**
 * The cost of a request, for budgets: an estimate before it runs (to reserve) and the real cost
 * after (to settle). Prices are USD per million tokens from the model catalogue or `modelInfo`.
 */
import type { ModelFacts } from '../catalog/model-catalog.js';
import type { RequestNeeds } from '../routing/request-needs.js';
import type { NormalizedUsage } from '../usage.js';

/** Output assumed when the request sets no `max_tokens` and the catalogue knows no output limit. */
export const DEFAULT_OUTPUT_ESTIMATE = 4_096;

/**
 * An upper estimate: prompt at 3 characters a token (leaning high, unlike the context check) and
 * the most output the request allows. Undefined when the model has no known price.
 */
export function estimateCost(facts: ModelFacts | undefined, needs: RequestNeeds): number | undefined {
  if (facts?.inputPrice === undefined || facts.outputPrice === undefined) return undefined;
  const prompt = Math.ceil(needs.promptChars / 3);
  const output = needs.maxOutputTokens ?? facts.maxOutputTokens ?? DEFAULT_OUTPUT_ESTIMATE;
  return (prompt * facts.inputPrice + output * facts.outputPrice) / 1e6;
}

/** What the usage cost; undefined when the model has no known price. */
export function actualCost(facts: ModelFacts | undefined, usage: NormalizedUsage): number | undefined {
  if (facts?.inputPrice === undefined || facts.outputPrice === undefined) return undefined;
  const input = facts.inputPrice;
  return (
    (usage.inputTokens * input +
      usage.cacheReadTokens * (facts.cacheReadPrice ?? input) +
      usage.cacheWriteTokens * (facts.cacheWritePrice ?? input) +
      (usage.outputTokens + usage.reasoningTokens) * facts.outputPrice) /
    1e6
  );
}

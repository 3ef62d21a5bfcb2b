/**
 * Gemini's `usageMetadata` in the gateway's disjoint buckets
 * (https://ai.google.dev/api/generate-content#UsageMetadata):
 * `promptTokenCount` includes `cachedContentTokenCount`; `candidatesTokenCount` excludes
 * `thoughtsTokenCount`; `toolUsePromptTokenCount` (results of server-side tools read back by the
 * model) is billed as input. Their sum is `totalTokenCount`.
 */
import type { NormalizedUsage } from '../../usage.js';
import type { GeminiUsageMetadata } from './gemini-types.js';

const count = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;

export function fromGeminiUsage(usageMetadata: GeminiUsageMetadata): NormalizedUsage {
  const prompt = count(usageMetadata.promptTokenCount);
  const cached = Math.min(prompt, count(usageMetadata.cachedContentTokenCount));
  return {
    inputTokens: prompt - cached + count(usageMetadata.toolUsePromptTokenCount),
    cacheReadTokens: cached,
    // Gemini bills cache storage per hour, not per written token: nothing is written per request.
    cacheWriteTokens: 0,
    outputTokens: count(usageMetadata.candidatesTokenCount),
    reasoningTokens: count(usageMetadata.thoughtsTokenCount),
  };
}

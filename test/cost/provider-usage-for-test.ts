/**
 * Stand-ins for the providers' usage normalisers still being written (`fromGeminiUsage`,
 * `fromBedrockUsage` in src/providers/<id>/usage.ts). Each follows its provider's documented usage
 * semantics; once the real ones are on main, the golden table uses those.
 */
import type { NormalizedUsage } from '../../src/usage.js';

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/**
 * Gemini `usageMetadata`: `promptTokenCount` includes the cached content (`cachedContentTokenCount`
 * is the cached part of it); tool-use prompts are counted apart in `toolUsePromptTokenCount`;
 * `candidatesTokenCount` excludes thinking, which is `thoughtsTokenCount`.
 * https://ai.google.dev/api/generate-content#UsageMetadata
 */
export function geminiUsageForTest(metadata: Record<string, unknown>): NormalizedUsage {
  const cached = num(metadata.cachedContentTokenCount);
  return {
    inputTokens: num(metadata.promptTokenCount) + num(metadata.toolUsePromptTokenCount) - cached,
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
    outputTokens: num(metadata.candidatesTokenCount),
    reasoningTokens: num(metadata.thoughtsTokenCount),
  };
}

/**
 * Bedrock Converse `usage` (TokenUsage): `inputTokens` are the tokens sent and processed, with
 * `cacheReadInputTokens` and `cacheWriteInputTokens` reported beside them; `outputTokens` are all
 * generated tokens (Converse does not break reasoning out).
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_TokenUsage.html
 * https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html
 */
export function bedrockUsageForTest(usage: Record<string, unknown>): NormalizedUsage {
  return {
    inputTokens: num(usage.inputTokens),
    cacheReadTokens: num(usage.cacheReadInputTokens),
    cacheWriteTokens: num(usage.cacheWriteInputTokens),
    outputTokens: num(usage.outputTokens),
    reasoningTokens: 0,
  };
}

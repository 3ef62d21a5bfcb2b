/**
 * Stand-ins for the providers' usage normalisers still being written (`fromGeminiUsage` in
 * src/providers/google/usage.ts). Each follows its provider's documented usage semantics; once the
 * real ones are on main, the golden table uses those.
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

/**
 * Bedrock's `TokenUsage` → modelgate's disjoint buckets. Converse counts cache reads and writes
 * outside `inputTokens` (`totalTokens` adds them back), and reports reasoning inside
 * `outputTokens` without a separate count, so reasoning stays in the output bucket.
 */
import type { NormalizedUsage } from '../../usage.js';
import type { TokenUsage } from './types.js';

const count = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;

export function fromBedrockUsage(usage: TokenUsage): NormalizedUsage {
  return {
    inputTokens: count(usage.inputTokens),
    cacheReadTokens: count(usage.cacheReadInputTokens),
    cacheWriteTokens: count(usage.cacheWriteInputTokens),
    outputTokens: count(usage.outputTokens),
    reasoningTokens: 0,
  };
}

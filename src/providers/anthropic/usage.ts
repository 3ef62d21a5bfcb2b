/**
 * Anthropic usage → disjoint buckets and back to OpenAI's conventions. Anthropic's `input_tokens`
 * already excludes cache reads and cache writes, so the three input counts add up without overlap.
 */
import type { NormalizedUsage } from '../../usage.js';
import type { AnthropicUsage } from './anthropic-types.js';

const count = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;

/** Reads an Anthropic `usage` object (a response's, or the cumulative one of `message_delta`). */
export function fromAnthropicUsage(usage: AnthropicUsage): NormalizedUsage {
  const output = count(usage.output_tokens);
  // `thinking_tokens` is counted inside `output_tokens` (API versions that report it at all).
  const reasoning = Math.min(output, count(usage.output_tokens_details?.thinking_tokens));
  return {
    inputTokens: count(usage.input_tokens),
    cacheReadTokens: count(usage.cache_read_input_tokens),
    cacheWriteTokens: count(usage.cache_creation_input_tokens),
    outputTokens: output - reasoning,
    reasoningTokens: reasoning,
  };
}

/** Keeps the latest non-null value of each field: `message_delta` repeats or completes `message_start`. */
export function mergeAnthropicUsage(into: AnthropicUsage, update: AnthropicUsage): void {
  if (update.input_tokens != null) into.input_tokens = update.input_tokens;
  if (update.output_tokens != null) into.output_tokens = update.output_tokens;
  if (update.cache_creation_input_tokens != null) into.cache_creation_input_tokens = update.cache_creation_input_tokens;
  if (update.cache_read_input_tokens != null) into.cache_read_input_tokens = update.cache_read_input_tokens;
  if (update.output_tokens_details != null) into.output_tokens_details = update.output_tokens_details;
}

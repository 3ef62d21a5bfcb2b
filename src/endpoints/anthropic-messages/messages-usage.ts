/**
 * Anthropic's usage object in the gateway's disjoint buckets: `input_tokens` already excludes cache
 * reads (`cache_read_input_tokens`) and writes (`cache_creation_input_tokens`); thinking is inside
 * `output_tokens`. A stream spreads it: `message_start` has the input, `message_delta` the
 * cumulative output (and, from some servers, the real input), so later counts complete earlier ones.
 */
import type { NormalizedUsage } from '../../usage.js';

const count = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;

/** Undefined when there is no usage object; `known` fills what this one leaves out. */
export function fromMessagesUsage(usage: unknown, known?: NormalizedUsage): NormalizedUsage | undefined {
  if (typeof usage !== 'object' || usage === null) return known;
  const u = usage as Record<string, any>;
  const output = count(u.output_tokens) ?? (known ? known.outputTokens + known.reasoningTokens : 0);
  const reasoning = Math.min(output, count(u.output_tokens_details?.thinking_tokens) ?? 0);
  return {
    inputTokens: count(u.input_tokens) ?? known?.inputTokens ?? 0,
    cacheReadTokens: count(u.cache_read_input_tokens) ?? known?.cacheReadTokens ?? 0,
    cacheWriteTokens: count(u.cache_creation_input_tokens) ?? known?.cacheWriteTokens ?? 0,
    outputTokens: output - reasoning,
    reasoningTokens: reasoning,
  };
}

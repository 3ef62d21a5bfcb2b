/**
 * The Responses API's usage object (`input_tokens` with `input_tokens_details.cached_tokens`,
 * `output_tokens` with `output_tokens_details.reasoning_tokens`) in the gateway's disjoint buckets.
 */
import type { NormalizedUsage } from '../../usage.js';

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** Undefined when there is no usage object. Cached tokens are part of `input_tokens`, reasoning part of `output_tokens`. */
export function fromResponsesUsage(usage: unknown): NormalizedUsage | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const u = usage as Record<string, any>;
  const input = num(u.input_tokens);
  const output = num(u.output_tokens);
  const cached = Math.min(input, num(u.input_tokens_details?.cached_tokens));
  const reasoning = Math.min(output, num(u.output_tokens_details?.reasoning_tokens));
  return {
    inputTokens: input - cached,
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
    outputTokens: output - reasoning,
    reasoningTokens: reasoning,
  };
}

/**
 * Token usage in disjoint buckets, so that every provider's numbers add up the same way and cost is
 * right; clients and logs see OpenAI's conventions (`prompt_tokens` includes cached tokens,
 * `completion_tokens` includes reasoning tokens).
 */
export interface NormalizedUsage {
  /** Prompt tokens not served from a cache. */
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Completion tokens other than reasoning. */
  outputTokens: number;
  reasoningTokens: number;
}

export interface LogUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
}

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** Reads OpenAI's usage object (and DeepSeek's cache fields); undefined when there is none. */
export function fromOpenAIUsage(usage: unknown): NormalizedUsage | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const u = usage as Record<string, any>;
  const prompt = num(u.prompt_tokens);
  const completion = num(u.completion_tokens);
  const cached = Math.min(prompt, num(u.prompt_tokens_details?.cached_tokens) || num(u.prompt_cache_hit_tokens));
  const reasoningReported = num(u.completion_tokens_details?.reasoning_tokens);
  // OpenAI counts reasoning inside completion_tokens. xAI counts it on top: its total_tokens is
  // prompt + completion + reasoning, and its billed cost (cost_in_usd_ticks) charges all three.
  const reasoningOnTop = reasoningReported > 0 && num(u.total_tokens) === prompt + completion + reasoningReported;
  const reasoning = reasoningOnTop ? reasoningReported : Math.min(completion, reasoningReported);
  return {
    inputTokens: prompt - cached,
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
    outputTokens: reasoningOnTop ? completion : completion - reasoning,
    reasoningTokens: reasoning,
  };
}

/** Prompt (cached and cache-written included) and completion (reasoning included) totals. */
function promptTotal(usage: NormalizedUsage): number {
  return usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}

function completionTotal(usage: NormalizedUsage): number {
  return usage.outputTokens + usage.reasoningTokens;
}

// Object literals rather than spreads: one allocation of a fixed shape, on every request.
export function toLogUsage(usage: NormalizedUsage): LogUsage {
  const prompt = promptTotal(usage);
  const completion = completionTotal(usage);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    cached_tokens: usage.cacheReadTokens,
    cache_write_tokens: usage.cacheWriteTokens,
    reasoning_tokens: usage.reasoningTokens,
  };
}

/** The usage object an OpenAI client sees (translated providers): `prompt_tokens` includes cached and cache-written tokens. */
export function toOpenAIUsage(usage: NormalizedUsage) {
  const prompt = promptTotal(usage);
  const completion = completionTotal(usage);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens, cache_write_tokens: usage.cacheWriteTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}

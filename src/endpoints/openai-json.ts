/**
 * What OpenAI's JSON answers have in common (chat completions, embeddings): the usage under
 * `usage`, and an upstream error as `{ "error": ... }` without the answer's own fields.
 */
import { fromOpenAIUsage, type NormalizedUsage } from '../usage.js';

/** The error a 200 body carries instead of an answer (neither `choices` nor `data`), or undefined. */
export function openAIErrorIn(body: Record<string, unknown>): unknown {
  return 'error' in body && !('choices' in body) && !('data' in body) ? body.error : undefined;
}

export function openAIUsageOf(body: Record<string, unknown>): NormalizedUsage | undefined {
  return fromOpenAIUsage(body.usage);
}

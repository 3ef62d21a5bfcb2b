/**
 * Gemini's `finishReason` (https://ai.google.dev/api/generate-content#FinishReason) → OpenAI's.
 * Every filter-like stop is `content_filter`; a natural stop after function calls is `tool_calls`.
 * `MALFORMED_FUNCTION_CALL` with nothing else produced is not mapped here: the translators treat it
 * as a failed attempt (see `isFailedCandidate`), because an empty answer helps no client and a retry
 * or another model usually succeeds.
 */
import { ownValue } from '../../util/own-value.js';
import type { FinishReason } from '../openai-types.js';

const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  LANGUAGE: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
  IMAGE_PROHIBITED_CONTENT: 'content_filter',
  IMAGE_RECITATION: 'content_filter',
  MALFORMED_FUNCTION_CALL: 'stop',
  UNEXPECTED_TOOL_CALL: 'stop',
  TOO_MANY_TOOL_CALLS: 'stop',
  NO_IMAGE: 'stop',
  IMAGE_OTHER: 'stop',
  OTHER: 'stop',
  FINISH_REASON_UNSPECIFIED: 'stop',
};

export function mapFinishReason(reason: string, hasToolCalls: boolean): FinishReason {
  const mapped = ownValue(FINISH_REASONS, reason) ?? 'stop';
  return mapped === 'stop' && hasToolCalls ? 'tool_calls' : mapped;
}

/** A candidate that ended in a malformed function call and produced nothing usable. */
export function isFailedCandidate(reason: string | undefined, producedOutput: boolean): boolean {
  return reason === 'MALFORMED_FUNCTION_CALL' && !producedOutput;
}

import type { FinishReason } from '../openai-types.js';

/**
 * Bedrock `stopReason` → OpenAI `finish_reason`. `malformed_model_output` and `malformed_tool_use`
 * have no OpenAI counterpart; the model stopped on its own, so they read as `stop`, as does any
 * reason added to the API later.
 */
const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
  malformed_model_output: 'stop',
  malformed_tool_use: 'stop',
};

export function mapFinishReason(stopReason: string | undefined): FinishReason {
  return (
    (stopReason !== undefined && Object.hasOwn(FINISH_REASONS, stopReason) ? FINISH_REASONS[stopReason] : undefined) ??
    'stop'
  );
}

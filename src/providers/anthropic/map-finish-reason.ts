import type { FinishReason } from '../openai-types.js';

/**
 * Anthropic `stop_reason` → OpenAI `finish_reason`. `pause_turn` (a server tool paused a long turn)
 * ends this response normally; an unknown future reason reads as `stop` rather than failing.
 */
export function mapFinishReason(stopReason: string | null | undefined, jsonTool = false): FinishReason {
  switch (stopReason) {
    case 'tool_use':
      // The forced `json` tool of a json_object request is the answer itself, not a call to run.
      return jsonTool ? 'stop' : 'tool_calls';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/**
 * The OpenAI chat shapes translators produce. Kept minimal and our own: the package must not need
 * the `openai` SDK at run time or in its published types.
 */
export interface ChatToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChatDelta {
  role?: 'assistant';
  content?: string | null;
  reasoning_content?: string;
  refusal?: string | null;
  tool_calls?: ChatToolCallDelta[];
  /** Provider-specific data a client must send back unchanged (e.g. Anthropic thinking signatures). */
  [extra: string]: unknown;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{ index: number; delta: ChatDelta; finish_reason: string | null; logprobs?: null }>;
  usage?: Record<string, unknown> | null;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

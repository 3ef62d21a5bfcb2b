/**
 * The slice of Anthropic's Messages API (`anthropic-version: 2023-06-01`) that modelgate sends and
 * reads. Our own types, so the package needs no Anthropic SDK at run time or in its published types;
 * a test checks that the request types stay assignable to `@anthropic-ai/sdk`'s.
 */

export interface CacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

export type ImageMediaType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';

export interface TextBlockParam {
  type: 'text';
  text: string;
  cache_control?: CacheControl;
}

export interface ImageBlockParam {
  type: 'image';
  source: { type: 'base64'; media_type: ImageMediaType; data: string } | { type: 'url'; url: string };
  cache_control?: CacheControl;
}

export interface DocumentBlockParam {
  type: 'document';
  source:
    | { type: 'base64'; media_type: 'application/pdf'; data: string }
    | { type: 'text'; media_type: 'text/plain'; data: string };
  title?: string;
  cache_control?: CacheControl;
}

export interface ToolUseBlockParam {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
  cache_control?: CacheControl;
}

export interface ToolResultBlockParam {
  type: 'tool_result';
  tool_use_id: string;
  content?: string | Array<TextBlockParam | ImageBlockParam | DocumentBlockParam>;
  is_error?: boolean;
  cache_control?: CacheControl;
}

export interface ThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature: string;
}

export interface RedactedThinkingBlock {
  type: 'redacted_thinking';
  data: string;
}

/** Signed reasoning a client must send back unchanged; rides in `message.thinking_blocks`. */
export type SignedThinkingBlock = ThinkingBlock | RedactedThinkingBlock;

export type UserContentBlock = TextBlockParam | ImageBlockParam | DocumentBlockParam | ToolResultBlockParam;
export type AssistantContentBlock = TextBlockParam | ToolUseBlockParam | ThinkingBlock | RedactedThinkingBlock;

export type MessageParam =
  { role: 'user'; content: UserContentBlock[] } | { role: 'assistant'; content: AssistantContentBlock[] };

export interface ToolParam {
  name: string;
  description?: string;
  input_schema: { type: 'object'; [key: string]: unknown };
  strict?: boolean;
  cache_control?: CacheControl;
}

export type ToolChoice =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

export type ThinkingConfig = { type: 'enabled'; budget_tokens: number } | { type: 'adaptive' } | { type: 'disabled' };

export type Effort = 'low' | 'medium' | 'high' | 'xhigh' | 'max';

export interface MessagesRequest {
  model: string;
  messages: MessageParam[];
  max_tokens: number;
  system?: TextBlockParam[];
  tools?: ToolParam[];
  tool_choice?: ToolChoice;
  stop_sequences?: string[];
  /** Deprecated by Anthropic (models after Claude Opus 4.6 only accept 1.0) but part of 2023-06-01. */
  temperature?: number;
  /** Deprecated like `temperature` (newer models only accept >= 0.99). */
  top_p?: number;
  /** Deprecated like `temperature` (newer models reject it). */
  top_k?: number;
  metadata?: { user_id?: string };
  thinking?: ThinkingConfig;
  output_config?: { effort?: Effort; format?: { type: 'json_schema'; schema: Record<string, unknown> } };
  service_tier?: 'auto' | 'standard_only';
  cache_control?: CacheControl;
  stream?: boolean;
}

// ---- responses and stream events ----

export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

export type ResponseContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | ThinkingBlock
  | RedactedThinkingBlock
  /** Server tools (web search, code execution, ...) we never ask for; read past them. */
  | {
      type:
        | 'server_tool_use'
        | 'web_search_tool_result'
        | 'web_fetch_tool_result'
        | 'code_execution_tool_result'
        | 'container_upload';
    };

export interface StopDetails {
  type?: string;
  explanation?: string | null;
}

export interface MessagesResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ResponseContentBlock[];
  stop_reason: string | null;
  stop_sequence?: string | null;
  stop_details?: StopDetails | null;
  usage: AnthropicUsage;
}

export type ContentDelta =
  | { type: 'text_delta'; text: string }
  | { type: 'input_json_delta'; partial_json: string }
  | { type: 'thinking_delta'; thinking: string }
  | { type: 'signature_delta'; signature: string }
  | { type: 'citations_delta' };

export interface AnthropicErrorObject {
  type: string;
  message: string;
}

/** Every event of a Messages stream; the SSE `event:` name equals the payload's `type`. */
export type StreamEvent =
  | { type: 'message_start'; message: Omit<MessagesResponse, 'content'> & { content?: ResponseContentBlock[] } }
  | { type: 'content_block_start'; index: number; content_block: ResponseContentBlock }
  | { type: 'content_block_delta'; index: number; delta: ContentDelta }
  | { type: 'content_block_stop'; index: number }
  | {
      type: 'message_delta';
      delta: { stop_reason: string | null; stop_sequence?: string | null; stop_details?: StopDetails | null };
      usage?: AnthropicUsage;
    }
  | { type: 'message_stop' }
  | { type: 'ping' }
  | { type: 'error'; error: AnthropicErrorObject };

/**
 * The parts of the Bedrock Runtime Converse / ConverseStream wire format that modelgate reads and
 * writes, from the official API reference (service model `bedrock-runtime` 2023-09-30):
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
 * Blobs travel as base64 strings in JSON (restJson1); documents are plain JSON.
 */

export interface CachePoint {
  cachePoint: { type: 'default'; ttl?: '5m' | '1h' };
}

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';
export type DocumentFormat = 'pdf' | 'csv' | 'doc' | 'docx' | 'xls' | 'xlsx' | 'html' | 'txt' | 'md';

export type ImageSource = { bytes: string } | { s3Location: { uri: string; bucketOwner?: string } };

export interface ReasoningContent {
  reasoningText?: { text: string; signature?: string };
  redactedContent?: string;
}

export type ToolResultContent =
  { text: string } | { json: unknown } | { image: { format: ImageFormat; source: ImageSource } };

/** A message content block: a union, exactly one member is set. */
export type ContentBlock =
  | { text: string }
  | { image: { format: ImageFormat; source: ImageSource } }
  | { document: { format: DocumentFormat; name: string; source: { bytes: string } } }
  | { toolUse: { toolUseId: string; name: string; input: unknown; type?: string } }
  | { toolResult: { toolUseId: string; content: ToolResultContent[]; status?: 'success' | 'error' } }
  | { reasoningContent: ReasoningContent }
  | CachePoint;

export type SystemBlock = { text: string } | CachePoint;

export interface BedrockMessage {
  role: 'user' | 'assistant';
  content: ContentBlock[];
}

export type ToolChoice = { auto: Record<string, never> } | { any: Record<string, never> } | { tool: { name: string } };

export type ToolEntry =
  { toolSpec: { name: string; description?: string; inputSchema: { json: unknown }; strict?: boolean } } | CachePoint;

export interface ConverseRequest {
  messages: BedrockMessage[];
  system?: SystemBlock[];
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number; stopSequences?: string[] };
  toolConfig?: { tools: ToolEntry[]; toolChoice?: ToolChoice };
  additionalModelRequestFields?: Record<string, unknown>;
  requestMetadata?: Record<string, string>;
  serviceTier?: { type: 'priority' | 'default' | 'flex' | 'reserved' };
  outputConfig?: {
    textFormat?: {
      type: 'json_schema';
      structure: { jsonSchema: { schema: string; name?: string; description?: string } };
    };
  };
  guardrailConfig?: Record<string, unknown>;
  performanceConfig?: { latency?: 'standard' | 'optimized' };
}

export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

/** A block of a Converse response message (only the members modelgate reads). */
export interface ResponseBlock {
  text?: string;
  toolUse?: { toolUseId: string; name: string; input?: unknown; type?: string };
  reasoningContent?: ReasoningContent;
}

export interface ConverseResponse {
  output?: { message?: { role: string; content?: ResponseBlock[] } };
  stopReason?: string;
  usage?: TokenUsage;
}

/** `ContentBlockDelta`: a union, one member set (citation, image and toolResult are not relayed). */
export interface ContentBlockDelta {
  text?: string;
  toolUse?: { input: string };
  reasoningContent?: { text?: string; signature?: string; redactedContent?: string };
  citation?: unknown;
  image?: unknown;
  toolResult?: unknown;
}

/**
 * The events of a ConverseStream response, as the event-stream decoder yields them. An event type
 * added to the API later arrives too; the translator ignores it.
 */
export type ConverseStreamEvent =
  | { eventType: 'messageStart'; payload: { role: string } }
  | {
      eventType: 'contentBlockStart';
      payload: {
        contentBlockIndex: number;
        start: { toolUse?: { toolUseId: string; name: string; type?: string }; toolResult?: unknown; image?: unknown };
      };
    }
  | { eventType: 'contentBlockDelta'; payload: { contentBlockIndex: number; delta: ContentBlockDelta } }
  | { eventType: 'contentBlockStop'; payload: { contentBlockIndex: number } }
  | { eventType: 'messageStop'; payload: { stopReason: string; additionalModelResponseFields?: unknown } }
  | { eventType: 'metadata'; payload: { usage?: TokenUsage; metrics?: { latencyMs?: number } } };

/**
 * The slice of the Gemini `generateContent` wire format this provider reads and writes, our own
 * minimal types (the package must not depend on a Google SDK). Field names follow the REST
 * reference: https://ai.google.dev/api/generate-content and https://ai.google.dev/api/caching.
 */

export interface GeminiFunctionCall {
  /** Sent by some models; when absent the gateway synthesises an OpenAI tool-call id. */
  id?: string;
  name?: string;
  args?: Record<string, unknown>;
}

export interface GeminiPart {
  text?: string;
  /** A thought summary (only with `thinkingConfig.includeThoughts`). */
  thought?: boolean;
  /** Opaque, base64: must go back to Gemini in the very part it came with. */
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType?: string; fileUri: string };
  functionCall?: GeminiFunctionCall;
  functionResponse?: { id?: string; name: string; response: Record<string, unknown> };
  [other: string]: unknown;
}

export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

export interface GeminiLogprobsCandidate {
  token?: string;
  tokenId?: number;
  logProbability?: number;
}

export interface GeminiLogprobsResult {
  chosenCandidates?: GeminiLogprobsCandidate[];
  topCandidates?: Array<{ candidates?: GeminiLogprobsCandidate[] }>;
}

export interface GeminiCandidate {
  content?: { parts?: GeminiPart[]; role?: string };
  finishReason?: string;
  finishMessage?: string;
  /** Absent for the first candidate in some responses. */
  index?: number;
  logprobsResult?: GeminiLogprobsResult;
}

export interface GeminiUsageMetadata {
  /** Includes `cachedContentTokenCount`. */
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  /** Visible output only: thoughts are counted apart. */
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  /** Results of server-side tools fed back to the model: billed as input. */
  toolUsePromptTokenCount?: number;
  totalTokenCount?: number;
}

export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
}

/** `google.rpc.Status`, the body of every Google API error. */
export interface GeminiStatus {
  code?: number;
  message?: string;
  status?: string;
  details?: Array<Record<string, unknown>>;
}

/** The subset of OpenAPI 3.0 Gemini accepts in `parameters` and `responseSchema`. */
export interface GeminiSchema {
  type?: 'STRING' | 'NUMBER' | 'INTEGER' | 'BOOLEAN' | 'ARRAY' | 'OBJECT';
  format?: string;
  title?: string;
  description?: string;
  nullable?: boolean;
  enum?: string[];
  items?: GeminiSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, GeminiSchema>;
  required?: string[];
  minProperties?: number;
  maxProperties?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  anyOf?: GeminiSchema[];
  propertyOrdering?: string[];
  default?: unknown;
  example?: unknown;
}

/**
 * OpenAI embeddings ⇄ Gemini `models/{model}:batchEmbedContents`, one upstream request for all inputs
 * (https://ai.google.dev/api/embeddings#method:-models.batchembedcontents):
 * `{ requests: [{ model: 'models/…', content: { parts: [{ text }] }, outputDimensionality?, taskType? }] }`
 * → `{ embeddings: [{ values }], usageMetadata?: { promptTokenCount } }`, embeddings in request order.
 * `usageMetadata` (EmbeddingUsageMetadata) is newer than the method and may be absent: then there is
 * no usage, and the log record says why.
 */
import { GatewayError, invalidRequest, upstreamInvalidResponse } from '../../errors.js';
import {
  embeddingsList,
  embeddingUsage,
  encodeEmbedding,
  isVector,
  readEmbeddingsRequest,
  type EmbeddingEncoding,
  type EmbeddingParamPolicy,
} from '../openai-embeddings.js';
import type { ConvertedResponse, ProviderCall } from '../types.js';

export const GEMINI_EMBEDDING_POLICY: EmbeddingParamPolicy = {
  vendor: 'Google Gemini',
  mapped: ['dimensions', 'task_type'], // dimensions → outputDimensionality; task_type (extension) → taskType
  dropped: { user: 'Gemini has no equivalent' },
};

export interface GeminiEmbedRequest {
  model: string;
  content: { parts: Array<{ text: string }> };
  outputDimensionality?: number;
  taskType?: string;
}

export interface GeminiEmbeddingsRequest {
  body: { requests: GeminiEmbedRequest[] };
  droppedParams: string[];
  encoding: EmbeddingEncoding;
}

export function convertEmbeddingsRequest(call: ProviderCall): GeminiEmbeddingsRequest {
  const request = readEmbeddingsRequest(call.body, GEMINI_EMBEDDING_POLICY, call.strictParams);
  const taskType = readTaskType(call.body.task_type);
  // Each request names the model again; it must match the one in the URL.
  const model = /^(models|tunedModels)\//.test(call.model) ? call.model : `models/${call.model}`;
  const requests = request.texts.map((text): GeminiEmbedRequest => {
    const item: GeminiEmbedRequest = { model, content: { parts: [{ text }] } };
    if (request.dimensions !== undefined) item.outputDimensionality = request.dimensions;
    if (taskType) item.taskType = taskType;
    return item;
  });
  return { body: { requests }, droppedParams: request.droppedParams, encoding: request.encoding };
}

/** `task_type`: Gemini's TaskType (`RETRIEVAL_QUERY`, `RETRIEVAL_DOCUMENT`, `SEMANTIC_SIMILARITY`, ...); Gemini judges the value. */
function readTaskType(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value !== '') return value.toUpperCase();
  throw invalidRequest(
    '`task_type` must be a Gemini task type such as `RETRIEVAL_DOCUMENT` or `RETRIEVAL_QUERY`.',
    'task_type',
  );
}

export function convertEmbeddingsResponse(
  providerId: string,
  call: ProviderCall,
  json: Record<string, unknown>,
): ConvertedResponse {
  const request = readEmbeddingsRequest(call.body, GEMINI_EMBEDDING_POLICY, false);
  const embeddings = json.embeddings;
  if (!Array.isArray(embeddings) || embeddings.length !== request.texts.length) {
    throw invalidResponse(
      providerId,
      `${Array.isArray(embeddings) ? embeddings.length : 'no'} embeddings for ${request.texts.length} inputs`,
    );
  }
  const encoded = embeddings.map((embedding: { values?: unknown } | null, index) => {
    const values = embedding?.values;
    if (!isVector(values)) throw invalidResponse(providerId, `embeddings[${index}].values is not a list of numbers`);
    return encodeEmbedding(values, request.encoding);
  });
  const tokens = (json.usageMetadata as { promptTokenCount?: unknown } | undefined)?.promptTokenCount;
  const usage =
    typeof tokens === 'number' && Number.isFinite(tokens) && tokens >= 0 ? embeddingUsage(tokens) : undefined;
  return {
    body: embeddingsList(encoded, call.model, usage),
    usage,
    usageUnavailableReason: usage
      ? undefined
      : `provider \`${providerId}\` (Gemini batchEmbedContents) sent no usageMetadata.promptTokenCount, so the tokens and the cost are unknown`,
  };
}

function invalidResponse(providerId: string, detail: string): GatewayError {
  return upstreamInvalidResponse(`Provider \`${providerId}\` sent an unusable batchEmbedContents response: ${detail}.`);
}

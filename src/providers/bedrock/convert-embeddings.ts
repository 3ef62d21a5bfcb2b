/**
 * OpenAI embeddings ⇄ Bedrock InvokeModel (`POST /model/{modelId}/invoke`) for the embedding model
 * families whose bodies are documented:
 * - Amazon Titan Text Embeddings V2 (`amazon.titan-embed-text-v2:0`) and G1 (`amazon.titan-embed-text-v1`):
 *   `{ inputText, dimensions?, normalize? }` → `{ embedding, inputTextTokenCount }`, one text per call
 *   (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html);
 * - Cohere Embed v3 (`cohere.embed-english-v3`, `cohere.embed-multilingual-v3`):
 *   `{ texts, input_type, truncate? }` → `{ embeddings, id, response_type, texts }`, up to 96 texts per
 *   call, no token counts (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed-v3.html).
 * More inputs than one call takes become several calls (`splitEmbeddingsCall`), joined in input order.
 */
import { GatewayError, invalidRequest, unsupported, upstreamInvalidResponse } from '../../errors.js';
import {
  embeddingsList,
  embeddingUsage,
  encodeEmbedding,
  isVector,
  readEmbeddingsRequest,
  type EmbeddingParamPolicy,
  type EmbeddingsRequest,
} from '../openai-embeddings.js';
import type { ConvertedResponse, ProviderCall, SplitCall } from '../types.js';

type Family = 'titan-v2' | 'titan-v1' | 'cohere-v3';

export const SUPPORTED_EMBEDDING_MODELS = [
  'amazon.titan-embed-text-v2:0',
  'amazon.titan-embed-text-v1',
  'cohere.embed-english-v3',
  'cohere.embed-multilingual-v3',
] as const;

/** Texts per Cohere Embed call (the documented maximum). */
export const COHERE_MAX_TEXTS = 96;

const FIXED_SIZE = 'its vectors have a fixed size';

const POLICIES: Readonly<Record<Family, EmbeddingParamPolicy>> = {
  'titan-v2': {
    vendor: 'Amazon Titan Text Embeddings V2',
    mapped: ['dimensions', 'normalize'],
    dropped: { user: 'Titan has no equivalent' },
  },
  'titan-v1': {
    vendor: 'Amazon Titan Embeddings G1 - Text',
    mapped: [],
    dropped: { user: 'Titan has no equivalent' },
    refused: {
      dimensions: `${FIXED_SIZE}; use amazon.titan-embed-text-v2:0 for 256, 512 or 1024`,
      normalize: 'G1 takes only the text',
    },
  },
  'cohere-v3': {
    vendor: 'Cohere Embed v3 on Bedrock',
    mapped: ['input_type', 'truncate'],
    dropped: { user: 'Cohere Embed has no equivalent' },
    refused: { dimensions: FIXED_SIZE },
  },
};

/** The family of a model id, an inference-profile id (`us.…`) or an ARN ending in one. */
export function embeddingFamilyOf(model: string): Family | undefined {
  if (/amazon\.titan-embed-text-v2/.test(model)) return 'titan-v2';
  if (/amazon\.titan-embed-text-v1/.test(model)) return 'titan-v1';
  if (/cohere\.embed-(?:english|multilingual)-v3/.test(model)) return 'cohere-v3';
  return undefined;
}

function familyFor(providerId: string, model: string): Family {
  const family = embeddingFamilyOf(model);
  if (family) return family;
  throw unsupported(
    'unsupported_model',
    `Provider \`${providerId}\` (AWS Bedrock) cannot embed with \`${model.slice(0, 200)}\`: this gateway supports the embedding models ${SUPPORTED_EMBEDDING_MODELS.join(', ')} (or inference profiles and ARNs of them).`,
    'model',
  );
}

function readRequest(
  providerId: string,
  call: ProviderCall,
  strict = call.strictParams,
): { family: Family; request: EmbeddingsRequest } {
  const family = familyFor(providerId, call.model);
  return { family, request: readEmbeddingsRequest(call.body, POLICIES[family], strict) };
}

/** The InvokeModel body of one call and what it drops. */
export function convertEmbeddingsRequest(
  providerId: string,
  call: ProviderCall,
): { body: Record<string, unknown>; droppedParams: string[] } {
  const { family, request } = readRequest(providerId, call);
  const { texts, droppedParams } = request;
  if (family === 'cohere-v3') {
    if (texts.length > COHERE_MAX_TEXTS)
      throw new GatewayError({
        status: 500,
        code: 'internal_error',
        message: `Cohere Embed takes ${COHERE_MAX_TEXTS} texts per call; the call was not split.`,
      });
    const body: Record<string, unknown> = {
      texts,
      input_type: optionalString(call.body.input_type, 'input_type') ?? 'search_document',
    };
    const truncate = optionalString(call.body.truncate, 'truncate');
    if (truncate) body.truncate = truncate;
    return { body, droppedParams };
  }
  if (texts.length !== 1)
    throw new GatewayError({
      status: 500,
      code: 'internal_error',
      message: 'Titan embeds one text per call; the call was not split.',
    });
  const body: Record<string, unknown> = { inputText: texts[0] };
  if (request.dimensions !== undefined) body.dimensions = request.dimensions;
  const normalize = call.body.normalize;
  if (normalize !== undefined && normalize !== null) {
    if (typeof normalize !== 'boolean') throw invalidRequest('`normalize` must be a boolean.', 'normalize');
    body.normalize = normalize;
  }
  return { body, droppedParams };
}

function optionalString(value: unknown, param: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value !== '') return value;
  throw invalidRequest(`\`${param}\` must be a non-empty string.`, param);
}

/** Several calls when the inputs exceed what one call takes (Titan: one, Cohere: 96). */
export function splitEmbeddingsCall(providerId: string, call: ProviderCall): SplitCall | undefined {
  if (call.operation !== 'embeddings' || !Array.isArray(call.body.input)) return undefined;
  // Checks the whole request first, so that a 400 names the problem once, before anything is sent.
  const { family, request } = readRequest(providerId, call);
  const size = family === 'cohere-v3' ? COHERE_MAX_TEXTS : 1;
  const { texts } = request;
  if (texts.length <= size) return undefined;
  const calls: ProviderCall[] = [];
  for (let start = 0; start < texts.length; start += size)
    calls.push({ ...call, body: { ...call.body, input: texts.slice(start, start + size) } });
  return { calls, join: (parts) => joinParts(call.model, parts) };
}

function joinParts(model: string, parts: ConvertedResponse[]): ConvertedResponse {
  const embeddings: Array<number[] | string> = [];
  let tokens = 0;
  let unavailable: string | undefined;
  for (const part of parts) {
    for (const item of part.body.data as Array<{ embedding: number[] | string }>) embeddings.push(item.embedding);
    if (part.usage) tokens += part.usage.inputTokens;
    else unavailable ??= part.usageUnavailableReason ?? 'a part of the request reported no token count';
  }
  // One part without a count makes the total unknown: a partial sum would understate the cost.
  const usage = unavailable ? undefined : embeddingUsage(tokens);
  return { body: embeddingsList(embeddings, model, usage), usage, usageUnavailableReason: unavailable };
}

/** One InvokeModel response → OpenAI's list (for this call's inputs). */
export function convertEmbeddingsResponse(
  providerId: string,
  call: ProviderCall,
  json: Record<string, unknown>,
): ConvertedResponse {
  const { family, request } = readRequest(providerId, call, false);
  if (family === 'cohere-v3') {
    // `embeddings` is a list of vectors (response_type `embeddings_floats`), or by type when embedding_types was sent.
    const raw = json.embeddings;
    const vectors = Array.isArray(raw) ? raw : (raw as { float?: unknown } | undefined)?.float;
    if (!Array.isArray(vectors) || vectors.length !== request.texts.length) {
      throw invalidResponse(
        providerId,
        `${Array.isArray(vectors) ? vectors.length : 'no'} embeddings for ${request.texts.length} texts`,
      );
    }
    const encoded = vectors.map((vector: unknown, index) => {
      if (!isVector(vector)) throw invalidResponse(providerId, `embeddings[${index}] is not a list of numbers`);
      return encodeEmbedding(vector, request.encoding);
    });
    const reason = `Cohere Embed on Bedrock (provider \`${providerId}\`) reports no token counts, so the tokens and the cost are unknown`;
    return { body: embeddingsList(encoded, call.model, undefined), usageUnavailableReason: reason };
  }
  if (!isVector(json.embedding)) throw invalidResponse(providerId, '`embedding` is not a list of numbers');
  const count = json.inputTextTokenCount;
  const usage = typeof count === 'number' && Number.isFinite(count) && count >= 0 ? embeddingUsage(count) : undefined;
  return {
    body: embeddingsList([encodeEmbedding(json.embedding, request.encoding)], call.model, usage),
    usage,
    usageUnavailableReason: usage
      ? undefined
      : `provider \`${providerId}\` sent a Titan response without inputTextTokenCount`,
  };
}

function invalidResponse(providerId: string, detail: string): GatewayError {
  return upstreamInvalidResponse(
    `Provider \`${providerId}\` sent an unusable InvokeModel embeddings response: ${detail}.`,
  );
}

/**
 * OpenAI embeddings ⇄ Gemini batchEmbedContents, as pure conversions.
 * Wire format: https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
 * (EmbedContentRequest: model, content, taskType, title, outputDimensionality; the response's
 * embeddings[] in request order; usageMetadata per https://ai.google.dev/api/embeddings#EmbeddingUsageMetadata).
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { convertEmbeddingsRequest, convertEmbeddingsResponse } from '../../src/providers/google/convert-embeddings.js';
import { googleProvider } from '../../src/providers/google/index.js';
import type { ProviderCall } from '../../src/providers/types.js';

const call = (body: Record<string, unknown>, model = 'gemini-embedding-001', strictParams = false): ProviderCall => ({
  operation: 'embeddings',
  model,
  body: { model, ...body },
  stream: false,
  strictParams,
});

describe('convertEmbeddingsRequest', () => {
  it('puts every input in one batch, naming the model in each, with outputDimensionality and taskType', () => {
    expect(
      convertEmbeddingsRequest(call({ input: ['a', 'b'], dimensions: 768, task_type: 'semantic_similarity' })).body,
    ).toEqual({
      requests: [
        {
          model: 'models/gemini-embedding-001',
          content: { parts: [{ text: 'a' }] },
          outputDimensionality: 768,
          taskType: 'SEMANTIC_SIMILARITY',
        },
        {
          model: 'models/gemini-embedding-001',
          content: { parts: [{ text: 'b' }] },
          outputDimensionality: 768,
          taskType: 'SEMANTIC_SIMILARITY',
        },
      ],
    });
  });

  it('keeps a full resource name, reports `user` dropped, and refuses it under strictParams', () => {
    const converted = convertEmbeddingsRequest(call({ input: 'x', user: 'u-1' }, 'tunedModels/my-embedder'));
    expect(converted.body.requests[0].model).toBe('tunedModels/my-embedder');
    expect(converted.droppedParams).toEqual(['user']);
    expect(() => convertEmbeddingsRequest(call({ input: 'x', user: 'u-1' }, 'gemini-embedding-001', true))).toThrow(
      expect.objectContaining({ param: 'user', code: 'unsupported_parameter' }),
    );
  });
});

describe('convertEmbeddingsResponse', () => {
  const response = {
    embeddings: [{ values: [0.5, 0.25] }, { values: [1, 2] }],
    usageMetadata: { promptTokenCount: 11, promptTokenDetails: [{ modality: 'TEXT', tokenCount: 11 }] },
  };

  it('maps embeddings in order and usage from usageMetadata.promptTokenCount', () => {
    const converted = convertEmbeddingsResponse(
      'google',
      call({ input: ['a', 'b'], encoding_format: 'float' }),
      response,
    );
    expect(converted.body).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.5, 0.25] },
        { object: 'embedding', index: 1, embedding: [1, 2] },
      ],
      model: 'gemini-embedding-001',
      usage: { prompt_tokens: 11, total_tokens: 11 },
    });
    expect(converted.usage).toEqual({
      inputTokens: 11,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
    });
  });

  it('encodes base64 when asked', () => {
    const converted = convertEmbeddingsResponse(
      'google',
      call({ input: ['a', 'b'], encoding_format: 'base64' }),
      response,
    );
    const first = Buffer.from((converted.body.data as any)[0].embedding, 'base64');
    expect([first.readFloatLE(0), first.readFloatLE(4)]).toEqual([0.5, 0.25]);
  });

  it('has no usage and says why when Gemini sends no usageMetadata', () => {
    const converted = convertEmbeddingsResponse('google', call({ input: 'a' }), { embeddings: [{ values: [1] }] });
    expect(converted.usage).toBeUndefined();
    expect(converted.body).not.toHaveProperty('usage');
    expect(converted.usageUnavailableReason).toContain('usageMetadata');
  });

  it('refuses a response whose embeddings do not match the inputs (a retryable 502)', () => {
    expect(() =>
      convertEmbeddingsResponse('google', call({ input: ['a', 'b'] }), { embeddings: [{ values: [1] }] }),
    ).toThrow(expect.objectContaining({ status: 502, code: 'upstream_invalid_response', retryable: true }));
    expect(() =>
      convertEmbeddingsResponse('google', call({ input: 'a' }), { embeddings: [{ values: ['x'] }] }),
    ).toThrow(expect.objectContaining({ status: 502 }));
  });
});

describe('the google provider', () => {
  it('posts to models/{model}:batchEmbedContents with the key in its header', () => {
    const provider = googleProvider({
      id: 'google',
      apiKey: 'AIza-test-key-not-real-000000000',
      baseURL: 'http://127.0.0.1:1/v1beta',
    });
    const request = provider.buildRequest(call({ input: 'x' }));
    expect(request.url).toBe('http://127.0.0.1:1/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(request.headers['x-goog-api-key']).toBe('AIza-test-key-not-real-000000000');
  });

  it('on Vertex AI refuses embeddings with a 400 that says what to configure instead', () => {
    // A key made for the test: the provider reads it when it is created.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const credentials = {
      type: 'service_account',
      project_id: 'p',
      private_key_id: 'k',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: 'x@p.iam.gserviceaccount.com',
    };
    const provider = googleProvider({ id: 'vertex', vertex: { project: 'p', credentials } });
    expect(() => provider.buildRequest(call({ input: 'x' }))).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'unsupported_operation',
        message: expect.stringContaining('Gemini API key'),
      }),
    );
  });
});

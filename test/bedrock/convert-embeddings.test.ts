/**
 * OpenAI embeddings ⇄ Bedrock InvokeModel bodies, as pure conversions.
 * Titan: https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html
 * (V2 `{ inputText, dimensions, normalize }` → `{ embedding, inputTextTokenCount, embeddingsByType }`).
 * Cohere Embed v3: https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed-v3.html
 * (`{ texts, input_type, truncate, embedding_types }`, at most 96 texts; the default response type is
 * `embeddings_floats`, `embeddings_by_type` when embedding_types is sent).
 */
import { describe, expect, it } from 'vitest';
import {
  convertEmbeddingsRequest,
  convertEmbeddingsResponse,
  embeddingFamilyOf,
  splitEmbeddingsCall,
} from '../../src/providers/bedrock/convert-embeddings.js';
import { bedrockProvider } from '../../src/providers/bedrock/index.js';
import type { ProviderCall } from '../../src/providers/types.js';

const call = (model: string, body: Record<string, unknown>, strictParams = false): ProviderCall => ({
  operation: 'embeddings',
  model,
  body: { model, ...body },
  stream: false,
  strictParams,
});
const TITAN = 'amazon.titan-embed-text-v2:0';
const COHERE = 'cohere.embed-multilingual-v3';

describe('embedding families', () => {
  it('recognises model ids, inference profiles and ARNs', () => {
    expect(embeddingFamilyOf(TITAN)).toBe('titan-v2');
    expect(embeddingFamilyOf('arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0')).toBe(
      'titan-v2',
    );
    expect(embeddingFamilyOf('amazon.titan-embed-text-v1')).toBe('titan-v1');
    expect(embeddingFamilyOf('us.cohere.embed-english-v3')).toBe('cohere-v3');
    expect(embeddingFamilyOf('cohere.embed-v4:0')).toBeUndefined();
    expect(embeddingFamilyOf('amazon.titan-embed-image-v1')).toBeUndefined();
  });
});

describe('Titan', () => {
  it('builds { inputText, dimensions, normalize } and drops user', () => {
    expect(
      convertEmbeddingsRequest('aws', call(TITAN, { input: 'hi', dimensions: 512, normalize: true, user: 'u' })),
    ).toEqual({ body: { inputText: 'hi', dimensions: 512, normalize: true }, droppedParams: ['user'] });
    expect(() => convertEmbeddingsRequest('aws', call(TITAN, { input: 'hi', normalize: 'yes' }))).toThrow(
      expect.objectContaining({ param: 'normalize' }),
    );
  });

  it('refuses dimensions on G1, whose vectors have a fixed size', () => {
    expect(() =>
      convertEmbeddingsRequest('aws', call('amazon.titan-embed-text-v1', { input: 'hi', dimensions: 256 })),
    ).toThrow(
      expect.objectContaining({
        status: 400,
        param: 'dimensions',
        message: expect.stringContaining('amazon.titan-embed-text-v2:0'),
      }),
    );
  });

  it('splits several inputs into one call each and joins them in order, tokens summed', () => {
    const split = splitEmbeddingsCall(
      'aws',
      call(TITAN, { input: ['a', 'b', 'c'], dimensions: 256, encoding_format: 'float' }),
    )!;
    expect(split.calls.map((part) => part.body.input)).toEqual([['a'], ['b'], ['c']]);
    expect(split.calls.every((part) => part.body.dimensions === 256)).toBe(true);
    const parts = split.calls.map((part, i) =>
      convertEmbeddingsResponse('aws', part, { embedding: [i], inputTextTokenCount: i + 1 }),
    );
    const joined = split.join(parts);
    expect(joined.body).toEqual({
      object: 'list',
      data: [0, 1, 2].map((i) => ({ object: 'embedding', index: i, embedding: [i] })),
      model: TITAN,
      usage: { prompt_tokens: 6, total_tokens: 6 },
    });
    expect(splitEmbeddingsCall('aws', call(TITAN, { input: ['only'] }))).toBeUndefined();
    expect(splitEmbeddingsCall('aws', call(TITAN, { input: 'only' }))).toBeUndefined();
  });

  it('a joined response has no usage when one part had none (a partial sum would understate the cost)', () => {
    const split = splitEmbeddingsCall('aws', call(TITAN, { input: ['a', 'b'] }))!;
    const joined = split.join([
      convertEmbeddingsResponse('aws', split.calls[0], { embedding: [1], inputTextTokenCount: 3 }),
      convertEmbeddingsResponse('aws', split.calls[1], { embedding: [2] }),
    ]);
    expect(joined.usage).toBeUndefined();
    expect(joined.usageUnavailableReason).toContain('inputTextTokenCount');
  });
});

describe('Cohere Embed v3', () => {
  it('builds { texts, input_type (search_document by default), truncate }', () => {
    expect(convertEmbeddingsRequest('aws', call(COHERE, { input: ['a', 'b'] })).body).toEqual({
      texts: ['a', 'b'],
      input_type: 'search_document',
    });
    expect(
      convertEmbeddingsRequest('aws', call(COHERE, { input: 'q', input_type: 'search_query', truncate: 'START' })).body,
    ).toEqual({ texts: ['q'], input_type: 'search_query', truncate: 'START' });
  });

  it('reads embeddings_floats and embeddings_by_type answers; no usage, with the reason', () => {
    const floats = convertEmbeddingsResponse('aws', call(COHERE, { input: ['a', 'b'], encoding_format: 'float' }), {
      embeddings: [
        [1, 2],
        [3, 4],
      ],
      id: 'x',
      response_type: 'embeddings_floats',
      texts: ['a', 'b'],
    });
    expect((floats.body.data as any[]).map((item) => item.embedding)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(floats.usage).toBeUndefined();
    expect(floats.usageUnavailableReason).toContain('reports no token counts');
    const byType = convertEmbeddingsResponse('aws', call(COHERE, { input: ['a'], encoding_format: 'float' }), {
      embeddings: { float: [[5]] },
      id: 'y',
      response_type: 'embeddings_by_type',
      texts: ['a'],
    });
    expect((byType.body.data as any[])[0].embedding).toEqual([5]);
    expect(() => convertEmbeddingsResponse('aws', call(COHERE, { input: ['a', 'b'] }), { embeddings: [[1]] })).toThrow(
      expect.objectContaining({ status: 502 }),
    );
  });

  it('splits into calls of at most 96 texts', () => {
    const input = Array.from({ length: 200 }, (_, i) => `t${i}`);
    const split = splitEmbeddingsCall('aws', call(COHERE, { input }))!;
    expect(split.calls.map((part) => (part.body.input as string[]).length)).toEqual([96, 96, 8]);
    expect(splitEmbeddingsCall('aws', call(COHERE, { input: input.slice(0, 96) }))).toBeUndefined();
  });
});

describe('the bedrock provider', () => {
  const provider = bedrockProvider({
    id: 'aws',
    region: 'eu-west-1',
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'test-secret-key-not-real-000000000000000',
  });

  it('posts InvokeModel to /model/{url-encoded id}/invoke', () => {
    const request = provider.buildRequest(call(TITAN, { input: 'x' }));
    expect(request.url).toBe(
      'https://bedrock-runtime.eu-west-1.amazonaws.com/model/amazon.titan-embed-text-v2%3A0/invoke',
    );
    expect(request.headers).toMatchObject({ 'content-type': 'application/json', accept: 'application/json' });
    expect(JSON.parse(request.body!)).toEqual({ inputText: 'x' });
  });

  it('sends a Bedrock API key as a bearer token, unsigned', () => {
    const keyed = bedrockProvider({ id: 'aws', region: 'us-west-2', apiKey: 'bedrock-api-key-test-not-real' });
    const request = keyed.buildRequest(call(COHERE, { input: ['a'] }));
    expect(request.url).toBe(
      'https://bedrock-runtime.us-west-2.amazonaws.com/model/cohere.embed-multilingual-v3/invoke',
    );
    expect(request.headers.authorization).toBe('Bearer bedrock-api-key-test-not-real');
    expect(keyed.signRequest).toBeUndefined();
  });

  it('refuses an unknown embedding family with a 400 naming the supported ones (before splitting too)', () => {
    for (const attempt of [
      () => provider.buildRequest(call('meta.llama3-8b-instruct-v1:0', { input: 'x' })),
      () => provider.splitCall!(call('cohere.embed-v4:0', { input: ['a', 'b'] })),
    ]) {
      expect(attempt).toThrow(
        expect.objectContaining({
          status: 400,
          code: 'unsupported_model',
          message: expect.stringContaining(
            'amazon.titan-embed-text-v2:0, amazon.titan-embed-text-v1, cohere.embed-english-v3, cohere.embed-multilingual-v3',
          ),
        }),
      );
    }
  });
});

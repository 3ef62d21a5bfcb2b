/**
 * The OpenAI side of translated embeddings. `encoding_format: 'base64'` must be what OpenAI sends:
 * the vector's float32 values, little-endian, base64 (the openai SDK decodes it with a
 * Float32Array over the decoded bytes). Request fields per the OpenAI spec: test/specs/openai-openapi.json
 * (CreateEmbeddingRequest: input is a string, strings, an array of token ids or arrays of them).
 */
import { describe, expect, it } from 'vitest';
import {
  embeddingsList,
  embeddingUsage,
  float32Base64,
  readEmbeddingsRequest,
  type EmbeddingParamPolicy,
} from '../src/providers/openai-embeddings.js';

const POLICY: EmbeddingParamPolicy = {
  vendor: 'Test Vendor',
  mapped: ['dimensions'],
  dropped: { user: 'no equivalent' },
  refused: { extra_refused: 'never' },
};

describe('float32Base64', () => {
  it('is little-endian float32, decoded as the openai SDK does', () => {
    const values = [0.1, -1, 3.5, 1e-8, 123456.789];
    const bytes = Buffer.from(float32Base64(values), 'base64');
    expect(bytes.byteLength).toBe(values.length * 4);
    const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, values.length));
    expect(decoded).toEqual(values.map(Math.fround));
    expect(float32Base64([1])).toBe(Buffer.from([0x00, 0x00, 0x80, 0x3f]).toString('base64'));
  });
});

describe('readEmbeddingsRequest', () => {
  it('reads text inputs, the encoding and dimensions', () => {
    expect(
      readEmbeddingsRequest({ model: 'm', input: 'one', dimensions: 8, encoding_format: 'base64' }, POLICY, false),
    ).toEqual({ texts: ['one'], encoding: 'base64', dimensions: 8, droppedParams: [] });
    expect(
      readEmbeddingsRequest({ model: 'm', input: ['a', 'b'], encoding_format: null }, POLICY, false),
    ).toMatchObject({ texts: ['a', 'b'], encoding: 'float' });
  });

  it('refuses token ids (one array or several) naming the vendor, and non-string items', () => {
    for (const input of [
      [1, 2, 3],
      [[1, 2], [3]],
    ]) {
      expect(() => readEmbeddingsRequest({ model: 'm', input }, POLICY, false)).toThrow(
        expect.objectContaining({
          status: 400,
          code: 'unsupported_input',
          param: 'input',
          message: expect.stringContaining('Test Vendor embeds text only'),
        }),
      );
    }
    expect(() => readEmbeddingsRequest({ model: 'm', input: ['a', { text: 'b' }] }, POLICY, false)).toThrow(
      expect.objectContaining({ status: 400, param: 'input[1]' }),
    );
    expect(() => readEmbeddingsRequest({ model: 'm', input: [] }, POLICY, false)).toThrow(
      expect.objectContaining({ status: 400, param: 'input' }),
    );
  });

  it('refuses a bad encoding_format or dimensions', () => {
    expect(() => readEmbeddingsRequest({ model: 'm', input: 'x', encoding_format: 'int8' }, POLICY, false)).toThrow(
      expect.objectContaining({ param: 'encoding_format' }),
    );
    for (const dimensions of [0, -3, 1.5, '256']) {
      expect(() => readEmbeddingsRequest({ model: 'm', input: 'x', dimensions }, POLICY, false)).toThrow(
        expect.objectContaining({ param: 'dimensions' }),
      );
    }
  });

  it('drops and reports what the policy drops or does not know, refuses it under strictParams, always refuses the refused', () => {
    expect(
      readEmbeddingsRequest({ model: 'm', input: 'x', user: 'u', something_new: 1, other: null }, POLICY, false)
        .droppedParams,
    ).toEqual(['user', 'something_new']);
    expect(() => readEmbeddingsRequest({ model: 'm', input: 'x', user: 'u' }, POLICY, true)).toThrow(
      expect.objectContaining({
        code: 'unsupported_parameter',
        param: 'user',
        message: expect.stringContaining('strictParams'),
      }),
    );
    expect(() => readEmbeddingsRequest({ model: 'm', input: 'x', extra_refused: true }, POLICY, false)).toThrow(
      expect.objectContaining({
        code: 'unsupported_parameter',
        param: 'extra_refused',
        message: expect.stringContaining('never'),
      }),
    );
  });
});

describe('embeddingsList', () => {
  it("is OpenAI's list, with usage only when there is some", () => {
    expect(embeddingsList([[1, 2], 'AACAPw=='], 'm', embeddingUsage(5))).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [1, 2] },
        { object: 'embedding', index: 1, embedding: 'AACAPw==' },
      ],
      model: 'm',
      usage: { prompt_tokens: 5, total_tokens: 5 },
    });
    expect(embeddingsList([[1]], 'm', undefined)).not.toHaveProperty('usage');
  });
});

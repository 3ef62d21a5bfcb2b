/**
 * Gemini embeddings end to end: the official openai SDK (which asks for base64 by default and
 * decodes it) through a real Express host, and a loopback server answering like
 * `models/{model}:batchEmbedContents`.
 * Wire format: https://ai.google.dev/api/embeddings#method:-models.batchembedcontents (request
 * `{ requests: [EmbedContentRequest] }`, response `{ embeddings: [{ values }] }` in request order, and
 * `usageMetadata: EmbeddingUsageMetadata { promptTokenCount }`, https://ai.google.dev/api/embeddings#EmbeddingUsageMetadata);
 * errors are google.rpc.Status bodies (https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes).
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { useGeminiStack } from '../helpers/gemini-stack.js';
import { json } from '../helpers/upstream.js';

const stack = useGeminiStack();

/** Distinct, non-float32-exact values per input, so order and decoding both show. */
const vectorFor = (index: number, size: number) => Array.from({ length: size }, (_, i) => 0.1 * (index + 1) + i / 7);

/** Answers each request with one vector per input, sized by outputDimensionality (default 4). */
function batchEmbed(usage?: { promptTokenCount: number }) {
  return (request: { body: any }, response: Parameters<typeof json>[0]) => {
    const embeddings = request.body.requests.map((item: any, index: number) => ({
      values: vectorFor(index, item.outputDimensionality ?? 4),
    }));
    json(response, 200, usage ? { embeddings, usageMetadata: usage } : { embeddings });
  };
}

describe('Gemini embeddings through the openai SDK', () => {
  it("sends one batchEmbedContents for all inputs and decodes the SDK's default base64 into the same floats", async () => {
    stack.gemini.handle(batchEmbed({ promptTokenCount: 9 }));
    const result = await stack.client.embeddings.create({
      model: 'gemini-embedding-001',
      input: ['first text', 'second text'],
      dimensions: 3,
    });

    expect(stack.gemini.requests).toHaveLength(1);
    const sent = stack.gemini.requests[0];
    expect(sent.url).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(sent.body).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'first text' }] }, outputDimensionality: 3 },
        {
          model: 'models/gemini-embedding-001',
          content: { parts: [{ text: 'second text' }] },
          outputDimensionality: 3,
        },
      ],
    });
    expect(result.object).toBe('list');
    expect(result.model).toBe('gemini-embedding-001');
    expect(result.data.map((item) => item.index)).toEqual([0, 1]);
    // float32 on the wire: each value is the float32 nearest to Gemini's.
    expect(result.data.map((item) => item.embedding)).toEqual([
      vectorFor(0, 3).map(Math.fround),
      vectorFor(1, 3).map(Math.fround),
    ]);
    expect(result.usage).toEqual({ prompt_tokens: 9, total_tokens: 9 });

    const [record] = await stack.logs.settle(1);
    expect(stack.logs.records).toHaveLength(1);
    expect(record).toMatchObject({
      endpoint: 'embeddings',
      provider: 'google',
      model: 'gemini-embedding-001',
      status: 'success',
      usage: { prompt_tokens: 9, completion_tokens: 0, total_tokens: 9 },
    });
    expect(record.output).toEqual({ embeddings: 2, dimensions: 3 });
    // The catalogue prices gemini-embedding-001 at $0.15 per million input tokens.
    expect(record.cost_usd).toBeCloseTo((9 * 0.15) / 1e6, 12);
    expect(record.cost_unavailable_reason).toBeNull();
  });

  it("answers encoding_format float with Gemini's numbers unchanged", async () => {
    stack.gemini.handle(batchEmbed({ promptTokenCount: 2 }));
    const result = await stack.client.embeddings.create({
      model: 'gemini-embedding-001',
      input: 'one text',
      encoding_format: 'float',
    });
    expect(stack.gemini.requests[0].body.requests).toEqual([
      { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'one text' }] } },
    ]);
    expect(result.data).toEqual([{ object: 'embedding', index: 0, embedding: vectorFor(0, 4) }]);
  });

  it('the raw base64 is little-endian float32, as OpenAI sends it', async () => {
    stack.gemini.handle((_request, response) =>
      json(response, 200, { embeddings: [{ values: [1, -2.5, 0.25] }], usageMetadata: { promptTokenCount: 1 } }),
    );
    const response = await fetch(`${stack.host.baseURL}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-embedding-001', input: 'x', encoding_format: 'base64' }),
    });
    const body = await response.json();
    const bytes = Buffer.from(body.data[0].embedding, 'base64');
    expect([bytes.readFloatLE(0), bytes.readFloatLE(4), bytes.readFloatLE(8)]).toEqual([1, -2.5, 0.25]);
    expect(bytes.toString('hex')).toBe('0000803f000020c00000803e');
  });

  it('without usageMetadata: no usage in the answer, null usage in the log and the reason', async () => {
    stack.gemini.handle(batchEmbed());
    const result = await stack.client.embeddings.create({ model: 'gemini-embedding-001', input: ['a'] });
    expect(result.data).toHaveLength(1);
    expect(result.usage).toBeUndefined();
    const [record] = await stack.logs.settle(1);
    expect(record).toMatchObject({ status: 'success', usage: null, cost_usd: null });
    expect(record.cost_unavailable_reason).toContain('usageMetadata');
  });

  it('drops `user` and says so in the header; task_type reaches Gemini as taskType', async () => {
    stack.gemini.handle(batchEmbed({ promptTokenCount: 1 }));
    const { response } = await stack.client.embeddings
      .create({
        model: 'gemini-embedding-001',
        input: 'q',
        user: 'end-user-1',
        task_type: 'retrieval_query',
      } as OpenAI.EmbeddingCreateParams)
      .withResponse();
    expect(response.headers.get('x-modelgate-dropped-params')).toBe('user');
    expect(stack.gemini.requests[0].body.requests[0]).toMatchObject({ taskType: 'RETRIEVAL_QUERY' });
    expect(stack.gemini.requests[0].body.requests[0]).not.toHaveProperty('user');
    const [record] = await stack.logs.settle(1);
    expect(record.dropped_params).toEqual(['user']);
  });

  it('refuses token-id inputs with a 400 that names the problem, before anything goes upstream', async () => {
    const error = await stack.client.embeddings
      .create({ model: 'gemini-embedding-001', input: [[1, 2, 3]] })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, code: 'unsupported_input', param: 'input' });
    expect(error.message).toContain('token ids');
    expect(stack.gemini.requests).toHaveLength(0);
    const [record] = await stack.logs.settle(1);
    expect(record).toMatchObject({ status: 'error', status_code: 400 });
  });

  it("passes Gemini's 400 on as an OpenAI-shaped 400 with Gemini's message", async () => {
    stack.gemini.handle((_request, response) =>
      json(response, 400, {
        error: {
          code: 400,
          message: '* BatchEmbedContentsRequest.requests[0].output_dimensionality: must be positive',
          status: 'INVALID_ARGUMENT',
        },
      }),
    );
    const error = await stack.client.embeddings
      .create({ model: 'gemini-embedding-001', input: 'x', dimensions: 100000 })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_argument' });
    expect(error.error).toMatchObject({ type: 'invalid_request_error' });
    expect(error.message).toContain('output_dimensionality');
    const [record] = await stack.logs.settle(1);
    expect(stack.logs.records).toHaveLength(1);
    expect(record).toMatchObject({ status: 'error', status_code: 400, usage: null });
    expect(record.attempts.map((attempt) => [attempt.provider, attempt.status_code])).toEqual([['google', 400]]);
  });

  it("routes Google's bare embedding names to google, and OpenAI's to openai", async () => {
    stack.gemini.handle(batchEmbed({ promptTokenCount: 1 }));
    stack.openai.handle((_request, response) =>
      json(response, 200, {
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [0.5, 0.25] }],
        model: 'text-embedding-3-small',
        usage: { prompt_tokens: 1, total_tokens: 1 },
      }),
    );
    await stack.client.embeddings.create({ model: 'text-embedding-004', input: 'x' });
    await stack.client.embeddings.create({ model: 'embedding-001', input: 'x' });
    const openai = await stack.client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'x',
      encoding_format: 'float',
    });
    expect(stack.gemini.requests.map((request) => request.url)).toEqual([
      '/v1beta/models/text-embedding-004:batchEmbedContents',
      '/v1beta/models/embedding-001:batchEmbedContents',
    ]);
    expect(stack.openai.requests.map((request) => request.url)).toEqual(['/v1/embeddings']);
    expect(openai.data[0].embedding).toEqual([0.5, 0.25]);
    await stack.logs.settle(3);
    expect(stack.logs.records.map((record) => record.provider)).toEqual(['google', 'google', 'openai']);
  });
});

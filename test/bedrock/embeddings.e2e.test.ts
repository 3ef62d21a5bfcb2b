/**
 * Bedrock embeddings end to end: the official openai SDK (base64 by default, decoded by the SDK)
 * through a real Express host, and a loopback server answering InvokeModel
 * (`POST /model/{modelId}/invoke`, https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html)
 * with the model families' own bodies:
 * - Titan Text Embeddings V2: `{ inputText, dimensions?, normalize? }` → `{ embedding, inputTextTokenCount }`
 *   (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html);
 * - Cohere Embed v3: `{ texts, input_type, truncate? }` → `{ embeddings, id, response_type, texts }`,
 *   at most 96 texts per call (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed-v3.html).
 * Every request must carry a SigV4 signature the test recomputes (test/helpers/bedrock.ts).
 */
import type { ServerResponse } from 'node:http';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { bedrockError, verifySigV4 } from '../helpers/bedrock.js';
import { logCollector } from '../helpers/logs.js';
import { useSdkRig } from '../helpers/sdk-rig.js';
import { json, type ReceivedRequest } from '../helpers/upstream.js';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-secret-key-not-real-000000000000000' };
const REGION = 'us-east-1';
const TITAN = 'amazon.titan-embed-text-v2:0';
const COHERE = 'cohere.embed-english-v3';
/** Test prices (USD per million input tokens), so that the expected cost does not depend on the catalogue. */
const TITAN_PRICE = 0.02;

const logs = logCollector();

const rig = useSdkRig(['bedrock'], ({ bedrock }) => ({
  providers: { aws: { kind: 'bedrock', region: REGION, baseURL: bedrock.origin, ...CREDENTIALS } },
  pricing: { [`aws/${TITAN}`]: { input: TITAN_PRICE, output: 0 } },
  retry: { maxRetries: 0 },
  health: false,
  onLog: logs.sink,
}));

afterEach(() => {
  for (const request of rig.bedrock.requests) {
    expect(request.method).toBe('POST');
    expect(request.url).toMatch(/^\/model\/[^/]+\/invoke$/);
    expect(request.headers['content-type']).toBe('application/json');
    verifySigV4(request, CREDENTIALS, REGION);
  }
  rig.bedrock.requests.length = 0;
  logs.records.length = 0;
});

/** A vector that says which text it embeds: [length, first char code, 0.1]. */
const vectorOf = (text: string) => [text.length, text.charCodeAt(0), 0.1];

describe('Titan Text Embeddings V2', () => {
  it('embeds several inputs with one signed InvokeModel each, in input order, tokens summed and priced', async () => {
    // Answers out of order (the longest text last) to show the join keeps the input order.
    rig.bedrock.handle((request, response) => {
      setTimeout(
        () =>
          json(response, 200, {
            embedding: vectorOf(request.body.inputText),
            inputTextTokenCount: request.body.inputText.length,
            embeddingsByType: { float: vectorOf(request.body.inputText) },
          }),
        40 - request.body.inputText.length * 5,
      );
    });
    const input = ['a', 'bb', 'ccc'];
    const result = await rig.client.embeddings.create({ model: TITAN, input, dimensions: 256 });

    expect(rig.bedrock.requests).toHaveLength(3);
    const encodedId = 'amazon.titan-embed-text-v2%3A0';
    for (const request of rig.bedrock.requests) {
      expect(request.url).toBe(`/model/${encodedId}/invoke`);
      expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
      expect(request.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
      expect(verifySigV4(request, CREDENTIALS, REGION).canonicalRequest.split('\n')[1]).toBe(
        '/model/amazon.titan-embed-text-v2%253A0/invoke',
      );
    }
    expect(
      rig.bedrock.requests.map((request) => request.body).sort((a, b) => a.inputText.localeCompare(b.inputText)),
    ).toEqual(input.map((inputText) => ({ inputText, dimensions: 256 })));
    expect(result.data.map((item) => [item.index, item.embedding])).toEqual(
      input.map((text, index) => [index, vectorOf(text).map(Math.fround)]),
    );
    expect(result.usage).toEqual({ prompt_tokens: 6, total_tokens: 6 });
    expect(result.model).toBe(TITAN);

    const [record] = await logs.settle(1);
    expect(logs.records).toHaveLength(1);
    expect(record).toMatchObject({
      endpoint: 'embeddings',
      provider: 'aws',
      model: TITAN,
      status: 'success',
      usage: { prompt_tokens: 6, total_tokens: 6 },
    });
    expect(record.output).toEqual({ embeddings: 3, dimensions: 3 });
    expect(record.cost_usd).toBeCloseTo((6 * TITAN_PRICE) / 1e6, 15);
    expect(record.attempts).toHaveLength(1);
  });

  it('sends one string as one call, with normalize as an extension, floats when asked', async () => {
    rig.bedrock.handle((request, response) => json(response, 200, { embedding: [0.5, -0.25], inputTextTokenCount: 4 }));
    const result = await rig.client.embeddings.create({
      model: TITAN,
      input: 'hello there',
      encoding_format: 'float',
      normalize: false,
    } as OpenAI.EmbeddingCreateParams);
    expect(rig.bedrock.requests.map((request) => request.body)).toEqual([
      { inputText: 'hello there', normalize: false },
    ]);
    expect(result.data).toEqual([{ object: 'embedding', index: 0, embedding: [0.5, -0.25] }]);
  });

  it("maps a ValidationException to an OpenAI-shaped 400 with Bedrock's message, one log record", async () => {
    rig.bedrock.handle((request, response) =>
      bedrockError(
        response,
        400,
        'ValidationException',
        'Malformed input request: #/dimensions: 300 is not a valid enum value, please reformat your input and try again.',
      ),
    );
    const error = await rig.client.embeddings
      .create({ model: TITAN, input: 'x', dimensions: 300 })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.error).toMatchObject({ type: 'invalid_request_error' });
    expect(error.message).toContain('ValidationException: Malformed input request: #/dimensions');
    const [record] = await logs.settle(1);
    expect(logs.records).toHaveLength(1);
    expect(record).toMatchObject({ status: 'error', status_code: 400, usage: null });
  });

  it('fails the whole request when one of its calls fails, and starts no call after the failure', async () => {
    rig.bedrock.handle((request, response) => {
      if (request.body.inputText === 'bad')
        return bedrockError(response, 400, 'ValidationException', 'Input text is empty or too long.');
      setTimeout(() => json(response, 200, { embedding: [1], inputTextTokenCount: 1 }), 40);
    });
    const input = ['bad', ...Array.from({ length: 30 }, (_, i) => `ok ${i}`)];
    const error = await rig.client.embeddings.create({ model: TITAN, input }).catch((caught) => caught);
    expect(error).toMatchObject({ status: 400 });
    expect(error.message).toContain('Input text is empty or too long.');
    await logs.settle(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    // Eight calls go out at once (the first is the failing one); none of the other 23 ever starts.
    expect(rig.bedrock.requests).toHaveLength(8);
    expect(logs.records).toHaveLength(1);
  });
});

describe('Cohere Embed v3', () => {
  const cohereAnswer = (request: ReceivedRequest, response: ServerResponse) =>
    json(response, 200, {
      embeddings: request.body.texts.map(vectorOf),
      id: 'emb-test-1',
      response_type: 'embeddings_floats',
      texts: request.body.texts,
    });

  it('embeds all texts in one call, input_type search_document by default and overridable, no usage and the reason logged', async () => {
    rig.bedrock.handle(cohereAnswer);
    const result = await rig.client.embeddings.create({ model: COHERE, input: ['doc one', 'doc two'] });
    const query = await rig.client.embeddings.create({
      model: COHERE,
      input: 'a query',
      input_type: 'search_query',
      truncate: 'END',
    } as OpenAI.EmbeddingCreateParams);
    expect(rig.bedrock.requests.map((request) => [request.url, request.body])).toEqual([
      ['/model/cohere.embed-english-v3/invoke', { texts: ['doc one', 'doc two'], input_type: 'search_document' }],
      ['/model/cohere.embed-english-v3/invoke', { texts: ['a query'], input_type: 'search_query', truncate: 'END' }],
    ]);
    expect(result.data.map((item) => item.embedding)).toEqual([
      vectorOf('doc one').map(Math.fround),
      vectorOf('doc two').map(Math.fround),
    ]);
    expect(result.usage).toBeUndefined();
    expect(query.data).toHaveLength(1);
    const records = await logs.settle(2);
    for (const record of records) {
      expect(record).toMatchObject({ status: 'success', provider: 'aws', usage: null, cost_usd: null });
      expect(record.cost_unavailable_reason).toContain('Cohere Embed on Bedrock');
    }
  });

  it('splits more than 96 texts into calls of 96 and keeps the order', async () => {
    rig.bedrock.handle(cohereAnswer);
    const input = Array.from({ length: 100 }, (_, i) => `${String.fromCharCode(40 + i)} text`);
    const result = await rig.client.embeddings.create({ model: COHERE, input, encoding_format: 'float' });
    expect(rig.bedrock.requests.map((request) => request.body.texts.length).sort()).toEqual([4, 96]);
    expect(result.data.map((item) => item.embedding)).toEqual(input.map(vectorOf));
    expect(result.data.map((item) => item.index)).toEqual(input.map((_, i) => i));
  });

  it('refuses dimensions, which Cohere cannot honour, with a 400 naming it', async () => {
    const error = await rig.client.embeddings
      .create({ model: COHERE, input: 'x', dimensions: 256 })
      .catch((caught) => caught);
    expect(error).toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'dimensions' });
    expect(rig.bedrock.requests).toHaveLength(0);
  });
});

it('refuses an embedding model family it does not know with a 400 naming the supported ones', async () => {
  const error = await rig.client.embeddings
    .create({ model: 'amazon.nova-pro-v1:0', input: 'x' })
    .catch((caught) => caught);
  expect(error).toBeInstanceOf(OpenAI.BadRequestError);
  expect(error).toMatchObject({ code: 'unsupported_model', param: 'model' });
  expect(error.message).toContain('amazon.titan-embed-text-v2:0');
  expect(error.message).toContain('cohere.embed-multilingual-v3');
  expect(rig.bedrock.requests).toHaveLength(0);
});

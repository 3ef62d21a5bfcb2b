/**
 * The rest of OpenAI's API passed through (docs/passthrough.md): the official openai SDK as the
 * client, the gateway mounted in Express, loopback upstreams that record what they receive.
 */
import { request as httpRequest } from 'node:http';
import { toFile } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { logCollector } from './helpers/logs.js';
import { useSdkRig } from './helpers/sdk-rig.js';
import { json, openAIError } from './helpers/upstream.js';

const OPENAI_KEY = 'sk-test-passthrough-0001';
const IMAGES_KEY = 'sk-test-passthrough-images';
const LIMIT = 64 * 1024;
const logs = logCollector();

const rig = useSdkRig(['openai', 'images'], ({ openai, images }) => ({
  providers: {
    openai: { apiKey: OPENAI_KEY, baseURL: openai.baseURL },
    images: { kind: 'openai-compatible', apiKey: IMAGES_KEY, baseURL: images.baseURL, models: ['gpt-image-1'] },
  },
  models: { instruct: { target: 'images/gpt-3.5-turbo-instruct', fallbacks: ['openai/gpt-3.5-turbo-instruct'] } },
  passthrough: { provider: 'openai' },
  bodyLimitBytes: LIMIT,
  retry: { maxRetries: 0 },
  onLog: logs.sink,
}));

/** Every byte value, repeated: a download that is not valid UTF-8 anywhere. */
const BINARY = Buffer.from(Array.from({ length: 300_000 }, (_, index) => (index * 7) % 256));

afterEach(() => {
  rig.openai.reset();
  rig.images.reset();
  logs.records.length = 0;
});

describe('the rest of the API, passed through', () => {
  it('streams a multipart upload (client.files.create) under the provider key, not the client key', async () => {
    const file = await toFile(Buffer.from('{"custom_id":"a"}\n{"custom_id":"b"}\n'), 'batch.jsonl');
    rig.openai.handle((_request, response) =>
      json(response, 200, { id: 'file-1', object: 'file', bytes: 36, purpose: 'batch', filename: 'batch.jsonl' }),
    );
    const created = await rig.client.files.create({ file, purpose: 'batch' });
    expect(created.id).toBe('file-1');
    const [received] = rig.openai.requests;
    expect(received.method).toBe('POST');
    expect(received.url).toBe('/v1/files');
    expect(received.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(received.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(received.rawBody).toContain('{"custom_id":"a"}\n{"custom_id":"b"}\n');
    expect(received.rawBody).toContain('name="purpose"');
    const [record] = await logs.settle(1);
    expect(record).toMatchObject({ endpoint: 'passthrough', path: '/files', status_code: 200, provider: 'openai' });
    expect(record.bytes_in).toBe(Buffer.byteLength(received.rawBody));
    expect(record.bytes_out).toBeGreaterThan(0);
  });

  it('passes a binary download (client.files.content) intact, with its headers', async () => {
    rig.openai.handle((_request, response) => {
      response.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-disposition': 'attachment; filename="out.bin"',
        'content-length': BINARY.byteLength,
      });
      response.end(BINARY);
    });
    const content = await rig.client.files.content('file-1');
    expect(content.headers.get('content-disposition')).toBe('attachment; filename="out.bin"');
    expect(Buffer.from(await content.arrayBuffer()).equals(BINARY)).toBe(true);
    expect(rig.openai.requests[0]).toMatchObject({ method: 'GET', url: '/v1/files/file-1/content' });
    const [record] = await logs.settle(1);
    expect(record).toMatchObject({ endpoint: 'passthrough', status_code: 200, bytes_out: BINARY.byteLength });
  });

  it('streams a binary response (client.audio.speech.create), routed by its model', async () => {
    rig.openai.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'audio/mpeg' });
      response.end(BINARY);
    });
    const speech = await rig.client.audio.speech.create({ model: 'gpt-4o-mini-tts', voice: 'alloy', input: 'Hi' });
    expect(speech.headers.get('content-type')).toBe('audio/mpeg');
    expect(Buffer.from(await speech.arrayBuffer()).equals(BINARY)).toBe(true);
    expect(rig.openai.requests[0].body).toMatchObject({ model: 'gpt-4o-mini-tts', input: 'Hi' });
    const [record] = await logs.settle(1);
    expect(record).toMatchObject({ path: '/audio/speech', requested_model: 'gpt-4o-mini-tts', status_code: 200 });
  });

  it('routes a JSON body by its model (client.images.generate), without gateway parameters, usage logged', async () => {
    rig.images.handle((_request, response) =>
      json(response, 200, {
        created: 1,
        data: [{ b64_json: 'aGk=' }],
        usage: { input_tokens: 5, output_tokens: 7, total_tokens: 12 },
      }),
    );
    const image = await rig.client.images.generate({
      model: 'gpt-image-1',
      prompt: 'a gate',
      metadata: { team: 'web' },
    } as never);
    expect(image.data?.[0].b64_json).toBe('aGk=');
    expect(rig.openai.requests).toHaveLength(0);
    const [received] = rig.images.requests;
    expect(received.url).toBe('/v1/images/generations');
    expect(received.headers.authorization).toBe(`Bearer ${IMAGES_KEY}`);
    expect(received.body).toEqual({ model: 'gpt-image-1', prompt: 'a gate' });
    const [record] = await logs.settle(1);
    expect(record).toMatchObject({ provider: 'images', model: 'gpt-image-1', metadata: { team: 'web' } });
    expect(record.usage).not.toBeNull();
  });

  it('falls back along the model chain when a JSON request with a model fails upstream (client.completions.create)', async () => {
    rig.images.handle((_request, response) => openAIError(response, 503, 'overloaded'));
    rig.openai.handle((_request, response) =>
      json(response, 200, {
        id: 'cmpl-1',
        object: 'text_completion',
        created: 1,
        model: 'gpt-3.5-turbo-instruct',
        choices: [{ text: 'Hello', index: 0, finish_reason: 'stop', logprobs: null }],
        usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
      }),
    );
    const completion = await rig.client.completions.create({ model: 'instruct', prompt: 'Say hello' });
    expect(completion.choices[0].text).toBe('Hello');
    expect(rig.images.requests[0].body).toEqual({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say hello' });
    expect(rig.openai.requests[0]).toMatchObject({ url: '/v1/completions', body: { model: 'gpt-3.5-turbo-instruct' } });
    const [record] = await logs.settle(1);
    expect(record).toMatchObject({ provider: 'openai', fallback_used: true, requested_model: 'instruct' });
    expect(record.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 1 });
    // Each upstream request is an attempt in the record, as on the routes the engine serves.
    expect(
      record.attempts.map(({ provider, model, status_code, error_code }) => [provider, model, status_code, error_code]),
    ).toEqual([
      ['images', 'gpt-3.5-turbo-instruct', 503, 'upstream_error'],
      ['openai', 'gpt-3.5-turbo-instruct', 200, null],
    ]);
  });

  it('passes batches (create, retrieve with its query) and DELETE /models/{id} to the default provider', async () => {
    rig.openai.handle((request, response) =>
      json(response, 200, { id: 'batch_1', object: 'batch', seen: request.url }),
    );
    await rig.client.batches.create({
      input_file_id: 'file-1',
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    await rig.client.batches.retrieve('batch_1');
    await rig.client.models.delete('ft:gpt-4o-mini:acme::1');
    await rig.client.batches.list({ limit: 2 });
    expect(rig.openai.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST /v1/batches',
      'GET /v1/batches/batch_1',
      'DELETE /v1/models/ft:gpt-4o-mini:acme::1',
      'GET /v1/batches?limit=2',
    ]);
    expect(rig.openai.requests[0].body).toMatchObject({ input_file_id: 'file-1', completion_window: '24h' });
    const records = await logs.settle(4);
    expect(records.map((record) => [record.endpoint, record.status_code])).toEqual(Array(4).fill(['passthrough', 200]));
  });

  it('refuses the admin API (/organization/..., /projects/...) with a 403 and sends nothing upstream', async () => {
    for (const path of ['/organization/users', '/projects/proj_1/roles', '/Projects/proj_1/users/u_1/roles']) {
      const refused = await rig.client.get(path).catch((error: unknown) => error);
      expect([path, refused]).toMatchObject([path, { status: 403, error: { code: 'organization_not_allowed' } }]);
    }
    expect(rig.openai.requests).toHaveLength(0);
    const records = await logs.settle(3);
    for (const record of records)
      expect(record).toMatchObject({
        endpoint: 'passthrough',
        status_code: 403,
        error_code: 'organization_not_allowed',
      });
  });

  it("applies the customer's rate limit to passed-through requests (multipart and bodiless), before anything is sent", async () => {
    rig.openai.handle((_request, response) => json(response, 200, { id: 'file-1', object: 'file' }));
    const limited = {
      headers: {
        'x-modelgate-params': JSON.stringify({ customer_params: { customer_identifier: 'cust-pt', rate_limit: 2 } }),
      },
    };
    const upload = await rig.client.files
      .create({ file: await toFile(Buffer.from('{}\n'), 'a.jsonl'), purpose: 'batch' }, limited)
      .withResponse();
    expect(upload.response.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    await rig.client.files.retrieve('file-1', limited);
    const refused = await rig.client.files.retrieve('file-1', limited).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 429, error: { code: 'customer_rate_limit_exceeded' } });
    expect((refused as { headers: Headers }).headers.get('retry-after')).toMatch(/^\d+$/);
    expect(rig.openai.requests).toHaveLength(2);
    const records = await logs.settle(3);
    expect(records.map((record) => [record.status_code, record.customer_identifier])).toEqual([
      [200, 'cust-pt'],
      [200, 'cust-pt'],
      [429, 'cust-pt'],
    ]);
  });

  it("forwards `metadata`, the API's own field on stored objects; the gateway's metadata comes by header", async () => {
    rig.openai.handle((_request, response) => json(response, 200, { id: 'batch_1', object: 'batch' }));
    const gatewayMetadata = Buffer.from(JSON.stringify({ metadata: { team: 'search' } })).toString('base64');
    await rig.client.batches.create(
      {
        input_file_id: 'file-1',
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
        metadata: { job: 'nightly' },
      },
      { headers: { 'x-modelgate-params': gatewayMetadata } },
    );
    expect(rig.openai.requests[0].body.metadata).toEqual({ job: 'nightly' });
    const [record] = await logs.settle(1);
    expect(record.metadata).toEqual({ team: 'search' });
  });

  it('refuses paths an upstream could resolve elsewhere (`..`, encoded slashes), sending nothing', async () => {
    const { port } = new URL(rig.host.baseURL);
    for (const path of [
      '/files/../organization/users',
      '/files/%2e%2e/organization/users',
      '/files/a%2F..%2F..%2Forganization',
      '//organization/users',
    ]) {
      const status = await new Promise<number>((resolve, reject) =>
        httpRequest({ host: '127.0.0.1', port, path: `/api${path}`, method: 'GET' }, (response) => {
          response.resume();
          resolve(response.statusCode!);
        })
          .on('error', reject)
          .end(),
      );
      expect([path, status]).toEqual([path, 400]);
    }
    // The mount's root is no API path: a 404 as without pass-through.
    const root = await fetch(`${rig.host.baseURL}/`);
    expect([root.status, ((await root.json()) as any).error.code]).toEqual([404, 'unknown_url']);
    expect(rig.openai.requests).toHaveLength(0);
  });

  it('refuses an upload over bodyLimitBytes with a 413, declared or streamed', async () => {
    const big = Buffer.alloc(LIMIT + 1, 97);
    const declared = await rig.client.files
      .create({ file: await toFile(big, 'big.jsonl'), purpose: 'batch' })
      .catch((error: unknown) => error);
    expect(declared).toMatchObject({ status: 413, error: { code: 'request_too_large' } });

    // Chunked, no Content-Length: the bytes are counted as they pass.
    const chunks = [big.subarray(0, LIMIT / 2), big.subarray(LIMIT / 2)];
    const streamed = await fetch(`${rig.host.baseURL}/files`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', authorization: 'Bearer client' },
      body: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as any).error.code).toBe('request_too_large');
    const records = await logs.settle(2);
    expect(records.map((record) => record.status_code)).toEqual([413, 413]);
  });
});

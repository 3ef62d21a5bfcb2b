/**
 * The capability filter: models that cannot serve a request (tools, images, json_schema, context
 * window) are skipped, from the models.dev catalogue in tokenlens and the `modelInfo` option.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/index.js';
import { chat, reply } from './helpers/chat-upstream.js';
import { post } from './helpers/call.js';
import { logCollector } from './helpers/logs.js';
import { startUpstream, type Upstream } from './helpers/upstream.js';

let upstream: Upstream;
let gateway: Gateway;
const logs = logCollector();

beforeAll(async () => {
  upstream = await startUpstream((request, response) => reply(request, response));
  gateway = createGateway({
    providers: { openai: { apiKey: 'sk-test-capabilities-0001', baseURL: upstream.baseURL } },
    modelInfo: {
      'openai/gpt-4o-mini': { jsonSchema: false },
      'my-local-model': { contextWindow: 100 },
      'gpt-4-turbo': { tools: false },
    },
    models: { local: { target: 'openai/my-local-model' } },
    onLog: logs.sink,
  });
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

const image = {
  role: 'user',
  content: [
    { type: 'text', text: 'What is this?' },
    { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
  ],
};
const tool = { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } };

async function lastRecord() {
  const records = await logs.waitFor(1);
  const record = records[records.length - 1];
  logs.records.length = 0;
  return record;
}

describe('capability filter', () => {
  it('skips a text-only model for a request with an image, and says so in the attempts', async () => {
    const answer = await post(gateway, { model: 'gpt-4', messages: [image], fallback_models: ['gpt-4o-mini'] });
    expect(answer.status).toBe(200);
    expect(answer.headers['x-modelgate-model']).toBe('gpt-4o-mini');
    expect(answer.headers['x-modelgate-attempts']).toBe('1');
    expect(upstream.requests.at(-1)!.body.model).toBe('gpt-4o-mini');
    const record = await lastRecord();
    expect(record.attempts[0]).toMatchObject({
      provider: 'openai',
      model: 'gpt-4',
      skipped: 'capability',
      error_code: 'skipped_capability',
      status_code: null,
    });
    expect(record.attempts[0].error).toContain('does not accept images');
    expect(record.fallback_used).toBe(true);
  });

  it('skips a model without tools for a request with tools', async () => {
    const answer = await post(gateway, chat('o1-mini', { tools: [tool], fallback_models: ['gpt-4o-mini'] }));
    expect(answer.headers['x-modelgate-model']).toBe('gpt-4o-mini');
    expect((await lastRecord()).attempts[0].error).toContain('does not support tools');
  });

  it('skips a model whose context window is too small for the prompt', async () => {
    const long = 'lorem ipsum '.repeat(4_000); // 48,000 characters (and the role): about 12,001 tokens
    const answer = await post(gateway, {
      model: 'gpt-4',
      messages: [{ role: 'user', content: long }],
      fallback_models: ['gpt-4.1-nano'],
    });
    expect(answer.headers['x-modelgate-model']).toBe('gpt-4.1-nano');
    expect((await lastRecord()).attempts[0].error).toMatch(
      /context window of 8192 tokens, too small for a prompt of about 12001 tokens/,
    );
  });

  it('counts max_tokens against the context window, with windows from modelInfo', async () => {
    const answer = await post(gateway, chat('local', { max_tokens: 200, fallback_models: ['gpt-4o-mini'] }));
    expect(answer.headers['x-modelgate-model']).toBe('gpt-4o-mini');
    expect((await lastRecord()).attempts[0].error).toContain('plus 200 output tokens');
  });

  it('uses modelInfo over the catalogue (json_schema off, tools off)', async () => {
    const format = { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } };
    const answer = await post(
      gateway,
      chat('gpt-4o-mini', { response_format: format, fallback_models: ['gpt-4.1-nano'] }),
    );
    expect(answer.headers['x-modelgate-model']).toBe('gpt-4.1-nano');
    expect((await lastRecord()).attempts[0].error).toContain('does not support response_format json_schema');
    const tools = await post(gateway, chat('gpt-4-turbo', { tools: [tool], fallback_models: ['gpt-4.1-nano'] }));
    expect(tools.headers['x-modelgate-model']).toBe('gpt-4.1-nano');
    await lastRecord();
  });

  it('never skips a model it knows nothing about', async () => {
    const answer = await post(gateway, { model: 'openai/some-future-model', messages: [image], tools: [tool] });
    expect(answer.status).toBe(200);
    expect(answer.headers['x-modelgate-model']).toBe('some-future-model');
    expect((await lastRecord()).attempts).toHaveLength(1);
  });

  it('answers 400 naming every reason when no model can serve', async () => {
    const answer = await post(gateway, {
      model: 'gpt-4',
      messages: [image],
      tools: [tool],
      fallback_models: ['o1-mini'],
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('model_cannot_serve_request');
    expect(answer.headers['x-modelgate-attempts']).toBeUndefined(); // skips are not tries
    expect(answer.body.error.message).toBe(
      'No model can serve this request: openai/gpt-4 does not accept images; openai/o1-mini does not support tools.',
    );
    const record = await lastRecord();
    expect(record.status_code).toBe(400);
    expect(record.attempts.map((attempt) => attempt.skipped)).toEqual(['capability', 'capability']);
  });

  it('leaves embeddings alone', async () => {
    upstream.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          object: 'list',
          data: [{ object: 'embedding', index: 0, embedding: [0.1] }],
          model: 'text-embedding-3-small',
          usage: { prompt_tokens: 2, total_tokens: 2 },
        }),
      );
    });
    const answer = await post(gateway, { model: 'text-embedding-3-small', input: 'hello' }, { path: '/v1/embeddings' });
    expect(answer.status).toBe(200);
    await lastRecord();
  });
});

/**
 * The routes, as their records describe them (src/endpoints), through a real node:http host: the
 * 404 names every route, a wrong method is a 405 naming the right one, the log record names the
 * route, and a translating provider that does not serve a route is refused before its upstream is
 * called (`unsupported_operation`, which falls back to the next model).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/index.js';
import { fixtureJson } from './helpers/fixtures.js';
import { startHost, type Host } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { json, startUpstream, type Upstream } from './helpers/upstream.js';

const EMBEDDING = fixtureJson('openai-embeddings/openai-embedding.json');

let openai: Upstream;
let claude: Upstream;
let gateway: Gateway;
let host: Host;
const logs = logCollector();

beforeAll(async () => {
  openai = await startUpstream((_request, response) => json(response, 200, EMBEDDING));
  claude = await startUpstream((_request, response) =>
    json(response, 500, { type: 'error', error: { type: 'api_error', message: 'must not be called' } }),
  );
  gateway = createGateway({
    providers: {
      openai: { apiKey: 'sk-test-routes-0001', baseURL: openai.baseURL, models: ['text-embedding-3-small'] },
      anthropic: { apiKey: 'sk-ant-test-routes-0001', baseURL: `${claude.origin}/v1`, models: ['claude-sonnet-4-5'] },
    },
    retry: { maxRetries: 0 },
    onLog: logs.sink,
  });
  host = await startHost('node', gateway);
});

afterAll(async () => {
  await host.close();
  await gateway.close();
  await openai.close();
  await claude.close();
});

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(host.baseURL + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, allow: response.headers.get('allow'), body: (await response.json()) as any };
}

describe('routes', () => {
  it('answers an unknown path with a 404 that lists every route', async () => {
    logs.records.length = 0;
    const answer = await call('POST', '/v1/images/generations', { model: 'gpt-image-1', prompt: 'Hi' });
    expect(answer.status).toBe(404);
    expect(answer.body.error).toMatchObject({
      code: 'unknown_url',
      message:
        "Unknown path `/images/generations`. This gateway serves POST /chat/completions, POST /responses, POST /embeddings, GET /models, POST /anthropic/v1/messages, POST /anthropic/v1/messages/count_tokens and GET /anthropic/v1/models (also under /v1); the rest of OpenAI's API passes through with the `passthrough` option (docs/passthrough.md).",
    });
    expect((await logs.settle(1))[0]).toMatchObject({ endpoint: null, status_code: 404 });
  });

  it.each([
    ['GET', '/chat/completions', 'POST'],
    ['GET', '/v1/embeddings', 'POST'],
    ['POST', '/models', 'GET'],
    ['DELETE', '/models/gpt-4o', 'GET'],
  ])('answers %s %s with a 405 naming %s, logged under its route', async (method, path, allowed) => {
    logs.records.length = 0;
    const answer = await call(method, path, method === 'POST' ? {} : undefined);
    expect(answer.status).toBe(405);
    expect(answer.allow).toBe(allowed);
    expect(answer.body.error.code).toBe('method_not_allowed');
    const endpoint = path.includes('chat') ? 'chat.completions' : path.includes('embeddings') ? 'embeddings' : 'models';
    expect((await logs.settle(1))[0]).toMatchObject({ endpoint, status_code: 405 });
  });

  it('serves GET /models/{model}, a model name with a slash included', async () => {
    const answer = await call('GET', '/v1/models/anthropic%2Fclaude-sonnet-4-5');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      id: 'anthropic/claude-sonnet-4-5',
      object: 'model',
      created: 0,
      owned_by: 'anthropic',
    });
    const listed = await call('GET', '/models');
    expect(listed.body.data.map((model: { id: string }) => model.id)).toEqual(
      expect.arrayContaining(['text-embedding-3-small', 'claude-sonnet-4-5']),
    );
  });
});

describe('who serves a route', () => {
  it('refuses embeddings on Anthropic (it serves chat completions, and responses through them) without calling it', async () => {
    logs.records.length = 0;
    claude.reset();
    const answer = await call('POST', '/embeddings', { model: 'anthropic/claude-sonnet-4-5', input: 'Hello' });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      code: 'unsupported_operation',
      message:
        'Provider `anthropic` (anthropic) does not serve POST /embeddings; it serves POST /chat/completions, POST /responses, POST /anthropic/v1/messages and POST /anthropic/v1/messages/count_tokens.',
    });
    expect(claude.requests).toHaveLength(0);
    const [record] = await logs.settle(1);
    expect(record).toMatchObject({ endpoint: 'embeddings', status_code: 400, error_code: 'unsupported_operation' });
    expect(record.attempts).toMatchObject([
      { provider: 'anthropic', model: 'claude-sonnet-4-5', error_code: 'unsupported_operation', status_code: null },
    ]);
  });

  it('falls back from a provider that does not serve the route to one that does', async () => {
    logs.records.length = 0;
    claude.reset();
    openai.reset();
    const answer = await call('POST', '/embeddings', {
      model: 'anthropic/claude-sonnet-4-5',
      input: 'Hello',
      fallback_models: ['openai/text-embedding-3-small'],
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(EMBEDDING);
    expect(claude.requests).toHaveLength(0);
    expect(openai.requests.map((request) => request.url)).toEqual(['/v1/embeddings']);
    const [record] = await logs.settle(1);
    expect(record).toMatchObject({
      endpoint: 'embeddings',
      provider: 'openai',
      model: 'text-embedding-3-small',
      fallback_used: true,
    });
    expect(record.attempts.map((attempt) => attempt.error_code)).toEqual(['unsupported_operation', null]);
  });
});

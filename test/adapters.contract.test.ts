/**
 * One contract, every adapter: node:http, Express (with and without express.json()), Koa (with and
 * without @koa/bodyparser) and fetch, each mounted at /api in a real host app and driven by supertest.
 */
import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, GatewayError, type Gateway, type GatewayOptions } from '../src/index.js';
import { CHAT, chunk, completion } from './helpers/handle.js';
import { HOST_KINDS, startHost, type Host, type HostContext, type HostKind } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { json, sleep, sse, startUpstream, type Upstream } from './helpers/upstream.js';

describe.each(HOST_KINDS)('adapter contract: %s', (kind) => {
  let upstream: Upstream;
  let gateway: Gateway;
  let host: Host;
  const logs = logCollector();

  beforeAll(async () => {
    upstream = await startUpstream(async (received, response) => {
      if (received.body?.messages?.[0]?.content === 'slow stream') {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        for (let i = 0; i < 300 && !response.destroyed; i++) {
          response.write(`data: ${JSON.stringify(chunk(`t${i} `))}\n\n`);
          await sleep(10);
        }
        return void response.end();
      }
      if (received.body?.stream) return sse(response, [chunk('Hello'), chunk(' world'), chunk(null, 'stop')]);
      json(response, 200, completion('Hello world'));
    });
    gateway = createGateway({
      providers: { openai: { apiKey: 'sk-test-contract', baseURL: upstream.baseURL } },
      bodyLimitBytes: 64 * 1024,
      onLog: logs.sink,
    });
    host = await startHost(kind, gateway, { context: () => ({ principal: 'host-user-7', metadata: { plan: 'pro' } }) });
  });

  afterAll(async () => {
    await host.close();
    await gateway.close();
    await upstream.close();
  });

  const api = () => request(host.baseURL.replace(/\/api$/, ''));

  it('serves a chat completion, with the host principal in the log', async () => {
    logs.records.length = 0;
    const response = await api().post('/api/chat/completions').send(CHAT).expect(200);
    expect(response.body.choices[0].message.content).toBe('Hello world');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const [record] = await logs.settle(1);
    expect(record).toMatchObject({ principal: 'host-user-7', host_metadata: { plan: 'pro' }, status_code: 200 });
  });

  it('streams under /v1 too', async () => {
    const response = await api()
      .post('/api/v1/chat/completions')
      .send({ ...CHAT, stream: true })
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (part: Buffer) => (text += part.toString()));
        res.on('end', () => done(null, text));
      });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(response.body).toContain('" world"');
    expect(response.body.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('lists models on GET /models and /v1/models', async () => {
    for (const path of ['/api/models', '/api/v1/models']) {
      const response = await api().get(path).expect(200);
      expect(response.body.object).toBe('list');
    }
  });

  it('answers unknown paths with an OpenAI-shaped 404 and wrong methods with 405', async () => {
    const missing = await api().post('/api/completions').send(CHAT).expect(404);
    expect(missing.body.error).toMatchObject({ code: 'unknown_url', type: 'not_found_error' });
    const wrong = await api().get('/api/chat/completions').expect(405);
    expect(wrong.headers.allow).toBe('POST');
    expect(wrong.body.error.code).toBe('method_not_allowed');
  });

  it('does not serve a path that merely starts with the mount path', async () => {
    // `/apix/...` is not under `/api`: never served as `/x/...`, never a 200.
    const response = await api().post('/apix/chat/completions').send(CHAT);
    expect(response.status).toBe(404);
    if (kind === 'node' || kind === 'fetch') expect(response.body.error.message).toContain('`/apix/chat/completions`');
  });

  it('refuses bodies that are not JSON, too large, or malformed', async () => {
    const text = await api().post('/api/chat/completions').set('content-type', 'text/plain').send('hello').expect(415);
    expect(text.body.error.code).toBe('unsupported_media_type');
    const large = await api()
      .post('/api/chat/completions')
      .send({ ...CHAT, messages: [{ role: 'user', content: 'x'.repeat(70 * 1024) }] })
      .expect(413);
    expect(large.body.error.code).toBe('request_too_large');
    const missingModel = await api().post('/api/chat/completions').send({ messages: CHAT.messages }).expect(400);
    expect(missingModel.body.error).toMatchObject({ param: 'model', type: 'invalid_request_error' });
    // With a body parser in front, its error reaches expressGateway's own error handler / koaGatewayErrors.
    logs.records.length = 0;
    const broken = await api()
      .post('/api/chat/completions')
      .set('content-type', 'application/json')
      .send('{"model":')
      .expect(400);
    expect(broken.body.error).toMatchObject({ code: 'invalid_json', type: 'invalid_request_error' });
    const record = (await logs.settle(1)).find((entry) => entry.error_code === 'invalid_json');
    expect(record).toMatchObject({ status_code: 400, path: '/chat/completions', principal: 'host-user-7' });
  });

  it('aborts the upstream and logs once when the client disconnects mid-stream', async () => {
    logs.records.length = 0;
    const before = upstream.requests.length;
    const { origin, pathname } = new URL(host.baseURL);
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(
        `${origin}${pathname}/chat/completions`,
        { method: 'POST', headers: { 'content-type': 'application/json' } },
        (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        },
      );
      req.on('error', () => undefined);
      req.once('error', reject);
      req.end(JSON.stringify({ ...CHAT, stream: true, messages: [{ role: 'user', content: 'slow stream' }] }));
    });
    const records = await logs.settle(1);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ client_aborted: true, status: 'aborted' });
    await upstream.requests[before].closed;
  });
});

/**
 * A host whose gateway has no reachable upstream (for answers the gateway gives itself), started
 * before the block's tests and closed after them.
 */
function hostWithoutUpstream(
  kind: HostKind,
  options: { onError?: GatewayOptions['onError']; context?: HostContext } = {},
) {
  const rig = { host: undefined as unknown as Host, logs: logCollector() };
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = createGateway({
      providers: { openai: { apiKey: 'sk-test-contract', baseURL: 'http://127.0.0.1:9/v1' } },
      onLog: rig.logs.sink,
      onError: options.onError,
    });
    rig.host = await startHost(kind, gateway, { context: options.context });
  });
  afterAll(async () => {
    await rig.host.close();
    await gateway.close();
  });
  return rig;
}

describe.each(['express+json', 'koa+bodyparser'] as const)('a host body parser in front: %s', (kind) => {
  const rig = hostWithoutUpstream(kind);

  it("answers the parser's own limit (20 MB here) OpenAI-shaped, with a log record", async () => {
    // Chunked, without a Content-Length, so that the parser (not the declared length) finds it too large.
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        `${rig.host.baseURL}/chat/completions`,
        { method: 'POST', headers: { 'content-type': 'application/json' } },
        (res) => {
          let text = '';
          res.on('data', (part: Buffer) => (text += part.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      const piece = 'x'.repeat(1024 * 1024);
      req.write(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"`);
      for (let i = 0; i < 21; i++) req.write(piece);
      req.end('"}]}');
    });
    expect(status).toBe(413);
    expect(JSON.parse(body).error).toMatchObject({ code: 'request_too_large', type: 'invalid_request_error' });
    const [record] = await rig.logs.settle(1);
    expect(record).toMatchObject({ status_code: 413, error_code: 'request_too_large' });
  });
});

/** The header a request carries, whatever the host hands the context provider. */
function headerOf(request: any, name: string): string | undefined {
  if (typeof request.headers?.get === 'function') return request.headers.get(name) ?? undefined; // fetch Request
  return (request.headers ?? request.req.headers)[name]; // IncomingMessage, Express request, Koa context
}

describe.each(HOST_KINDS)('a context provider that throws: %s', (kind) => {
  const reported: Array<{ error: unknown; where: string }> = [];
  const rig = hostWithoutUpstream(kind, {
    onError: (error, where) => reported.push({ error, where }),
    context: (request) => {
      if (headerOf(request, 'x-test-context') === 'expired')
        throw new GatewayError({ status: 401, code: 'session_expired', message: 'Sign in again.' });
      throw new Error('the host auth store is down');
    },
  });

  it('gets a 500 internal_error, a log record, and onError hears it as `context`', async () => {
    rig.logs.records.length = 0;
    const response = await request(rig.host.baseURL).post('/chat/completions').send(CHAT).expect(500);
    expect(response.body.error).toMatchObject({ code: 'internal_error', type: 'api_error' });
    expect(JSON.stringify(response.body)).not.toContain('auth store');
    const records = await rig.logs.settle(1);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status_code: 500, error_code: 'internal_error', principal: null });
    expect(reported.map(({ error, where }) => `${where}: ${(error as Error).message}`)).toContain(
      'context: the host auth store is down',
    );
  });

  it('answers a GatewayError it throws with that status and code, logged', async () => {
    rig.logs.records.length = 0;
    const response = await request(rig.host.baseURL)
      .post('/chat/completions')
      .set('x-test-context', 'expired')
      .send(CHAT)
      .expect(401);
    expect(response.body.error).toMatchObject({ code: 'session_expired', message: 'Sign in again.' });
    const records = await rig.logs.settle(1);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status_code: 401, error_code: 'session_expired' });
  });
});

describe.each(['node', 'fetch'] as const)('a request outside the basePath: %s', (kind) => {
  const rig = hostWithoutUpstream(kind);

  it('is a logged 404 naming the mount, even on a path the gateway serves below it', async () => {
    const origin = rig.host.baseURL.replace(/\/api$/, '');
    for (const path of ['/chat/completions', '/v1/chat/completions', '/models']) {
      rig.logs.records.length = 0;
      const response = await request(origin).post(path).send(CHAT).expect(404);
      expect(response.body.error).toMatchObject({ code: 'unknown_url', type: 'not_found_error' });
      expect(response.body.error.message).toContain(`\`${path}\`: this gateway is mounted at /api`);
      const records = await rig.logs.settle(1);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ status_code: 404, error_code: 'unknown_url' });
    }
  });
});

/**
 * A host body parser in front of the gateway (`express.json()`, `@koa/bodyparser`): with the
 * one-line mount, its errors are answered OpenAI-shaped and logged, and the gateway's own body
 * limit and error shapes hold whoever read the body.
 */
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expressGateway, expressGatewayErrors } from '../adapters/express/index.js';
import { createGateway, type Gateway } from '../src/index.js';
import { CHAT, completion } from './helpers/handle.js';
import { PARSER_HOST_KINDS, startHost, type Host } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { rawRequest } from './helpers/raw-client.js';
import { json, startUpstream, type Upstream } from './helpers/upstream.js';

const LIMIT = 64 * 1024;
const bigChat = (bytes: number) =>
  JSON.stringify({ ...CHAT, messages: [{ role: 'user', content: 'x'.repeat(bytes) }] });

/** Posts and checks the answer left exactly one log record with its status. */
async function post(
  baseURL: string,
  logs: ReturnType<typeof logCollector>,
  body: string | Buffer,
  headers: Record<string, string> = {},
) {
  logs.records.length = 0;
  const response = await fetch(`${baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await response.text();
  let parsed: any;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`not JSON (${response.status}): ${text.slice(0, 200)}`);
  }
  const records = await logs.settle(1);
  expect(records).toHaveLength(1);
  expect(records[0].status_code).toBe(response.status);
  return { status: response.status, body: parsed, record: records[0] };
}

describe.each(PARSER_HOST_KINDS)('behind a host body parser: %s', (kind) => {
  let upstream: Upstream;
  let gateway: Gateway;
  let host: Host;
  const logs = logCollector();

  beforeAll(async () => {
    upstream = await startUpstream((_request, response) => json(response, 200, completion('Hello')));
    gateway = createGateway({
      providers: { openai: { apiKey: 'sk-test-parsers', baseURL: upstream.baseURL } },
      bodyLimitBytes: LIMIT,
      onLog: logs.sink,
    });
    host = await startHost(kind, gateway);
  });
  afterAll(async () => {
    await host.close();
    await gateway.close();
    await upstream.close();
  });

  it('answers malformed JSON OpenAI-shaped, with one log record', async () => {
    const answer = await post(host.baseURL, logs, '{"model":');
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'invalid_json', type: 'invalid_request_error' });
    expect(answer.record).toMatchObject({ path: '/chat/completions', error_code: 'invalid_json' });
  });

  it('holds bodyLimitBytes for a chunked body the parser read (no Content-Length to check)', async () => {
    const exchange = rawRequest(`${host.baseURL}/chat/completions`, {
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      first: bigChat(LIMIT + 10_000),
      piece: '',
      pieces: 0,
      chunked: true,
    });
    logs.records.length = 0;
    const answer = await exchange.answer;
    exchange.destroy();
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error).toMatchObject({ code: 'request_too_large', type: 'invalid_request_error' });
    const records = await logs.settle(1);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status_code: 413, error_code: 'request_too_large' });
    expect(upstream.requests).toHaveLength(0);
  });

  it('holds bodyLimitBytes for a small compressed body that inflates past it', async () => {
    const before = upstream.requests.length;
    const answer = await post(host.baseURL, logs, gzipSync(bigChat(LIMIT + 10_000)), { 'content-encoding': 'gzip' });
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('request_too_large');
    expect(upstream.requests.length).toBe(before);
  });

  it('serves a chunked or compressed body within the limit', async () => {
    const ok = await post(host.baseURL, logs, gzipSync(bigChat(LIMIT - 1_000)), { 'content-encoding': 'gzip' });
    expect(ok.status).toBe(200);
    const exchange = rawRequest(`${host.baseURL}/chat/completions`, {
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      first: bigChat(LIMIT - 1_000),
      piece: '',
      pieces: 0,
      chunked: true,
    });
    const answer = await exchange.answer;
    exchange.destroy();
    expect(answer.status).toBe(200);
  });

  it.each([
    ['gzip', Buffer.from('this is not gzip at all')],
    ['gzip', gzipSync(JSON.stringify(CHAT)).subarray(0, 12)],
    ['br', Buffer.from('this is not brotli at all, not at all')],
    ['br', brotliCompressSync(JSON.stringify(CHAT)).subarray(0, 3)],
    ['deflate', Buffer.from('nor deflate')],
  ])('answers a broken %s body with a 400 that says so, logged', async (encoding, body) => {
    const answer = await post(host.baseURL, logs, body, { 'content-encoding': encoding });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'invalid_body', type: 'invalid_request_error' });
    expect(answer.body.error.message).toContain('could not be decompressed');
  });
});

describe('Express: the ways a user mounts the gateway behind a parser', () => {
  let gateway: Gateway;
  const logs = logCollector();
  const servers: Server[] = [];

  beforeAll(() => {
    gateway = createGateway({ providers: { demo: {} }, onLog: logs.sink });
  });
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await gateway.close();
  });

  async function serve(app: express.Express): Promise<string> {
    const server = createServer(app);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  }

  const setups: Array<[string, (app: express.Express) => void]> = [
    ['the parser in the same app.use', (app) => app.use('/api', express.json(), expressGateway(gateway))],
    [
      'a router mounted under a parser',
      (app) => {
        const router = express.Router();
        router.use(express.json());
        router.use('/api', expressGateway(gateway));
        app.use(router);
      },
    ],
    [
      'with expressGatewayErrors after it as before (the first error handler answers)',
      (app) => app.use('/api', express.json(), expressGateway(gateway), expressGatewayErrors(gateway)),
    ],
  ];

  it.each(setups)(
    '%s: the parser error is answered and logged once; a good request is served',
    async (_name, mount) => {
      const app = express();
      mount(app);
      const baseURL = await serve(app);
      const broken = await post(baseURL, logs, '{"model":');
      expect(broken.status).toBe(400);
      expect(broken.body.error.code).toBe('invalid_json');
      const served = await post(
        baseURL,
        logs,
        JSON.stringify({ model: 'demo-chat', messages: [{ role: 'user', content: 'hi' }] }),
      );
      expect(served.status).toBe(200);
    },
  );

  it('cannot answer from inside a router mounted after an app-level parser (Express never passes an error down into a router)', async () => {
    // What the docs say: this layout needs expressGatewayErrors at the app level (the express+router host has it).
    const app = express();
    const router = express.Router();
    router.use(expressGateway(gateway));
    app.use(express.json());
    app.use('/api', router);
    const baseURL = await serve(app);
    logs.records.length = 0;
    const response = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model":',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logs.records).toHaveLength(0);
  });

  it("leaves errors that are not a body parser's to the host's own error handler", async () => {
    const app = express();
    app.use((_req, _res, next) => next(new Error('the session store is down')));
    app.use('/api', expressGateway(gateway));
    app.use(
      (error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) =>
        void res.status(503).send(`host: ${error.message}`),
    );
    const baseURL = await serve(app);
    logs.records.length = 0;
    const response = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(CHAT),
    });
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('host: the session store is down');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logs.records).toHaveLength(0);
  });
});

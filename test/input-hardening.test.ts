/**
 * Inputs that used to get past the gateway's checks: bodies nested deep enough to break
 * serialisation, model names and identifiers carrying header injections, and huge names echoed
 * whole in error messages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/index.js';
import { CHAT, completion, post } from './helpers/handle.js';
import { startHost, type Host } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { json, startUpstream, type Upstream } from './helpers/upstream.js';

let upstream: Upstream;
let gateway: Gateway;
let host: Host;
const logs = logCollector();
const reported: unknown[] = [];

beforeAll(async () => {
  upstream = await startUpstream((_request, response) => json(response, 200, completion('ok')));
  gateway = createGateway({
    providers: { openai: { apiKey: 'sk-test-hardening-0001', baseURL: upstream.baseURL } },
    onLog: (record) => logs.sink(JSON.parse(JSON.stringify(record))),
    onError: (error) => reported.push(error),
  });
  host = await startHost('node', gateway);
});

afterAll(async () => {
  await host.close();
  await gateway.close();
  await upstream.close();
});

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

const errorOf = (response: { body?: unknown }) =>
  (response.body as { error: { message: string; param: string | null; code: string | null } }).error;

describe('nesting', () => {
  it('answers a body nested thousands of levels deep with a 400 that names the field, and logs it', async () => {
    logs.records.length = 0;
    for (const [field, body] of [
      ['temperature', { ...CHAT, temperature: nested(20_000) }],
      ['metadata', { ...CHAT, metadata: { deep: nested(20_000) } }],
      ['messages', { ...CHAT, messages: [{ role: 'user', content: nested(20_000) }] }],
    ] as const) {
      const response = await post(gateway, body);
      expect(response.status, field).toBe(400);
      expect(errorOf(response)).toMatchObject({ code: 'nesting_too_deep', param: field });
    }
    const records = await logs.settle(3);
    expect(records.map((record) => record.status_code)).toEqual([400, 400, 400]);
    expect(upstream.requests).toHaveLength(0);
    expect(reported).toEqual([]);
  });

  it('accepts what real requests nest (a tool schema 40 levels deep)', async () => {
    const response = await post(gateway, {
      ...CHAT,
      tools: [{ type: 'function', function: { name: 'f', parameters: nested(40) } }],
    });
    expect(response.status).toBe(200);
  });

  it('checks the params header too', async () => {
    const header = `{"metadata":{"deep":${'['.repeat(5_000)}1${']'.repeat(5_000)}}}`;
    const response = await post(gateway, CHAT, {}, { 'x-modelgate-params': header });
    expect(response.status).toBe(400);
    expect(errorOf(response)).toMatchObject({ code: 'nesting_too_deep', param: 'metadata' });
  });
});

describe('header injection', () => {
  const postChat = (body: unknown) =>
    fetch(`${host.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('refuses a model name with a line break (it would land in a response header)', async () => {
    const response = await postChat({ ...CHAT, model: 'openai/gpt-4o-mini\r\nX-Injected: yes' });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-injected')).toBeNull();
    expect((await response.json()).error).toMatchObject({ param: 'model', code: 'invalid_model' });
  });

  it('sends a non-ASCII model name back in a header a host can write', async () => {
    const response = await postChat({ ...CHAT, model: 'openai/modèle-😀' });
    expect(response.status).toBe(200);
    expect(decodeURIComponent(response.headers.get('x-modelgate-model')!)).toBe('modèle-😀');
  });

  it('refuses a lone UTF-16 surrogate in the model or a parameter name with a 400, before any upstream call', async () => {
    upstream.reset();
    logs.records.length = 0;
    reported.length = 0;
    const cases: Array<[string, string, object]> = [
      ['model', 'invalid_model', { ...CHAT, model: 'gpt-4o-mini\ud800' }],
      ['model', 'invalid_model', { ...CHAT, model: 'openai/gpt-4o-mini\udc00', stream: true }],
      ['x\ud800', 'invalid_parameter_name', { ...CHAT, 'x\ud800': 1 }],
      ['\udfffy', 'invalid_parameter_name', { ...CHAT, stream: true, extra_body: { '\udfffy': 1 } }],
      ['fallback_models', 'invalid_gateway_parameter', { ...CHAT, fallback_models: ['openai/gpt-4o\ud83d'] }],
    ];
    for (const [param, code, body] of cases) {
      // Through a real host: JSON.stringify writes a lone surrogate as its \\uXXXX escape, JSON.parse gives it back.
      const response = await postChat(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const error = (await response.json()).error;
      expect(error.code, JSON.stringify(body)).toBe(code);
      expect(error.param.startsWith(param), JSON.stringify(error)).toBe(true);
    }
    const records = await logs.settle(cases.length);
    expect(records.map((record) => record.status_code)).toEqual(cases.map(() => 400));
    expect(upstream.requests).toHaveLength(0);
    expect(reported).toEqual([]);
  });

  it('refuses identifiers, fallback names and metadata with line breaks or control characters', async () => {
    const cases: Array<[string, object]> = [
      ['customer_identifier', { customer_identifier: 'user-1\r\nX-Injected: yes' }],
      ['thread_identifier', { thread_identifier: 'a\u0000b' }],
      ['fallback_models.0', { fallback_models: ['openai/gpt-4o\nX-Injected: yes'] }],
      ['metadata', { metadata: { 'key\r\nX-Injected': 'v' } }],
      ['metadata', { metadata: { note: 'v\r\nSet-Cookie: a=b' } }],
    ];
    for (const [param, extra] of cases) {
      const response = await post(gateway, { ...CHAT, ...extra });
      expect(response.status, param).toBe(400);
      expect(errorOf(response).param, JSON.stringify(extra)).toMatch(new RegExp(`^${param.replace('.', '\\.')}`));
    }
  });
});

describe('echoed input', () => {
  it('quotes at most 200 characters of the caller’s text in an error', async () => {
    const huge = 'x'.repeat(100_000);
    for (const body of [
      { ...CHAT, model: `nobody/${huge}` },
      { ...CHAT, modelgate_params: { [huge]: 1 } },
      { ...CHAT, metadata: { [huge]: 1 } },
      { ...CHAT, fallback_models: [`nobody/${huge}`] },
    ]) {
      const response = await post(gateway, body);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      const error = errorOf(response);
      expect(error.message.length).toBeLessThan(1_000);
      expect((error.param ?? '').length).toBeLessThan(300);
    }
  });
});

describe('a client that leaves while sending its body', () => {
  it('is logged as aborted (499), not reported as a gateway bug', async () => {
    const { connect } = await import('node:net');
    await new Promise((resolve) => setTimeout(resolve, 30)); // the records of the tests before arrive first
    logs.records.length = 0;
    reported.length = 0;
    const url = new URL(host.baseURL);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST ${url.pathname}/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"model":"gpt-4o-mini",`,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    const [record] = await logs.settle(1);
    expect(record).toMatchObject({
      status_code: 499,
      status: 'aborted',
      client_aborted: true,
      error_code: 'client_closed_request',
    });
    expect(reported).toEqual([]);
  });
});

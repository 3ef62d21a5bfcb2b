/**
 * Gateway keys, the authorize hook, and secrets that must never leave: provider keys in responses,
 * headers or logs, and the client's Authorization header upstream.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, GatewayError, type Gateway } from '../src/index.js';
import { CHAT, chunk, completion, post, readSse } from './helpers/handle.js';
import { startHost, type Host } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { json, openAIError, sse, startUpstream, type Upstream } from './helpers/upstream.js';

const PROVIDER_KEY = 'sk-test-SECRET-provider-key-1234567890';
const GATEWAY_KEY = 'mg-test-gateway-key-abcdef';

let upstream: Upstream;
let gateway: Gateway;
let host: Host;
const logs = logCollector();

beforeAll(async () => {
  upstream = await startUpstream((received, response) => {
    const content = received.body?.messages?.[0]?.content;
    if (content === 'fail-auth') return openAIError(response, 401, `Incorrect API key provided: ${PROVIDER_KEY}`);
    if (content === 'fail-echo') return openAIError(response, 500, `internal error while using key ${PROVIDER_KEY}`);
    if (received.body?.stream) return sse(response, [chunk('ok'), chunk(null, 'stop')]);
    json(response, 200, completion('ok'));
  });
  gateway = createGateway({
    providers: { openai: { apiKey: PROVIDER_KEY, baseURL: upstream.baseURL } },
    gatewayKeys: [{ key: GATEWAY_KEY, name: 'team-a' }],
    authorize: ({ headers, gatewayKey }) =>
      headers['x-team'] === 'blocked' ? false : { principal: `${gatewayKey}:${headers['x-team'] ?? 'none'}` },
    retry: { maxRetries: 0 },
    onLog: logs.sink,
  });
  host = await startHost('express', gateway);
});

afterAll(async () => {
  await host.close();
  await gateway.close();
  await upstream.close();
});

describe('gateway keys and the authorize hook', () => {
  it('answers 401 without a key and with a wrong key', async () => {
    const missing = await post(gateway, CHAT);
    expect(missing.status).toBe(401);
    expect((missing.body as any).error.code).toBe('missing_api_key');
    const wrong = await post(gateway, CHAT, {}, { authorization: 'Bearer mg-test-wrong-key-000000' });
    expect(wrong.status).toBe(401);
    expect((wrong.body as any).error.code).toBe('invalid_api_key');
    expect(upstream.requests).toHaveLength(0);
  });

  it('lets the OpenAI SDK in with the gateway key, names the key (not the key) and the principal in the log', async () => {
    const client = new OpenAI({
      baseURL: host.baseURL,
      apiKey: GATEWAY_KEY,
      maxRetries: 0,
      defaultHeaders: { 'x-team': 'red' },
    });
    await client.chat.completions.create(CHAT as never);
    await logs.settle(3);
    const record = logs.records.find((entry) => entry.status_code === 200)!;
    expect(record).toMatchObject({ gateway_key: 'team-a', principal: 'team-a:red' });
    // The client's Authorization header never travels upstream; the provider key does.
    expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
  });

  it('answers 403 when the authorize hook says no', async () => {
    const response = await post(gateway, CHAT, {}, { authorization: `Bearer ${GATEWAY_KEY}`, 'x-team': 'blocked' });
    expect(response.status).toBe(403);
    expect((response.body as any).error).toMatchObject({ type: 'permission_error', code: 'forbidden' });
  });

  it('answers with the status, code and headers of a GatewayError the authorize hook throws (as the README says)', async () => {
    const errors: string[] = [];
    const own = createGateway({
      providers: { openai: { apiKey: PROVIDER_KEY, baseURL: upstream.baseURL } },
      authorize: ({ headers }) => {
        if (headers['x-session'] === 'expired') {
          throw new GatewayError({
            status: 401,
            code: 'session_expired',
            message: 'Your session expired; sign in again.',
            headers: { 'www-authenticate': 'Bearer' },
          });
        }
        if (headers['x-session'] === 'bug') throw new Error('a bug in the hook');
        return true;
      },
      onError: (error) => errors.push((error as Error).message),
    });
    const expired = await post(own, CHAT, {}, { 'x-session': 'expired' });
    expect(expired.status).toBe(401);
    expect(expired.headers['www-authenticate']).toBe('Bearer');
    expect(expired.body).toEqual({
      error: {
        message: 'Your session expired; sign in again.',
        type: 'authentication_error',
        param: null,
        code: 'session_expired',
      },
    });
    // Anything else thrown is a bug: a 500 that reveals nothing, reported to onError.
    const bug = await post(own, CHAT, {}, { 'x-session': 'bug' });
    expect(bug.status).toBe(500);
    expect((bug.body as any).error.code).toBe('internal_error');
    expect(errors).toEqual(['a bug in the hook']);
    await own.close();
  });
});

describe('secrets never leave', () => {
  it('keeps the provider key out of every response, header and log record', async () => {
    await logs.settle(4);
    logs.records.length = 0;
    const auth = { authorization: `Bearer ${GATEWAY_KEY}` };
    const responses = [
      await post(gateway, { ...CHAT, messages: [{ role: 'user', content: 'fail-auth' }] }, {}, auth),
      await post(gateway, { ...CHAT, messages: [{ role: 'user', content: 'fail-echo' }] }, {}, auth),
      await post(gateway, { ...CHAT, stream: true }, {}, auth).then(async (response) => ({
        ...response,
        body: await readSse(response),
      })),
      await post(gateway, CHAT, {}, auth),
      await post(gateway, { ...CHAT, model: 'unknown-model' }, {}, auth),
    ];
    expect(responses.map((response) => response.status)).toEqual([502, 502, 200, 200, 404]);
    const records = await logs.settle(responses.length);
    const everything = JSON.stringify({
      bodies: responses.map((response) => response.body),
      headers: responses.map((response) => response.headers),
      records,
    });
    expect(everything).not.toContain(PROVIDER_KEY);
    expect(everything).not.toContain(GATEWAY_KEY);
    expect(everything).not.toContain('SECRET');
    expect(JSON.stringify(responses[1].body)).toContain('[redacted]');
  });

  it('lets no request choose the upstream URL', async () => {
    const before = upstream.requests.length;
    const response = await post(
      gateway,
      { ...CHAT, model: 'http://127.0.0.1:1/v1' },
      {},
      { authorization: `Bearer ${GATEWAY_KEY}` },
    );
    expect(response.status).toBe(404);
    expect(upstream.requests.length).toBe(before);
  });
});

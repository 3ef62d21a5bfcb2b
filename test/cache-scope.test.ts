/**
 * Who may be served whose cached answer, through a real Express host and a loopback upstream: the
 * caller's own provider credentials are part of the scope (a caller with a wrong key never gets an
 * answer another key paid for), callers are kept apart when the gateway knows them only by their
 * `customer_identifier` (no gateway key, no principal), and `cache: { shared: true }` is the
 * operator's way to let answers cross callers.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, memoryStore, type GatewayOptions } from '../src/index.js';
import { chat, reply } from './helpers/chat-upstream.js';
import { startHost, type Host } from './helpers/hosts.js';
import { openAIError, sleep, startUpstream, type Upstream } from './helpers/upstream.js';

const OPERATOR_KEY = 'sk-test-cache-scope-operator';
const CALLER_KEY = 'sk-test-cache-scope-caller-good';

let upstream: Upstream;
/** Answers only the keys it knows, like a provider would. */
const checkKey = (request: any, response: any) => {
  const key = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
  if (key !== OPERATOR_KEY && key !== CALLER_KEY) return openAIError(response, 401, 'Incorrect API key provided');
  return reply(request, response, { content: `answered for ${key === CALLER_KEY ? 'the caller' : 'the operator'}` });
};

beforeAll(async () => {
  upstream = await startUpstream(checkKey);
});
afterAll(async () => {
  await upstream.close();
});

const hosts: Host[] = [];
interface Sent {
  status: number;
  cache: string | null;
  body: any;
}

async function serve(
  options: Partial<GatewayOptions> = {},
): Promise<(body: unknown, headers?: Record<string, string>) => Promise<Sent>> {
  const gateway = createGateway({
    providers: { openai: { apiKey: OPERATOR_KEY, baseURL: upstream.baseURL } },
    store: memoryStore(),
    retry: { maxRetries: 0 },
    ...options,
  });
  const host = await startHost('express', gateway);
  hosts.push({ ...host, close: async () => (await host.close(), await gateway.close()) });
  return async (body, headers = {}) => {
    const response = await fetch(`${host.baseURL}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, cache: response.headers.get('x-modelgate-cache'), body: await response.json() };
  };
}

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
  upstream.requests.length = 0;
  await sleep(20);
});

const withKey = (key: string, extra: Record<string, unknown> = {}) =>
  chat('gpt-4o-mini', { customer_credentials: { openai: { api_key: key } }, ...extra });

describe('the cache scope', () => {
  it("never serves an answer paid with another caller's credentials", async () => {
    const send = await serve({ allowCustomerCredentials: true, cache: { enabled: true } });
    const uncached = await send(withKey('sk-test-cache-scope-caller-bad', { cache_enabled: false }));
    expect(uncached.status).toBe(401);
    const paid = await send(withKey(CALLER_KEY));
    expect([paid.status, paid.cache]).toEqual([200, 'miss']);
    expect((await send(withKey(CALLER_KEY))).cache).toBe('hit'); // the same key: its own answer
    const wrong = await send(withKey('sk-test-cache-scope-caller-bad'));
    expect(wrong.status).toBe(uncached.status); // what that key gets without a cache
    expect(wrong.cache).not.toBe('hit');
    expect(wrong.body.error).toEqual(uncached.body.error);
    // Nor does the operator's key get what the caller's key paid for.
    const operator = await send(chat('gpt-4o-mini'));
    expect([operator.status, operator.cache]).toEqual([200, 'miss']);
    expect(operator.body.choices[0].message.content).toBe('answered for the operator');
    expect(upstream.requests).toHaveLength(4);
  });

  it('keeps customers apart when the gateway knows callers by nothing else', async () => {
    const send = await serve(); // no gateway keys, no principal, caching off unless asked
    const as = (customer: Record<string, unknown>) => chat('gpt-4o-mini', { cache_enabled: true, ...customer });
    expect((await send(as({ customer_identifier: 'alice' }))).cache).toBe('miss');
    expect((await send(as({ customer_identifier: 'alice' }))).cache).toBe('hit');
    expect((await send(as({ customer_identifier: 'bob' }))).cache).toBe('miss');
    expect((await send(as({ customer_params: { customer_identifier: 'carol' } }))).cache).toBe('miss');
    expect((await send(as({ customer_identifier: 'carol' }))).cache).toBe('hit'); // the same customer, however named
    expect((await send(as({}))).cache).toBe('miss'); // nobody in particular is not alice either
    expect(upstream.requests).toHaveLength(4);
  });

  it('lets answers cross callers only when the operator shares the cache', async () => {
    const send = await serve({
      cache: { shared: true },
      gatewayKeys: [
        { key: 'mg-test-scope-key-a', name: 'a' },
        { key: 'mg-test-scope-key-b', name: 'b' },
      ],
    });
    const as = (key: string, customer: string) =>
      send(chat('gpt-4o-mini', { cache_enabled: true, customer_identifier: customer }), {
        authorization: `Bearer ${key}`,
      });
    expect((await as('mg-test-scope-key-a', 'alice')).cache).toBe('miss');
    expect((await as('mg-test-scope-key-b', 'bob')).cache).toBe('hit');
    // Credentials stay part of the scope even then.
    const sharedWithKeys = await serve({ cache: { shared: true, enabled: true }, allowCustomerCredentials: true });
    expect((await sharedWithKeys(chat('gpt-4o-mini'))).cache).toBe('miss');
    expect((await sharedWithKeys(withKey(CALLER_KEY))).cache).toBe('miss');
    expect((await sharedWithKeys(withKey('sk-test-cache-scope-caller-bad'))).status).toBe(401);
  });
});

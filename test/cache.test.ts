/**
 * The response cache on memory and on a real redis-server: canonical keys, tenant scope, TTL,
 * streamed answers stored and replayed as SSE (read with the official openai SDK), failures never
 * stored, and a dead store turning the cache into a `skip`.
 */
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, memoryStore, redisStore, type Gateway, type GatewayOptions, type Store } from '../src/index.js';
import { chat, fail, reply } from './helpers/chat-upstream.js';
import { post } from './helpers/call.js';
import { startHost, type Host } from './helpers/hosts.js';
import { fixtureChunks, fixtureJson } from './helpers/fixtures.js';
import { logCollector } from './helpers/logs.js';
import { assertValidOpenAIResponse } from './helpers/openai-response-spec.js';
import {
  freePort,
  hasRedis,
  PATIENT_REDIS,
  PATIENT_STORE_TIMEOUT_MS,
  startRedis,
  type RedisServer,
} from './helpers/redis.js';
import { json, sse, sleep, startUpstream, type Upstream } from './helpers/upstream.js';

const TOOL_CALL = fixtureJson('openai-chat/deepseek-tool-call.json');
const TEXT_CHUNKS = fixtureChunks('openai-chat/openai-text.chunks.jsonl');

let upstream: Upstream;
let redis: RedisServer | undefined;

beforeAll(async () => {
  [upstream, redis] = await Promise.all([
    startUpstream((request, response) => reply(request, response, { content: 'Cached words here.' })),
    hasRedis ? startRedis() : undefined,
  ]);
});
afterAll(async () => {
  await Promise.all([upstream.close(), redis?.stop()]);
});

let prefix = 0;
const stores: Array<[string, () => Store]> = [['memory', () => memoryStore()]];
if (hasRedis)
  stores.push(['redis', () => redisStore({ url: redis!.url, prefix: `cache${++prefix}:`, ...PATIENT_REDIS })]);

describe.each(stores)('cache on the %s store', (_kind, makeStore) => {
  const gateways: Gateway[] = [];
  const hosts: Host[] = [];
  const logs = logCollector();

  function gateway(options: Partial<GatewayOptions> = {}): Gateway {
    const created = createGateway({
      providers: { openai: { apiKey: 'sk-test-cache-upstream-01', baseURL: upstream.baseURL } },
      models: { warm: { target: 'openai/gpt-4o-mini', params: { temperature: 0.9 } } },
      store: makeStore(),
      storeTimeoutMs: PATIENT_STORE_TIMEOUT_MS,
      onLog: logs.sink,
      ...options,
    });
    gateways.push(created);
    return created;
  }

  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((host) => host.close()));
    await Promise.all(gateways.splice(0).map((created) => created.close()));
    upstream.requests.length = 0;
    upstream.handle((request, response) => reply(request, response, { content: 'Cached words here.' }));
    await sleep(20);
    logs.records.length = 0;
  });

  it('answers the same question from the cache, whatever the key order and gateway parameters', async () => {
    const gw = gateway();
    const first = await post(gw, {
      model: 'gpt-4o-mini',
      temperature: 0,
      messages: [{ role: 'user', content: 'Hi' }],
      cache_enabled: true,
      metadata: { a: 1 },
    });
    expect(first.headers['x-modelgate-cache']).toBe('miss');
    // (Not `customer_identifier`: without a gateway key or principal it names the caller, and scopes the cache.)
    const second = await post(gw, {
      messages: [{ content: 'Hi', role: 'user' }],
      cache_enabled: true,
      temperature: 0,
      model: 'gpt-4o-mini',
      thread_identifier: 'someone',
    });
    expect(second.status).toBe(200);
    expect(second.headers['x-modelgate-cache']).toBe('hit');
    expect(second.headers['x-modelgate-attempts']).toBe('0');
    expect(second.body).toEqual(first.body);
    expect(upstream.requests).toHaveLength(1);
    const [miss, hit] = await logs.waitFor(2);
    expect(miss.cache).toEqual({ status: 'miss', ttl_s: 3600, stored: true });
    expect(hit.cache).toMatchObject({ status: 'hit' });
    expect(hit).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', usage: null, cost_usd: 0, attempts: [] });
    expect(miss.cost_usd).toBeGreaterThan(0);
    // A different question, or different parameters, is a miss.
    expect(
      (await post(gw, { ...chat('gpt-4o-mini'), temperature: 1, cache_enabled: true })).headers['x-modelgate-cache'],
    ).toBe('miss');
  });

  it('stores a streamed answer and replays it to streaming and non-streaming clients', async () => {
    const gw = gateway({ cache: { enabled: true } });
    const host = await startHost('express', gw);
    hosts.push(host);
    const client = new OpenAI({ baseURL: host.baseURL, apiKey: 'unused', maxRetries: 0 });
    const read = async (includeUsage: boolean) => {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Stream please' }],
        stream: true,
        ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
      });
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      return chunks;
    };
    const live = await read(false);
    const text = (chunks: any[]) => chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('');
    expect(text(live)).toBe('Cached words here.');
    await logs.waitFor(1);
    const replayed = await read(true);
    expect(upstream.requests).toHaveLength(1);
    expect(text(replayed)).toBe('Cached words here.');
    expect(replayed.at(-1)!.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 });
    expect(replayed.find((chunk) => chunk.choices[0]?.finish_reason)!.choices[0].finish_reason).toBe('stop');

    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Stream please' }] })
      .withResponse();
    expect(response.headers.get('x-modelgate-cache')).toBe('hit');
    expect(data.choices[0].message).toMatchObject({ role: 'assistant', content: 'Cached words here.' });
    expect(data.usage?.total_tokens).toBe(15);
    expect(upstream.requests).toHaveLength(1);
  });

  it('replays a recorded tool call as a stream that follows the OpenAI spec', async () => {
    upstream.handle((_request, response) => json(response, 200, TOOL_CALL));
    const gw = gateway({ cache: { enabled: true } });
    const body = chat('deepseek-chat', {
      model: 'openai/deepseek-reasoner',
      tools: [{ type: 'function', function: { name: 'weather' } }],
    });
    const stored = await post(gw, body);
    expect(stored.body).toEqual(TOOL_CALL);
    const replay = await post(gw, { ...body, stream: true, stream_options: { include_usage: true } });
    expect(replay.headers['x-modelgate-cache']).toBe('hit');
    expect(replay.done).toBe(true);
    for (const event of replay.events!) assertValidOpenAIResponse('chunk', event);
    const calls = replay.events!.flatMap((event) => event.choices[0]?.delta?.tool_calls ?? []);
    expect(calls).toEqual([
      {
        index: 0,
        id: TOOL_CALL.choices[0].message.tool_calls[0].id,
        type: 'function',
        function: { name: 'weather', arguments: '{"location": "San Francisco"}' },
      },
    ]);
    expect(replay.events!.map((event) => event.choices[0]?.finish_reason).filter(Boolean)).toEqual(['tool_calls']);
    expect(replay.events!.map((event) => event.choices[0]?.delta?.reasoning_content).filter(Boolean)).toEqual([
      TOOL_CALL.choices[0].message.reasoning_content,
    ]);
    expect(replay.events!.at(-1).usage).toEqual(TOOL_CALL.usage);
    expect(upstream.requests).toHaveLength(1);
  });

  it('stores a recorded stream as a completion that follows the OpenAI spec', async () => {
    upstream.handle((request, response) =>
      sse(
        response,
        request.body.stream_options?.include_usage ? TEXT_CHUNKS : TEXT_CHUNKS.filter((chunk) => !chunk.usage),
      ),
    );
    const gw = gateway({ cache: { enabled: true } });
    const streamed = await post(gw, chat('gpt-4.1-nano', { stream: true }));
    const text = streamed.events!.map((event) => event.choices[0]?.delta?.content ?? '').join('');
    await logs.waitFor(1);
    const hit = await post(gw, chat('gpt-4.1-nano'));
    expect(hit.headers['x-modelgate-cache']).toBe('hit');
    assertValidOpenAIResponse('completion', hit.body);
    expect(hit.body).toMatchObject({
      id: TEXT_CHUNKS[0].id,
      object: 'chat.completion',
      model: TEXT_CHUNKS[0].model,
      system_fingerprint: TEXT_CHUNKS[0].system_fingerprint,
    });
    expect(hit.body.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' },
    ]);
    expect(hit.body.usage).toMatchObject({ prompt_tokens: 16, completion_tokens: 300, total_tokens: 316 });
  });

  it('keeps tenants apart, and customers too when asked', async () => {
    const gw = gateway({
      gatewayKeys: [
        { key: 'mg-test-tenant-a-key', name: 'a' },
        { key: 'mg-test-tenant-b-key', name: 'b' },
      ],
      cache: { enabled: true },
    });
    const as = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });
    expect((await post(gw, chat('gpt-4o-mini'), as('mg-test-tenant-a-key'))).headers['x-modelgate-cache']).toBe('miss');
    expect((await post(gw, chat('gpt-4o-mini'), as('mg-test-tenant-a-key'))).headers['x-modelgate-cache']).toBe('hit');
    expect((await post(gw, chat('gpt-4o-mini'), as('mg-test-tenant-b-key'))).headers['x-modelgate-cache']).toBe('miss');

    const byCustomer = (customer: string) =>
      chat('gpt-4o-mini', { customer_identifier: customer, cache_options: { cache_by_customer: true } });
    expect((await post(gw, byCustomer('c1'), as('mg-test-tenant-a-key'))).headers['x-modelgate-cache']).toBe('miss');
    expect((await post(gw, byCustomer('c1'), as('mg-test-tenant-a-key'))).headers['x-modelgate-cache']).toBe('hit');
    expect((await post(gw, byCustomer('c2'), as('mg-test-tenant-a-key'))).headers['x-modelgate-cache']).toBe('miss');

    const principals = gateway({ cache: { enabled: true } });
    const from = (principal: string) => ({ context: { principal } });
    await post(principals, chat('gpt-4o-mini'), from('alice'));
    expect((await post(principals, chat('gpt-4o-mini'), from('alice'))).headers['x-modelgate-cache']).toBe('hit');
    expect((await post(principals, chat('gpt-4o-mini'), from('bob'))).headers['x-modelgate-cache']).toBe('miss');
  });

  it('caches embeddings too', async () => {
    upstream.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          object: 'list',
          data: [{ object: 'embedding', index: 0, embedding: [0.25, -0.5] }],
          model: 'text-embedding-3-small',
          usage: { prompt_tokens: 2, total_tokens: 2 },
        }),
      );
    });
    const gw = gateway({ cache: { enabled: true } });
    const body = { model: 'text-embedding-3-small', input: 'cache me' };
    const logged = logs.records.length;
    const first = await post(gw, body, { path: '/v1/embeddings' });
    const second = await post(gw, body, { path: '/v1/embeddings' });
    expect([first.headers['x-modelgate-cache'], second.headers['x-modelgate-cache']]).toEqual(['miss', 'hit']);
    expect(second.body).toEqual(first.body);
    expect(upstream.requests).toHaveLength(1);
    // The hit is logged as the miss was: the number of vectors and their size, not the vectors.
    const records = (await logs.waitFor(logged + 2)).slice(logged);
    expect(records.map((record) => [record.cache?.status, record.output])).toEqual([
      ['miss', { embeddings: 1, dimensions: 2 }],
      ['hit', { embeddings: 1, dimensions: 2 }],
    ]);
  });

  it('includes the alias parameters in the key', async () => {
    const gw = gateway({ cache: { enabled: true } });
    await post(gw, chat('gpt-4o-mini'));
    expect((await post(gw, chat('warm'))).headers['x-modelgate-cache']).toBe('miss');
    expect((await post(gw, chat('warm'))).headers['x-modelgate-cache']).toBe('hit');
    expect(upstream.requests.at(-1)!.body.temperature).toBe(0.9);
  });

  it('never stores a failed answer', async () => {
    upstream.handle((_request, response) => fail(response, 500));
    const gw = gateway({ cache: { enabled: true }, retry: { maxRetries: 0 } });
    expect((await post(gw, chat('gpt-4o-mini'))).status).toBe(502);
    upstream.handle((request, response) => reply(request, response));
    const next = await post(gw, chat('gpt-4o-mini'));
    expect(next.status).toBe(200);
    expect(next.headers['x-modelgate-cache']).toBe('miss');
    expect(upstream.requests).toHaveLength(2);
  });

  it('expires entries after cache_ttl seconds', async () => {
    const gw = gateway();
    const ask = () => post(gw, chat('gpt-4o-mini', { cache_enabled: true, cache_ttl: 0.2 }));
    await ask();
    expect((await ask()).headers['x-modelgate-cache']).toBe('hit');
    await sleep(260);
    expect((await ask()).headers['x-modelgate-cache']).toBe('miss');
  });

  it('leaves no log record for a hit with omit_log, and skips when the request opts out', async () => {
    const gw = gateway({ cache: { enabled: true } });
    await post(gw, chat('gpt-4o-mini'));
    await logs.waitFor(1);
    const hit = await post(gw, chat('gpt-4o-mini', { cache_options: { omit_log: true } }));
    expect(hit.headers['x-modelgate-cache']).toBe('hit');
    const skip = await post(gw, chat('gpt-4o-mini', { cache_enabled: false }));
    expect(skip.headers['x-modelgate-cache']).toBe('skip');
    const records = await logs.settle(2);
    expect(records.map((record) => record.cache?.status)).toEqual(['miss', 'skip']);
  });
});

describe('cache with a dead store', () => {
  it('skips the cache, serves the request and notes the failure', async () => {
    const logs = logCollector();
    const gw = createGateway({
      providers: { openai: { apiKey: 'sk-test-cache-upstream-01', baseURL: upstream.baseURL } },
      store: redisStore({ url: `redis://127.0.0.1:${await freePort()}`, commandTimeoutMs: 50 }),
      onStoreError: 'closed', // the cache is an optimisation: it never refuses a request
      cache: { enabled: true },
      onLog: logs.sink,
    });
    const answer = await post(gw, chat('gpt-4o-mini'));
    expect(answer.status).toBe(200);
    expect(answer.headers['x-modelgate-cache']).toBe('skip');
    const [record] = await logs.waitFor(1);
    expect(record.cache?.status).toBe('skip');
    expect(record.store_errors?.[0]).toMatch(/^cache \(skipped\): /);
    await gw.close();
  });
});

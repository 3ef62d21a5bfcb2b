/**
 * The lifecycle listeners (src/observe/): what they hear, in which order, for plain, streamed,
 * fallen-back and refused requests through a real host and loopback upstreams; a listener that
 * throws never breaks a request; trace headers reach the upstream, credentials never do; the
 * `modelgate:request` diagnostics channel.
 */
import { tracingChannel } from 'node:diagnostics_channel';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createGateway,
  REQUEST_CHANNEL,
  type Gateway,
  type GatewayListener,
  type GatewayOptions,
} from '../src/index.js';
import { chat, fail, reply } from './helpers/chat-upstream.js';
import { startHost, type Host } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { startUpstream, type Upstream } from './helpers/upstream.js';

let primary: Upstream;
let backup: Upstream;
let gateway: Gateway;
let host: Host;
let client: OpenAI;
let logs: ReturnType<typeof logCollector>;
let errors: Array<[unknown, string]>;

beforeEach(async () => {
  primary = await startUpstream((request, response) => reply(request, response, { content: 'from primary' }));
  backup = await startUpstream((request, response) => reply(request, response, { content: 'from backup' }));
  logs = logCollector();
  errors = [];
});

afterEach(async () => {
  await host?.close();
  await gateway?.close();
  await primary.close();
  await backup.close();
});

/** A listener that writes down every event as `[name, event]`. */
function recorder() {
  const events: Array<[string, any]> = [];
  const listener: GatewayListener = {
    requestStart: (event) => events.push(['requestStart', event]),
    attemptStart: (event) => events.push(['attemptStart', event]),
    attemptEnd: (event) => events.push(['attemptEnd', event]),
    requestEnd: (event) => events.push(['requestEnd', event]),
  };
  return { events, listener, names: () => events.map(([name]) => name) };
}

async function serve(listeners: GatewayListener[], options: Partial<GatewayOptions> = {}) {
  gateway = createGateway({
    providers: {
      openai: { apiKey: 'sk-test-primary', baseURL: primary.baseURL },
      backup: { kind: 'openai-compatible', apiKey: 'sk-test-backup', baseURL: backup.baseURL },
    },
    models: { smart: { target: 'openai/gpt-4o-mini', fallbacks: ['backup/gpt-4o-mini'] } },
    retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 2 },
    onLog: logs.sink,
    onError: (error, where) => errors.push([error, where]),
    listeners,
    ...options,
  });
  host = await startHost('node', gateway);
  client = new OpenAI({ baseURL: host.baseURL, apiKey: 'client-key', maxRetries: 0 });
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!check()) throw new Error('the expected events never came');
}

describe('lifecycle listeners', () => {
  it('hear start, each attempt and the end of a plain request, the end carrying the record onLog gets', async () => {
    const { events, listener, names } = recorder();
    await serve([listener]);
    const answer = await client.chat.completions.create(chat('gpt-4o-mini') as any, {
      headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    expect(answer.choices[0].message.content).toBe('from primary');
    await until(() => names().includes('requestEnd'));
    expect(names()).toEqual(['requestStart', 'attemptStart', 'attemptEnd', 'requestEnd']);
    const [[, start], [, attemptStart], [, attemptEnd], [, end]] = events;
    expect(start).toMatchObject({ method: 'POST', path: '/chat/completions', endpoint: 'chat.completions' });
    expect(start.headers.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(start.headers['content-type']).toBe('application/json');
    expect(start.headers).not.toHaveProperty('authorization'); // the client's key never reaches a listener
    expect(attemptStart).toMatchObject({
      requestId: start.id,
      provider: 'openai',
      providerKind: 'openai',
      model: 'gpt-4o-mini',
      operation: 'chat',
      retry: 0,
      targetIndex: 0,
      probe: false,
    });
    expect(attemptEnd).toMatchObject({ requestId: start.id, outcome: 'success', providerKind: 'openai' });
    expect(attemptEnd.attempt.status_code).toBe(200);
    const [record] = await logs.settle(1);
    expect(end.id).toBe(start.id);
    expect(end.logged).toBe(true);
    expect(end.providerKind).toBe('openai');
    expect(end.record).toEqual(record);
    expect(end.record.usage.prompt_tokens).toBe(10);
    expect(end.endTime).toBeGreaterThanOrEqual(end.startTime);
    expect(errors).toEqual([]);
  });

  it('hear every attempt of a retried then fallen-back request, with its outcome', async () => {
    const { events, listener, names } = recorder();
    await serve([listener]);
    primary.handle((_request, response) => fail(response, 500));
    const answer = await client.chat.completions.create(chat('smart') as any);
    expect(answer.choices[0].message.content).toBe('from backup');
    await until(() => names().includes('requestEnd'));
    expect(names()).toEqual([
      'requestStart',
      ...['attemptStart', 'attemptEnd', 'attemptStart', 'attemptEnd', 'attemptStart', 'attemptEnd'],
      'requestEnd',
    ]);
    const starts = events.filter(([name]) => name === 'attemptStart').map(([, event]) => event);
    const ends = events.filter(([name]) => name === 'attemptEnd').map(([, event]) => event);
    expect(starts.map((event) => [event.provider, event.retry, event.targetIndex])).toEqual([
      ['openai', 0, 0],
      ['openai', 1, 0],
      ['backup', 0, 1],
    ]);
    expect(ends.map((event) => [event.outcome, event.attempt.status_code])).toEqual([
      ['error', 500],
      ['error', 500],
      ['success', 200],
    ]);
    expect(events.at(-1)![1].record.fallback_used).toBe(true);
  });

  it('end a stream when the client has read it, with its time to first token', async () => {
    const { events, listener, names } = recorder();
    await serve([listener]);
    const stream = await client.chat.completions.create({ ...(chat('gpt-4o-mini') as any), stream: true });
    let text = '';
    for await (const part of stream as any) text += part.choices[0]?.delta?.content ?? '';
    expect(text).toBe('from primary');
    await until(() => names().includes('requestEnd'));
    const end = events.at(-1)![1];
    expect(end.record.stream).toBe(true);
    expect(end.record.status).toBe('success');
    expect(end.record.ttft_ms).toBeGreaterThan(0);
    expect(names()).toEqual(['requestStart', 'attemptStart', 'attemptEnd', 'requestEnd']);
  });

  it('hear a refused request too: start (no route) and end', async () => {
    const { events, listener, names } = recorder();
    await serve([listener]);
    const response = await fetch(`${host.baseURL}/no/such/route`, { method: 'POST' });
    expect(response.status).toBe(404);
    await until(() => names().includes('requestEnd'));
    expect(names()).toEqual(['requestStart', 'requestEnd']);
    expect(events[0][1].endpoint).toBeNull();
    expect(events[1][1].record.status_code).toBe(404);
  });

  it('a listener that throws goes to onError; the request and the other listeners go on', async () => {
    const { listener, names } = recorder();
    const thrower: GatewayListener = {
      requestStart() {
        throw new Error('listener bug at start');
      },
      attemptEnd() {
        throw new Error('listener bug at attempt');
      },
      requestEnd() {
        throw new Error('listener bug at end');
      },
    };
    await serve([thrower, listener]);
    const answer = await client.chat.completions.create(chat('gpt-4o-mini') as any);
    expect(answer.choices[0].message.content).toBe('from primary');
    await until(() => names().includes('requestEnd'));
    await logs.settle(1);
    expect(errors.map(([error, where]) => [(error as Error).message, where])).toEqual([
      ['listener bug at start', 'listener'],
      ['listener bug at attempt', 'listener'],
      ['listener bug at end', 'listener'],
    ]);
    expect(names()).toEqual(['requestStart', 'attemptStart', 'attemptEnd', 'requestEnd']);
  });

  it('add trace headers upstream (per request and per attempt), refusing credentials', async () => {
    const forwarder: GatewayListener = {
      requestStart(event) {
        event.setUpstreamHeader('tracestate', 'vendor=1');
        event.setUpstreamHeader('traceparent', 'request-level');
        event.setUpstreamHeader('Authorization', 'Bearer stolen');
        event.setUpstreamHeader('x-bad', 'line\r\nbreak');
      },
      attemptStart(event) {
        event.setUpstreamHeader('traceparent', `00-0af7651916cd43dd8448eb211c80319c-00000000000000a${event.retry}-01`);
      },
    };
    await serve([forwarder]);
    primary.handleNth(0, (_request, response) => fail(response, 503));
    await client.chat.completions.create(chat('gpt-4o-mini') as any);
    expect(primary.requests.map((request) => request.headers.traceparent)).toEqual([
      '00-0af7651916cd43dd8448eb211c80319c-00000000000000a0-01',
      '00-0af7651916cd43dd8448eb211c80319c-00000000000000a1-01',
    ]);
    expect(primary.requests.map((request) => request.headers.tracestate)).toEqual(['vendor=1', 'vendor=1']);
    expect(primary.requests.map((request) => request.headers.authorization)).toEqual([
      'Bearer sk-test-primary',
      'Bearer sk-test-primary',
    ]);
    expect(primary.requests[0].headers['x-bad']).toBeUndefined();
    expect(errors.map(([error, where]) => [(error as Error).message.split(':')[0], where])).toEqual([
      ['setUpstreamHeader', 'listener'],
      ['setUpstreamHeader', 'listener'],
    ]);
  });

  it('close() calls each listener’s close after the last request ended', async () => {
    const seen: string[] = [];
    await serve([{ requestEnd: () => seen.push('end'), close: () => void seen.push('close') }]);
    await client.chat.completions.create(chat('gpt-4o-mini') as any);
    await host.close();
    await gateway.close();
    expect(seen).toEqual(['end', 'close']);
  });
});

describe('the modelgate:request diagnostics channel', () => {
  it('publishes start, then error and asyncEnd with the final record, without any listener configured', async () => {
    const seen: Array<[string, any]> = [];
    const channel = tracingChannel(REQUEST_CHANNEL);
    const handlers = {
      start: (context: any) => seen.push(['start', { ...context }]),
      end: () => seen.push(['end', undefined]),
      asyncStart: () => seen.push(['asyncStart', undefined]),
      asyncEnd: (context: any) => seen.push(['asyncEnd', context]),
      error: (context: any) => seen.push(['error', context.error]),
    };
    channel.subscribe(handlers as any);
    try {
      await serve([]);
      primary.handle((_request, response) => fail(response, 400));
      await expect(client.chat.completions.create(chat('gpt-4o-mini') as any)).rejects.toThrow();
      await logs.settle(1);
      await until(() => seen.some(([name]) => name === 'asyncEnd'));
      expect(seen.map(([name]) => name)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
      expect(seen[0][1]).toMatchObject({ method: 'POST', path: '/chat/completions', endpoint: 'chat.completions' });
      expect(seen[0][1].headers['content-type']).toBe('application/json');
      expect(seen[0][1].headers).not.toHaveProperty('authorization');
      expect(seen[2][1]).toMatchObject({ status: 400 });
      expect(seen[4][1].record).toEqual(logs.records[0]);
    } finally {
      channel.unsubscribe(handlers as any);
    }
  });
});

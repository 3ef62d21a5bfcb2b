/**
 * Log export (`httpLogSink`, `webhookLogSink`) to a real loopback collector: batching by count,
 * bytes and interval; retries of 429/5xx/network errors honouring retry-after; a collector killed
 * and restarted mid-run still gets every record; a bounded queue whose drops are counted and
 * reported; `gateway.close()` flushes; webhook bodies signed as Keywords AI signs them.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchRetryDelayMs, DEFAULT_BATCH_RETRY } from '../src/export/batch-retry.js';
import {
  createGateway,
  httpLogSink,
  webhookLogSink,
  type Gateway,
  type HttpLogSink,
  type LogRecord,
} from '../src/index.js';
import { chat, reply } from './helpers/chat-upstream.js';
import { post } from './helpers/handle.js';
import { startHost, type Host } from './helpers/hosts.js';
import { startUpstream, type Upstream } from './helpers/upstream.js';

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
}

type CollectorHandler = (received: Received, response: ServerResponse, index: number) => void;

/** A log collector on 127.0.0.1 that can be killed and started again on the same port. */
async function startCollector(port = 0, handler?: CollectorHandler) {
  const received: Received[] = [];
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const entry = { headers: req.headers, raw, body: JSON.parse(raw) };
    const index = received.push(entry) - 1;
    if (handler) handler(entry, res, index);
    else res.writeHead(200).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    url: `http://127.0.0.1:${bound}/ingest`,
    received,
    /** Record ids received, duplicates included. */
    ids: () => received.flatMap((entry) => (Array.isArray(entry.body) ? entry.body : [entry.body])).map((r) => r.id),
    kill: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let upstream: Upstream;
let gateway: Gateway | undefined;
let host: Host | undefined;
let errors: string[];

beforeEach(async () => {
  upstream = await startUpstream((request, response) => reply(request, response));
  errors = [];
});

afterEach(async () => {
  await host?.close();
  await gateway?.close();
  host = gateway = undefined;
  await upstream.close();
});

function gatewayWith(sink: HttpLogSink, ids: string[] = []) {
  gateway = createGateway({
    providers: { openai: { apiKey: 'sk-test-export', baseURL: upstream.baseURL } },
    onLog: sink,
    listeners: [{ requestEnd: (event) => void ids.push(event.id) }],
  });
  return gateway;
}

const fastRetry = { initialDelayMs: 5, maxDelayMs: 40 };

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!check()) throw new Error(`never happened: ${what}`);
}

describe('httpLogSink', () => {
  it('delivers every record to a collector that is killed and restarted mid-run', async () => {
    let collector = await startCollector();
    const port = collector.port;
    const sink = httpLogSink({
      url: collector.url,
      maxBatch: 5,
      flushIntervalMs: 20,
      retry: fastRetry,
      onError: (error) => errors.push(error.message),
    });
    const ids: string[] = [];
    gatewayWith(sink, ids);
    host = await startHost('node', gateway!);
    const client = new OpenAI({ baseURL: host.baseURL, apiKey: 'k', maxRetries: 0 });
    const burst = (count: number) =>
      Promise.all(Array.from({ length: count }, () => client.chat.completions.create(chat('gpt-4o-mini') as any)));

    await burst(20);
    await until(() => new Set(collector.ids()).size === 20, 'the first 20 records at the collector');
    const before = collector.received;
    await collector.kill();
    await burst(20); // the collector is down: these wait in the queue, their POSTs retried
    await until(() => errors.some((message) => message.includes('POST failed')), 'a failed POST');
    collector = await startCollector(port);
    await burst(20);
    await host.close();
    host = undefined;
    await gateway!.close(); // flushes the sink
    gateway = undefined;

    const delivered = new Set([
      ...before.flatMap((entry) => entry.body.map((r: LogRecord) => r.id)),
      ...collector.ids(),
    ]);
    expect(ids).toHaveLength(60);
    expect([...delivered].sort()).toEqual([...ids].sort());
    expect(sink.stats()).toMatchObject({ dropped: 0, queued: 0 });
    expect(sink.stats().delivered).toBeGreaterThanOrEqual(60); // at least once
    expect(sink.stats().retries).toBeGreaterThan(0);
  });

  it('keeps at most maxQueue records while the collector is down, counts and reports the drops beyond', async () => {
    const dead = await startCollector();
    await dead.kill();
    const sink = httpLogSink({
      url: dead.url,
      maxQueue: 10,
      maxBatch: 100,
      flushIntervalMs: 10,
      retry: fastRetry,
      onError: (error) => errors.push(error.message),
    });
    const ids: string[] = [];
    gatewayWith(sink, ids);
    for (let i = 0; i < 25; i++) await post(gateway!, chat('gpt-4o-mini'));
    await until(() => ids.length === 25, '25 requests ended');
    expect(sink.stats()).toMatchObject({ queued: 10, dropped: 15 });
    expect(errors.filter((message) => message.includes('dropped 1 log record(s): the queue is full'))).toHaveLength(15);

    const collector = await startCollector(dead.port);
    await sink.flush();
    expect(collector.ids()).toEqual(ids.slice(0, 10)); // the oldest kept, in order
    expect(sink.stats()).toMatchObject({ queued: 0, delivered: 10, dropped: 15 });
    await collector.kill();
  });

  it('batches by count, by bytes and by interval; flush() sends what waits', async () => {
    const collector = await startCollector();
    const byCount = httpLogSink({ url: collector.url, maxBatch: 4, flushIntervalMs: 60_000 });
    const records = Array.from({ length: 9 }, (_, i) => ({ id: `r${i}` }) as LogRecord);
    for (const record of records) byCount(record);
    await until(() => collector.received.length === 2, 'two full batches');
    expect(collector.received.map((entry) => entry.body.length)).toEqual([4, 4]);
    await byCount.flush();
    expect(collector.received.map((entry) => entry.body.length)).toEqual([4, 4, 1]);

    collector.received.length = 0;
    const byBytes = httpLogSink({ url: collector.url, maxBatch: 100, maxBatchBytes: 20, flushIntervalMs: 60_000 });
    for (const record of records.slice(0, 3)) byBytes(record); // {"id":"r0"} is 11 bytes: one per batch
    await until(() => collector.received.length === 2, 'two batches by size');
    await byBytes.flush();
    expect(collector.received.map((entry) => entry.body.map((r: LogRecord) => r.id))).toEqual([['r0'], ['r1'], ['r2']]);

    collector.received.length = 0;
    const byTime = httpLogSink({ url: collector.url, maxBatch: 100, flushIntervalMs: 30 });
    byTime(records[0]);
    byTime(records[1]);
    await until(() => collector.received.length === 1, 'the interval batch');
    expect(collector.received[0].body.map((r: LogRecord) => r.id)).toEqual(['r0', 'r1']);
    await collector.kill();
  });

  it('retries 429 (after retry-after) and 5xx, and drops a batch the collector refuses with another 4xx', async () => {
    const answers = [429, 503, 200, 400];
    const collector = await startCollector(0, (_received, response, index) =>
      response.writeHead(answers[index], answers[index] === 429 ? { 'retry-after': '0' } : {}).end('{}'),
    );
    const sink = httpLogSink({
      url: collector.url,
      maxBatch: 1,
      retry: fastRetry,
      onError: (error) => errors.push(error.message),
    });
    sink({ id: 'a' } as LogRecord);
    await sink.flush();
    expect(collector.ids()).toEqual(['a', 'a', 'a']);
    expect(sink.stats()).toMatchObject({ delivered: 1, retries: 2, failedPosts: 2, dropped: 0 });
    sink({ id: 'b' } as LogRecord);
    await sink.flush();
    expect(collector.ids()).toEqual(['a', 'a', 'a', 'b']); // a 400 is not tried again
    expect(sink.stats()).toMatchObject({ delivered: 1, dropped: 1 });
    expect(errors.at(-1)).toContain('refused the batch with 400');
    await collector.kill();
  });

  it('gateway.close() flushes what waits, then drops (and reports) what comes after', async () => {
    const collector = await startCollector();
    const sink = httpLogSink({
      url: collector.url,
      flushIntervalMs: 60_000,
      onError: (error) => errors.push(error.message),
    });
    const ids: string[] = [];
    gatewayWith(sink, ids);
    for (let i = 0; i < 3; i++) await post(gateway!, chat('gpt-4o-mini'));
    expect(collector.received).toHaveLength(0);
    await gateway!.close();
    gateway = undefined;
    expect(collector.ids()).toEqual(ids);
    sink({ id: 'late' } as LogRecord);
    expect(sink.stats().dropped).toBe(1);
    expect(errors).toEqual(['httpLogSink: dropped 1 log record(s): the sink is closed (1 dropped in all)']);
    await collector.kill();
  });

  it('close() gives up after closeTimeoutMs on a dead collector, reporting what it drops', async () => {
    const dead = await startCollector();
    await dead.kill();
    const sink = httpLogSink({
      url: dead.url,
      closeTimeoutMs: 100,
      retry: fastRetry,
      onError: (error) => errors.push(error.message),
    });
    sink({ id: 'x' } as LogRecord);
    sink({ id: 'y' } as LogRecord);
    await sink.close();
    expect(sink.stats()).toMatchObject({ queued: 0, delivered: 0, dropped: 2 });
    expect(errors.at(-1)).toContain('dropped 2 log record(s): still undelivered when the sink closed');
  });
});

describe('webhookLogSink', () => {
  it('posts each record alone, signed with HMAC-SHA256 of the body in X-Keywordsai-Signature', async () => {
    const collector = await startCollector();
    const secret = 'whsec-test-0123456789';
    const sink = webhookLogSink({ url: collector.url, secret, flushIntervalMs: 5 });
    const ids: string[] = [];
    gatewayWith(sink, ids);
    await post(gateway!, chat('gpt-4o-mini'));
    await post(gateway!, chat('gpt-4o-mini'));
    await gateway!.close();
    gateway = undefined;
    expect(collector.received).toHaveLength(2);
    for (const [index, entry] of collector.received.entries()) {
      expect(entry.body.id).toBe(ids[index]);
      const expected = createHmac('sha256', secret).update(entry.raw).digest('hex');
      expect(entry.headers['x-keywordsai-signature']).toBe(expected);
      expect(entry.headers['content-type']).toBe('application/json');
    }
    await collector.kill();
  });
});

describe('batchRetryDelayMs', () => {
  it('honours retry-after in seconds or as a date (capped), else backs off exponentially with jitter', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(batchRetryDelayMs(1, '2', DEFAULT_BATCH_RETRY, now)).toBe(2000);
    expect(batchRetryDelayMs(1, 'Thu, 01 Jan 2026 00:00:05 GMT', DEFAULT_BATCH_RETRY, now)).toBe(5000);
    expect(batchRetryDelayMs(1, '99999', DEFAULT_BATCH_RETRY, now)).toBe(DEFAULT_BATCH_RETRY.maxRetryAfterMs);
    const noJitter = () => 0;
    const fullJitter = () => 1;
    expect([1, 2, 3].map((n) => batchRetryDelayMs(n, null, DEFAULT_BATCH_RETRY, now, noJitter))).toEqual([
      250, 500, 1000,
    ]);
    expect(batchRetryDelayMs(3, null, DEFAULT_BATCH_RETRY, now, fullJitter)).toBe(2000);
    expect(batchRetryDelayMs(20, null, DEFAULT_BATCH_RETRY, now, fullJitter)).toBe(DEFAULT_BATCH_RETRY.maxDelayMs);
  });
});

/**
 * Exactly one log record per request, whatever happens, and a sink can never hurt a response.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, jsonlSink, type LogRecord } from '../src/index.js';
import { CHAT, chunk, completion, post, readSse } from './helpers/handle.js';
import { logCollector } from './helpers/logs.js';
import { json, openAIError, sse, startUpstream, type Upstream } from './helpers/upstream.js';

let upstream: Upstream;

beforeAll(async () => {
  upstream = await startUpstream((received, response) => {
    if (received.body?.messages?.[0]?.content === 'fail') return openAIError(response, 500, 'boom');
    if (received.body?.stream) return sse(response, [chunk('a'), chunk(null, 'stop')]);
    json(response, 200, completion('ok'));
  });
});
afterAll(() => upstream.close());

const providers = () => ({ openai: { apiKey: 'sk-test-log', baseURL: upstream.baseURL } });

describe('one log record per request', () => {
  it('for successes, failures, bad input, unknown paths, wrong methods and oversized bodies', async () => {
    const logs = logCollector();
    const gateway = createGateway({
      providers: providers(),
      onLog: logs.sink,
      retry: { maxRetries: 1, initialDelayMs: 1 },
      bodyLimitBytes: 1000,
    });
    const requests: Array<Promise<unknown>> = [
      post(gateway, CHAT),
      post(gateway, { ...CHAT, stream: true }).then(readSse),
      post(gateway, { ...CHAT, messages: [{ role: 'user', content: 'fail' }] }),
      post(gateway, { ...CHAT, model: 42 }),
      post(gateway, { ...CHAT, customer_identifier: ['x'] }),
      gateway.handle({
        method: 'POST',
        path: '/chat/completions',
        headers: { 'content-type': 'application/json' },
        rawBody: '{not json',
      }),
      gateway.handle({ method: 'POST', path: '/chat/completions', headers: {}, rawBody: 'x'.repeat(2000) }),
      gateway.handle({ method: 'GET', path: '/nope', headers: {} }),
      gateway.handle({ method: 'DELETE', path: '/models', headers: {} }),
      gateway.handle({ method: 'GET', path: '/v1/models', headers: {} }),
    ];
    await Promise.all(requests);
    const records = await logs.settle(requests.length);
    expect(records).toHaveLength(requests.length);
    expect(records.map((record) => record.status_code).sort()).toEqual(
      [200, 200, 200, 400, 400, 400, 404, 405, 413, 502].sort(),
    );
    expect(new Set(records.map((record) => record.id)).size).toBe(requests.length);
    const failed = records.find((record) => record.status_code === 502)!;
    expect(failed).toMatchObject({
      status: 'error',
      error_message: expect.stringContaining('boom'),
      requested_model: 'gpt-4o-mini',
    });
    expect(failed.attempts).toHaveLength(2);
    await gateway.close();
  });

  it('carries the documented fields', async () => {
    const logs = logCollector();
    const gateway = createGateway({ providers: providers(), onLog: logs.sink });
    await post(
      gateway,
      { ...CHAT, temperature: 0.5, customer_identifier: 'c1', custom_identifier: 'x1', metadata: { k: 'v' } },
      { principal: { id: 'u1' }, metadata: { region: 'eu' } },
    );
    const [record] = await logs.settle(1);
    const expected: Partial<LogRecord> = {
      method: 'POST',
      path: '/chat/completions',
      endpoint: 'chat.completions',
      status: 'success',
      status_code: 200,
      stream: false,
      requested_model: 'gpt-4o-mini',
      model: 'gpt-4o-mini',
      provider: 'openai',
      fallback_used: false,
      customer_identifier: 'c1',
      custom_identifier: 'x1',
      metadata: { k: 'v' },
      principal: { id: 'u1' },
      host_metadata: { region: 'eu' },
      params: { model: 'gpt-4o-mini', temperature: 0.5 },
      input: CHAT.messages,
      usage: {
        prompt_tokens: 3,
        completion_tokens: 2,
        total_tokens: 5,
        cached_tokens: 0,
        cache_write_tokens: 0,
        reasoning_tokens: 0,
      },
    };
    expect(record).toMatchObject(expected);
    expect(Date.parse(record.end_time)).toBeGreaterThanOrEqual(Date.parse(record.start_time));
    expect(record.latency_ms).toBeGreaterThan(0);
    await gateway.close();
  });

  it('leaves input and output out with disable_log', async () => {
    const logs = logCollector();
    const gateway = createGateway({ providers: providers(), onLog: logs.sink });
    await post(gateway, { ...CHAT, disable_log: true });
    await readSse(await post(gateway, { ...CHAT, stream: true, disable_log: true }));
    const records = await logs.settle(2);
    for (const record of records) expect(record).toMatchObject({ input: null, output: null, status: 'success' });
    await gateway.close();
  });
});

describe('log sinks', () => {
  it('never let a throwing, rejecting or slow sink break or delay the response', async () => {
    const errors: string[] = [];
    for (const sink of [
      () => {
        throw new Error('sink down');
      },
      () => Promise.reject(new Error('async sink down')),
      () => new Promise((resolve) => setTimeout(resolve, 2_000)),
    ]) {
      const gateway = createGateway({
        providers: providers(),
        onLog: sink,
        onError: (error) => errors.push((error as Error).message),
      });
      const started = performance.now();
      const response = await post(gateway, CHAT);
      expect(response.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(500);
      await gateway.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(errors).toEqual(['sink down', 'async sink down']);
  });

  it('jsonlSink appends one JSON line per request and creates the folder', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'modelgate-')), 'nested', 'requests.jsonl');
    const gateway = createGateway({ providers: providers(), onLog: jsonlSink(path) });
    await post(gateway, CHAT);
    await post(gateway, { ...CHAT, model: 'missing-model' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await gateway.close(); // flushes the sink
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.status_code)).toEqual([200, 404]);
  });

  it('jsonlSink refuses records after close, instead of reopening the file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'modelgate-')), 'requests.jsonl');
    const errors: unknown[] = [];
    const gateway = createGateway({
      providers: providers(),
      onLog: jsonlSink(path),
      onError: (error) => errors.push(error),
    });
    await post(gateway, CHAT);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await gateway.close();
    const after = await post(gateway, CHAT);
    expect(after.status).toBe(503);
    expect((after.body as any).error.code).toBe('gateway_closed');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(String(errors[0])).toMatch(/is closed/);
  });

  it('jsonlSink reports a write error once and writes again when the file can be opened', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'modelgate-'));
    const sink = jsonlSink(folder); // a folder cannot be opened as a file
    const record = { id: 'r1' } as LogRecord;
    sink(record);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(() => sink(record)).toThrow(/EISDIR|illegal operation/);
    expect(() => sink({ id: 'r2' } as LogRecord)).not.toThrow();
    await sink.close();
  });

  it('jsonlSink refuses a record rather than hold unbounded bytes for a slow disk', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'modelgate-')), 'requests.jsonl');
    const sink = jsonlSink(path, { maxPendingBytes: 1_000 });
    const big = { id: 'big', input: 'x'.repeat(2_000) } as unknown as LogRecord;
    sink(big);
    expect(() => sink(big)).toThrow(/waiting for the disk/);
    await sink.close();
  });
});

/**
 * Reading the request body has bounds in time as well as size: a body trickled or never finished
 * gets a logged 408 within `timeouts.bodyReadMs` (and never past the request's deadline), and any
 * answer given while the body is still arriving (413, 408, 415, ...) closes the connection instead
 * of reading the rest of the upload. Driven by a raw socket client, through every host where the
 * gateway reads the body itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/index.js';
import { CHAT, completion } from './helpers/handle.js';
import { startHost, type Host, type HostKind } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { rawRequest, type RawExchange } from './helpers/raw-client.js';
import { json, sleep, startUpstream, type Upstream } from './helpers/upstream.js';

const LIMIT = 64 * 1024;
const BODY_READ_MS = 500;
/** Slack for a loaded machine: a bound is kept when the answer comes within this after it. */
const SLACK_MS = 700;
const OWN_READERS: HostKind[] = ['node', 'express', 'koa', 'koa-before-bodyparser', 'fetch'];
const JSON_HEAD = { 'content-type': 'application/json' };
const START = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"';

/** The answer, the log record, and when the connection closed after the answer. */
async function outcome(exchange: RawExchange, logs: ReturnType<typeof logCollector>) {
  try {
    const answer = await exchange.answer;
    const closedAt = await Promise.race([exchange.closed, sleep(3_000).then(() => Infinity)]);
    const records = await logs.settle(1);
    expect(records).toHaveLength(1);
    expect(records[0].status_code).toBe(answer.status);
    return { ...answer, error: JSON.parse(answer.body).error, record: records[0], closedAfterMs: closedAt - answer.at };
  } finally {
    exchange.destroy();
  }
}

describe.each(OWN_READERS)('body read bounds: %s', (kind) => {
  let upstream: Upstream;
  let gateway: Gateway;
  let host: Host;
  const logs = logCollector();

  beforeAll(async () => {
    upstream = await startUpstream((_request, response) => json(response, 200, completion('Hello')));
    gateway = createGateway({
      providers: { openai: { apiKey: 'sk-test-bounds', baseURL: upstream.baseURL } },
      bodyLimitBytes: LIMIT,
      timeouts: { bodyReadMs: BODY_READ_MS },
      onLog: logs.sink,
    });
    host = await startHost(kind, gateway);
  });
  afterAll(async () => {
    await host.close();
    await gateway.close();
    await upstream.close();
  });

  const send = (options: Parameters<typeof rawRequest>[1]) => {
    logs.records.length = 0;
    return rawRequest(`${host.baseURL}/chat/completions`, options);
  };

  it('answers a body trickled byte by byte with a logged 408 once bodyReadMs passed, and closes', async () => {
    const result = await outcome(
      send({ headers: { ...JSON_HEAD, 'content-length': '60000' }, first: START, piece: 'x', everyMs: 50 }),
      logs,
    );
    expect(result.status).toBe(408);
    expect(result.error).toMatchObject({ code: 'request_body_timeout', type: 'timeout_error' });
    expect(result.at).toBeGreaterThanOrEqual(BODY_READ_MS - 50);
    expect(result.at).toBeLessThan(BODY_READ_MS + SLACK_MS);
    expect(result.headers.connection).toBe('close');
    expect(result.closedAfterMs).toBeLessThan(SLACK_MS);
    expect(result.record.error_code).toBe('request_body_timeout');
  });

  it('answers a chunked body that never ends with a 408, and closes', async () => {
    const result = await outcome(
      send({ headers: { ...JSON_HEAD, 'transfer-encoding': 'chunked' }, first: START, chunked: true }),
      logs,
    );
    expect(result.status).toBe(408);
    expect(result.at).toBeLessThan(BODY_READ_MS + SLACK_MS);
    expect(result.closedAfterMs).toBeLessThan(SLACK_MS);
  });

  it('stops reading after a 413 on a chunked upload: the connection closes while the client still sends', async () => {
    const exchange = send({
      headers: { ...JSON_HEAD, 'transfer-encoding': 'chunked' },
      first: START,
      piece: 'x'.repeat(16 * 1024),
      everyMs: 10,
      chunked: true,
    });
    const result = await outcome(exchange, logs);
    expect(result.status).toBe(413);
    expect(result.error.code).toBe('request_too_large');
    expect(result.headers.connection).toBe('close');
    expect(result.closedAfterMs).toBeLessThan(SLACK_MS);
    // Without the close, the upload goes on for as long as the client sends (30 s and more).
    expect(exchange.sent()).toBeLessThan(LIMIT + 100 * 16 * 1024);
  });

  it('stops reading after a 413 on a declared Content-Length over the limit', async () => {
    const result = await outcome(
      send({
        headers: { ...JSON_HEAD, 'content-length': String(50 * 1024 * 1024) },
        first: START,
        piece: 'x'.repeat(16 * 1024),
        everyMs: 10,
      }),
      logs,
    );
    expect(result.status).toBe(413);
    expect(result.headers.connection).toBe('close');
    expect(result.closedAfterMs).toBeLessThan(SLACK_MS);
  });

  it('closes after a 415 given before the body was read', async () => {
    const result = await outcome(
      send({
        headers: { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' },
        first: 'hello',
        piece: 'x'.repeat(1024),
        everyMs: 10,
        chunked: true,
      }),
      logs,
    );
    expect(result.status).toBe(415);
    expect(result.headers.connection).toBe('close');
    expect(result.closedAfterMs).toBeLessThan(SLACK_MS);
  });

  it('keeps the connection of a request whose body arrived whole', async () => {
    const body = JSON.stringify(CHAT);
    const exchange = send({
      headers: { ...JSON_HEAD, 'content-length': String(Buffer.byteLength(body)) },
      first: body,
    });
    try {
      const answer = await exchange.answer;
      expect(answer.status).toBe(200);
      expect(answer.headers.connection).not.toBe('close');
      expect(await Promise.race([exchange.closed.then(() => 'closed'), sleep(300).then(() => 'open')])).toBe('open');
    } finally {
      exchange.destroy();
    }
  });
});

describe.each(['node', 'fetch'] as const)('the request deadline covers the body read: %s', (kind) => {
  let upstream: Upstream;
  let gateway: Gateway;
  let host: Host;
  const logs = logCollector();

  beforeAll(async () => {
    upstream = await startUpstream(async (_request, response) => {
      await sleep(400);
      json(response, 200, completion('late'));
    });
    // bodyReadMs keeps its default (60 s): the 600 ms deadline is the bound.
    gateway = createGateway({
      providers: { openai: { apiKey: 'sk-test-bounds', baseURL: upstream.baseURL } },
      timeouts: { requestMs: 600 },
      retry: { maxRetries: 0 },
      onLog: logs.sink,
    });
    host = await startHost(kind, gateway);
  });
  afterAll(async () => {
    await host.close();
    await gateway.close();
    await upstream.close();
  });

  it('a body still arriving at the deadline is a 408 at the deadline', async () => {
    logs.records.length = 0;
    const result = await outcome(
      rawRequest(`${host.baseURL}/chat/completions`, {
        headers: { ...JSON_HEAD, 'content-length': '60000' },
        first: START,
        piece: 'x',
        everyMs: 50,
      }),
      logs,
    );
    expect(result.status).toBe(408);
    expect(result.at).toBeLessThan(600 + SLACK_MS);
  });

  it('a body that took most of the deadline leaves the upstream only the rest of it', async () => {
    logs.records.length = 0;
    const body = JSON.stringify(CHAT);
    // 300 ms of body, then a 400 ms upstream: 700 ms in all, past the 600 ms deadline.
    const pieces = [body.slice(0, 10), ...body.slice(10).match(/.{1,4}/gs)!];
    const exchange = rawRequest(`${host.baseURL}/chat/completions`, {
      headers: { ...JSON_HEAD, 'content-length': String(Buffer.byteLength(body)) },
      first: pieces[0],
    });
    for (const piece of pieces.slice(1)) {
      await sleep(300 / pieces.length);
      exchange.write(piece);
    }
    const result = await outcome(exchange, logs);
    expect(result.status).toBe(504);
    expect(result.error.code).toBe('request_timeout');
    expect(result.at).toBeLessThan(600 + SLACK_MS);
  });
});

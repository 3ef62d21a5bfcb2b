/**
 * Compressed request bodies (Content-Encoding gzip, deflate, br, as Express's own JSON parser takes
 * them) and declared charsets, on every host: read when the gateway can, a clear 4xx when not, and
 * never a way around the body limit.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/index.js';
import { CHAT, completion } from './helpers/handle.js';
import { HOST_KINDS, startHost, type Host, type HostKind } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { json, startUpstream, type Upstream } from './helpers/upstream.js';

const LIMIT = 64 * 1024;
const COMPRESS = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync };
/** Hosts where the gateway reads the body itself (no body parser in front). */
const OWN_READERS: HostKind[] = ['node', 'express', 'koa', 'fetch'];

/** Posts a body to the host's chat route; every answer must leave exactly one log record with its status. */
async function post(
  host: Host,
  logs: ReturnType<typeof logCollector>,
  body: Buffer | string,
  headers: Record<string, string>,
) {
  logs.records.length = 0;
  const response = await fetch(`${host.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const answer = { status: response.status, body: await response.json() };
  const records = await logs.settle(1);
  expect(records).toHaveLength(1);
  expect(records[0].status_code).toBe(answer.status);
  return answer;
}

describe.each(HOST_KINDS)('request body encodings: %s', (kind) => {
  let upstream: Upstream;
  let gateway: Gateway;
  let host: Host;
  const logs = logCollector();

  beforeAll(async () => {
    upstream = await startUpstream((_request, response) => json(response, 200, completion('Hello')));
    gateway = createGateway({
      providers: { openai: { apiKey: 'sk-test-encoding', baseURL: upstream.baseURL } },
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

  const send = (body: Buffer | string, headers: Record<string, string>) => post(host, logs, body, headers);

  it.each(Object.keys(COMPRESS) as Array<keyof typeof COMPRESS>)('reads a %s body', async (encoding) => {
    const before = upstream.requests.length;
    const body = { ...CHAT, messages: [{ role: 'user', content: `compressed with ${encoding}` }] };
    const answer = await send(COMPRESS[encoding](JSON.stringify(body)), { 'content-encoding': encoding });
    expect(answer.status).toBe(200);
    expect(upstream.requests[before].body.messages[0].content).toBe(`compressed with ${encoding}`);
  });

  it('refuses an encoding it cannot read with a 415', async () => {
    const answer = await send(JSON.stringify(CHAT), { 'content-encoding': 'compress' });
    expect(answer.status).toBe(415);
    expect(answer.body.error).toMatchObject({ code: 'unsupported_content_encoding', type: 'invalid_request_error' });
  });
});

describe.each(OWN_READERS)('request bodies the gateway reads itself: %s', (kind) => {
  let gateway: Gateway;
  let host: Host;
  const logs = logCollector();

  beforeAll(async () => {
    gateway = createGateway({
      providers: { openai: { apiKey: 'sk-test-encoding', baseURL: 'http://127.0.0.1:9/v1' } },
      bodyLimitBytes: LIMIT,
      retry: { maxRetries: 0 },
      onLog: logs.sink,
    });
    host = await startHost(kind, gateway);
  });
  afterAll(async () => {
    await host.close();
    await gateway.close();
  });

  const send = (body: Buffer | string, headers: Record<string, string>) => post(host, logs, body, headers);

  it('names the unsupported encoding', async () => {
    const answer = await send(JSON.stringify(CHAT), { 'content-encoding': 'compress' });
    expect(answer.body.error.message).toContain('`compress`');
  });

  it('counts the inflated size against the body limit: a small gzip bomb is a 413', async () => {
    const bomb = gzipSync(
      JSON.stringify({ ...CHAT, messages: [{ role: 'user', content: ' '.repeat(4 * 1024 * 1024) }] }),
    );
    expect(bomb.byteLength).toBeLessThan(LIMIT / 4);
    const answer = await send(bomb, { 'content-encoding': 'gzip' });
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('request_too_large');
  });

  it('answers a corrupt compressed body with a 400', async () => {
    const answer = await send(Buffer.from('this is not gzip at all'), { 'content-encoding': 'gzip' });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'invalid_body', type: 'invalid_request_error' });
    expect(answer.body.error.message).toContain('could not be decompressed');
  });

  it('refuses a JSON body that declares a charset other than UTF-8, and takes UTF-8 and none', async () => {
    const latin1 = await send(JSON.stringify(CHAT), { 'content-type': 'application/json; charset=iso-8859-1' });
    expect(latin1.status).toBe(415);
    expect(latin1.body.error.message).toContain('`iso-8859-1`');
    // Past the charset check, these reach the (unreachable) upstream: a 502, not a 415.
    for (const type of ['application/json; charset=UTF-8', 'application/json; charset="utf-8"', 'application/json']) {
      expect((await send(JSON.stringify(CHAT), { 'content-type': type })).status).not.toBe(415);
    }
  });
});

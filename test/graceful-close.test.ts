/**
 * `gateway.close()` on shutdown: no new requests, the ones in flight finish (within a bound), and
 * every record, including the last ones, reaches the sink before the sink is closed.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, jsonlSink, type LogRecord } from '../src/index.js';
import { CHAT, chunk, completion, post } from './helpers/handle.js';
import { json, sleep, startUpstream, type Upstream } from './helpers/upstream.js';

let upstream: Upstream;

beforeAll(async () => {
  upstream = await startUpstream(async (received, response) => {
    if (!received.body?.stream) return json(response, 200, completion('ok'));
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const stall = received.body.messages[0].content === 'stall';
    for (let i = 0; i < 6 && !response.destroyed; i++) {
      response.write(`data: ${JSON.stringify(chunk(`t${i} `))}\n\n`);
      await sleep(stall && i > 0 ? 60_000 : 40);
    }
    response.end(`data: ${JSON.stringify(chunk(null, 'stop'))}\n\ndata: [DONE]\n\n`);
  });
});
afterAll(() => upstream.close());

const providers = () => ({ openai: { apiKey: 'sk-test-close', baseURL: upstream.baseURL } });
const logFile = () => join(mkdtempSync(join(tmpdir(), 'modelgate-close-')), 'requests.jsonl');
const lines = (path: string): LogRecord[] =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

async function openStream(gateway: ReturnType<typeof createGateway>, content: string) {
  const response = await gateway.handle({
    method: 'POST',
    path: '/chat/completions',
    headers: {},
    body: { ...CHAT, stream: true, messages: [{ role: 'user', content }] },
  });
  if (response.kind !== 'sse') throw new Error(`expected a stream, got ${response.status}`);
  const iterator = response.body[Symbol.asyncIterator]();
  const first = await iterator.next();
  return {
    first: String(first.value),
    async rest() {
      let text = '';
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) text += String(next.value);
      return text;
    },
  };
}

describe('gateway.close()', () => {
  it('writes the record of a request that finished just before it', async () => {
    const path = logFile();
    const gateway = createGateway({ providers: providers(), onLog: jsonlSink(path) });
    expect((await post(gateway, CHAT)).status).toBe(200);
    await gateway.close(); // at once: the record is still on its way to the sink
    expect(lines(path).map((record) => record.status_code)).toEqual([200]);
  });

  it('lets a stream in flight finish, refuses new requests meanwhile, and writes every record', async () => {
    const path = logFile();
    const gateway = createGateway({ providers: providers(), onLog: jsonlSink(path) });
    const stream = await openStream(gateway, 'hello');
    expect(stream.first).toContain('t0');
    let closed = false;
    const closing = gateway.close().then(() => (closed = true));
    const refused = await post(gateway, CHAT);
    expect(refused.status).toBe(503);
    expect((refused.body as any).error.code).toBe('gateway_closed');
    const rest = await stream.rest();
    expect(rest).toContain('t5');
    expect(rest.endsWith('data: [DONE]\n\n')).toBe(true);
    await closing;
    expect(closed).toBe(true);
    const records = lines(path);
    expect(records.map((record) => record.status_code).sort()).toEqual([200, 503]);
    expect(records.find((record) => record.status_code === 200)).toMatchObject({ stream: true, status: 'success' });
  });

  it('waits at most timeoutMs: a stream still running then is cut with an error frame and logged', async () => {
    const path = logFile();
    const errors: unknown[] = [];
    const gateway = createGateway({
      providers: providers(),
      onLog: jsonlSink(path),
      onError: (error) => errors.push(error),
    });
    const stream = await openStream(gateway, 'stall');
    const reading = stream.rest();
    const started = performance.now();
    await gateway.close({ timeoutMs: 300 });
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(2_000);
    const rest = await reading;
    expect(rest).toContain('"error"');
    expect(rest).not.toContain('[DONE]');
    const [record] = lines(path);
    expect(record).toMatchObject({ stream: true, status: 'error', error_code: 'gateway_closed' });
    expect(errors).toEqual([]);
  });

  it('waits for a sink that writes asynchronously', async () => {
    const written: string[] = [];
    const slowSink = async (record: LogRecord) => {
      await sleep(100);
      written.push(record.id);
    };
    const gateway = createGateway({ providers: providers(), onLog: slowSink });
    await post(gateway, CHAT);
    await post(gateway, CHAT);
    await gateway.close();
    expect(written).toHaveLength(2);
  });
});

/**
 * The streaming contract: peek before commit, honest endings after it, client disconnects.
 */
import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGateway, type Gateway, type GatewayOptions } from '../src/index.js';
import { CHAT, chunk, post, readSse, ssePayloads } from './helpers/handle.js';
import { startHost } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { sleep, sse, startUpstream, type Upstream } from './helpers/upstream.js';

const STREAM = { ...CHAT, stream: true };
let primary: Upstream;
let backup: Upstream;
let gateway: Gateway;
let logs: ReturnType<typeof logCollector>;

beforeEach(async () => {
  primary = await startUpstream();
  backup = await startUpstream((_request, response) => sse(response, [chunk('backup says hi'), chunk(null, 'stop')]));
  logs = logCollector();
});

afterEach(async () => {
  await gateway?.close();
  await primary.close();
  await backup.close();
});

function gatewayWith(options: Partial<GatewayOptions> = {}) {
  gateway = createGateway({
    providers: {
      openai: { apiKey: 'sk-test-primary', baseURL: primary.baseURL },
      backup: { kind: 'openai-compatible', baseURL: backup.baseURL },
    },
    retry: { maxRetries: 0 },
    onLog: logs.sink,
    ...options,
  });
  return gateway;
}

const contentOf = (text: string) =>
  ssePayloads(text)
    .map((payload: any) => payload?.choices?.[0]?.delta?.content ?? '')
    .join('');

describe('peek before commit', () => {
  it('falls back invisibly when the upstream answers 200 and then sends an error event', async () => {
    gatewayWith();
    primary.handle((_request, response) =>
      sse(response, [{ error: { message: 'The server had an error', type: 'server_error' } }], { done: false }),
    );
    const response = await post(gateway, { ...STREAM, fallback_models: ['backup/x'] });
    expect(response.status).toBe(200);
    expect(response.headers['x-modelgate-provider']).toBe('backup');
    const text = await readSse(response);
    expect(contentOf(text)).toBe('backup says hi');
    expect(text).not.toContain('error');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('falls back when the upstream closes before sending any data', async () => {
    gatewayWith();
    primary.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(': just a comment\n\n');
    });
    const text = await readSse(await post(gateway, { ...STREAM, fallback_models: ['backup/x'] }));
    expect(contentOf(text)).toBe('backup says hi');
  });

  it('holds keep-alive comments until the first data, then relays them', async () => {
    gatewayWith();
    primary.handle((_request, response) =>
      sse(
        response,
        [
          ': PROCESSING\n\n',
          'data: ' + JSON.stringify(chunk('a')) + '\n\n',
          ': PROCESSING\n\n',
          'data: ' + JSON.stringify(chunk(null, 'stop')) + '\n\ndata: [DONE]\n\n',
        ],
        { raw: true },
      ),
    );
    const text = await readSse(await post(gateway, STREAM));
    expect(text).toBe(
      `: PROCESSING\n\ndata: ${JSON.stringify(chunk('a'))}\n\n: PROCESSING\n\ndata: ${JSON.stringify(chunk(null, 'stop'))}\n\ndata: [DONE]\n\n`,
    );
  });
});

describe('after commit', () => {
  it('ends with an OpenAI-shaped error frame when the upstream sends an error mid-stream', async () => {
    gatewayWith();
    // The pause makes the first chunk reach the client before the error (same TCP chunk would still fall back).
    primary.handle((_request, response) =>
      sse(
        response,
        [chunk('partial'), { error: { message: 'overloaded', type: 'server_error', code: 'overloaded' } }],
        { done: false, delayMs: 30 },
      ),
    );
    const payloads = ssePayloads(await readSse(await post(gateway, { ...STREAM, fallback_models: ['backup/x'] })));
    expect(payloads.at(-1)).toEqual({
      error: { message: expect.stringContaining('overloaded'), type: 'api_error', param: null, code: 'overloaded' },
    });
    expect(payloads).not.toContain('[DONE]');
    expect(backup.requests).toHaveLength(0);
    const [record] = await logs.settle(1);
    expect(record).toMatchObject({ status: 'error', status_code: 502, error_code: 'overloaded' });
  });

  it('ends with an error frame, never a fake [DONE], when the connection drops mid-stream', async () => {
    gatewayWith();
    primary.handle(async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(`data: ${JSON.stringify(chunk('half a'))}\n\n`);
      await sleep(20);
      response.socket?.destroy();
    });
    const payloads = ssePayloads(await readSse(await post(gateway, STREAM)));
    expect(payloads).not.toContain('[DONE]');
    expect((payloads.at(-1) as any).error.code).toMatch(/upstream_connection_error|upstream_stream_truncated/);
  });

  it('reports a stream that ended cleanly but unfinished as truncated', async () => {
    gatewayWith();
    primary.handle((_request, response) => sse(response, [chunk('no finish reason')], { done: false }));
    const payloads = ssePayloads(await readSse(await post(gateway, STREAM)));
    expect((payloads.at(-1) as any).error.code).toBe('upstream_stream_truncated');
  });

  it('accepts a finished stream without [DONE] and adds its own', async () => {
    gatewayWith();
    primary.handle((_request, response) => sse(response, [chunk('fine'), chunk(null, 'stop')], { done: false }));
    const payloads = ssePayloads(await readSse(await post(gateway, STREAM)));
    expect(payloads.at(-1)).toBe('[DONE]');
  });

  it('times out a stream that stalls between chunks (idle timeout) with an error frame', async () => {
    gatewayWith({ timeouts: { idleMs: 100 } });
    let released!: Promise<void>;
    primary.handle(async (request, response) => {
      released = request.closed;
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(`data: ${JSON.stringify(chunk('then silence'))}\n\n`);
      // Silent until the gateway lets go: without the idle timeout the read below never ends (the test times out).
      await request.closed;
      response.end();
    });
    const payloads = ssePayloads(await readSse(await post(gateway, STREAM)));
    expect((payloads.at(-1) as any).error).toMatchObject({ code: 'upstream_timeout', type: 'timeout_error' });
    await released;
  });
});

describe('client disconnect', () => {
  it('aborts the upstream request when the client socket closes, and logs it', async () => {
    gatewayWith();
    let upstreamClosed = false;
    primary.handle(async (request, response) => {
      request.closed.then(() => (upstreamClosed = true));
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < 200 && !response.destroyed; i++) {
        response.write(`data: ${JSON.stringify(chunk(`token ${i} `))}\n\n`);
        await sleep(10);
      }
      response.end();
    });
    const host = await startHost('node', gateway);
    try {
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest(
          `${host.baseURL}/chat/completions`,
          { method: 'POST', headers: { 'content-type': 'application/json' } },
          (res) => {
            res.once('data', () => {
              req.destroy(); // the client goes away after the first bytes
              resolve();
            });
          },
        );
        req.on('error', () => undefined);
        req.once('error', reject);
        req.end(JSON.stringify(STREAM));
      });
      const [record] = await logs.settle(1);
      expect(record).toMatchObject({ status: 'aborted', client_aborted: true, status_code: 499, stream: true });
      await sleep(50);
      expect(upstreamClosed).toBe(true);
      expect(primary.requests).toHaveLength(1);
    } finally {
      await host.close();
    }
  });

  it('aborts an upstream that has not answered yet and logs one record', async () => {
    gatewayWith();
    primary.handle(() => undefined);
    const controller = new AbortController();
    const pending = post(gateway, STREAM, { signal: controller.signal });
    await sleep(50);
    controller.abort();
    const response = await pending;
    expect(response.status).toBe(499);
    const records = await logs.settle(1);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ client_aborted: true, status: 'aborted' });
    await primary.requests[0].closed;
  });
});

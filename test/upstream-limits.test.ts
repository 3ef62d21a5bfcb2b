/**
 * What the gateway buffers from an upstream is bounded: a non-streaming body, and one stream event
 * (an upstream that never ends its event must not grow the gateway's memory without end), on every
 * stream path, at a cost linear in what arrives.
 */
import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/index.js';
import { geminiFrame, recordedGeminiEvents } from './helpers/gemini.js';
import { CHAT, chunk, completion, post, readSse, ssePayloads } from './helpers/handle.js';
import { startHost } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { json, sse, startUpstream, type Upstream } from './helpers/upstream.js';

const LIMIT = 64 * 1024;
let primary: Upstream;
let backup: Upstream;
let gateway: Gateway;
let logs: ReturnType<typeof logCollector>;

beforeEach(async () => {
  primary = await startUpstream();
  backup = await startUpstream((request, response) =>
    request.body.stream
      ? sse(response, [chunk('from backup'), chunk(null, 'stop')])
      : json(response, 200, completion('from backup')),
  );
  logs = logCollector();
  gateway = createGateway({
    providers: {
      openai: { apiKey: 'sk-test-limits', baseURL: primary.baseURL },
      backup: { kind: 'openai-compatible', baseURL: backup.baseURL },
    },
    retry: { maxRetries: 0 },
    responseLimitBytes: LIMIT,
    onLog: logs.sink,
  });
});

afterEach(async () => {
  await gateway.close();
  await primary.close();
  await backup.close();
});

/** Writes `head`, then filler past the limit, without ever finishing the JSON or the event. */
function endless(head: string, contentType: string) {
  primary.handle((_request, response) => {
    response.writeHead(200, { 'content-type': contentType });
    response.write(head);
    const filler = Buffer.alloc(8 * 1024, 'a');
    let sent = 0;
    const more = () => {
      while (!response.destroyed && sent < 50 * LIMIT) {
        sent += filler.length;
        if (!response.write(filler)) return void response.once('drain', more);
      }
    };
    more();
  });
}

describe('upstream size limits', () => {
  it('refuses a non-streaming body over responseLimitBytes and falls back', async () => {
    endless('{"id":"x","choices":[{"message":{"content":"', 'application/json');
    const response = await post(gateway, { ...CHAT, fallback_models: ['backup/gpt-4o-mini'] });
    expect(response.status).toBe(200);
    expect((response.body as any).choices[0].message.content).toBe('from backup');
    const [record] = await logs.settle(1);
    expect(record.attempts.map((attempt) => attempt.error_code)).toEqual(['upstream_response_too_large', null]);
  });

  it('refuses a stream event that grows past the limit before commit, and falls back', async () => {
    endless('data: {"choices":[{"index":0,"delta":{"content":"', 'text/event-stream');
    const text = await readSse(await post(gateway, { ...CHAT, stream: true, fallback_models: ['backup/gpt-4o-mini'] }));
    expect(
      ssePayloads(text)
        .map((payload: any) => payload?.choices?.[0]?.delta?.content)
        .filter(Boolean),
    ).toEqual(['from backup']);
    const [record] = await logs.settle(1);
    expect(record.attempts.map((attempt) => attempt.error_code)).toEqual(['upstream_response_too_large', null]);
    expect(primary.requests).toHaveLength(1);
    await primary.requests[0].closed; // the endless upstream response was abandoned
  });

  it('ends a committed stream with an error frame when an event grows past the limit', async () => {
    endless(
      `data: ${JSON.stringify(chunk('first'))}\n\ndata: {"choices":[{"index":0,"delta":{"content":"`,
      'text/event-stream',
    );
    const text = await readSse(await post(gateway, { ...CHAT, stream: true }));
    const payloads = ssePayloads(text) as any[];
    expect(payloads[0].choices[0].delta.content).toBe('first');
    expect(payloads.at(-1).error).toMatchObject({ code: 'upstream_response_too_large', type: 'api_error' });
    const [record] = await logs.settle(1);
    expect(record).toMatchObject({ status_code: 502, error_code: 'upstream_response_too_large' });
  });
});

describe('upstream size limits on complete events', () => {
  it('refuses a stream event over the limit that arrives complete in one piece', async () => {
    const big = `data: ${JSON.stringify(chunk('x'.repeat(LIMIT + 10)))}\n\n`;
    primary.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(`${big}data: ${JSON.stringify(chunk(null, 'stop'))}\n\ndata: [DONE]\n\n`);
    });
    const text = await readSse(await post(gateway, { ...CHAT, stream: true, fallback_models: ['backup/gpt-4o-mini'] }));
    expect(text).not.toContain('xxxxxxxx');
    expect(
      ssePayloads(text)
        .map((payload: any) => payload?.choices?.[0]?.delta?.content)
        .filter(Boolean),
    ).toEqual(['from backup']);
    const [record] = await logs.settle(1);
    expect(record.attempts.map((attempt) => attempt.error_code)).toEqual(['upstream_response_too_large', null]);
  });
});

const MiB = 1024 * 1024;
const NETWORK_CHUNK = 16 * 1024;

/**
 * Writes `head`, then `size` bytes of filler in 16 KiB network chunks (one per turn of the event
 * loop, so that they arrive as separate reads), then `tail`; stops when the gateway lets go.
 * Resolves with the bytes of filler written.
 */
async function longLine(
  response: ServerResponse,
  head: string,
  size: number,
  tail: string,
  contentType = 'text/event-stream',
): Promise<number> {
  response.writeHead(200, { 'content-type': contentType });
  response.write(head);
  const filler = Buffer.alloc(NETWORK_CHUNK, 'a');
  let sent = 0;
  while (sent < size && !response.destroyed) {
    const accepted = response.write(filler);
    sent += filler.length;
    await new Promise((resolve) =>
      accepted ? setImmediate(resolve) : response.once('drain', resolve).once('close', resolve),
    );
  }
  if (!response.destroyed) response.end(tail);
  return sent;
}

/** Runs `work`, returning the CPU time (user + system) this process spent meanwhile, in ms. */
async function cpuMs<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const before = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(before);
  return { result, ms: (used.user + used.system) / 1000 };
}

describe('one large event, on every stream path', () => {
  let upstream: Upstream;
  const closers: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    upstream = await startUpstream();
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await upstream.close();
  });

  async function hostWith(responseLimitBytes?: number) {
    const made = createGateway({
      providers: {
        openai: { apiKey: 'sk-test-limits', baseURL: upstream.baseURL },
        google: { apiKey: 'AIza-test-key-not-real-000000000', baseURL: `${upstream.origin}/v1beta` },
      },
      retry: { maxRetries: 0 },
      ...(responseLimitBytes ? { responseLimitBytes } : {}),
    });
    const host = await startHost('node', made);
    closers.push(
      () => host.close(),
      () => made.close(),
    );
    return async (body: object) => {
      const response = await fetch(`${host.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      // Read as bytes: the client's own decoding is not what is measured.
      const reader = response.body!.getReader();
      let bytes = 0;
      let last = '';
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        bytes += read.value.byteLength;
        last = (last + Buffer.from(read.value).toString('latin1')).slice(-4096);
      }
      return { status: response.status, bytes, last };
    };
  }

  const STREAM = { ...CHAT, stream: true };
  const openAIHead =
    'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"';
  const openAITail = `"},"finish_reason":null}]}\n\ndata: ${JSON.stringify(chunk(null, 'stop'))}\n\ndata: [DONE]\n\n`;

  it('relays a 32 MiB OpenAI event that arrives in 16 KiB chunks at linear cost', async () => {
    const send = await hostWith(); // the default limit, 64 MiB
    upstream.handle((_request, response) => void longLine(response, openAIHead, 32 * MiB, openAITail));
    const { result, ms } = await cpuMs(() => send({ ...STREAM, disable_log: true }));
    expect(result.status).toBe(200);
    expect(result.bytes).toBeGreaterThan(32 * MiB);
    expect(result.last).toContain('data: [DONE]');
    // Rescanning the held text on every chunk cost about 30 s of CPU; one pass over it costs well under 1 s.
    expect(ms).toBeLessThan(2_000);
  });

  it('refuses a 32 MiB OpenAI event over responseLimitBytes with a 502 naming the limit, and stops reading', async () => {
    const send = await hostWith(MiB);
    let written: Promise<number> | undefined;
    upstream.handle((_request, response) => void (written = longLine(response, openAIHead, 32 * MiB, openAITail)));
    const result = await send(STREAM);
    expect(result.status).toBe(502);
    const error = JSON.parse(result.last).error;
    expect(error).toMatchObject({ code: 'upstream_response_too_large' });
    expect(error.message).toContain(`${MiB} bytes (responseLimitBytes)`);
    expect(await written).toBeLessThan(4 * MiB); // the upstream was let go of near the limit
  });

  it('ends a keep-alive flood before the first data frame with the 502 naming the limit', async () => {
    const send = await hostWith(MiB);
    let written = 0;
    upstream.handle(async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const flood = ': keep-alive\n\n'.repeat(1_000); // 14 kB per write
      while (written < 8 * MiB && !response.destroyed) {
        response.write(flood);
        written += flood.length;
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (!response.destroyed)
        response.end(
          `data: ${JSON.stringify(chunk('late'))}\n\ndata: ${JSON.stringify(chunk(null, 'stop'))}\n\ndata: [DONE]\n\n`,
        );
    });
    const result = await send(STREAM);
    expect(result.status).toBe(502);
    const error = JSON.parse(result.last).error;
    expect(error.code).toBe('upstream_response_too_large');
    expect(error.message).toContain(`${MiB} bytes (responseLimitBytes)`);
    expect(written).toBeLessThan(4 * MiB);
  });

  // The recorded last event (with its finishReason) and a field the translator does not read, 32 MiB
  // long: what is measured is the gateway's reading, not re-encoding 32 MiB of text for the client.
  const [geminiHead, geminiTail] = geminiFrame({ padding: '@@', ...recordedGeminiEvents()[2] }).split('@@');
  const GEMINI = { ...STREAM, model: 'gemini-2.5-flash' };

  it('relays a 32 MiB Gemini event that arrives in 16 KiB chunks at linear cost', async () => {
    const send = await hostWith();
    upstream.handle((_request, response) => void longLine(response, geminiHead, 32 * MiB, geminiTail));
    const { result, ms } = await cpuMs(() => send({ ...GEMINI, disable_log: true }));
    expect(result.status).toBe(200);
    expect(result.last).toContain('Cheyenne');
    expect(result.last).toContain('data: [DONE]');
    expect(ms).toBeLessThan(2_000);
  });

  it('refuses a 32 MiB Gemini event over responseLimitBytes with a 502 naming the limit, and stops reading', async () => {
    const send = await hostWith(MiB);
    let written: Promise<number> | undefined;
    upstream.handle((_request, response) => void (written = longLine(response, geminiHead, 32 * MiB, geminiTail)));
    const result = await send(GEMINI);
    expect(result.status).toBe(502);
    const error = JSON.parse(result.last).error;
    expect(error.code).toBe('upstream_response_too_large');
    expect(error.message).toContain(`${MiB} bytes (responseLimitBytes)`);
    expect(await written).toBeLessThan(4 * MiB);
  });
});

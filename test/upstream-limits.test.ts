/**
 * What the gateway buffers from an upstream is bounded: a non-streaming body, and one stream event
 * (an upstream that never ends its event must not grow the gateway's memory without end).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/index.js';
import { CHAT, chunk, completion, post, readSse, ssePayloads } from './helpers/handle.js';
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
    request.body.stream ? sse(response, [chunk('from backup'), chunk(null, 'stop')]) : json(response, 200, completion('from backup')),
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
    expect(ssePayloads(text).map((payload: any) => payload?.choices?.[0]?.delta?.content).filter(Boolean)).toEqual(['from backup']);
    const [record] = await logs.settle(1);
    expect(record.attempts.map((attempt) => attempt.error_code)).toEqual(['upstream_response_too_large', null]);
    expect(primary.requests).toHaveLength(1);
    await primary.requests[0].closed; // the endless upstream response was abandoned
  });

  it('ends a committed stream with an error frame when an event grows past the limit', async () => {
    endless(`data: ${JSON.stringify(chunk('first'))}\n\ndata: {"choices":[{"index":0,"delta":{"content":"`, 'text/event-stream');
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
    expect(ssePayloads(text).map((payload: any) => payload?.choices?.[0]?.delta?.content).filter(Boolean)).toEqual(['from backup']);
    const [record] = await logs.settle(1);
    expect(record.attempts.map((attempt) => attempt.error_code)).toEqual(['upstream_response_too_large', null]);
  });
});

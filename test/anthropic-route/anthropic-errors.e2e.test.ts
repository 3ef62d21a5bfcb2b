/**
 * Errors on the Anthropic route are Anthropic's (`{"type":"error","error":{type,message}}`, its
 * status↔type mapping), at intake, from an upstream, and inside a stream after it started (an
 * `event: error` frame, never an OpenAI body); the SDK raises its own error classes from them.
 * Fallback from a failing upstream to another, before and at the start of a stream.
 */
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { event, toWire, writeAnthropicStream } from '../helpers/anthropic-recordings.js';
import { assertValidAnthropicError } from '../helpers/anthropic-spec.js';
import { GATEWAY_KEY, MODELS, replayChat, replayGemini, useRouteStack } from '../helpers/anthropic-route-stack.js';
import { fixtureChunks } from '../helpers/fixtures.js';
import { json, sleep, sse } from '../helpers/upstream.js';

const stack = useRouteStack('express', { bodyLimitBytes: 64 * 1024 });
/** What Anthropic sends before any content. */
const PREAMBLE = [
  event({
    type: 'message_start',
    message: {
      id: 'msg_preamble',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 5, output_tokens: 1 },
    },
  }),
  event({ type: 'ping' }),
];
const USER = [{ role: 'user' as const, content: 'Hello' }];

async function post(
  body: string,
  headers: Record<string, string> = { 'x-api-key': GATEWAY_KEY },
  path = '/v1/messages',
) {
  const response = await fetch(`${stack.baseURL}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

function anthropicError(status: number, type: string, message: string) {
  return (_request: unknown, response: import('node:http').ServerResponse) =>
    json(response, status, { type: 'error', error: { type, message }, request_id: 'req_1' });
}

describe("intake errors, in Anthropic's shape", () => {
  const cases: Array<[string, () => ReturnType<typeof post>, number, string]> = [
    [
      'no gateway key',
      () => post(JSON.stringify({ model: MODELS.openai, messages: USER }), {}),
      401,
      'authentication_error',
    ],
    ['a wrong key', () => post('{}', { 'x-api-key': 'nope' }), 401, 'authentication_error'],
    ['bad JSON', () => post('{"model": '), 400, 'invalid_request_error'],
    ['messages missing', () => post(JSON.stringify({ model: MODELS.openai })), 400, 'invalid_request_error'],
    [
      'an unknown model',
      () => post(JSON.stringify({ model: 'no-such-model-9', messages: USER })),
      404,
      'not_found_error',
    ],
    [
      'a body over the limit',
      () => post(JSON.stringify({ model: MODELS.openai, messages: USER, pad: 'x'.repeat(70_000) })),
      413,
      'request_too_large',
    ],
    ['an unknown path under /anthropic', () => post('{}', undefined, '/v1/complete'), 404, 'not_found_error'],
  ];
  for (const [name, call, status, type] of cases) {
    it(`${name}: ${status} ${type}`, async () => {
      const { status: got, body } = await call();
      expect(got).toBe(status);
      assertValidAnthropicError(body);
      expect(body).toMatchObject({ type: 'error', error: { type } });
      expect(body.error.message.length).toBeGreaterThan(10);
      expect(JSON.stringify(body)).not.toContain('"code"');
    });
  }

  it("a wrong method answers 405 in Anthropic's shape", async () => {
    const response = await fetch(`${stack.baseURL}/v1/messages`, { headers: { 'x-api-key': GATEWAY_KEY } });
    expect(response.status).toBe(405);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('the SDK raises its own error classes', async () => {
    const anonymous = new Anthropic({ baseURL: stack.baseURL, apiKey: 'wrong-key', maxRetries: 0 });
    await expect(
      anonymous.messages.create({ model: MODELS.openai, max_tokens: 8, messages: USER }),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    await expect(
      stack.client.messages.create({ model: 'no-such-model-9', max_tokens: 8, messages: USER }),
    ).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });
});

describe('upstream errors', () => {
  it("Anthropic's own error passes with its type and wording", async () => {
    stack.anthropic.handle(
      anthropicError(400, 'invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum'),
    );
    const { status, body } = await post(JSON.stringify({ model: MODELS.anthropic, max_tokens: 8, messages: USER }));
    expect(status).toBe(400);
    assertValidAnthropicError(body);
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('prompt is too long: 210000 tokens > 200000 maximum');
  });

  it('an overloaded Anthropic falls back to the next model (fallback_models in X-Modelgate-Params)', async () => {
    stack.anthropic.handle(anthropicError(529, 'overloaded_error', 'Overloaded'));
    stack.openai.handle(replayChat('openai-chat/openai-text.chunks.jsonl'));
    const client = new Anthropic({
      baseURL: stack.baseURL,
      apiKey: GATEWAY_KEY,
      maxRetries: 0,
      defaultHeaders: { 'x-modelgate-params': JSON.stringify({ fallback_models: [MODELS.openai] }) },
    });
    const message = await client.messages.create({ model: MODELS.anthropic, max_tokens: 300, messages: USER });
    expect(message.content[0].type).toBe('text');
    const [record] = await stack.logs.waitFor(1);
    expect(record).toMatchObject({ fallback_used: true, provider: 'openai', endpoint: 'anthropic.messages' });
    expect(record.attempts.map((attempt) => attempt.status_code)).toEqual([529, 200]);
    // Each upstream got its own format.
    expect(stack.anthropic.requests[0].body.messages).toEqual(USER);
    expect(stack.openai.requests[0].body.messages).toEqual([{ role: 'user', content: 'Hello' }]);
  });

  it('an `error` event before any content falls back invisibly, mid-stream of another kind', async () => {
    stack.anthropic.handle((_request, response) =>
      writeAnthropicStream(
        response,
        toWire([event({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })]),
      ),
    );
    stack.gemini.handle(replayGemini('gemini/google-reasoning-gemini3.chunks.jsonl'));
    const message = await stack.client.messages
      .stream(
        { model: MODELS.anthropic, max_tokens: 300, messages: USER },
        { headers: { 'x-modelgate-params': JSON.stringify({ fallback_models: [MODELS.gemini] }) } },
      )
      .finalMessage();
    expect(message.stop_reason).toBe('end_turn');
    const [record] = await stack.logs.waitFor(1);
    expect(record).toMatchObject({ fallback_used: true, provider: 'google', stream: true });
  });
  it('an overloaded_error after message_start and ping (a later network read) still falls back', async () => {
    stack.anthropic.handle(async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(toWire(PREAMBLE));
      await sleep(50);
      response.end(toWire([event({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })]));
    });
    stack.openai.handle(replayChat('openai-chat/openai-text.chunks.jsonl'));
    const response = await fetch(`${stack.baseURL}/v1/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': GATEWAY_KEY,
        'x-modelgate-params': JSON.stringify({ fallback_models: [MODELS.openai] }),
      },
      body: JSON.stringify({ model: MODELS.anthropic, max_tokens: 64, messages: USER, stream: true }),
    });
    const text = await response.text();
    expect(text).not.toContain('event: error');
    expect(text).not.toContain('msg_preamble');
    expect(text.match(/event: message_start/g)).toHaveLength(1);
    const [record] = await stack.logs.waitFor(1);
    expect(record).toMatchObject({ fallback_used: true, provider: 'openai' });
  });
});

describe("errors after a stream started: Anthropic's `event: error`", () => {
  it('from Anthropic: what came before, then its error event; the SDK stream rejects', async () => {
    const started = [
      event({
        type: 'message_start',
        message: {
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          model: 'claude-sonnet-4-5',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 5, output_tokens: 1 },
        },
      }),
      event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello, wor' } }),
    ];
    const failure = event({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    // The error comes in a later network read than the content, which has gone to the client then.
    const failLater = async (_request: unknown, response: import('node:http').ServerResponse) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(toWire(started));
      await sleep(50);
      response.end(toWire([failure]));
    };
    stack.anthropic.handle(failLater);
    const response = await fetch(`${stack.baseURL}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': GATEWAY_KEY },
      body: JSON.stringify({ model: MODELS.anthropic, max_tokens: 64, messages: USER, stream: true }),
    });
    const text = await response.text();
    expect(text.startsWith(toWire(started))).toBe(true);
    const last = text.slice(toWire(started).length);
    expect(last).toMatch(/^event: error\ndata: /);
    const body = JSON.parse(last.slice(last.indexOf('data: ') + 6));
    assertValidAnthropicError(body, { inStream: true });
    expect(body.error.type).toBe('overloaded_error');

    stack.anthropic.handle(failLater);
    const stream = stack.client.messages.stream({ model: MODELS.anthropic, max_tokens: 64, messages: USER });
    await expect(stream.finalMessage()).rejects.toThrow(/Overloaded/);
  });

  it('through the bridge: an upstream cut after content ends with `event: error`, not an OpenAI frame', async () => {
    const chunks = fixtureChunks('openai-chat/openai-text.chunks.jsonl').slice(0, 4);
    stack.openai.handle((_request, response) => sse(response, chunks, { done: false }));
    const response = await fetch(`${stack.baseURL}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': GATEWAY_KEY },
      body: JSON.stringify({ model: MODELS.openai, max_tokens: 64, messages: USER, stream: true }),
    });
    const frames = (await response.text()).split('\n\n').filter(Boolean);
    expect(frames[0]).toMatch(/^event: message_start\n/);
    const last = frames.at(-1)!;
    expect(last).toMatch(/^event: error\ndata: /);
    const body = JSON.parse(last.slice(last.indexOf('data: ') + 6));
    assertValidAnthropicError(body, { inStream: true });
    expect(body.error.type).toBe('api_error');
    expect(frames.join('\n')).not.toContain('"error":{"message"');
    const [record] = await stack.logs.waitFor(1);
    expect(record).toMatchObject({ status: 'error', endpoint: 'anthropic.messages' });
  });
});

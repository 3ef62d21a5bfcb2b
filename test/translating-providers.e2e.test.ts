/**
 * The translating providers (Anthropic, Gemini, Bedrock) behave alike where the gateway decides:
 * a refusal under `strictParams` falls back to the next model; an error inside a 200 stream is
 * classified as the same error over HTTP would be (`fallbackOnAuthError`, `fallbackOnStatus`); a
 * stream cut short is `upstream_stream_truncated`. Through a real node:http host, against loopback
 * upstreams that speak each provider's wire format, with an OpenAI-compatible upstream as the
 * next model of the chain.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway, type GatewayOptions } from '../src/index.js';
import { event, recordedEvents, toWire, writeAnthropicStream } from './helpers/anthropic-recordings.js';
import { eventStreamBytes, exceptionMessage, writeEventStream } from './helpers/bedrock.js';
import { TEXT_STREAM } from './helpers/bedrock-wire.js';
import { reply } from './helpers/chat-upstream.js';
import { geminiSse } from './helpers/gemini.js';
import { startHost, type Host } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { startUpstream, type Upstream } from './helpers/upstream.js';

type Writer = (response: ServerResponse) => void | Promise<void>;

interface Translating {
  /** The model asked for, `provider/model`. */
  model: string;
  upstream: () => Upstream;
  /** An authentication error inside a 200 stream, before any content. */
  authErrorInStream: Writer;
  /** An error that stands for an HTTP 400, inside a 200 stream, before any content. */
  badRequestInStream: Writer;
  /** Some content, then the end of the body without the provider's last event. */
  cutAfterContent: Writer;
}

const anthropicEvents = recordedEvents('anthropic-text.chunks.jsonl');
const anthropicError =
  (type: string, message: string): Writer =>
  (response) =>
    writeAnthropicStream(response, toWire([anthropicEvents[0], event({ type: 'error', error: { type, message } })]));
const geminiError =
  (code: number, status: string): Writer =>
  (response) =>
    geminiSse(response, [{ error: { code, message: `${status} in the stream`, status } }]);
const bedrockException =
  (type: string): Writer =>
  (response) =>
    writeEventStream(response, exceptionMessage(type, { message: `${type} in the stream` }));

let anthropic: Upstream;
let gemini: Upstream;
let bedrock: Upstream;
let openai: Upstream;

const PROVIDERS: Record<string, Translating> = {
  anthropic: {
    model: 'anthropic/claude-sonnet-4-5',
    upstream: () => anthropic,
    authErrorInStream: anthropicError('authentication_error', 'invalid x-api-key'),
    badRequestInStream: anthropicError('invalid_request_error', 'bad request in the stream'),
    // message_start, content_block_start, ping, two text deltas: no message_delta.
    cutAfterContent: (response) => writeAnthropicStream(response, toWire(anthropicEvents.slice(0, 5))),
  },
  google: {
    model: 'google/gemini-2.5-flash',
    upstream: () => gemini,
    authErrorInStream: geminiError(401, 'UNAUTHENTICATED'),
    badRequestInStream: geminiError(400, 'INVALID_ARGUMENT'),
    cutAfterContent: (response) =>
      geminiSse(response, [
        {
          candidates: [{ content: { role: 'model', parts: [{ text: 'Half an ans' }] }, index: 0 }],
          responseId: 'cut-1',
        },
      ]),
  },
  bedrock: {
    model: 'bedrock/anthropic.claude-3-haiku-20240307-v1:0',
    upstream: () => bedrock,
    authErrorInStream: bedrockException('accessDeniedException'),
    badRequestInStream: bedrockException('validationException'),
    cutAfterContent: (response) => writeEventStream(response, eventStreamBytes(TEXT_STREAM.slice(0, 3))),
  },
};

const logs = logCollector();
const open: Array<{ gateway: Gateway; host: Host }> = [];

beforeAll(async () => {
  anthropic = await startUpstream();
  gemini = await startUpstream();
  bedrock = await startUpstream();
  openai = await startUpstream((request, response) => reply(request, response, { content: 'From the next model.' }));
});

afterEach(async () => {
  for (const { gateway, host } of open.splice(0)) {
    await host.close();
    await gateway.close();
  }
  for (const upstream of [anthropic, gemini, bedrock, openai]) upstream.reset();
  logs.records.length = 0;
});

afterAll(async () => {
  for (const upstream of [anthropic, gemini, bedrock, openai]) await upstream.close();
});

async function serve(options: Partial<GatewayOptions> = {}): Promise<Host> {
  const gateway = createGateway({
    providers: {
      anthropic: { apiKey: 'sk-ant-test-kit', baseURL: `${anthropic.origin}/v1` },
      google: { apiKey: 'AIza-test-kit-000000000000000', baseURL: `${gemini.origin}/v1beta` },
      bedrock: {
        region: 'us-east-1',
        accessKeyId: 'AKIDTESTKIT',
        secretAccessKey: 'test-secret-kit-not-real',
        baseURL: bedrock.origin,
      },
      openai: { apiKey: 'sk-test-kit', baseURL: openai.baseURL },
    },
    retry: { maxRetries: 0 },
    onLog: logs.sink,
    ...options,
  });
  const host = await startHost('node', gateway);
  open.push({ gateway, host });
  return host;
}

interface Answer {
  status: number;
  /** JSON answers. */
  body?: any;
  /** SSE answers: the data payloads, parsed (without `[DONE]`). */
  events?: any[];
}

async function ask(host: Host, body: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(`${host.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!(response.headers.get('content-type') ?? '').includes('text/event-stream'))
    return { status: response.status, body: JSON.parse(text) };
  const payloads = text
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: ') && frame !== 'data: [DONE]')
    .map((frame) => JSON.parse(frame.slice(6)));
  return { status: response.status, events: payloads };
}

const messages = [{ role: 'user', content: 'Say hello' }];
const withFallback = (provider: Translating, extra: Record<string, unknown> = {}) => ({
  model: provider.model,
  messages,
  fallback_models: ['openai/gpt-4o-mini'],
  ...extra,
});
const streamedText = (answer: Answer) =>
  (answer.events ?? []).map((chunk) => chunk.choices?.[0]?.delta?.content ?? '').join('');

describe.each(Object.entries(PROVIDERS))('%s, a translating provider', (_name, provider) => {
  it('refuses a parameter it cannot honour under strictParams, and the next model serves the request', async () => {
    const host = await serve({ strictParams: true });
    const answer = await ask(host, withFallback(provider, { logit_bias: { '1': 5 } }));
    expect(answer.status).toBe(200);
    expect(answer.body.choices[0].message.content).toBe('From the next model.');
    expect(provider.upstream().requests).toHaveLength(0);
    const [record] = await logs.settle(1);
    expect(record).toMatchObject({ provider: 'openai', fallback_used: true });
    expect(record.attempts[0]).toMatchObject({ error_code: 'unsupported_parameter' });
  });

  it('without a next model, answers the refusal: a 400 naming the parameter', async () => {
    const host = await serve({ strictParams: true });
    const answer = await ask(host, { model: provider.model, messages, logit_bias: { '1': 5 } });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'unsupported_parameter', param: 'logit_bias' });
    expect(answer.body.error.message).toContain('strictParams');
  });

  it('treats an authentication error inside a stream like an HTTP 401: fallbackOnAuthError decides', async () => {
    provider.upstream().handle((_request, response) => provider.authErrorInStream(response));
    const strict = await serve({ fallbackOnAuthError: false });
    const refused = await ask(strict, withFallback(provider, { stream: true }));
    expect(refused.status).toBe(502);
    expect(refused.body.error.code).toBe('upstream_auth_error');
    expect(openai.requests).toHaveLength(0);

    const lenient = await serve();
    const served = await ask(lenient, withFallback(provider, { stream: true }));
    expect(served.status).toBe(200);
    expect(streamedText(served)).toBe('From the next model.');
  });

  it('treats an error that stands for a 400 inside a stream like an HTTP 400: fallbackOnStatus decides', async () => {
    provider.upstream().handle((_request, response) => provider.badRequestInStream(response));
    const plain = await serve();
    const refused = await ask(plain, withFallback(provider, { stream: true }));
    expect(refused.status).toBe(400);
    expect(openai.requests).toHaveLength(0);

    const falling = await serve({ fallbackOnStatus: [400] });
    const served = await ask(falling, withFallback(provider, { stream: true }));
    expect(served.status).toBe(200);
    expect(streamedText(served)).toBe('From the next model.');
  });

  it('ends a stream cut short after its first content with an upstream_stream_truncated error frame', async () => {
    provider.upstream().handle((_request, response) => provider.cutAfterContent(response));
    const host = await serve();
    const answer = await ask(host, { model: provider.model, messages, stream: true });
    expect(answer.status).toBe(200);
    expect(streamedText(answer)).not.toBe('');
    expect(answer.events!.at(-1)).toMatchObject({ error: { code: 'upstream_stream_truncated' } });
  });
});

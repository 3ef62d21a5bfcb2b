/**
 * `POST /responses` by pass-through: the official openai SDK as the client, the gateway mounted in
 * Express, loopback upstreams replaying recorded Azure Responses streams
 * (test/fixtures/openai-responses) and the JSON answer they amount to.
 */
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureChunks } from './helpers/fixtures.js';
import { logCollector } from './helpers/logs.js';
import { useSdkRig } from './helpers/sdk-rig.js';
import { assertValidOpenAIRequest } from './helpers/spec.js';
import { json, openAIError, type ReceivedRequest } from './helpers/upstream.js';

type Json = Record<string, any>;

const TEXT_EVENTS = fixtureChunks<Json>('openai-responses/azure-text.chunks.jsonl');
const TOOL_EVENTS = fixtureChunks<Json>('openai-responses/azure-tool-call.chunks.jsonl');
/** The JSON answer a non-streamed request gets: the final snapshot of the recorded stream. */
const TEXT_RESPONSE = TEXT_EVENTS.at(-1)!.response as Json;

/** OpenAI's wire framing of a Responses stream: each event named by an `event:` line, no `[DONE]`. */
const wire = (events: readonly Json[]) =>
  events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join('');

/** Gateway parameters are not in the SDK's types; the SDK sends them as given. */
const withGatewayParams = (params: Record<string, unknown>) => params as object;

const logs = logCollector();

const rig = useSdkRig(['openai', 'azure', 'claude'], ({ openai, azure, claude }) => ({
  providers: {
    openai: { apiKey: 'sk-test-responses-0001', baseURL: openai.baseURL },
    azure: { apiKey: 'az-test-responses-0001', baseURL: azure.origin, apiVersion: 'v1' },
    anthropic: { apiKey: 'sk-ant-test-responses', baseURL: `${claude.origin}/v1` },
  },
  retry: { maxRetries: 0 },
  cache: { enabled: true },
  onLog: logs.sink,
}));

function replay(events: readonly Json[]) {
  return (request: ReceivedRequest, response: ServerResponse) => {
    if (!request.body.stream) return json(response, 200, events.at(-1)!.response);
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.end(wire(events));
  };
}

afterEach(() => {
  for (const upstream of [rig.openai, rig.azure]) {
    for (const request of upstream.requests) assertValidOpenAIRequest('responses', request.body);
    upstream.reset();
  }
  rig.claude.reset();
  logs.records.length = 0;
});

describe('POST /responses through the OpenAI SDK, passed through', () => {
  it('returns the JSON answer as the upstream sent it, to /responses, with the provider key', async () => {
    rig.openai.handle(replay(TEXT_EVENTS));
    const answer = await rig.client.responses.create({ model: 'openai/gpt-5.1', input: 'Say hello' });
    expect(answer).toMatchObject(TEXT_RESPONSE);
    expect(answer.output_text).toBe('Hello');
    const [request] = rig.openai.requests;
    expect(request.url).toBe('/v1/responses');
    expect(request.headers.authorization).toBe('Bearer sk-test-responses-0001');
    expect(request.body).toEqual({ model: 'gpt-5.1', input: 'Say hello' });
  });

  it('relays a stream event by event, untouched, and the SDK accumulates the final response', async () => {
    rig.openai.handle(replay(TOOL_EVENTS));
    const stream = rig.client.responses.stream({ model: 'openai/gpt-5.1', input: 'Weather in Paris?' });
    const received: Json[] = [];
    for await (const event of stream) received.push(event);
    expect(received).toEqual(TOOL_EVENTS);
    const final = await stream.finalResponse();
    expect(final.output).toMatchObject(TOOL_EVENTS.at(-1)!.response.output);
    expect(final.id).toBe(TOOL_EVENTS.at(-1)!.response.id);
  });

  it('removes gateway parameters (top level, extra_body, nested, headers) and keeps metadata out', async () => {
    rig.openai.handle(replay(TEXT_EVENTS));
    await rig.client.responses.create(
      {
        model: 'openai/gpt-5.1',
        input: 'Say hello',
        ...withGatewayParams({
          metadata: { team: 'search' },
          extra_body: { customer_identifier: 'c-1', reasoning: { effort: 'low' } },
          modelgate_params: { thread_identifier: 'thread-1' },
        }),
      },
      { headers: { 'x-modelgate-params': JSON.stringify({ group_identifier: 'group-1' }) } },
    );
    const body = rig.openai.requests[0].body;
    expect(body).toEqual({ model: 'gpt-5.1', input: 'Say hello', reasoning: { effort: 'low' } });
    const [record] = await logs.settle(1);
    expect(record.metadata).toEqual({ team: 'search' });
    expect(record.customer_identifier).toBe('c-1');
    expect(record.thread_identifier).toBe('thread-1');
    expect(record.group_identifier).toBe('group-1');
  });

  it('falls back from a 503 to a second provider (Azure v1: /openai/v1/responses, deployment in the body)', async () => {
    rig.openai.handle((_request, response) => openAIError(response, 503, 'The server is overloaded'));
    rig.azure.handle(replay(TEXT_EVENTS));
    const stream = await rig.client.responses.create({
      model: 'openai/gpt-5.1',
      input: 'Say hello',
      stream: true,
      ...withGatewayParams({ fallback_models: ['azure/gpt-5.1'] }),
    });
    const received: Json[] = [];
    for await (const event of stream) received.push(event);
    expect(received).toEqual(TEXT_EVENTS);
    expect(rig.openai.requests).toHaveLength(1);
    expect(rig.azure.requests[0].url).toBe('/openai/v1/responses');
    expect(rig.azure.requests[0].headers['api-key']).toBe('az-test-responses-0001');
    expect(rig.azure.requests[0].body.model).toBe('gpt-5.1');
    const [record] = await logs.settle(1);
    expect(record.endpoint).toBe('responses');
    expect(record.provider).toBe('azure');
    expect(record.attempts.map((attempt) => [attempt.provider, attempt.status_code])).toEqual([
      ['openai', 503],
      ['azure', 200],
    ]);
    const usage = TEXT_RESPONSE.usage;
    expect(record.usage).toMatchObject({
      prompt_tokens: usage.input_tokens,
      completion_tokens: usage.output_tokens,
      total_tokens: usage.total_tokens,
      cached_tokens: usage.input_tokens_details.cached_tokens,
      reasoning_tokens: usage.output_tokens_details.reasoning_tokens,
    });
  });

  // Anthropic is reached through chat completions (responses-bridge.e2e.test.ts), which cannot run
  // OpenAI's built-in tools: refused before anything is sent, and the next model serves.
  it('skips a bridged provider that cannot run a built-in tool (unsupported_tool) and the next model serves', async () => {
    rig.openai.handle(replay(TEXT_EVENTS));
    const answer = await rig.client.responses.create({
      model: 'anthropic/claude-sonnet-4-5',
      input: 'Say hello',
      tools: [{ type: 'web_search' }],
      ...withGatewayParams({ fallback_models: ['openai/gpt-5.1'] }),
    });
    expect(answer.output_text).toBe('Hello');
    expect(rig.claude.requests).toHaveLength(0);
    const [record] = await logs.settle(1);
    expect(record.endpoint).toBe('responses');
    expect(record.attempts.map((attempt) => [attempt.provider, attempt.error_code ?? null])).toEqual([
      ['anthropic', 'unsupported_tool'],
      ['openai', null],
    ]);
    expect(record.usage?.prompt_tokens).toBe(TEXT_RESPONSE.usage.input_tokens);
  });

  it('a JSON answer holds the log record: endpoint, usage, cost-bearing model and attempts', async () => {
    rig.openai.handle(replay(TEXT_EVENTS));
    await rig.client.responses.create({ model: 'openai/gpt-5.1', input: 'Say hello' });
    const [record] = await logs.settle(1);
    expect(record.endpoint).toBe('responses');
    expect(record.status).toBe('success');
    expect(record.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 11, total_tokens: 22 });
    expect(record.attempts).toHaveLength(1);
  });

  it('a stream cut before its terminal event ends with a Responses `error` event, not chat`s frame', async () => {
    rig.openai.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(wire(TEXT_EVENTS.slice(0, -1)));
    });
    const http = await fetch(`${rig.host.baseURL}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-5.1', input: 'Say hello', stream: true }),
    });
    const text = await http.text();
    expect(text.startsWith(wire(TEXT_EVENTS.slice(0, -1)))).toBe(true);
    const tail = text.slice(wire(TEXT_EVENTS.slice(0, -1)).length);
    const match = /^event: error\ndata: (.*)\n\n$/.exec(tail);
    expect(match, tail).not.toBeNull();
    const event = JSON.parse(match![1]);
    expect(event).toMatchObject({ type: 'error', code: 'upstream_stream_truncated', param: null });
    expect(typeof event.message).toBe('string');
    expect(event.sequence_number).toBe(TEXT_EVENTS.length - 1);
    expect(text).not.toContain('[DONE]');
    const [record] = await logs.settle(1);
    expect(record.error_code).toBe('upstream_stream_truncated');
  });

  it('an upstream error in the stream before its first content falls back (response.failed, then an error event)', async () => {
    const failed = {
      type: 'response.failed',
      sequence_number: 1,
      response: { ...TEXT_RESPONSE, status: 'failed', error: { code: 'server_error', message: 'Try again' } },
    };
    rig.openai.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(wire([failed]));
    });
    rig.azure.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(
        'event: error\ndata: {"type":"error","code":"server_error","message":"Down","param":null,"sequence_number":0}\n\n',
      );
    });
    const stream = await rig.client.responses
      .create({
        model: 'openai/gpt-5.1',
        input: 'Say hello',
        stream: true,
        ...withGatewayParams({ fallback_models: ['azure/gpt-5.1', 'openai/gpt-5.1-mini'] }),
      })
      .catch((error: unknown) => error);
    expect(stream).toBeInstanceOf(Error);
    expect(rig.openai.requests.map((request) => request.body.model)).toEqual(['gpt-5.1', 'gpt-5.1-mini']);
    expect(rig.azure.requests).toHaveLength(1);
    const [record] = await logs.settle(1);
    expect(record.attempts.map((attempt) => [attempt.provider, attempt.error_code])).toEqual([
      ['openai', 'server_error'],
      ['azure', 'server_error'],
      ['openai', 'server_error'],
    ]);
  });

  it('a JSON answer with status failed is an upstream error, and the next model serves', async () => {
    rig.openai.handleNth(0, (_request, response) =>
      json(response, 200, {
        ...TEXT_RESPONSE,
        status: 'failed',
        output: [],
        error: { code: 'server_error', message: 'Try again' },
      }),
    );
    rig.openai.handle(replay(TEXT_EVENTS));
    const answer = await rig.client.responses.create({
      model: 'openai/gpt-5.1',
      input: 'Say hello',
      ...withGatewayParams({ fallback_models: ['openai/gpt-5.1-mini'] }),
    });
    expect(answer.output_text).toBe('Hello');
    expect(rig.openai.requests).toHaveLength(2);
  });

  it('is never served from the cache: a response is server-side state', async () => {
    rig.openai.handle(replay(TEXT_EVENTS));
    for (let i = 0; i < 2; i++) await rig.client.responses.create({ model: 'openai/gpt-5.1', input: 'Same question' });
    expect(rig.openai.requests).toHaveLength(2);
    const records = await logs.settle(2);
    expect(records.map((record) => record.cache?.status ?? null)).not.toContain('hit');
  });

  it('request_breakdown on a stream is an SSE comment after the terminal event, which the SDK passes by', async () => {
    rig.openai.handle(replay(TEXT_EVENTS));
    const stream = rig.client.responses.stream({
      model: 'openai/gpt-5.1',
      input: 'Say hello',
      ...withGatewayParams({ request_breakdown: true }),
    });
    const received: Json[] = [];
    for await (const event of stream) received.push(event);
    expect(received).toEqual(TEXT_EVENTS);
    expect((await stream.finalResponse()).output_text).toBe('Hello');

    const http = await fetch(`${rig.host.baseURL}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-5.1', input: 'Say hello', stream: true, request_breakdown: true }),
    });
    const text = await http.text();
    expect(text.startsWith(wire(TEXT_EVENTS))).toBe(true);
    const comment = /^: request_breakdown (.*)\n\n$/.exec(text.slice(wire(TEXT_EVENTS).length));
    expect(JSON.parse(comment![1])).toMatchObject({ model: 'gpt-5.1', usage: { prompt_tokens: 11 } });
  });
});

describe('POST /responses on Azure with a dated API version', () => {
  const azureRig = useSdkRig(['azure'], ({ azure }) => ({
    providers: {
      azure: {
        apiKey: 'az-test-dated-0001',
        baseURL: azure.origin,
        apiVersion: '2025-04-01-preview',
        deployments: { 'gpt-5.1': 'prod-gpt51' },
      },
    },
  }));

  it('goes to /openai/responses?api-version= (no deployment URL), the deployment named in the body', async () => {
    azureRig.azure.handle(replay(TEXT_EVENTS));
    const answer = await azureRig.client.responses.create({ model: 'azure/gpt-5.1', input: 'Say hello' });
    expect(answer.output_text).toBe('Hello');
    const [request] = azureRig.azure.requests;
    expect(request.url).toBe('/openai/responses?api-version=2025-04-01-preview');
    expect(request.body).toEqual({ model: 'prod-gpt51', input: 'Say hello' });
    expect(request.headers['api-key']).toBe('az-test-dated-0001');
  });
});

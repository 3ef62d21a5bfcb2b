/**
 * The official openai SDK as the client, the gateway mounted in a real Express app, and a loopback
 * upstream replaying recorded OpenAI responses. Every upstream body is checked against the spec.
 */
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayParams } from '../src/index.js';
import { fixtureChunks, fixtureJson } from './helpers/fixtures.js';
import { logCollector } from './helpers/logs.js';
import { useSdkRig } from './helpers/sdk-rig.js';
import { assertValidOpenAIRequest } from './helpers/spec.js';
import { json, sse } from './helpers/upstream.js';

const TEXT_CHUNKS = fixtureChunks('openai-chat/openai-text.chunks.jsonl');
const TEXT_RESPONSE = fixtureJson('openai-chat/openai-text.json');
const TOOL_CHUNKS = fixtureChunks('openai-chat/deepseek-tool-call.chunks.jsonl');
const EMBEDDING = fixtureJson('openai-embeddings/openai-embedding.json');

/** Gateway parameters (and future OpenAI ones) are not in the SDK's types; the SDK sends them as given. */
const gatewayParams = (params: Record<string, unknown>) => params as object;

const logs = logCollector();

const rig = useSdkRig(['upstream'], ({ upstream }) => ({
  providers: { openai: { apiKey: 'sk-test-upstream-key-0001', baseURL: upstream.baseURL } },
  models: { fast: { target: 'openai/gpt-4.1-nano', params: { temperature: 0.2 } } },
  onLog: logs.sink,
}));

afterEach(() => {
  for (const request of rig.upstream.requests) {
    if (request.url.endsWith('/chat/completions')) assertValidOpenAIRequest('chat', request.body);
    if (request.url.endsWith('/embeddings')) assertValidOpenAIRequest('embeddings', request.body);
    expect(request.headers.authorization).toBe('Bearer sk-test-upstream-key-0001');
  }
  rig.upstream.reset();
  logs.records.length = 0;
});

function replayText(stream: boolean) {
  rig.upstream.handle((request, response) => {
    if (!request.body.stream) return json(response, 200, TEXT_RESPONSE);
    // The recording was made with include_usage; drop its usage chunk when it was not asked for.
    const chunks = request.body.stream_options?.include_usage
      ? TEXT_CHUNKS
      : TEXT_CHUNKS.filter((chunk) => !chunk.usage);
    return sse(response, chunks);
  });
  return stream;
}

describe('chat.completions through the OpenAI SDK', () => {
  it('returns a non-streaming completion as recorded, with gateway headers', async () => {
    replayText(false);
    const { data, response } = await rig.client.chat.completions
      .create({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'Invent a holiday' }] })
      .withResponse();
    expect(data).toEqual(TEXT_RESPONSE);
    expect(response.headers.get('x-modelgate-provider')).toBe('openai');
    expect(response.headers.get('x-modelgate-model')).toBe('gpt-4.1-nano');
    expect(response.headers.get('x-modelgate-attempts')).toBe('1');
    expect(response.headers.get('x-modelgate-fallback')).toBe('false');
    expect(Number(response.headers.get('x-modelgate-overhead-ms'))).toBeGreaterThanOrEqual(0);
    const [record] = await logs.settle(1);
    expect(record.usage).toMatchObject({
      prompt_tokens: 16,
      completion_tokens: 363,
      total_tokens: 379,
      cached_tokens: 0,
    });
    expect(record.output).toEqual(TEXT_RESPONSE.choices);
  });

  it('streams the recorded chunks unchanged and reads usage it asked for on the side', async () => {
    replayText(true);
    // Typed the way the README shows, so that tsc keeps that snippet compiling.
    const request: OpenAI.ChatCompletionCreateParamsStreaming & GatewayParams = {
      model: 'gpt-4.1-nano',
      stream: true,
      messages: [{ role: 'user', content: 'Invent a holiday' }],
      customer_identifier: 'user_123',
      metadata: { session_id: 'abc' },
      thread_identifier: 'conv_456',
      group_identifier: 'team_alpha',
    };
    const stream = await rig.client.chat.completions.create(request);
    const received = [];
    for await (const chunk of stream) received.push(chunk);
    // The client did not ask for usage: the gateway asked upstream and removed that chunk.
    expect(rig.upstream.requests[0].body.stream_options).toEqual({ include_usage: true });
    expect(received).toEqual(TEXT_CHUNKS.filter((chunk) => !chunk.usage));
    const text = received.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe(TEXT_CHUNKS.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join(''));

    const [record] = await logs.settle(1);
    expect(record).toMatchObject({
      stream: true,
      status: 'success',
      customer_identifier: 'user_123',
      metadata: { session_id: 'abc' },
      thread_identifier: 'conv_456',
      group_identifier: 'team_alpha',
    });
    expect(record.usage?.total_tokens).toBe(TEXT_CHUNKS.find((chunk) => chunk.usage)!.usage.total_tokens);
    expect(record.ttft_ms).toBeGreaterThan(0);
    expect((record.output as any)[0].message.content).toBe(text);
  });

  it('passes the usage chunk through when the client asked for it', async () => {
    replayText(true);
    const stream = await rig.client.chat.completions.create({
      model: 'gpt-4.1-nano',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Invent a holiday' }],
    });
    const received = [];
    for await (const chunk of stream) received.push(chunk);
    expect(received).toEqual(TEXT_CHUNKS);
  });

  it('accumulates a streamed tool call with chat.completions.stream()', async () => {
    rig.upstream.handle((request, response) =>
      sse(response, request.body.stream_options?.include_usage ? TOOL_CHUNKS : TOOL_CHUNKS.filter((c) => !c.usage)),
    );
    const runner = rig.client.chat.completions.stream({
      model: 'openai/deepseek-chat',
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [
        {
          type: 'function',
          function: { name: 'weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } },
        },
      ],
    });
    const completion = await runner.finalChatCompletion();
    const call = completion.choices[0].message.tool_calls![0] as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
    const expected = TOOL_CHUNKS.flatMap((chunk) => chunk.choices?.[0]?.delta?.tool_calls ?? []);
    expect(call.id).toBe(expected[0].id);
    expect(call.function.name).toBe(expected[0].function.name);
    expect(call.function.arguments).toBe(expected.map((delta: any) => delta.function?.arguments ?? '').join(''));
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
  });

  it('sends a tool result turn and response_format json_schema upstream unchanged', async () => {
    rig.upstream.handle((_request, response) => json(response, 200, TEXT_RESPONSE));
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"location":"Paris"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
    ];
    const response_format = {
      type: 'json_schema' as const,
      json_schema: {
        name: 'answer',
        strict: true,
        schema: {
          type: 'object',
          properties: { temp: { type: 'number' } },
          required: ['temp'],
          additionalProperties: false,
        },
      },
    };
    await rig.client.chat.completions.create({
      model: 'gpt-4.1-nano',
      messages,
      response_format,
      temperature: 0,
      seed: 7,
      logit_bias: { '50256': -100 },
    });
    const sent = rig.upstream.requests[0].body;
    expect(sent.messages).toEqual(messages);
    expect(sent.response_format).toEqual(response_format);
    expect(sent).toMatchObject({ temperature: 0, seed: 7, logit_bias: { '50256': -100 } });
  });

  it('applies an alias target and its parameter defaults, the request winning', async () => {
    rig.upstream.handle((_request, response) => json(response, 200, TEXT_RESPONSE));
    await rig.client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'x' }] });
    await rig.client.chat.completions.create({
      model: 'fast',
      messages: [{ role: 'user', content: 'x' }],
      temperature: 1,
    });
    expect(rig.upstream.requests[0].body).toMatchObject({ model: 'gpt-4.1-nano', temperature: 0.2 });
    expect(rig.upstream.requests[1].body).toMatchObject({ model: 'gpt-4.1-nano', temperature: 1 });
  });

  it('forwards unknown (future) OpenAI parameters and removes every gateway parameter', async () => {
    rig.upstream.handle((_request, response) => json(response, 200, TEXT_RESPONSE));
    await rig.client.chat.completions.create({
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user', content: 'x' }],
      ...gatewayParams({
        some_future_parameter: { enabled: true },
        customer_identifier: 'c1',
        fallback_models: ['gpt-4.1-nano'],
        metadata: { a: 1 },
        request_breakdown: false,
        disable_log: true,
      }),
    });
    expect(rig.upstream.requests[0].body).toEqual({
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user', content: 'x' }],
      some_future_parameter: { enabled: true },
    });
    rig.upstream.requests.length = 0; // this body is deliberately outside the spec
  });

  it('adds request_breakdown to a non-streaming body and as a final chunk of a stream', async () => {
    replayText(false);
    const body: any = await rig.client.chat.completions.create({
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user', content: 'x' }],
      ...gatewayParams({ request_breakdown: true, customer_identifier: 'c9' }),
    });
    expect(body.request_breakdown).toMatchObject({
      provider: 'openai',
      model: 'gpt-4.1-nano',
      usage: { total_tokens: 379 },
      customer_identifier: 'c9',
    });
    expect(body.request_breakdown.attempts).toHaveLength(1);

    replayText(true);
    const stream = await rig.client.chat.completions.create({
      model: 'gpt-4.1-nano',
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
      ...gatewayParams({ request_breakdown: true }),
    });
    const chunks: any[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1);
    expect(last.choices).toEqual([]);
    const streamUsage = TEXT_CHUNKS.find((chunk) => chunk.usage)!.usage;
    expect(last.request_breakdown).toMatchObject({
      provider: 'openai',
      usage: { total_tokens: streamUsage.total_tokens },
    });
  });
});

describe('embeddings and models', () => {
  it('creates embeddings', async () => {
    rig.upstream.handle((_request, response) => json(response, 200, EMBEDDING));
    const result = await rig.client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['sunny day at the beach'],
      encoding_format: 'float',
    });
    expect(result).toEqual(EMBEDDING);
    expect(rig.upstream.requests[0].url).toBe('/v1/embeddings');
    const [record] = await logs.settle(1);
    expect(record.endpoint).toBe('embeddings');
    expect(record.usage?.prompt_tokens).toBe(EMBEDDING.usage.prompt_tokens);
  });

  it('lists the aliases and models it can route', async () => {
    const ids = [];
    for await (const model of rig.client.models.list()) ids.push(model.id);
    expect(ids).toContain('fast');
    const model = await rig.client.models.retrieve('fast');
    expect(model).toMatchObject({ id: 'fast', object: 'model', owned_by: 'modelgate' });
    expect(await rig.client.models.retrieve('openai/gpt-4.1-nano')).toMatchObject({ owned_by: 'openai' });
    await expect(rig.client.models.retrieve('no-such-model')).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
  });
});

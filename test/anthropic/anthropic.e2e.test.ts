/**
 * End to end: the official openai SDK → a real Express host → the gateway → a loopback server that
 * speaks Anthropic's real framing (`event:` lines) from the recordings. The same recordings, served
 * to Anthropic's own SDK, are the reference. Every request sent to "Anthropic" is validated against
 * the Messages spec, strictly.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/index.js';
import {
  recordedEvents,
  recordedWire,
  STREAM_RECORDINGS,
  toWire,
  event,
  writeAnthropicStream,
} from '../helpers/anthropic-recordings.js';
import { assertValidAnthropicRequest } from '../helpers/anthropic-spec.js';
import { fixtureJson } from '../helpers/fixtures.js';
import { HOST_KINDS, startHost, type Host } from '../helpers/hosts.js';
import { logCollector } from '../helpers/logs.js';
import { assertValidOpenAIRequest } from '../helpers/spec.js';
import { json, openAIError, sleep, startUpstream, type Upstream } from '../helpers/upstream.js';

const ANTHROPIC_KEY = 'sk-ant-test-gateway-key-0001';
const TOOLS: OpenAI.Chat.ChatCompletionFunctionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Weather by city',
      parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
    },
  },
];
const TEXT_JSON = fixtureJson('anthropic/anthropic-text.json');

let claude: Upstream;
let reference: Upstream;
let openaiUpstream: Upstream;
let gateway: Gateway;
let host: Host;
let client: OpenAI;
const logs = logCollector();

beforeAll(async () => {
  claude = await startUpstream();
  reference = await startUpstream();
  openaiUpstream = await startUpstream();
  gateway = createGateway({
    providers: {
      anthropic: {
        apiKey: ANTHROPIC_KEY,
        baseURL: claude.baseURL,
        betaHeaders: ['fine-grained-tool-streaming-2025-05-14'],
      },
      openai: { apiKey: 'sk-test-openai-key-0001', baseURL: openaiUpstream.baseURL },
    },
    retry: { maxRetries: 0 },
    onLog: logs.sink,
  });
  host = await startHost('express', gateway);
  client = new OpenAI({ baseURL: host.baseURL, apiKey: 'client-key', maxRetries: 0 });
});

afterAll(async () => {
  await host.close();
  await gateway.close();
  await Promise.all([claude.close(), reference.close(), openaiUpstream.close()]);
});

afterEach(() => {
  for (const request of claude.requests) {
    expect(request.url).toBe('/v1/messages');
    expect(request.headers['x-api-key']).toBe(ANTHROPIC_KEY);
    expect(request.headers['anthropic-version']).toBe('2023-06-01');
    expect(request.headers['anthropic-beta']).toBe('fine-grained-tool-streaming-2025-05-14');
    expect(request.headers.authorization).toBeUndefined();
    assertValidAnthropicRequest(request.body);
  }
  for (const request of openaiUpstream.requests) assertValidOpenAIRequest('chat', request.body);
  claude.reset();
  openaiUpstream.reset();
  reference.reset();
  logs.records.length = 0;
});

/** Serves a recording to whoever asks: the gateway (streaming or not) and Anthropic's SDK alike. */
function serve(upstream: Upstream, name: string, pieces = 7) {
  upstream.handle((request, response) => {
    if (request.body?.stream) return writeAnthropicStream(response, recordedWire(name), { pieces });
    return json(response, 200, TEXT_JSON);
  });
}

async function referenceMessage(name: string) {
  serve(reference, name);
  const anthropic = new Anthropic({ apiKey: 'sk-ant-test-reference', baseURL: reference.origin, maxRetries: 0 });
  return anthropic.messages
    .stream({ model: 'claude-opus-4-8', max_tokens: 1024, messages: [{ role: 'user', content: 'x' }] })
    .finalMessage();
}

describe('claude-* through the OpenAI SDK', () => {
  it('answers a non-streaming request with the converted message, usage and headers', async () => {
    serve(claude, 'anthropic-text.chunks.jsonl');
    const { data, response } = await client.chat.completions
      .create({
        model: 'claude-sonnet-4-5',
        messages: [
          { role: 'system', content: 'Be kind.' },
          { role: 'user', content: 'Hello, how are you?' },
        ],
      })
      .withResponse();
    expect(data.choices[0].message.content).toBe(TEXT_JSON.content[0].text);
    expect(data.choices[0].finish_reason).toBe('stop');
    expect(data.usage).toMatchObject({
      prompt_tokens: 12,
      completion_tokens: 29,
      total_tokens: 41,
      prompt_tokens_details: { cached_tokens: 0 },
    });
    expect(response.headers.get('x-modelgate-provider')).toBe('anthropic');
    expect(response.headers.get('x-modelgate-dropped-params')).toBeNull();
    expect(claude.requests[0].body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      system: [{ type: 'text', text: 'Be kind.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello, how are you?' }] }],
    });
    const [record] = await logs.settle(1);
    expect(record.usage).toMatchObject({
      prompt_tokens: 12,
      completion_tokens: 29,
      cached_tokens: 0,
      cache_write_tokens: 0,
    });
  });

  it.each(STREAM_RECORDINGS)("streams %s to the same result as Anthropic's SDK accumulating it", async (name) => {
    serve(claude, name);
    const runner = client.chat.completions.stream({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'x' }],
      tools: TOOLS,
    });
    const [completion, message] = await Promise.all([runner.finalChatCompletion(), referenceMessage(name)]);
    const choice = completion.choices[0];
    const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
    expect(choice.message.content ?? '').toBe(text);
    const toolUses = message.content.filter((block) => block.type === 'tool_use');
    expect(
      (choice.message.tool_calls ?? []).map((call: any) => [
        call.id,
        call.function.name,
        JSON.parse(call.function.arguments),
      ]),
    ).toEqual(toolUses.map((block) => [block.id, block.name, block.input]));
    expect(choice.finish_reason).toBe(toolUses.length ? 'tool_calls' : 'stop');
    const thinking = message.content.filter((block) => block.type === 'thinking');
    expect((choice.message as any).thinking_blocks ?? []).toEqual(
      thinking.map(({ thinking: t, signature }) => ({ type: 'thinking', thinking: t, signature })),
    );
    expect(claude.requests[0].body).toMatchObject({
      stream: true,
      tools: [{ name: 'get_weather', input_schema: TOOLS[0].function.parameters }],
    });
    const [record] = await logs.settle(1);
    expect(record.usage?.completion_tokens).toBe(message.usage.output_tokens);
  });

  it('sends the usage chunk only when asked, with cached tokens', async () => {
    serve(claude, 'anthropic-thinking.chunks.jsonl');
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of await client.chat.completions.create({
      model: 'claude-sonnet-4-5',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'x' }],
    }))
      chunks.push(chunk);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 69, completion_tokens: 53, prompt_tokens_details: { cached_tokens: 0 } },
    });

    const without: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of await client.chat.completions.create({
      model: 'claude-sonnet-4-5',
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    }))
      without.push(chunk);
    expect(without.some((chunk) => chunk.usage)).toBe(false);
    const records = await logs.settle(2);
    expect(records.map((record) => record.usage?.total_tokens)).toEqual([122, 122]);
  });

  it('reports dropped parameters in a header and the log; refuses bad tool arguments without calling upstream', async () => {
    serve(claude, 'anthropic-text.chunks.jsonl');
    const { response } = await client.chat.completions
      .create({
        model: 'claude-sonnet-4-5',
        seed: 7,
        frequency_penalty: 0.5,
        messages: [{ role: 'user', content: 'x' }],
      })
      .withResponse();
    expect(response.headers.get('x-modelgate-dropped-params')).toBe('seed,frequency_penalty');
    const [record] = await logs.settle(1);
    expect(record.dropped_params).toEqual(['seed', 'frequency_penalty']);

    claude.requests.length = 0;
    const bad = client.chat.completions.create({
      model: 'claude-sonnet-4-5',
      messages: [
        { role: 'user', content: 'x' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{oops' } }],
        },
      ],
    });
    await expect(bad).rejects.toMatchObject({ status: 400, param: 'messages[1].tool_calls[0].function.arguments' });
    expect(claude.requests).toHaveLength(0);
  });

  it('maps Anthropic HTTP errors: 529 → 502 retryable, 400 → 400 with its message', async () => {
    claude.handle((_request, response) =>
      json(response, 529, {
        type: 'error',
        error: { type: 'overloaded_error', message: 'Overloaded' },
        request_id: 'req_1',
      }),
    );
    await expect(
      client.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({
      status: 502,
      code: 'overloaded_error',
      message: expect.stringContaining('HTTP 529: Overloaded'),
    });
    claude.handle((_request, response) =>
      json(response, 400, {
        type: 'error',
        error: { type: 'invalid_request_error', message: 'messages.0.content: empty' },
      }),
    );
    await expect(
      client.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({
      status: 400,
      code: 'invalid_request_error',
      message: expect.stringContaining('messages.0.content: empty'),
    });
  });
});

describe('fallbacks that cross providers', () => {
  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
    { role: 'user', content: 'What is the weather in Paris?' },
  ];
  const fallbackTo = (models: string[]) => ({ fallback_models: models }) as object;

  it.each([503, 429])('gpt-4o failing with %i falls back to claude with the tools, streaming', async (status) => {
    openaiUpstream.handle((_request, response) => openAIError(response, status, 'upstream trouble'));
    serve(claude, 'sdk-tool_use_response.sse');
    const runner = client.chat.completions.stream({
      model: 'gpt-4o',
      messages,
      tools: TOOLS,
      tool_choice: 'auto',
      ...fallbackTo(['claude-sonnet-4-5']),
    });
    const completion = await runner.finalChatCompletion();
    const call = completion.choices[0].message.tool_calls![0] as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
    expect(call).toMatchObject({
      id: 'toolu_01NRLabsLyVHZPKxbKvkfSMn',
      function: { name: 'get_weather', arguments: '{"location": "Paris"}' },
    });
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(claude.requests[0].body).toMatchObject({ tools: [{ name: 'get_weather' }], tool_choice: { type: 'auto' } });
    const [record] = await logs.settle(1);
    expect(record).toMatchObject({ provider: 'anthropic', fallback_used: true });
    expect(record.attempts.map((attempt) => [attempt.provider, attempt.status_code])).toEqual([
      ['openai', status],
      ['anthropic', 200],
    ]);
  });

  it('carries the tool turn back to claude after the fallback, non-streaming', async () => {
    openaiUpstream.handle((_request, response) => openAIError(response, 503, 'down'));
    serve(claude, 'anthropic-text.chunks.jsonl');
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      tools: TOOLS,
      messages: [
        ...messages,
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'toolu_01NRLabsLyVHZPKxbKvkfSMn',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"location":"Paris"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_01NRLabsLyVHZPKxbKvkfSMn', content: '21°C and sunny' },
      ],
      ...fallbackTo(['claude-sonnet-4-5']),
    });
    expect(completion.choices[0].message.content).toBe(TEXT_JSON.content[0].text);
    expect(claude.requests[0].body.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_01NRLabsLyVHZPKxbKvkfSMn', name: 'get_weather', input: { location: 'Paris' } },
        ],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_01NRLabsLyVHZPKxbKvkfSMn', content: '21°C and sunny' }],
      },
    ]);
  });

  it('an overloaded_error inside a 200 stream, before any content, falls back invisibly', async () => {
    const opening = recordedEvents('anthropic-text.chunks.jsonl').slice(0, 3); // message_start, content_block_start, ping
    let calls = 0;
    const overloaded = toWire([
      ...opening,
      event({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    ]);
    claude.handle((_request, response) =>
      writeAnthropicStream(response, calls++ === 0 ? overloaded : recordedWire('anthropic-text.chunks.jsonl')),
    );
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    const stream = await client.chat.completions.create({
      model: 'claude-sonnet-4-5',
      stream: true,
      messages,
      ...fallbackTo(['anthropic/claude-haiku-4-5']),
    });
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(
      "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?",
    );
    expect(claude.requests.map((request) => request.body.model)).toEqual(['claude-sonnet-4-5', 'claude-haiku-4-5']);
    const [record] = await logs.settle(1);
    expect(record.attempts.map((attempt) => [attempt.model, attempt.status_code, attempt.error_code])).toEqual([
      ['claude-sonnet-4-5', 529, 'overloaded_error'],
      ['claude-haiku-4-5', 200, null],
    ]);
  });

  it('an error event after content ends the stream with an OpenAI error frame', async () => {
    const events = recordedEvents('anthropic-text.chunks.jsonl');
    const cut = events.findIndex((recorded) => recorded.event === 'content_block_stop');
    const opening = toWire(events.slice(0, cut));
    const failure = toWire([event({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })]);
    claude.handle(async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(opening);
      await sleep(50); // the text reaches the client first: the response has committed
      response.end(failure);
    });

    const received: string[] = [];
    const stream = await client.chat.completions.create({
      model: 'claude-sonnet-4-5',
      stream: true,
      messages,
      ...fallbackTo(['anthropic/claude-haiku-4-5']),
    });
    const thrown = await (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(OpenAI.APIError);
    expect((thrown as InstanceType<typeof OpenAI.APIError>).message).toContain('overloaded_error');
    expect(received.join('')).toContain('Hello! I');

    // On the wire: the last frame is the error, and no [DONE].
    const raw = await fetch(`${host.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', stream: true, messages }),
    });
    const body = await raw.text();
    const frames = body.trim().split('\n\n');
    expect(JSON.parse(frames.at(-1)!.slice('data: '.length))).toMatchObject({
      error: { code: 'overloaded_error', type: 'api_error' },
    });
    expect(body).not.toContain('[DONE]');
    expect(claude.requests.every((request) => request.body.model === 'claude-sonnet-4-5')).toBe(true);
    // The log keeps the usage known when the stream broke (message_start's input tokens).
    const records = await logs.settle(2);
    expect(records.map((record) => [record.status_code, record.usage?.prompt_tokens])).toEqual([
      [502, 12],
      [502, 12],
    ]);
  });
});

describe.each(HOST_KINDS)('a streamed Claude tool call through the %s host', (kind) => {
  it('accumulates with the openai SDK to the recorded call', async () => {
    const mounted = await startHost(kind, gateway);
    try {
      serve(claude, 'sdk-tool_use_response.sse', 13);
      const sdk = new OpenAI({ baseURL: mounted.baseURL, apiKey: 'client-key', maxRetries: 0 });
      const completion = await sdk.chat.completions
        .stream({
          model: 'claude-sonnet-4-5',
          messages: [{ role: 'user', content: 'Weather in Paris?' }],
          tools: TOOLS,
        })
        .finalChatCompletion();
      expect(completion.choices[0].message.content).toBe("I'll check the current weather in Paris for you.");
      expect(completion.choices[0].message.tool_calls).toEqual([
        {
          id: 'toolu_01NRLabsLyVHZPKxbKvkfSMn',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"location": "Paris"}' },
        },
      ]);
      await logs.settle(1);
    } finally {
      await mounted.close();
    }
  });
});

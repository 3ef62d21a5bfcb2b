/**
 * AWS Bedrock end to end: the official openai SDK as the client, the gateway mounted in a real
 * Express app, and a loopback server speaking Bedrock's wire format (JSON Converse responses,
 * binary event streams cut across TCP reads at awkward offsets, restJson1 error responses). Every
 * request the loopback server receives must carry a SigV4 signature the test recomputes.
 * Wire data: test/helpers/bedrock-wire.ts (built from the Converse / ConverseStream API reference).
 */
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway } from '../../src/index.js';
import {
  bedrockError,
  errorMessage,
  eventMessage,
  eventStreamBytes,
  exceptionMessage,
  verifySigV4,
  writeEventStream,
} from '../helpers/bedrock.js';
import {
  PARALLEL_TOOL_CALLS,
  PARALLEL_TOOLS_STREAM,
  TEXT_RESPONSE,
  TEXT_STREAM,
  TEXT_STREAM_CONTENT,
  TOOLS_RESPONSE,
} from '../helpers/bedrock-wire.js';
import { fixtureChunks } from '../helpers/fixtures.js';
import { logCollector } from '../helpers/logs.js';
import { useSdkRig } from '../helpers/sdk-rig.js';
import { startHost } from '../helpers/hosts.js';
import { assertValidOpenAIRequest } from '../helpers/spec.js';
import { json, openAIError, sse } from '../helpers/upstream.js';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-secret-key-not-real-000000000000000' };
const REGION = 'us-east-1';
const CLAUDE = 'us.anthropic.claude-3-5-sonnet-20241022-v2:0';
const OPENAI_TEXT = fixtureChunks('openai-chat/openai-text.chunks.jsonl');
const params = (extra: Record<string, unknown>) => extra as object;

const logs = logCollector();

const rig = useSdkRig(['bedrock', 'openai'], ({ bedrock, openai }) => ({
  providers: {
    aws: { kind: 'bedrock', region: REGION, baseURL: bedrock.origin, ...CREDENTIALS },
    openai: { apiKey: 'sk-test-upstream-key-0001', baseURL: openai.baseURL },
  },
  retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 5 },
  // One gateway for every test, each injecting its own failures: cooldowns learned in one test
  // would reorder the chain another test expects.
  health: false,
  onLog: logs.sink,
}));

afterEach(() => {
  for (const request of rig.bedrock.requests) {
    expect(request.method).toBe('POST');
    expect(request.url).toMatch(/^\/model\/[^/]+\/converse(-stream)?$/);
    verifySigV4(request, CREDENTIALS, REGION);
  }
  for (const request of rig.openai.requests) assertValidOpenAIRequest('chat', request.body);
  rig.bedrock.requests.length = 0;
  rig.openai.requests.length = 0;
  logs.records.length = 0;
});

describe('Bedrock through the OpenAI SDK', () => {
  it('answers a non-streaming request, with cached tokens in usage and the log', async () => {
    rig.bedrock.handle((_request, response) => json(response, 200, TEXT_RESPONSE));
    const { data, response } = await rig.client.chat.completions
      .create({
        model: CLAUDE,
        messages: [
          { role: 'system', content: 'Greet.' },
          { role: 'user', content: 'Hi' },
        ],
        max_tokens: 64,
      })
      .withResponse();
    expect(data.choices[0].message.content).toBe('Grüße aus Zürich 👋');
    expect(data.usage).toMatchObject({
      prompt_tokens: 2068,
      completion_tokens: 7,
      total_tokens: 2075,
      prompt_tokens_details: { cached_tokens: 2048 },
    });
    expect(response.headers.get('x-modelgate-provider')).toBe('aws');
    expect(response.headers.get('x-modelgate-dropped-params')).toBeNull();
    const [sent] = rig.bedrock.requests;
    expect(sent.url).toBe('/model/us.anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse');
    expect(verifySigV4(sent, CREDENTIALS, REGION).canonicalRequest.split('\n')[1]).toBe(
      '/model/us.anthropic.claude-3-5-sonnet-20241022-v2%253A0/converse',
    );
    expect(sent.body).toEqual({
      system: [{ text: 'Greet.' }],
      messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
      inferenceConfig: { maxTokens: 64 },
    });
    const [record] = await logs.settle(1);
    expect(record).toMatchObject({
      status: 'success',
      provider: 'aws',
      model: CLAUDE,
      usage: { prompt_tokens: 2068, cached_tokens: 2048, cache_write_tokens: 0 },
    });
    // Priced from the catalogue by its Bedrock id, cache reads apart.
    expect(record.cost_usd).toBeGreaterThan(0);
    expect(record.cost?.cache_read_usd).toBeGreaterThan(0);
  });

  it('streams text cut across TCP reads, usage with cache reads and writes last', async () => {
    rig.bedrock.handle((_request, response) => writeEventStream(response, eventStreamBytes(TEXT_STREAM)));
    const stream = await rig.client.chat.completions.create({
      model: CLAUDE,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(TEXT_STREAM_CONTENT);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 1532,
        completion_tokens: 9,
        total_tokens: 1541,
        prompt_tokens_details: { cached_tokens: 1024 },
      },
    });
    expect(rig.bedrock.requests[0].url).toBe('/model/us.anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse-stream');
    expect(rig.bedrock.requests[0].headers.accept).toBe('application/vnd.amazon.eventstream');
    const [record] = await logs.settle(1);
    expect(record.usage).toEqual({
      prompt_tokens: 1532,
      completion_tokens: 9,
      total_tokens: 1541,
      cached_tokens: 1024,
      cache_write_tokens: 496,
      reasoning_tokens: 0,
    });
    expect((record.output as any)[0].message.content).toBe(TEXT_STREAM_CONTENT);
  });

  it('leaves the usage chunk out when the client did not ask, and still logs usage', async () => {
    rig.bedrock.handle((_request, response) =>
      writeEventStream(response, eventStreamBytes(TEXT_STREAM), [5, 200, 201, 333]),
    );
    const stream = await rig.client.chat.completions.create({
      model: CLAUDE,
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe('stop');
    const [record] = await logs.settle(1);
    expect(record.usage?.total_tokens).toBe(1541);
  });

  it('streams parallel tool calls that the SDK accumulates into two calls', async () => {
    rig.bedrock.handle((_request, response) => writeEventStream(response, eventStreamBytes(PARALLEL_TOOLS_STREAM)));
    const runner = rig.client.chat.completions.stream({
      model: `aws/${CLAUDE}`,
      messages: [{ role: 'user', content: 'Weather in Paris and Tokyo?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string' } } },
          },
        },
      ],
      tool_choice: 'auto',
    });
    const completion = await runner.finalChatCompletion();
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(completion.choices[0].message.tool_calls).toEqual(PARALLEL_TOOL_CALLS);
    expect(rig.bedrock.requests[0].body.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: 'get_weather',
            inputSchema: {
              json: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string' } } },
            },
          },
        },
      ],
      toolChoice: { auto: {} },
    });
  });

  it('sends the next tool turn with the results merged into one user turn', async () => {
    rig.bedrock.handle((_request, response) => json(response, 200, TEXT_RESPONSE));
    const first = TOOLS_RESPONSE.output.message.content;
    await rig.client.chat.completions.create({
      model: CLAUDE,
      messages: [
        { role: 'user', content: 'Weather in Paris and Tokyo?' },
        {
          role: 'assistant',
          content: 'Checking both cities.',
          tool_calls: PARALLEL_TOOL_CALLS as OpenAI.Chat.ChatCompletionMessageToolCall[],
        },
        { role: 'tool', tool_call_id: PARALLEL_TOOL_CALLS[0].id, content: '18°C' },
        { role: 'tool', tool_call_id: PARALLEL_TOOL_CALLS[1].id, content: '25°C' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
    });
    const sent = rig.bedrock.requests[0].body;
    expect(sent.messages[1]).toEqual({ role: 'assistant', content: first });
    expect(sent.messages[2]).toEqual({
      role: 'user',
      content: [
        { toolResult: { toolUseId: PARALLEL_TOOL_CALLS[0].id, content: [{ text: '18°C' }] } },
        { toolResult: { toolUseId: PARALLEL_TOOL_CALLS[1].id, content: [{ text: '25°C' }] } },
      ],
    });
  });

  it('reports dropped parameters in a header and the log', async () => {
    rig.bedrock.handle((_request, response) => json(response, 200, TEXT_RESPONSE));
    const { response } = await rig.client.chat.completions
      .create({ model: CLAUDE, messages: [{ role: 'user', content: 'Hi' }], seed: 7, logprobs: true })
      .withResponse();
    // In the order the request names them.
    expect(response.headers.get('x-modelgate-dropped-params')).toBe('seed,logprobs');
    const [record] = await logs.settle(1);
    expect(record.dropped_params).toEqual(['seed', 'logprobs']);
  });
});

describe('Bedrock errors', () => {
  it('turns a ValidationException into a 400 that says what Bedrock said, without retrying', async () => {
    rig.bedrock.handle((_request, response) =>
      bedrockError(
        response,
        400,
        'ValidationException',
        'The content field in the Message object at messages.0 is empty.',
      ),
    );
    const error = await rig.client.chat.completions
      .create({ model: CLAUDE, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.message).toContain(
      'ValidationException: The content field in the Message object at messages.0 is empty.',
    );
    expect(rig.bedrock.requests).toHaveLength(1);
  });

  it('retries a ThrottlingException, then answers 429 and tells the SDK not to retry', async () => {
    rig.bedrock.handle((_request, response) =>
      bedrockError(response, 429, 'ThrottlingException', 'Too many requests, please wait before trying again.'),
    );
    const error = await rig.client.chat.completions
      .create({ model: CLAUDE, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.code).toBe('rate_limit_exceeded');
    expect(error.headers.get('x-should-retry')).toBe('false');
    expect(rig.bedrock.requests).toHaveLength(2);
  });

  it('treats a 424 ModelErrorException as the upstream failing (502, retried)', async () => {
    rig.bedrock.handle((_request, response) =>
      bedrockError(response, 424, 'ModelErrorException', 'The model failed to process the request.'),
    );
    const error = await rig.client.chat.completions
      .create({ model: CLAUDE, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((e) => e);
    expect(error.status).toBe(502);
    expect(error.code).toBe('model_error');
    expect(rig.bedrock.requests).toHaveLength(2);
  });

  it('answers 502 when Bedrock refuses the gateway credentials, naming no key', async () => {
    rig.bedrock.handle((_request, response) =>
      bedrockError(
        response,
        403,
        'AccessDeniedException',
        'You do not have access to the model with the specified model ID.',
      ),
    );
    const error = await rig.client.chat.completions
      .create({ model: CLAUDE, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((e) => e);
    expect(error.status).toBe(502);
    expect(error.code).toBe('upstream_auth_error');
    expect(error.message).not.toContain(CREDENTIALS.secretAccessKey);
  });

  it('falls back invisibly when the stream opens with an exception before any content', async () => {
    rig.bedrock.handle((_request, response) =>
      writeEventStream(
        response,
        Buffer.concat([
          eventMessage('messageStart', { role: 'assistant' }),
          exceptionMessage('throttlingException', { message: 'Too many tokens, please wait.' }),
        ]),
      ),
    );
    rig.openai.handle((_request, response) =>
      sse(
        response,
        OPENAI_TEXT.filter((chunk) => !chunk.usage),
      ),
    );
    const { data: stream, response } = await rig.client.chat.completions
      .create({
        model: CLAUDE,
        stream: true,
        messages: [{ role: 'user', content: 'Hi' }],
        ...params({ fallback_models: ['openai/gpt-4.1-nano'] }),
      })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(OPENAI_TEXT.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join(''));
    expect(response.headers.get('x-modelgate-provider')).toBe('openai');
    expect(response.headers.get('x-modelgate-fallback')).toBe('true');
    const [record] = await logs.settle(1);
    expect(record.attempts.map((attempt) => [attempt.provider, attempt.error_code])).toEqual([
      ['aws', 'rate_limit_exceeded'],
      ['openai', null],
    ]);
  });

  it('ends a stream that fails after its first content with an OpenAI error frame', async () => {
    const events = Buffer.concat([
      eventStreamBytes(TEXT_STREAM.slice(0, 3)),
      errorMessage('InternalFailure', 'The stream broke.'),
    ]);
    rig.bedrock.handle((_request, response) => writeEventStream(response, events));
    const stream = await rig.client.chat.completions.create({
      model: CLAUDE,
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e) => e);
    expect(text).toBe('Grüße aus Zürich 👋');
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.message).toContain('The stream broke.');
    const [record] = await logs.settle(1);
    expect(record).toMatchObject({ status: 'error', error_code: 'upstream_stream_error' });
  });
});

describe('fallback from an OpenAI-compatible upstream to Bedrock', () => {
  it('streams from Bedrock when OpenAI fails, the client none the wiser', async () => {
    rig.openai.handle((_request, response) => openAIError(response, 503, 'The server is overloaded.'));
    rig.bedrock.handle((_request, response) => writeEventStream(response, eventStreamBytes(PARALLEL_TOOLS_STREAM)));
    const runner = rig.client.chat.completions.stream({
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user', content: 'Weather in Paris and Tokyo?' }],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
        },
      ],
      ...params({ fallback_models: [`aws/${CLAUDE}`] }),
    });
    const completion = await runner.finalChatCompletion();
    expect(completion.choices[0].message.tool_calls).toEqual(PARALLEL_TOOL_CALLS);
    expect(rig.openai.requests).toHaveLength(2); // tried and retried
    expect(rig.bedrock.requests).toHaveLength(1);
    const [record] = await logs.settle(1);
    expect(record).toMatchObject({ provider: 'aws', fallback_used: true, status: 'success' });
  });
});

describe('Bedrock gateway options', () => {
  it('refuses an unsupported parameter with a 400 naming it when strictParams is on', async () => {
    const strict = createGateway({
      providers: { aws: { kind: 'bedrock', region: REGION, baseURL: rig.bedrock.origin, ...CREDENTIALS } },
      strictParams: true,
    });
    const strictHost = await startHost('node', strict);
    try {
      const strictClient = new OpenAI({ baseURL: strictHost.baseURL, apiKey: 'x', maxRetries: 0 });
      const error = await strictClient.chat.completions
        .create({ model: CLAUDE, messages: [{ role: 'user', content: 'Hi' }], seed: 1 })
        .catch((e) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error.param).toBe('seed');
      expect(error.code).toBe('unsupported_parameter');
      expect(rig.bedrock.requests).toHaveLength(0);
    } finally {
      await strictHost.close();
      await strict.close();
    }
  });

  it('authenticates with a Bedrock API key as a bearer token', async () => {
    const keyed = createGateway({
      providers: {
        aws: { kind: 'bedrock', region: REGION, baseURL: rig.bedrock.origin, apiKey: 'test-bedrock-api-key' },
      },
    });
    const keyedHost = await startHost('fetch', keyed);
    try {
      rig.bedrock.handle((_request, response) => json(response, 200, TEXT_RESPONSE));
      const keyedClient = new OpenAI({ baseURL: keyedHost.baseURL, apiKey: 'x', maxRetries: 0 });
      const completion = await keyedClient.chat.completions.create({
        model: 'amazon.nova-lite-v1:0',
        messages: [{ role: 'user', content: 'Hi' }],
      });
      expect(completion.choices[0].message.content).toBe('Grüße aus Zürich 👋');
      expect(rig.bedrock.requests[0].headers.authorization).toBe('Bearer test-bedrock-api-key');
      expect(rig.bedrock.requests[0].url).toBe('/model/amazon.nova-lite-v1%3A0/converse');
    } finally {
      rig.bedrock.requests.length = 0; // not SigV4-signed, by design
      await keyedHost.close();
      await keyed.close();
    }
  });

  it('checks the Bedrock options at createGateway', () => {
    expect(() =>
      createGateway({ providers: { aws: { kind: 'bedrock', accessKeyId: 'a', secretAccessKey: 'b' } } }),
    ).toThrow(/providers\.aws\.region/);
    expect(() =>
      createGateway({ providers: { aws: { kind: 'bedrock', region: 'us-east-1', accessKeyId: 'a' } } }),
    ).toThrow(/providers\.aws\.secretAccessKey/);
    expect(() => createGateway({ providers: { aws: { kind: 'bedrock', region: 'Virginia' } } })).toThrow(
      /providers\.aws\.region: must be an AWS region/,
    );
  });
});

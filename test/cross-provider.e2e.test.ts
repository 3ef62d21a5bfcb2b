/**
 * One fallback chain across four wire formats, with tools, through the official openai SDK and a
 * real Express host: OpenAI-compatible (503) → Anthropic (overloaded_error inside a 200 stream) →
 * Gemini (answers with a tool call) → and, for the tool result turn, Bedrock (throttled) → Anthropic.
 * The client sees one ordinary conversation; each upstream gets its own valid request.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/index.js';
import { assertValidAnthropicRequest } from './helpers/anthropic-spec.js';
import { event, recordedEvents, toWire, writeAnthropicStream } from './helpers/anthropic-recordings.js';
import { bedrockError } from './helpers/bedrock.js';
import { geminiSse } from './helpers/gemini.js';
import { startHost, type Host } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { fixtureJson } from './helpers/fixtures.js';
import { json, openAIError, startUpstream, type Upstream } from './helpers/upstream.js';

let openai: Upstream;
let claude: Upstream;
let gemini: Upstream;
let bedrock: Upstream;
let gateway: Gateway;
let host: Host;
let client: OpenAI;
const logs = logCollector();

const tools: OpenAI.Chat.ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' } },
        required: ['city'],
        additionalProperties: false,
      },
    },
  },
];

/**
 * A Gemini streamGenerateContent event with a function call, shaped after the API reference
 * (https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse, FunctionCall, and
 * https://ai.google.dev/gemini-api/docs/thought-signatures for `thoughtSignature`).
 */
const GEMINI_TOOL_CALL = {
  candidates: [
    {
      content: {
        role: 'model',
        parts: [
          {
            functionCall: { name: 'get_weather', args: { city: 'Paris' } },
            thoughtSignature: 'c2lnbmF0dXJlLWZyb20tZ2VtaW5p',
          },
        ],
      },
      finishReason: 'STOP',
      index: 0,
    },
  ],
  usageMetadata: { promptTokenCount: 31, candidatesTokenCount: 7, totalTokenCount: 38 },
  modelVersion: 'gemini-2.5-flash',
  responseId: 'resp-cross-1',
};

beforeAll(async () => {
  openai = await startUpstream((_request, response) => openAIError(response, 503, 'The server is overloaded'));
  claude = await startUpstream();
  gemini = await startUpstream((_request, response) => geminiSse(response, [GEMINI_TOOL_CALL]));
  bedrock = await startUpstream((_request, response) =>
    bedrockError(response, 429, 'ThrottlingException', 'Too many requests, please wait before trying again.'),
  );
  gateway = createGateway({
    providers: {
      openai: { apiKey: 'sk-test-cross', baseURL: openai.baseURL },
      anthropic: { apiKey: 'sk-ant-test-cross', baseURL: `${claude.origin}/v1` },
      google: { apiKey: 'AIza-test-cross-000000000000000', baseURL: `${gemini.origin}/v1beta` },
      bedrock: {
        region: 'us-east-1',
        accessKeyId: 'AKIDTESTCROSS',
        secretAccessKey: 'test-secret-not-real',
        baseURL: bedrock.origin,
      },
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
  for (const upstream of [openai, claude, gemini, bedrock]) await upstream.close();
});

describe('a fallback chain across providers, with tools', () => {
  it('streams a tool call from the third provider, and answers the tool result from another one', async () => {
    // Turn 1: OpenAI fails, Claude opens a stream then reports overloaded, Gemini answers.
    const opening = recordedEvents('anthropic-text.chunks.jsonl').slice(0, 3);
    claude.handle((_request, response) =>
      writeAnthropicStream(
        response,
        toWire([...opening, event({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })]),
      ),
    );
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'What is the weather in Paris?' },
    ];
    const runner = client.chat.completions.stream({
      model: 'gpt-4o',
      messages,
      tools,
      ...({ fallback_models: ['claude-sonnet-4-5', 'gemini-2.5-flash'] } as object),
    });
    const first = await runner.finalChatCompletion();
    const assistant = first.choices[0].message;
    const call = assistant.tool_calls![0] as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
    expect(call.function).toEqual({ name: 'get_weather', arguments: '{"city":"Paris"}' });
    expect(first.choices[0].finish_reason).toBe('tool_calls');
    expect([openai.requests.length, claude.requests.length, gemini.requests.length]).toEqual([1, 1, 1]);
    expect(gemini.requests[0].body.tools[0].functionDeclarations[0].name).toBe('get_weather');

    // Turn 2: the tool result goes back; Bedrock is throttled, Claude answers with the recorded text.
    claude.handle((_request, response) => json(response, 200, fixtureJson('anthropic/anthropic-text.json')));
    const second = await client.chat.completions.create({
      model: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
      messages: [
        ...messages,
        assistant as OpenAI.Chat.ChatCompletionMessageParam,
        { role: 'tool', tool_call_id: call.id, content: '21°C and sunny' },
      ],
      tools,
      ...({ fallback_models: ['anthropic/claude-sonnet-4-5'] } as object),
    });
    expect(second.choices[0].message.content).toBe(fixtureJson('anthropic/anthropic-text.json').content[0].text);
    expect(bedrock.requests).toHaveLength(1);

    // Claude received a valid Messages request: the Gemini tool call as tool_use, the result as tool_result.
    const sent = claude.requests.at(-1)!.body;
    assertValidAnthropicRequest(sent);
    expect(sent.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'What is the weather in Paris?' }] },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: call.id, name: 'get_weather', input: { city: 'Paris' } }],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '21°C and sunny' }] },
    ]);

    const records = await logs.settle(2);
    expect(
      records.map((record) => record.attempts.map((attempt) => `${attempt.provider}:${attempt.status_code}`)),
    ).toEqual([
      ['openai:503', 'anthropic:529', 'google:200'],
      ['bedrock:429', 'anthropic:200'],
    ]);
    expect(records.map((record) => record.provider)).toEqual(['google', 'anthropic']);
  });
});

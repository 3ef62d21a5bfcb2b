/**
 * The Vercel AI SDK's default `openai(model)` (it calls `POST /responses`) on a Claude and a Gemini
 * model: the gateway bridges the Responses API through chat completions, and the AI SDK's own
 * parser of Responses streams and answers reads what the bridge writes. Gateway mounted in
 * Express, loopback Anthropic and Gemini upstreams replaying recordings (test/fixtures,
 * PROVENANCE.tsv); the OpenAI-model half is test/ai-sdk.e2e.test.ts.
 */
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, jsonSchema, Output, stepCountIs, streamText, tool } from 'ai';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  recordedEvents,
  recordedWire,
  thinkingThenToolEvents,
  toWire,
  writeAnthropicStream,
} from './helpers/anthropic-recordings.js';
import { fixtureChunks, fixtureJson } from './helpers/fixtures.js';
import { geminiSse } from './helpers/gemini.js';
import { logCollector } from './helpers/logs.js';
import { useSdkRig } from './helpers/sdk-rig.js';
import { json, type ReceivedRequest } from './helpers/upstream.js';

type Json = Record<string, any>;

const logs = logCollector();
const rig = useSdkRig(['claude', 'gemini'], ({ claude, gemini }) => ({
  providers: {
    anthropic: { apiKey: 'sk-ant-test-ai-sdk-0001', baseURL: `${claude.origin}/v1` },
    google: { apiKey: 'gm-test-ai-sdk-0001', baseURL: `${gemini.origin}/v1beta` },
  },
  retry: { maxRetries: 0 },
  onLog: logs.sink,
}));

/** `store: false`: the AI SDK then sends whole items, not references to OpenAI-stored ones. */
const openai = (model: string) => createOpenAI({ baseURL: rig.host.baseURL, apiKey: 'client-key' })(model);
const providerOptions = { openai: { store: false } };

const claudeStream = (name: string) => (_request: ReceivedRequest, response: ServerResponse) =>
  writeAnthropicStream(response, recordedWire(name), { pieces: 3 });

/** The text a recorded Anthropic stream streams. */
const anthropicText = (name: string) =>
  recordedEvents(name)
    .map((event) => JSON.parse(event.data))
    .filter((event) => event.delta?.type === 'text_delta')
    .map((event) => event.delta.text)
    .join('');

const weather = tool({
  description: 'The weather in a city',
  inputSchema: jsonSchema<{ location: string }>({
    type: 'object',
    properties: { location: { type: 'string' } },
    required: ['location'],
  }),
});

afterEach(() => {
  rig.claude.reset();
  rig.gemini.reset();
  logs.records.length = 0;
});

describe("the AI SDK's openai(model) on a Claude model, bridged", () => {
  it('streamText: the text, the usage, one log record', async () => {
    rig.claude.handle(claudeStream('anthropic-text.chunks.jsonl'));
    const result = streamText({ model: openai('anthropic/claude-sonnet-4-5'), prompt: 'Say hello', providerOptions });
    expect(await result.text).toBe(anthropicText('anthropic-text.chunks.jsonl'));
    expect((await result.usage).inputTokens).toBeGreaterThan(0);
    expect(rig.claude.requests[0]).toMatchObject({ url: '/v1/messages', body: { stream: true } });
    const [record] = await logs.settle(1);
    expect(record).toMatchObject({ endpoint: 'responses', provider: 'anthropic', status: 'success' });
  });

  it('streamText with a tool: the tool call and its arguments', async () => {
    rig.claude.handle(claudeStream('sdk-tool_use_response.sse'));
    const result = streamText({
      model: openai('anthropic/claude-sonnet-4-5'),
      prompt: 'Weather in Paris?',
      tools: { get_weather: weather },
      providerOptions,
    });
    const calls = await result.toolCalls;
    expect(calls.map((call) => [call.toolName, call.input])).toEqual([['get_weather', { location: 'Paris' }]]);
    expect(rig.claude.requests[0].body.tools).toMatchObject([{ name: 'get_weather' }]);
  });

  it('a tool loop with thinking (two steps): the AI SDK sends the reasoning back and Claude gets its signed thinking', async () => {
    const events = thinkingThenToolEvents();
    rig.claude.handleNth(0, (_request, response) => writeAnthropicStream(response, toWire(events)));
    rig.claude.handleNth(1, claudeStream('anthropic-text.chunks.jsonl'));
    const result = streamText({
      model: openai('anthropic/claude-sonnet-4-5'),
      prompt: 'Weather in Paris?',
      tools: { get_weather: tool({ ...weather, execute: async () => ({ temperature: 18 }) }) },
      stopWhen: stepCountIs(2),
      providerOptions: { openai: { store: false, reasoningEffort: 'low' } },
    });
    expect(await result.text).toContain(anthropicText('anthropic-text.chunks.jsonl'));
    expect(rig.claude.requests).toHaveLength(2);
    const signature = events
      .map((event) => JSON.parse(event.data))
      .filter((event) => event.delta?.type === 'signature_delta')
      .map((event) => event.delta.signature)
      .join('');
    const [user, assistant, toolResult] = rig.claude.requests[1].body.messages;
    expect(user.role).toBe('user');
    expect(assistant.content.map((block: Json) => block.type)).toEqual(['thinking', 'text', 'tool_use']);
    expect(assistant.content[0].signature).toBe(signature);
    expect(assistant.content[2]).toMatchObject({ name: 'get_weather', input: { location: 'Paris' } });
    expect(toolResult.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: assistant.content[2].id });
  });

  it('streamText with Output.object: Claude answers in its output format, the SDK parses the object', async () => {
    rig.claude.handle(claudeStream('anthropic-json-output-format.chunks.jsonl'));
    const schema = jsonSchema<{ characters: Array<{ name: string }> }>({
      type: 'object',
      properties: {
        characters: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
      },
      required: ['characters'],
      additionalProperties: false,
    });
    const result = streamText({
      model: openai('anthropic/claude-sonnet-4-5'),
      prompt: 'Three characters',
      output: Output.object({ schema }),
      providerOptions,
    });
    const output = await result.output;
    expect(output).toEqual(JSON.parse(anthropicText('anthropic-json-output-format.chunks.jsonl')));
    expect(rig.claude.requests[0].body.output_config.format).toMatchObject({ type: 'json_schema' });
  });
});

describe("the AI SDK's openai(model) on a Gemini model, bridged", () => {
  it('streamText: the text of the recorded Gemini 3 stream', async () => {
    const events = fixtureChunks<Json>('gemini/google-reasoning-gemini3.chunks.jsonl');
    rig.gemini.handle((_request, response) => geminiSse(response, events));
    const result = streamText({
      model: openai('google/gemini-3-pro-preview'),
      prompt: 'r in strawberry?',
      providerOptions,
    });
    const expected = events
      .flatMap((event) => event.candidates?.[0]?.content?.parts ?? [])
      .map((part: Json) => part.text ?? '')
      .join('');
    expect(await result.text).toBe(expected);
    expect(rig.gemini.requests[0].url).toBe('/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse');
  });

  it('streamText with a tool: the recorded function call', async () => {
    rig.gemini.handle((_request, response) =>
      geminiSse(response, fixtureChunks('gemini/google-tool-call-gemini3.chunks.jsonl')),
    );
    const result = streamText({
      model: openai('google/gemini-3-pro-preview'),
      prompt: 'Weather in San Francisco?',
      tools: { weather },
      providerOptions,
    });
    const calls = await result.toolCalls;
    expect(calls.map((call) => [call.toolName, call.input])).toEqual([['weather', { location: 'San Francisco' }]]);
    expect(rig.gemini.requests[0].body.tools[0].functionDeclarations[0]).toMatchObject({ name: 'weather' });
  });

  it('generateText with Output.object: Gemini gets a response schema, the SDK parses the object', async () => {
    // A generateContent answer (https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse):
    // the recorded one (gemini/google-text.json) with its text part holding the JSON asked for.
    const recorded = fixtureJson<Json>('gemini/google-text.json');
    const answer = structuredClone(recorded);
    answer.candidates[0].content.parts = [{ text: '{"elements":[{"shared":"works"}]}' }];
    rig.gemini.handle((_request, response) => json(response, 200, answer));
    const { output } = await generateText({
      model: openai('google/gemini-3-pro-preview'),
      prompt: 'Elements',
      providerOptions,
      output: Output.object({
        schema: jsonSchema<{ elements: Array<{ shared: string }> }>({
          type: 'object',
          properties: {
            elements: {
              type: 'array',
              items: { type: 'object', properties: { shared: { type: 'string' } }, required: ['shared'] },
            },
          },
          required: ['elements'],
          additionalProperties: false,
        }),
      }),
    });
    expect(output).toEqual({ elements: [{ shared: 'works' }] });
    expect(rig.gemini.requests[0].url).toBe('/v1beta/models/gemini-3-pro-preview:generateContent');
    expect(rig.gemini.requests[0].body.generationConfig).toMatchObject({ responseMimeType: 'application/json' });
  });
});

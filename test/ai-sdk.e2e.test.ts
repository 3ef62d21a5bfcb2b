/**
 * The Vercel AI SDK (6) as the client: its default `openai(model)` calls `POST /responses`. Through
 * the gateway mounted in Express, against a loopback OpenAI upstream replaying recorded Responses
 * streams and answers (test/fixtures/openai-responses): streaming text, a tool call, structured
 * output. Every upstream body is checked against the OpenAI spec.
 */
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, jsonSchema, Output, streamText, tool } from 'ai';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureChunks, fixtureJson } from './helpers/fixtures.js';
import { logCollector } from './helpers/logs.js';
import { useSdkRig } from './helpers/sdk-rig.js';
import { assertValidOpenAIRequest } from './helpers/spec.js';
import { json, type ReceivedRequest } from './helpers/upstream.js';

type Json = Record<string, any>;

const TEXT_EVENTS = fixtureChunks<Json>('openai-responses/azure-text.chunks.jsonl');
const TOOL_EVENTS = fixtureChunks<Json>('openai-responses/openai-function-call.chunks.jsonl');
const JSON_SCHEMA_ANSWER = fixtureJson<Json>('openai-responses/openai-json-schema.json');

const logs = logCollector();
const rig = useSdkRig(['openai'], ({ openai }) => ({
  providers: { openai: { apiKey: 'sk-test-ai-sdk-0001', baseURL: openai.baseURL, models: ['gpt-4.1-nano'] } },
  retry: { maxRetries: 0 },
  onLog: logs.sink,
}));

const provider = () => createOpenAI({ baseURL: rig.host.baseURL, apiKey: 'client-key' });

function replay(events: readonly Json[]) {
  return (request: ReceivedRequest, response: ServerResponse) => {
    if (!request.body.stream) return json(response, 200, events.at(-1)!.response);
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.end(events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join(''));
  };
}

afterEach(() => {
  const sent = [...rig.openai.requests];
  rig.openai.reset();
  logs.records.length = 0;
  for (const request of sent) assertValidOpenAIRequest('responses', request.body);
});

describe("the AI SDK's default openai(model), on an OpenAI model", () => {
  it('streams text (streamText) through POST /responses', async () => {
    rig.openai.handle(replay(TEXT_EVENTS));
    const result = streamText({ model: provider()('gpt-4.1-nano'), prompt: 'Say hello' });
    const expected = TEXT_EVENTS.filter((event) => event.type === 'response.output_text.delta')
      .map((event) => event.delta)
      .join('');
    expect(await result.text).toBe(expected);
    expect((await result.usage).outputTokens).toBe(TEXT_EVENTS.at(-1)!.response.usage.output_tokens);
    expect(rig.openai.requests[0]).toMatchObject({ url: '/v1/responses', body: { stream: true } });
    const [record] = await logs.settle(1);
    expect(record).toMatchObject({ endpoint: 'responses', stream: true, status_code: 200, provider: 'openai' });
  });

  it('returns a tool call with its arguments (streamText with tools)', async () => {
    rig.openai.handle(replay(TOOL_EVENTS));
    const result = streamText({
      model: provider()('gpt-4.1-nano'),
      prompt: 'Weather in Beijing?',
      tools: {
        get_weather: tool({
          description: 'The weather in a city',
          inputSchema: jsonSchema<{ city: string }>({
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
          }),
        }),
      },
    });
    const calls = await result.toolCalls;
    expect(calls.map((call) => [call.toolName, call.input])).toEqual([['get_weather', { city: 'Beijing' }]]);
    expect(rig.openai.requests[0].body.tools).toMatchObject([{ type: 'function', name: 'get_weather' }]);
  });

  it('returns structured output (Output.object) from a json_schema answer', async () => {
    rig.openai.handle((_request, response) => json(response, 200, JSON_SCHEMA_ANSWER));
    const { output } = await generateText({
      model: provider()('gpt-4.1-nano'),
      prompt: 'Elements',
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
    expect(rig.openai.requests[0].body.text.format).toMatchObject({ type: 'json_schema' });
  });
});

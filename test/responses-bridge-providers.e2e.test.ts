/**
 * `POST /responses` bridged through chat completions to Gemini, Bedrock and OpenAI-compatible
 * servers without the Responses API, and what the bridge refuses or survives (built-in tools,
 * failures before and after content), end to end through the openai SDK and Express against
 * loopback upstreams replaying recordings (test/fixtures, PROVENANCE.tsv). Anthropic:
 * responses-bridge.e2e.test.ts.
 */
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { openReasoning } from '../src/endpoints/responses/reasoning-envelope.js';
import { recordedEvents, toWire } from './helpers/anthropic-recordings.js';
import { eventStreamBytes, writeEventStream } from './helpers/bedrock.js';
import { BEDROCK, CLAUDE, GEMINI, useBridgeRig, withGatewayParams } from './helpers/bridge-rig.js';
import { fixtureChunks, fixtureJson } from './helpers/fixtures.js';
import { assertValidOpenAIResponse } from './helpers/openai-response-spec.js';
import { json, type ReceivedRequest } from './helpers/upstream.js';

type Json = Record<string, any>;

const NATIVE_TEXT = fixtureChunks<Json>('openai-responses/azure-text.chunks.jsonl');
const { rig, logs, geminiReplays, streamed } = useBridgeRig();

describe('Gemini and Bedrock through the bridge', () => {
  it('Gemini 3 tool call: the thought signature goes back on the function call next turn', async () => {
    rig.gemini.handle(geminiReplays('google-tool-call-gemini3.chunks.jsonl'));
    const tools = [
      {
        type: 'function' as const,
        name: 'weather',
        parameters: { type: 'object', properties: { location: { type: 'string' } } },
        strict: false,
      },
    ];
    const { final } = await streamed({ model: GEMINI, input: 'Weather in San Francisco?', tools });
    expect(final.output.map((item: Json) => item.type)).toEqual(['function_call', 'reasoning']);
    expect(rig.gemini.requests[0].url).toBe('/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse');
    const call = final.output[0];

    rig.gemini.handle(geminiReplays('google-reasoning-gemini3.chunks.jsonl'));
    const { final: second } = await streamed({
      model: GEMINI,
      tools,
      input: [
        { role: 'user', content: 'Weather in San Francisco?' },
        ...final.output,
        { type: 'function_call_output', call_id: call.call_id, output: '{"temp_c":18}' },
      ],
    });
    const recorded = fixtureChunks<Json>('gemini/google-tool-call-gemini3.chunks.jsonl')[0].candidates[0].content
      .parts[0];
    const contents = rig.gemini.requests[1].body.contents;
    expect(contents[1]).toEqual({
      role: 'model',
      parts: [{ functionCall: recorded.functionCall, thoughtSignature: recorded.thoughtSignature }],
    });
    expect(contents[2].parts[0].functionResponse).toMatchObject({ name: 'weather' });
    expect(second.output_text).toContain('strawberry');
    expect(openReasoning(second.output.at(-1).encrypted_content, 'google')).toBeDefined();
  });

  it('Bedrock parallel tool calls: separate items; next turn ONE assistant turn with both toolUse, toolConfig kept', async () => {
    rig.bedrock.handle((_request, response) =>
      json(response, 200, fixtureJson('bedrock/issue-17267-parallel-tool-calls.json')),
    );
    const tools = ['get_weather', 'get_time', 'get_population'].map((name) => ({
      type: 'function' as const,
      name,
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
      strict: false,
    }));
    const first = await rig.client.responses.create({ model: BEDROCK, input: 'Weather and time in Tokyo?', tools });
    assertValidOpenAIResponse('response', first);
    const calls = first.output.filter((item) => item.type === 'function_call');
    expect(calls.length).toBe(2);
    expect(new Set(first.output.map((item) => item.id)).size).toBe(first.output.length);

    const second = await rig.client.responses.create({
      model: BEDROCK,
      tools,
      input: [
        { role: 'user', content: 'Weather and time in Tokyo?' },
        ...(first.output as never[]),
        ...calls.map((call) => ({ type: 'function_call_output' as const, call_id: call.call_id, output: 'ok' })),
      ],
    });
    expect(second.status).toBe('completed');
    const messages = rig.bedrock.requests[1].body.messages;
    expect(messages.map((message: Json) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(
      messages[1].content.filter((block: Json) => block.toolUse).map((block: Json) => block.toolUse.toolUseId),
    ).toEqual(calls.map((call) => call.call_id));
    expect(messages[2].content.map((block: Json) => block.toolResult.toolUseId)).toEqual(
      calls.map((call) => call.call_id),
    );
    expect(rig.bedrock.requests[1].body.toolConfig.tools).toHaveLength(3);
  });

  it('Bedrock reasoning stream: a reasoning summary, the text, the signature sealed for bedrock', async () => {
    const pairs = fixtureChunks<Json>('bedrock/bedrock-reasoning.chunks.jsonl').map(
      (line) => Object.entries(line)[0] as [string, Json],
    );
    rig.bedrock.handle((_request, response) => writeEventStream(response, eventStreamBytes(pairs)));
    const { final } = await streamed({
      model: BEDROCK,
      input: 'How many r in strawberry?',
      reasoning: { effort: 'low' },
      max_output_tokens: 4000,
    });
    expect(rig.bedrock.requests[0].url).toMatch(/converse-stream$/);
    expect(final.output[0].summary[0].text).toContain('strawberry');
    expect(openReasoning(final.output.at(-1).encrypted_content, 'bedrock')!.message.thinking_blocks).toHaveLength(1);
  });
});

describe('OpenAI-compatible servers without the Responses API', () => {
  const DEEPSEEK = fixtureChunks<Json>('openai-chat/deepseek-tool-call.chunks.jsonl');
  const chatSse = (_request: ReceivedRequest, response: ServerResponse) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.end(`${DEEPSEEK.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join('')}data: [DONE]\n\n`);
  };

  it('a server of your own with `responses: "bridge"` (vLLM-like): chat completions upstream, a recorded DeepSeek chat stream as Responses events', async () => {
    rig.local.handle(chatSse);
    const tools = [
      {
        type: 'function' as const,
        name: 'get_weather',
        parameters: { type: 'object', properties: { location: { type: 'string' } } },
        strict: false,
      },
    ];
    const { final } = await streamed({
      model: 'local/deepseek-reasoner',
      input: 'Weather in Paris?',
      tools,
      reasoning: { effort: 'high' },
    });
    const [request] = rig.local.requests;
    expect(request.url).toBe('/v1/chat/completions');
    expect(request.body).toMatchObject({
      model: 'deepseek-reasoner',
      stream: true,
      stream_options: { include_usage: true },
      reasoning_effort: 'high',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [{ type: 'function', function: { name: 'get_weather' } }],
    });
    expect(final.output.map((item: Json) => item.type)).toEqual(['reasoning', 'function_call', 'reasoning']);
    expect(final.usage).toMatchObject({
      input_tokens: 339,
      output_tokens: 83,
      input_tokens_details: { cached_tokens: 320 },
      output_tokens_details: { reasoning_tokens: 39 },
    });
    const [record] = await logs.settle(1);
    expect(record.usage).toMatchObject({ prompt_tokens: 339, completion_tokens: 83 });

    // Next turn: DeepSeek's thinking mode wants the reasoning of a tool-call turn back as reasoning_content.
    rig.local.handle((_request, response) => json(response, 200, fixtureJson('openai-chat/openai-text.json')));
    const call = final.output[1];
    await rig.client.responses.create({
      model: 'local/deepseek-reasoner',
      tools,
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        ...final.output,
        { type: 'function_call_output', call_id: call.call_id, output: '{"temp_c":18}' },
      ],
    });
    const reasoning = DEEPSEEK.map((chunk) => chunk.choices[0]?.delta?.reasoning_content ?? '').join('');
    expect(rig.local.requests[1].body.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        reasoning_content: reasoning,
        tool_calls: [{ id: call.call_id, type: 'function', function: { name: call.name, arguments: call.arguments } }],
      },
      { role: 'tool', tool_call_id: call.call_id, content: '{"temp_c":18}' },
    ]);
  });

  it('the cerebras preset (chat completions only) is bridged: JSON through chat completions', async () => {
    rig.cerebras.handle((_request, response) => json(response, 200, fixtureJson('openai-chat/openai-text.json')));
    const answer = await rig.client.responses.create({ model: 'cerebras/llama-3', input: 'Hi', temperature: 0 });
    assertValidOpenAIResponse('response', answer);
    expect(rig.cerebras.requests[0].url).toBe('/v1/chat/completions');
    expect(rig.cerebras.requests[0].headers.authorization).toBe('Bearer csk-test-bridge-0001');
    expect(rig.cerebras.requests[0].body).toEqual({
      model: 'llama-3',
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: 0,
    });
    expect(answer.output_text).toBe(fixtureJson('openai-chat/openai-text.json').choices[0].message.content);
  });
});

describe('what the bridge cannot do, and failures', () => {
  it('a built-in tool: a 400 naming it, or the fallback to a native model that runs it (stream)', async () => {
    const refused = await rig.client.responses
      .create({ model: CLAUDE, input: 'Search the news.', tools: [{ type: 'web_search' }] })
      .catch((error: unknown) => error as Json);
    expect(refused.status).toBe(400);
    expect(refused.error).toMatchObject({ code: 'unsupported_tool', param: 'tools[0].type' });
    expect(refused.error.message).toContain('`web_search`');
    expect(rig.claude.requests).toHaveLength(0);

    rig.openai.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(NATIVE_TEXT.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join(''));
    });
    const { final } = await streamed(
      {
        model: CLAUDE,
        input: 'Search the news.',
        tools: [{ type: 'web_search' }],
        ...withGatewayParams({ fallback_models: ['openai/gpt-5.1'] }),
      },
      true,
    );
    expect(final.id).toBe(NATIVE_TEXT.at(-1)!.response.id);
    expect(rig.openai.requests[0].body.tools).toEqual([{ type: 'web_search' }]);
  });

  it('an upstream failing before content falls back to the next (bridged) model, invisibly', async () => {
    rig.claude.handle((_request, response) =>
      json(response, 529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    );
    rig.gemini.handle(geminiReplays('google-reasoning-gemini3.chunks.jsonl'));
    const { final } = await streamed({
      model: CLAUDE,
      input: 'r in strawberry?',
      ...withGatewayParams({ fallback_models: [GEMINI] }),
    });
    expect(final.output_text).toContain('strawberry');
    expect(final.model).toBe('gemini-3-pro-preview');
    const [record] = await logs.settle(1);
    expect(record.attempts.map((attempt) => [attempt.provider, attempt.status_code])).toEqual([
      ['anthropic', 529],
      ['google', 200],
    ]);
  });

  it('an upstream failing after content: the Responses `error` event, numbered after the last one', async () => {
    const events = recordedEvents('anthropic-text.chunks.jsonl');
    const cut = events.findIndex((event) => event.data.includes('text_delta')) + 1;
    rig.claude.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(toWire(events.slice(0, cut)));
      response.write(
        toWire([
          {
            event: 'error',
            data: JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
          },
        ]),
      );
      response.end();
    });
    const response = await fetch(`${rig.host.baseURL}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: CLAUDE, input: 'Say hello', stream: true }),
    });
    expect(response.status).toBe(200);
    const payloads = (await response.text())
      .split('\n\n')
      .filter((frame) => frame.includes('data: '))
      .map((frame) => JSON.parse(frame.slice(frame.indexOf('data: ') + 6)) as Json);
    const last = payloads.at(-1)!;
    expect(last).toMatchObject({ type: 'error', sequence_number: payloads.at(-2)!.sequence_number + 1 });
    expect(payloads.map((payload) => payload.type)).toContain('response.output_text.delta');
    expect(payloads.some((payload) => payload.type === 'response.completed')).toBe(false);
    const [record] = await logs.settle(1);
    expect(record.status).not.toBe('success');
    // The log keeps what the client had: the message under way, with the text streamed so far.
    const streamedText = payloads
      .filter((payload) => payload.type === 'response.output_text.delta')
      .map((payload) => payload.delta)
      .join('');
    expect(streamedText).not.toBe('');
    expect(record.output).toMatchObject([{ type: 'message', content: [{ type: 'output_text', text: streamedText }] }]);
  });
});

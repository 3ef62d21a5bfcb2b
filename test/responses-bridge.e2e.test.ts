/**
 * `POST /responses` bridged through chat completions, end to end: the official openai SDK
 * (`responses.create`, `responses.stream()` + `finalResponse()`) against the gateway in a real
 * Express app, and loopback servers speaking Anthropic's, Gemini's and Bedrock's wire formats that
 * replay recorded answers (test/fixtures, PROVENANCE.tsv). Every answer and every stream event is
 * checked against the OpenAI spec and the stream contract (helpers/responses-stream-grammar.ts);
 * what the upstreams received is checked as they received it.
 */
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { openReasoning } from '../src/endpoints/responses/reasoning-envelope.js';
import {
  recordedEvents,
  recordedWire,
  thinkingThenToolEvents,
  toWire,
  writeAnthropicStream,
} from './helpers/anthropic-recordings.js';
import { eventStreamBytes, verifySigV4, writeEventStream } from './helpers/bedrock.js';
import { fixtureChunks, fixtureJson } from './helpers/fixtures.js';
import { geminiSse } from './helpers/gemini.js';
import { logCollector } from './helpers/logs.js';
import { assertValidOpenAIResponse } from './helpers/openai-response-spec.js';
import { assertResponsesStream } from './helpers/responses-stream-grammar.js';
import { useSdkRig } from './helpers/sdk-rig.js';
import { assertValidOpenAIRequest } from './helpers/spec.js';
import { json, type ReceivedRequest } from './helpers/upstream.js';

type Json = Record<string, any>;

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-secret-key-not-real-000000000000000' };
const CLAUDE = 'anthropic/claude-sonnet-4-5';
const GEMINI = 'google/gemini-3-pro-preview';
const BEDROCK = 'aws/us.anthropic.claude-sonnet-4-20250514-v1:0';
const NATIVE_TEXT = fixtureChunks<Json>('openai-responses/azure-text.chunks.jsonl');
const withGatewayParams = (params: Record<string, unknown>) => params as object;

const logs = logCollector();

const rig = useSdkRig(['claude', 'gemini', 'bedrock', 'openai', 'cerebras', 'local'], (up) => ({
  providers: {
    cerebras: { apiKey: 'csk-test-bridge-0001', baseURL: up.cerebras.baseURL },
    local: { kind: 'openai-compatible', baseURL: up.local.baseURL, responses: 'bridge' },
    anthropic: { apiKey: 'sk-ant-test-bridge-0001', baseURL: `${up.claude.origin}/v1` },
    google: { apiKey: 'gm-test-bridge-0001', baseURL: `${up.gemini.origin}/v1beta` },
    aws: { kind: 'bedrock', region: 'us-east-1', baseURL: up.bedrock.origin, ...CREDENTIALS },
    openai: { apiKey: 'sk-test-bridge-0001', baseURL: up.openai.baseURL },
  },
  retry: { maxRetries: 0 },
  health: false,
  onLog: logs.sink,
}));

afterEach(() => {
  for (const request of rig.bedrock.requests) verifySigV4(request, CREDENTIALS, 'us-east-1');
  for (const request of rig.openai.requests) assertValidOpenAIRequest('responses', request.body);
  for (const request of [...rig.cerebras.requests, ...rig.local.requests])
    assertValidOpenAIRequest('chat', request.body);
  for (const upstream of [rig.claude, rig.gemini, rig.bedrock, rig.openai, rig.cerebras, rig.local]) upstream.reset();
  logs.records.length = 0;
});

/** Anthropic: a recorded stream for stream requests, a recorded body for the others. */
function claudeReplays(streamName: string | undefined, bodyName?: string) {
  return (request: ReceivedRequest, response: ServerResponse) => {
    if (request.body.stream) writeAnthropicStream(response, recordedWire(streamName!), { pieces: 5 });
    else json(response, 200, fixtureJson(`anthropic/${bodyName}`));
  };
}

const geminiReplays = (name: string) => (_request: ReceivedRequest, response: ServerResponse) =>
  geminiSse(response, fixtureChunks(`gemini/${name}`));

/**
 * The events of an SDK stream, checked against the contract, and the SDK's own final response.
 * `native`: a passed-through OpenAI stream, as OpenAI sent it (its snapshots carry `user: null`
 * and `usage: null`, which the spec does not allow, so the contract check is the bridge's only).
 */
async function streamed(params: Json, native = false) {
  const stream = rig.client.responses.stream(params as never);
  const events: Json[] = [];
  for await (const event of stream) events.push(event as Json);
  const final = (await stream.finalResponse()) as unknown as Json;
  const snapshot = native ? events.at(-1)!.response : assertResponsesStream(events);
  return { events, final, snapshot };
}

describe('Anthropic through the bridge', () => {
  it('JSON: instructions and input become system and messages; the answer is a Responses response, logged once', async () => {
    rig.claude.handle(claudeReplays(undefined, 'anthropic-text.json'));
    const answer = await rig.client.responses.create({
      model: CLAUDE,
      instructions: 'Be brief.',
      input: 'Say hello',
      max_output_tokens: 300,
    });
    assertValidOpenAIResponse('response', answer);
    const recorded = fixtureJson('anthropic/anthropic-text.json');
    expect(answer.output_text).toBe(recorded.content[0].text);
    expect(answer).toMatchObject({
      object: 'response',
      status: 'completed',
      instructions: 'Be brief.',
      max_output_tokens: 300,
      store: false,
    });
    expect(answer.id).toMatch(/^resp_/);
    const [request] = rig.claude.requests;
    expect(request.url).toBe('/v1/messages');
    expect(request.headers['x-api-key']).toBe('sk-ant-test-bridge-0001');
    expect(request.body).toMatchObject({
      model: 'claude-sonnet-4-5',
      max_tokens: 300,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello' }] }],
    });
    const [record] = await logs.settle(1);
    expect(logs.records).toHaveLength(1);
    expect(record).toMatchObject({ endpoint: 'responses', provider: 'anthropic', status: 'success' });
    expect(record.output).toEqual(answer.output);
    expect(record.usage).toMatchObject({
      prompt_tokens: answer.usage!.input_tokens,
      completion_tokens: answer.usage!.output_tokens,
    });
  });

  it('stream with thinking: the SDK accumulates the same final response; the signature comes back on the next turn', async () => {
    rig.claude.handle(claudeReplays('anthropic-thinking.chunks.jsonl'));
    const input = [{ role: 'user' as const, content: 'Divide the previous result by 5.' }];
    const { events, final, snapshot } = await streamed({ model: CLAUDE, input, reasoning: { effort: 'low' } });
    expect(final).toMatchObject(snapshot);
    expect(events.at(-1)!.type).toBe('response.completed');
    expect(final.output.map((item: Json) => item.type)).toEqual(['reasoning', 'message', 'reasoning']);
    expect(rig.claude.requests[0].body.thinking).toMatchObject({ type: 'enabled' });
    // The recorded signature, as Anthropic streamed it in signature_delta events.
    const signature = recordedEvents('anthropic-thinking.chunks.jsonl')
      .map((event) => JSON.parse(event.data))
      .filter((event) => event.delta?.type === 'signature_delta')
      .map((event) => event.delta.signature)
      .join('');
    expect(signature.length).toBeGreaterThan(20);

    rig.claude.handle(claudeReplays('anthropic-text.chunks.jsonl'));
    await rig.client.responses.create({
      model: CLAUDE,
      input: [...input, ...final.output, { role: 'user', content: 'Thanks. And by 37?' }],
      reasoning: { effort: 'low' },
      stream: true,
    });
    const sent = rig.claude.requests[1].body.messages;
    expect(sent.map((message: Json) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(sent[1].content[0]).toEqual({ type: 'thinking', thinking: final.output[0].summary[0].text, signature });
    expect(sent[1].content[1]).toEqual({ type: 'text', text: final.output_text });
    const records = await logs.settle(2);
    expect(records[0].output).toEqual(snapshot.output);
  });

  it('a tool round trip: function_call, then function_call_output next turn; Claude gets its thinking, tool_use and tool_result', async () => {
    rig.claude.handle(claudeReplays(undefined, 'issue-13430-thinking-tool-call.json'));
    const tools = [
      {
        type: 'function' as const,
        name: 'checkSandboxErrors',
        parameters: { type: 'object', properties: {} },
        strict: false,
      },
    ];
    const first = await rig.client.responses.create({ model: CLAUDE, input: 'Check the sandbox.', tools });
    const call = first.output.find((item) => item.type === 'function_call')!;
    expect(call).toMatchObject({
      name: 'checkSandboxErrors',
      call_id: 'toolu_017R7ACrx7NF7sLDDtvdQ1u9',
      arguments: '{}',
    });
    expect(rig.claude.requests[0].body.tools).toEqual([
      { name: 'checkSandboxErrors', input_schema: { type: 'object', properties: {} }, strict: false },
    ]);

    rig.claude.handle(claudeReplays(undefined, 'anthropic-text.json'));
    const second = await rig.client.responses.create({
      model: CLAUDE,
      tools,
      input: [
        { role: 'user', content: 'Check the sandbox.' },
        ...(first.output as never[]),
        { type: 'function_call_output', call_id: call.call_id, output: 'No errors.' },
      ],
    });
    expect(second.output_text).toBe(fixtureJson('anthropic/anthropic-text.json').content[0].text);
    const recorded = fixtureJson('anthropic/issue-13430-thinking-tool-call.json').content;
    expect(rig.claude.requests[1].body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Check the sandbox.' }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: recorded[0].thinking, signature: recorded[0].signature },
          { type: 'tool_use', id: recorded[1].id, name: 'checkSandboxErrors', input: {} },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: recorded[1].id, content: 'No errors.' }] },
    ]);
  });

  it('structured output: text.format json_schema reaches Claude as its output format; the text is the JSON', async () => {
    rig.claude.handle(claudeReplays('anthropic-json-output-format.chunks.jsonl'));
    const schema = {
      type: 'object',
      properties: { characters: { type: 'array' } },
      required: ['characters'],
      additionalProperties: false,
    };
    const { final } = await streamed({
      model: CLAUDE,
      input: 'Three characters.',
      text: { format: { type: 'json_schema', name: 'party', schema, strict: true } },
    });
    expect(JSON.parse(final.output_text).characters.length).toBeGreaterThan(0);
    expect(final.text.format).toMatchObject({ type: 'json_schema', name: 'party' });
    expect(rig.claude.requests[0].body.output_config).toEqual({ format: { type: 'json_schema', schema } });
  });

  it('max_output_tokens: Claude stopping at max_tokens ends in response.incomplete', async () => {
    rig.claude.handle(claudeReplays('sdk-incomplete_partial_json_response.sse'));
    const { events, final } = await streamed({ model: CLAUDE, input: 'Go on.', max_output_tokens: 40 });
    expect(events.at(-1)!.type).toBe('response.incomplete');
    expect(final).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(rig.claude.requests[0].body.max_tokens).toBe(40);
  });
});

describe('the same final response shape as a native stream', () => {
  /** The first of the four recorded native streams (reasoning with encrypted_content, then a function call). */
  const NATIVE = (() => {
    const events = fixtureChunks<Json>('openai-responses/openai-reasoning-encrypted-content.chunks.jsonl');
    return events.slice(
      0,
      events.findIndex((event, i) => i > 0 && event.type === 'response.created'),
    );
  })();
  /** Keys of one deployment only (OpenAI's billing), and `user`, which OpenAI sends null where its spec types a string. */
  const shape = (response: Json) =>
    Object.keys(response)
      .filter((key) => !['user', 'billing', 'prompt_cache_retention'].includes(key))
      .sort();
  const itemShapes = (response: Json) =>
    new Set(response.output.map((item: Json) => `${item.type}: ${Object.keys(item).sort().join(',')}`));

  it('the SDK accumulates a bridged stream (Claude: thinking, then a tool call) into the shape it accumulates a native one into', async () => {
    rig.openai.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(NATIVE.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join(''));
    });
    const tools = [
      { type: 'function' as const, name: 'calculator', parameters: { type: 'object', properties: {} }, strict: false },
    ];
    const native = (await streamed({ model: 'openai/gpt-5.1-codex-max', input: '12+7?', tools }, true)).final;
    expect(native.output.map((item: Json) => item.type)).toEqual(['reasoning', 'function_call']);

    rig.claude.handle((_request, response) => writeAnthropicStream(response, toWire(thinkingThenToolEvents())));
    const bridged = (await streamed({ model: CLAUDE, input: '12+7?', tools, reasoning: { effort: 'low' } })).final;
    expect(bridged.output.map((item: Json) => item.type)).toEqual([
      'reasoning',
      'message',
      'function_call',
      'reasoning',
    ]);
    // Every key of the native final; beyond them only `completed_at`, which newer OpenAI responses
    // carry (the openai-function-call recording) and this older recording does not.
    expect(shape(bridged)).toEqual(expect.arrayContaining(shape(native)));
    expect(shape(bridged).filter((key) => !shape(native).includes(key))).toEqual(['completed_at']);
    expect(fixtureChunks<Json>('openai-responses/openai-function-call.chunks.jsonl').at(-1)!.response).toHaveProperty(
      'completed_at',
    );
    // Item shapes as OpenAI sends them: this stream's, a text answer's (Azure), reasoning without
    // encrypted_content (the web-search recording).
    const nativeItems = [
      native,
      NATIVE_TEXT.at(-1)!.response,
      fixtureJson('openai-responses/openai-web-search-tool.json'),
    ];
    const known = new Set(nativeItems.flatMap((response) => [...itemShapes(response)]));
    for (const item of itemShapes(bridged)) expect([...known]).toContain(item);
    expect(typeof bridged.output_text).toBe(typeof native.output_text);
  });
});

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
    expect(final.output.map((item: Json) => item.type)).toEqual(['reasoning', 'function_call']);
    expect(final.usage).toMatchObject({
      input_tokens: 339,
      output_tokens: 83,
      input_tokens_details: { cached_tokens: 320 },
      output_tokens_details: { reasoning_tokens: 39 },
    });
    const [record] = await logs.settle(1);
    expect(record.usage).toMatchObject({ prompt_tokens: 339, completion_tokens: 83 });
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
  });
});

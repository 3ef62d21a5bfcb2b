/**
 * The Responses ↔ chat bridge, pure: its stream writer driven by the chunks the REAL provider
 * translators make of recorded upstream streams, `fromChat` by their converted JSON answers, and
 * `toChat` checked by what the real provider converters build from its chat body (the round trip
 * of tool calls and reasoning signatures). Every stream is checked against the Responses stream
 * contract and the OpenAI spec (helpers/responses-stream-grammar.ts). No network here; the e2e
 * tests run the same through a host and loopback upstreams.
 */
import { describe, expect, it } from 'vitest';
import { responsesBridge } from '../src/endpoints/responses/responses-bridge.js';
import { openReasoning, sealReasoning } from '../src/endpoints/responses/reasoning-envelope.js';
import { GatewayError } from '../src/errors.js';
import type { ChatCompletionChunk } from '../src/providers/openai-types.js';
import { fixtureChunks, fixtureJson } from './helpers/fixtures.js';
import { assertValidOpenAIResponse } from './helpers/openai-response-spec.js';
import {
  anthropicChunks,
  bedrockChunks,
  convertedCompletion,
  geminiChunks,
  openAIChunks,
  targetOf,
  upstreamBody,
  type Kind,
} from './helpers/recorded-chat.js';
import { assertResponsesStream } from './helpers/responses-stream-grammar.js';
import { assertValidOpenAIRequest } from './helpers/spec.js';

type Json = Record<string, any>;

/** Runs chunks through the bridge's stream; the events as the client parses them (checked frame by frame). */
function stream(chunks: readonly ChatCompletionChunk[], kind: Kind, request: Json = { input: 'hi' }) {
  const writer = responsesBridge.createStream(request, targetOf(kind));
  const frames = [...chunks.flatMap((chunk) => writer.push(chunk)), ...writer.end()];
  const events = frames.map((frame) => {
    const payload = JSON.parse(frame.data);
    expect(frame.event).toBe(payload.type);
    return payload as Json;
  });
  return { events, final: assertResponsesStream(events) };
}

function refusal(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (GatewayError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

const toChat = (body: Json, kind: Kind = 'anthropic') => responsesBridge.toChat(body, targetOf(kind)) as Json;
const fromChat = (completion: Json, kind: Kind, request: Json = { input: 'go' }) =>
  responsesBridge.fromChat(completion, request, targetOf(kind)) as Json;
const types = (response: Json) => response.output.map((item: Json) => item.type);

/** The final snapshots OpenAI sent in recorded native streams. */
const NATIVE_FINALS = [
  fixtureChunks<Json>('openai-responses/openai-function-call.chunks.jsonl').at(-1)!.response,
  fixtureChunks<Json>('openai-responses/openai-reasoning-encrypted-content.chunks.jsonl').at(-1)!.response,
  fixtureJson('openai-responses/openai-reasoning-encrypted-content.json'),
  fixtureJson('openai-responses/openai-web-search-tool.json'),
];
/** Every output item of the recorded native answers: the key sets an item of each type has there. */
const NATIVE_ITEM_KEYS = NATIVE_FINALS.flatMap((native) => native.output).map(
  (item: Json) => `${item.type}: ${Object.keys(item).sort().join(',')}`,
);
/**
 * Keys only some deployments send (Azure's filters, billing), and `user`, which OpenAI sends as null
 * where its own spec types a string: the bridge echoes it only when the request had one.
 */
const VENDOR_ONLY = new Set([
  'user',
  'billing',
  'content_filters',
  'tool_usage',
  'moderation',
  'presence_penalty',
  'frequency_penalty',
  'prompt_cache_retention',
]);

describe('the stream writer over real translators and recordings', () => {
  it('Anthropic thinking: a reasoning item (summary = the thinking, signature sealed for anthropic), then the text', () => {
    const chunks = anthropicChunks('anthropic-thinking.chunks.jsonl');
    const { events, final } = stream(chunks, 'anthropic');
    const thinking = chunks.map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? '').join('');
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    const blocks = chunks.find((chunk) => chunk.choices[0]?.delta.thinking_blocks)!.choices[0].delta.thinking_blocks;
    expect(thinking.length).toBeGreaterThan(20);
    // The signature arrives with the finish chunk, after the reasoning item closed: one more reasoning item.
    expect(types(final)).toEqual(['reasoning', 'message', 'reasoning']);
    expect(final.output[0].summary).toEqual([{ type: 'summary_text', text: thinking }]);
    expect(final.output[1].content).toEqual([{ type: 'output_text', annotations: [], logprobs: [], text }]);
    expect(openReasoning(final.output[2].encrypted_content, 'anthropic')).toEqual({
      message: { thinking_blocks: blocks },
      calls: {},
    });
    expect(final.status).toBe('completed');
    expect(final.usage).toEqual({
      input_tokens: chunks.at(-1)!.usage!.prompt_tokens,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: chunks.at(-1)!.usage!.completion_tokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: chunks.at(-1)!.usage!.total_tokens,
    });
    expect(events.filter((event) => event.type === 'response.completed')).toHaveLength(1);
  });

  it('Anthropic tool use: a function_call item with the tool_use id as call_id and whole arguments', () => {
    const chunks = anthropicChunks('sdk-tool_use_response.sse');
    const { final } = stream(chunks, 'anthropic');
    const calls = final.output.filter((item: Json) => item.type === 'function_call');
    const chatCall = chunks.find((chunk) => chunk.choices[0]?.delta.tool_calls?.[0]?.id)!.choices[0].delta
      .tool_calls![0];
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ call_id: chatCall.id, name: chatCall.function!.name, status: 'completed' });
    expect(JSON.parse(calls[0].arguments)).toBeTypeOf('object');
    expect(calls[0].id).toMatch(/^fc_/);
  });

  it('max_tokens (Anthropic) ends in response.incomplete with reason max_output_tokens', () => {
    const { events, final } = stream(anthropicChunks('sdk-incomplete_partial_json_response.sse'), 'anthropic');
    expect(events.at(-1)!.type).toBe('response.incomplete');
    expect(final).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(final.completed_at).toBeNull();
  });

  it('a refusal (Anthropic stop_reason refusal) is a refusal part and response.incomplete with content_filter', () => {
    const { events, final } = stream(anthropicChunks('anthropic-refusal.chunks.jsonl'), 'anthropic');
    expect(events.map((event) => event.type)).toContain('response.refusal.delta');
    expect(final.incomplete_details).toEqual({ reason: 'content_filter' });
    expect(final.output[0].content[0]).toMatchObject({ type: 'refusal', refusal: expect.stringContaining('cyber') });
  });

  it('Gemini 3 tool call: the function call, then its thought signature in a reasoning item, by call_id', () => {
    const chunks = geminiChunks('google-tool-call-gemini3.chunks.jsonl');
    const { final } = stream(chunks, 'google');
    expect(types(final)).toEqual(['function_call', 'reasoning']);
    const recorded = fixtureChunks<Json>('gemini/google-tool-call-gemini3.chunks.jsonl')[0].candidates[0].content
      .parts[0];
    const state = openReasoning(final.output[1].encrypted_content, 'google')!;
    expect(state.calls[final.output[0].call_id]).toEqual({
      extra_content: { google: { thought_signature: recorded.thoughtSignature } },
    });
    expect(JSON.parse(final.output[0].arguments)).toEqual(recorded.functionCall.args);
  });

  it('Gemini 3 reasoning: the text, and the signature of the text part sealed for google', () => {
    const { final } = stream(geminiChunks('google-reasoning-gemini3.chunks.jsonl'), 'google');
    expect(types(final)).toEqual(['message', 'reasoning']);
    const signature = openReasoning(final.output[1].encrypted_content, 'google')!.message.extra_content;
    expect(signature).toEqual({ google: { thought_signature: expect.stringMatching(/^EpAICo0I/) } });
  });

  it('Bedrock reasoning: summary from reasoningContent, signature in thinking_blocks sealed for bedrock', () => {
    const chunks = bedrockChunks('bedrock-reasoning.chunks.jsonl');
    const { final } = stream(chunks, 'bedrock');
    expect(types(final)).toEqual(['reasoning', 'message', 'reasoning']);
    expect(final.output[0].summary[0].text).toContain('strawberry');
    const blocks = openReasoning(final.output[2].encrypted_content, 'bedrock')!.message.thinking_blocks as Json[];
    expect(blocks[0]).toMatchObject({ type: 'thinking', signature: expect.stringMatching(/^Ep0CCkgI/) });
    expect(openReasoning(final.output[2].encrypted_content, 'anthropic')).toBeUndefined();
  });

  it('OpenAI-compatible chat streams (DeepSeek reasoning + tool call, OpenAI text) as they were recorded', () => {
    const deepseek = stream(openAIChunks('deepseek-tool-call.chunks.jsonl'), 'anthropic').final;
    expect(types(deepseek)).toEqual(['reasoning', 'function_call']);
    expect(deepseek.output[0].encrypted_content).toBeUndefined();
    const text = stream(openAIChunks('openai-text.chunks.jsonl'), 'anthropic').final;
    expect(types(text)).toEqual(['message']);
  });

  it('parallel calls are separate items with their own ids and output_index; a server numbering every call 0 too', () => {
    const chunk = (delta: Json, finish: string | null = null): ChatCompletionChunk => ({
      id: 'c',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
    const call = (index: number, id: string | undefined, name: string | undefined, args: string) => ({
      tool_calls: [
        { index, ...(id && { id, type: 'function' }), function: { ...(name && { name }), arguments: args } },
      ],
    });
    const usage: ChatCompletionChunk = { ...chunk({}), choices: [], usage: { prompt_tokens: 3, completion_tokens: 4 } };
    for (const second of [1, 0]) {
      const { events, final } = stream(
        [
          chunk({ role: 'assistant', content: 'Checking.' }),
          chunk(call(0, 'call_a', 'weather', '{"city":')),
          chunk(call(0, undefined, undefined, '"Paris"}')),
          chunk(call(second, 'call_b', 'time', '{}')),
          chunk({}, 'tool_calls'),
          usage,
        ],
        'anthropic',
      );
      expect(final.output.map((item: Json) => [item.type, item.call_id ?? null])).toEqual([
        ['message', null],
        ['function_call', 'call_a'],
        ['function_call', 'call_b'],
      ]);
      expect(final.output[1].arguments).toBe('{"city":"Paris"}');
      expect(new Set(final.output.map((item: Json) => item.id)).size).toBe(3);
      const deltas = events.filter((event) => event.type === 'response.function_call_arguments.delta');
      expect(deltas.map((event) => event.output_index)).toEqual([1, 1, 2]);
      expect(final.usage.total_tokens).toBe(7);
    }
  });

  it('the final response has the keys and item shapes of recorded native ones, ids unique per response', () => {
    const { final } = stream(anthropicChunks('anthropic-thinking.chunks.jsonl'), 'anthropic');
    for (const native of NATIVE_FINALS) {
      for (const key of Object.keys(native)) if (!VENDOR_ONLY.has(key)) expect(final).toHaveProperty(key);
    }
    // A reasoning item without provider state has no encrypted_content, as OpenAI's without `include`.
    const tool = stream(anthropicChunks('sdk-tool_use_response.sse'), 'anthropic').final;
    for (const item of [...final.output, ...tool.output])
      expect(NATIVE_ITEM_KEYS).toContain(`${item.type}: ${Object.keys(item).sort().join(',')}`);
    const again = stream(anthropicChunks('anthropic-thinking.chunks.jsonl'), 'anthropic').final;
    expect(final.id).toMatch(/^resp_/);
    expect(again.id).not.toBe(final.id);
    expect(again.output[0].id).not.toBe(final.output[0].id);
  });

  it('echoes the request settings in every snapshot', () => {
    const request = {
      input: 'hi',
      instructions: 'Be brief.',
      temperature: 0.2,
      top_p: 0.9,
      max_output_tokens: 100,
      tool_choice: 'required',
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' }, strict: false }],
      parallel_tool_calls: false,
      reasoning: { effort: 'low', summary: 'auto' },
      text: { format: { type: 'json_object' } },
      truncation: 'auto',
      user: 'u-1',
    };
    const { events, final } = stream(openAIChunks('openai-text.chunks.jsonl'), 'anthropic', request);
    const { input: _input, ...echoed } = request;
    expect(final).toMatchObject({ ...echoed, store: false, metadata: null, previous_response_id: null });
    expect(events[0].response).toMatchObject({ ...echoed, status: 'in_progress', output: [] });
  });
});

describe('fromChat over the real converters', () => {
  it('Anthropic thinking + tool_use body: reasoning (summary and signature together), then the call', () => {
    const completion = convertedCompletion('anthropic', 'anthropic/issue-13430-thinking-tool-call.json');
    const answer = fromChat(completion, 'anthropic', { input: 'go' });
    assertValidOpenAIResponse('response', answer);
    expect(types(answer)).toEqual(['reasoning', 'function_call']);
    const thinking = completion.choices[0].message.thinking_blocks;
    expect(answer.output[0].summary).toEqual([{ type: 'summary_text', text: thinking[0].thinking }]);
    expect(openReasoning(answer.output[0].encrypted_content, 'anthropic')!.message.thinking_blocks).toEqual(thinking);
    expect(answer.output[1]).toMatchObject({
      call_id: 'toolu_017R7ACrx7NF7sLDDtvdQ1u9',
      name: 'checkSandboxErrors',
      arguments: '{}',
    });
    expect(answer).toMatchObject({ status: 'completed', object: 'response', model: 'claude-sonnet-4-6' });
    expect(answer.usage).toMatchObject({ input_tokens: 599, output_tokens: 59 });
  });

  it('Bedrock parallel tool calls body: two function_call items, separate ids and indexes', () => {
    const completion = convertedCompletion('bedrock', 'bedrock/issue-17267-parallel-tool-calls.json');
    const answer = fromChat(completion, 'bedrock', { input: 'go' });
    assertValidOpenAIResponse('response', answer);
    const calls = answer.output.filter((item: Json) => item.type === 'function_call');
    expect(calls).toHaveLength(2);
    expect(calls.map((call: Json) => call.call_id)).toEqual(
      completion.choices[0].message.tool_calls.map((call: Json) => call.id),
    );
    expect(new Set(answer.output.map((item: Json) => item.id)).size).toBe(answer.output.length);
  });

  it('a JSON answer has the shape of the same answer streamed', () => {
    const chunks = anthropicChunks('anthropic-thinking.chunks.jsonl');
    const streamed = stream(chunks, 'anthropic').final;
    const completion = convertedCompletion('anthropic', 'anthropic/anthropic-text.json');
    const answer = fromChat(completion, 'anthropic', { input: 'hi' });
    expect(Object.keys(answer).sort()).toEqual(Object.keys(streamed).sort());
    expect(answer.output[0].content[0].text).toBe(completion.choices[0].message.content);
  });

  it('a length finish is incomplete; a Gemini JSON answer keeps its message signature', () => {
    const completion = convertedCompletion('google', 'gemini/google-text.json');
    const cut = { ...completion, choices: [{ ...completion.choices[0], finish_reason: 'length' }] };
    const answer = fromChat(cut, 'google', { input: 'hi' });
    expect(answer).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(answer.output.find((item: Json) => item.type === 'message').status).toBe('incomplete');
    const signed = answer.output.find((item: Json) => item.type === 'reasoning');
    expect(openReasoning(signed.encrypted_content, 'google')!.message.extra_content).toEqual(
      completion.choices[0].message.extra_content,
    );
  });
});

describe('toChat', () => {
  it('maps every field chat has, and leaves out what it has not', () => {
    const chat = toChat({
      model: 'claude',
      input: 'Hello',
      instructions: 'Be brief.',
      temperature: 0.5,
      top_p: 0.8,
      user: 'u-1',
      max_output_tokens: 256,
      parallel_tool_calls: false,
      reasoning: { effort: 'high', summary: 'detailed' },
      text: {
        format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true },
        verbosity: 'low',
      },
      tools: [{ type: 'function', name: 'get', description: 'Get it', parameters: { type: 'object' }, strict: true }],
      tool_choice: { type: 'function', name: 'get' },
      store: true,
      include: ['reasoning.encrypted_content'],
      previous_response_id: 'resp_1',
      truncation: 'auto',
      metadata: { a: '1' },
    });
    expect(chat).toEqual({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello' },
      ],
      temperature: 0.5,
      top_p: 0.8,
      user: 'u-1',
      max_completion_tokens: 256,
      parallel_tool_calls: false,
      reasoning_effort: 'high',
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true } },
      tools: [
        {
          type: 'function',
          function: { name: 'get', description: 'Get it', parameters: { type: 'object' }, strict: true },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get' } },
    });
    assertValidOpenAIRequest('chat', { ...chat, model: 'm', stream: true, stream_options: { include_usage: true } });
  });

  it('text.format json_object and text; tool_choice none/auto/required and allowed_tools', () => {
    expect(toChat({ input: 'x', text: { format: { type: 'json_object' } } }).response_format).toEqual({
      type: 'json_object',
    });
    expect(toChat({ input: 'x', text: { format: { type: 'text' } } })).not.toHaveProperty('response_format');
    const tools = [
      { type: 'function', name: 'a', parameters: {} },
      { type: 'function', name: 'b', parameters: {} },
    ];
    for (const choice of ['none', 'auto', 'required'])
      expect(toChat({ input: 'x', tools, tool_choice: choice }).tool_choice).toBe(choice);
    const allowed = toChat({
      input: 'x',
      tools,
      tool_choice: { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'b' }] },
    });
    expect(allowed.tools.map((tool: Json) => tool.function.name)).toEqual(['b']);
    expect(allowed.tool_choice).toBe('required');
  });

  it('messages: content parts, developer as system, images, files; assistant history as text', () => {
    const chat = toChat({
      input: [
        { role: 'developer', content: 'Rules.' },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'Look:' },
            { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'low' },
            { type: 'input_file', filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBE' },
          ],
        },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Seen.' }] },
        { role: 'user', content: 'And?' },
      ],
    });
    expect(chat.messages).toEqual([
      { role: 'system', content: 'Rules.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look:' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
          { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBE' } },
        ],
      },
      { role: 'assistant', content: 'Seen.' },
      { role: 'user', content: 'And?' },
    ]);
  });

  it('consecutive function_call items are ONE assistant turn; outputs are tool messages (Bedrock gets one turn with toolConfig)', () => {
    const tools = [
      { type: 'function', name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
    ];
    const body = {
      tools,
      input: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        { type: 'function_call', call_id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call', call_id: 'call_2', name: 'weather', arguments: '{"city":"Rome"}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'Sunny' },
        { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'Rain' }] },
      ],
    };
    const chat = toChat(body, 'bedrock');
    expect(chat.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_2', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'Sunny' },
      { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'Rain' }] },
    ]);
    const converse = upstreamBody('bedrock', chat);
    expect(converse.messages.map((message: Json) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(converse.messages[1].content.map((block: Json) => block.toolUse?.name)).toEqual(['weather', 'weather']);
    expect(converse.toolConfig.tools).toHaveLength(1);
  });

  it('built-in tools are a 400 naming the tool that falls back; so are built-in tool_choice and hosted items', () => {
    for (const type of [
      'web_search',
      'web_search_preview',
      'file_search',
      'code_interpreter',
      'computer_use_preview',
      'mcp',
      'image_generation',
      'local_shell',
      'custom',
    ]) {
      const error = refusal(() => toChat({ input: 'x', tools: [{ type }] }));
      expect(error).toMatchObject({ status: 400, code: 'unsupported_tool', fallback: true, param: 'tools[0].type' });
      expect(error.message).toContain(`\`${type}\``);
    }
    expect(refusal(() => toChat({ input: 'x', tool_choice: { type: 'file_search' } }))).toMatchObject({
      code: 'unsupported_tool',
      fallback: true,
    });
    const item = refusal(() =>
      toChat({
        input: [
          { role: 'user', content: 'x' },
          { type: 'item_reference', id: 'msg_1' },
          { type: 'web_search_call', id: 'ws' },
        ],
      }),
    );
    expect(item).toMatchObject({ status: 400, code: 'unsupported_input', param: 'input[1].type', fallback: true });
    expect(item.message).toContain('`item_reference`');
    expect(refusal(() => toChat({ input: 'x', background: true }))).toMatchObject({
      param: 'background',
      fallback: true,
    });
  });

  it('malformed input is a 400 naming the field, without fallback', () => {
    const cases: Array<[Json, string]> = [
      [{ input: [{ role: 'tool', content: 'x' }] }, 'input[0].role'],
      [{ input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'input[0].call_id'],
      [{ input: [{ role: 'user', content: [{ type: 'input_audio' }] }] }, 'input[0].content[0].type'],
      [{ input: 'x', text: { format: { type: 'json_schema', schema: {} } } }, 'text.format.name'],
      [{ input: 'x', tools: [{ type: 'function' }] }, 'tools[0].name'],
      [{ input: [] }, 'input'],
      [{ input: 'x', text: 'json' }, 'text'],
      [{ input: 'x', reasoning: 'high' }, 'reasoning'],
      [{ input: 'x', truncation: 'sometimes' }, 'truncation'],
    ];
    for (const [body, param] of cases)
      expect(refusal(() => toChat(body))).toMatchObject({ status: 400, param, fallback: false });
  });
});

describe('reasoning signatures round trip', () => {
  it('Anthropic: the answer as next input, with the tool output, gives Claude its signed thinking back, intact', () => {
    const completion = convertedCompletion('anthropic', 'anthropic/issue-13430-thinking-tool-call.json');
    const answer = fromChat(completion, 'anthropic', { input: 'go' });
    const input = [
      { role: 'user', content: 'Check the sandbox.' },
      ...answer.output,
      { type: 'function_call_output', call_id: answer.output[1].call_id, output: 'no errors' },
    ];
    const tools = [{ type: 'function', name: 'checkSandboxErrors', parameters: { type: 'object' } }];
    const messages = upstreamBody('anthropic', toChat({ input, tools })).messages;
    const recorded = fixtureJson('anthropic/issue-13430-thinking-tool-call.json').content;
    expect(messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: recorded[0].thinking, signature: recorded[0].signature },
        { type: 'tool_use', id: recorded[1].id, name: 'checkSandboxErrors', input: {} },
      ],
    });
    expect(messages[2].content[0]).toMatchObject({ type: 'tool_result', tool_use_id: recorded[1].id });

    // The same items sent to Gemini: the Anthropic signature is dropped, never sent to the wrong provider.
    const gemini = JSON.stringify(upstreamBody('google', toChat({ input, tools }, 'google')));
    expect(gemini).not.toContain(recorded[0].signature);
  });

  it('Gemini: the streamed call signature goes back on its functionCall part', () => {
    const { final } = stream(geminiChunks('google-tool-call-gemini3.chunks.jsonl'), 'google');
    const call = final.output[0];
    const input = [
      { role: 'user', content: 'Weather in SF?' },
      ...final.output,
      { type: 'function_call_output', call_id: call.call_id, output: '{"temp":18}' },
    ];
    const tools = [
      {
        type: 'function',
        name: 'weather',
        parameters: { type: 'object', properties: { location: { type: 'string' } } },
      },
    ];
    const contents = upstreamBody('google', toChat({ input, tools }, 'google')).contents;
    const recorded = fixtureChunks<Json>('gemini/google-tool-call-gemini3.chunks.jsonl')[0].candidates[0].content
      .parts[0];
    expect(contents[1]).toEqual({
      role: 'model',
      parts: [{ functionCall: recorded.functionCall, thoughtSignature: recorded.thoughtSignature }],
    });
  });

  it('foreign, malformed and OpenAI-encrypted reasoning items are dropped, never a 500', () => {
    const openai = fixtureJson('openai-responses/openai-reasoning-encrypted-content.json').output[0];
    const input = (encrypted: unknown) => [
      { role: 'user', content: 'x' },
      { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: encrypted },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'y' }] },
      { role: 'user', content: 'z' },
    ];
    const foreign = sealReasoning('google', {
      message: { thinking_blocks: [{ type: 'thinking', thinking: 't', signature: 's' }] },
      calls: {},
    });
    for (const encrypted of [
      openai.encrypted_content,
      foreign,
      '!!!',
      'e30=',
      Buffer.from('{"v":2,"provider":"anthropic"}').toString('base64'),
      42,
      null,
    ]) {
      const chat = toChat({ input: input(encrypted) });
      expect(chat.messages[1]).toEqual({ role: 'assistant', content: 'y' });
      upstreamBody('anthropic', chat);
    }
    // A reasoning item alone (nothing said) adds no assistant turn.
    expect(
      toChat({
        input: [
          { role: 'user', content: 'x' },
          { type: 'reasoning', summary: [], encrypted_content: foreign },
        ],
      }).messages,
    ).toHaveLength(1);
  });
});

/**
 * The Responses bridge's answers, pure: its stream writer driven by the chunks the REAL provider
 * translators make of recorded upstream streams (Anthropic, Gemini, Bedrock, OpenAI-compatible),
 * and `fromChat` by their converted JSON answers; shapes compared with recorded native OpenAI
 * answers. Every stream is checked against the Responses stream contract and the OpenAI spec
 * (helpers/responses-stream-grammar.ts). The e2e tests run the same through a host and sockets.
 */
import { describe, expect, it } from 'vitest';
import { openReasoning } from '../src/endpoints/responses/reasoning-envelope.js';
import type { ChatCompletionChunk } from '../src/providers/openai-types.js';
import { TEXT_STREAM } from './helpers/bedrock-wire.js';
import { fromChat, stream, toChat, types } from './helpers/bridge-run.js';
import { fixtureChunks, fixtureJson } from './helpers/fixtures.js';
import { assertValidOpenAIResponse } from './helpers/openai-response-spec.js';
import {
  anthropicChunks,
  bedrockChunks,
  bedrockChunksOf,
  convertedCompletion,
  geminiChunks,
  openAIChunks,
} from './helpers/recorded-chat.js';

type Json = Record<string, any>;

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

  it('Bedrock stopping at max_tokens is signalled: response.incomplete, the message incomplete (Bifrost #4679)', () => {
    const cut = TEXT_STREAM.map(([type, payload]) =>
      type === 'messageStop' ? ([type, { ...payload, stopReason: 'max_tokens' }] as const) : ([type, payload] as const),
    );
    const { events, final } = stream(bedrockChunksOf(cut), 'bedrock');
    expect(events.at(-1)!.type).toBe('response.incomplete');
    expect(final.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(final.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
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
    const chunks = openAIChunks('deepseek-tool-call.chunks.jsonl');
    const deepseek = stream(chunks, 'anthropic').final;
    // Reasoning without a signature: its text is kept for the next turn, in one more reasoning item.
    expect(types(deepseek)).toEqual(['reasoning', 'function_call', 'reasoning']);
    expect(deepseek.output[0].encrypted_content).toBeUndefined();
    const reasoning = chunks.map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? '').join('');
    expect(openReasoning(deepseek.output[2].encrypted_content, 'anthropic')).toEqual({
      message: { reasoning_content: reasoning },
      calls: {},
    });
    const next = toChat({
      input: [
        { role: 'user', content: 'x' },
        ...deepseek.output,
        { type: 'function_call_output', call_id: deepseek.output[1].call_id, output: 'ok' },
      ],
    });
    expect(next.messages[1]).toMatchObject({
      role: 'assistant',
      reasoning_content: reasoning,
      tool_calls: [{ id: deepseek.output[1].call_id }],
    });
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

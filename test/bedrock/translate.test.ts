/**
 * Bedrock → OpenAI translation, from Converse responses and ConverseStream events built from the
 * API reference (see test/helpers/bedrock-wire.ts). Streams go through the real decoder first, and
 * the official openai SDK's own stream accumulator reads the chunks the translator produced.
 */
import { ChatCompletionStream } from 'openai/lib/ChatCompletionStream';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import type { ChatCompletionChunk } from '../../src/providers/openai-types.js';
import { convertResponse } from '../../src/providers/bedrock/convert-response.js';
import { createBedrockStreamTranslator } from '../../src/providers/bedrock/convert-stream.js';
import { bedrockEventStreamDecoder } from '../../src/providers/bedrock/event-stream-decoder.js';
import { mapFinishReason } from '../../src/providers/bedrock/map-finish-reason.js';
import { fromBedrockUsage } from '../../src/providers/bedrock/usage.js';
import { toLogUsage } from '../../src/usage.js';
import { awkwardCuts, eventStreamBytes } from '../helpers/bedrock.js';
import {
  PARALLEL_TOOL_CALLS,
  PARALLEL_TOOLS_STREAM,
  REASONING_RESPONSE,
  REASONING_STREAM,
  TEXT_RESPONSE,
  TEXT_STREAM,
  TEXT_STREAM_CONTENT,
  TOOL_WITHOUT_ARGUMENTS_STREAM,
  TOOLS_RESPONSE,
  type WireEvent,
} from '../helpers/bedrock-wire.js';

const MODEL = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
const IDENTITY = { id: 'chatcmpl-test', created: 1_750_000_000 };

/** Bytes → decoder (in awkward pieces) → translator → chunks, as the engine runs them. */
function translate(events: readonly WireEvent[]): {
  chunks: ChatCompletionChunk[];
  translator: ReturnType<typeof createBedrockStreamTranslator>;
} {
  const bytes = eventStreamBytes(events);
  const decoder = bedrockEventStreamDecoder('bedrock');
  const translator = createBedrockStreamTranslator('bedrock', MODEL, IDENTITY);
  const chunks: ChatCompletionChunk[] = [];
  let start = 0;
  for (const cut of [...awkwardCuts(bytes.byteLength), bytes.byteLength]) {
    for (const event of decoder.push(bytes.slice(start, cut))) chunks.push(...translator.push(event));
    start = cut;
  }
  for (const event of decoder.end()) chunks.push(...translator.push(event));
  chunks.push(...translator.end());
  return { chunks, translator };
}

/** What the openai SDK makes of the chunks (it reads newline-delimited JSON). */
async function accumulate(chunks: ChatCompletionChunk[]) {
  const text = chunks.map((chunk) => `${JSON.stringify(chunk)}\n`).join('');
  const stream = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });
  return ChatCompletionStream.fromReadableStream(stream).finalChatCompletion();
}

describe('convertResponse (Converse)', () => {
  it('turns text into a chat completion with OpenAI usage, cached tokens included in prompt_tokens', () => {
    const { body, usage } = convertResponse('bedrock', MODEL, TEXT_RESPONSE, IDENTITY);
    expect(body).toEqual({
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: 1_750_000_000,
      model: MODEL,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Grüße aus Zürich 👋', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 2068,
        completion_tokens: 7,
        total_tokens: 2075,
        prompt_tokens_details: { cached_tokens: 2048, cache_write_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(usage).toEqual({
      inputTokens: 20,
      cacheReadTokens: 2048,
      cacheWriteTokens: 0,
      outputTokens: 7,
      reasoningTokens: 0,
    });
    // Bedrock's own total agrees with the OpenAI-convention one.
    expect((body.usage as { total_tokens: number }).total_tokens).toBe(TEXT_RESPONSE.usage.totalTokens);
  });

  it('turns toolUse blocks into tool_calls with ids kept and arguments as JSON strings', () => {
    const { body } = convertResponse('bedrock', MODEL, TOOLS_RESPONSE, IDENTITY);
    const [choice] = body.choices as Array<{ message: Record<string, unknown>; finish_reason: string }>;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBe('Checking both cities.');
    expect(choice.message.tool_calls).toEqual([
      {
        id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
      },
      {
        id: 'tooluse_9Fq3bXc2Q2yWb1pZ0aHhVg',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Tokyo","unit":"celsius"}' },
      },
    ]);
  });

  it('keeps reasoning as reasoning_content and the signed and redacted blocks as thinking_blocks', () => {
    const { body } = convertResponse('bedrock', MODEL, REASONING_RESPONSE, IDENTITY);
    const [choice] = body.choices as Array<{ message: Record<string, unknown> }>;
    expect(choice.message).toMatchObject({
      content: '51',
      reasoning_content: '17 × 3 = 51.',
      thinking_blocks: [
        { type: 'thinking', thinking: '17 × 3 = 51.', signature: 'EqQBCkgIARABGAIiQGsig-test-signature' },
        { type: 'redacted_thinking', data: 'cmVkYWN0ZWQtdGhpbmtpbmc=' },
      ],
    });
  });

  it('answers a response without output with a retryable 502', () => {
    expect(() => convertResponse('bedrock', MODEL, { stopReason: 'end_turn' })).toThrow(GatewayError);
    try {
      convertResponse('bedrock', MODEL, { stopReason: 'end_turn' });
    } catch (error) {
      expect(error).toMatchObject({ status: 502, code: 'upstream_invalid_response', retryable: true });
    }
  });
});

describe('createBedrockStreamTranslator (ConverseStream)', () => {
  it('streams text, then the finish reason, then usage with empty choices', async () => {
    const { chunks, translator } = translate(TEXT_STREAM);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta ?? null)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Grüße aus ' },
      { content: 'Zürich 👋' },
      { content: ', naïvely.' },
      {},
      null,
    ]);
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason ?? null)).toEqual([
      null,
      null,
      null,
      null,
      'stop',
      null,
    ]);
    expect(chunks.at(-1)).toEqual({
      id: 'chatcmpl-test',
      object: 'chat.completion.chunk',
      created: 1_750_000_000,
      model: MODEL,
      choices: [],
      usage: {
        prompt_tokens: 1532,
        completion_tokens: 9,
        total_tokens: 1541,
        prompt_tokens_details: { cached_tokens: 1024, cache_write_tokens: 496 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(toLogUsage(translator.usage()!)).toEqual({
      prompt_tokens: 1532,
      completion_tokens: 9,
      total_tokens: 1541,
      cached_tokens: 1024,
      cache_write_tokens: 496,
      reasoning_tokens: 0,
    });
    const completion = await accumulate(chunks);
    expect(completion.choices[0].message.content).toBe(TEXT_STREAM_CONTENT);
  });

  it('puts parallel tool calls on OpenAI indexes 0 and 1 and accumulates them as the SDK does', async () => {
    const { chunks } = translate(PARALLEL_TOOLS_STREAM);
    const toolDeltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(toolDeltas.map((call) => call.index)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(toolDeltas.every((call) => typeof call.function?.arguments === 'string')).toBe(true);
    expect(toolDeltas[0]).toEqual({
      index: 0,
      id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q',
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    });
    const completion = await accumulate(chunks);
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(completion.choices[0].message.content).toBe('Checking both cities.');
    expect(completion.choices[0].message.tool_calls).toEqual(PARALLEL_TOOL_CALLS);
  });

  it('gives a tool call without arguments the arguments "{}"', async () => {
    const completion = await accumulate(translate(TOOL_WITHOUT_ARGUMENTS_STREAM).chunks);
    expect(completion.choices[0].message.tool_calls).toEqual([
      { id: 'tooluse_noargs01', type: 'function', function: { name: 'get_time', arguments: '{}' } },
    ]);
    expect(JSON.parse(completion.choices[0].message.tool_calls![0].function.arguments)).toEqual({});
  });

  it('streams reasoning as reasoning_content and hands out the signed block with the finish reason', async () => {
    const { chunks } = translate(REASONING_STREAM);
    const deltas = chunks.map((chunk) => chunk.choices[0]?.delta).filter(Boolean);
    expect(
      deltas
        .filter((delta) => delta!.reasoning_content)
        .map((delta) => delta!.reasoning_content)
        .join(''),
    ).toBe('The user wants 17 × 3. 17 × 3 = 51.');
    const finish = chunks.find((chunk) => chunk.choices[0]?.finish_reason);
    expect(finish?.choices[0].delta).toEqual({
      thinking_blocks: [
        {
          type: 'thinking',
          thinking: 'The user wants 17 × 3. 17 × 3 = 51.',
          signature: 'EqQBCkgIARABGAIiQGsig-test-signature',
        },
      ],
    });
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.thinking_blocks)).toHaveLength(1);
    expect(deltas.filter((delta) => delta!.content).map((delta) => delta!.content)).toEqual(['51']);
    // The SDK copies a delta field it does not know onto the message.
    const message = (await accumulate(chunks)).choices[0].message as unknown as Record<string, unknown>;
    expect(message.content).toBe('51');
    expect(message.thinking_blocks).toEqual([
      {
        type: 'thinking',
        thinking: 'The user wants 17 × 3. 17 × 3 = 51.',
        signature: 'EqQBCkgIARABGAIiQGsig-test-signature',
      },
    ]);
  });

  it('hands out every signed and redacted block, in order, with the finish reason', async () => {
    const { chunks } = translate([
      ['messageStart', { role: 'assistant' }],
      ['contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: 'first' } } }],
      ['contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'sig-a' } } }],
      ['contentBlockStop', { contentBlockIndex: 0 }],
      ['contentBlockStart', { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tooluse_1', name: 'f' } } }],
      ['contentBlockStop', { contentBlockIndex: 1 }],
      ['contentBlockDelta', { contentBlockIndex: 2, delta: { reasoningContent: { redactedContent: 'cmVk' } } }],
      ['contentBlockStop', { contentBlockIndex: 2 }],
      [
        'contentBlockDelta',
        { contentBlockIndex: 3, delta: { reasoningContent: { text: 'unsigned reasoning needs no block' } } },
      ],
      ['contentBlockStop', { contentBlockIndex: 3 }],
      ['messageStop', { stopReason: 'tool_use' }],
    ]);
    const both = [
      { type: 'thinking', thinking: 'first', signature: 'sig-a' },
      { type: 'redacted_thinking', data: 'cmVk' },
    ];
    expect(
      chunks.flatMap((chunk) =>
        chunk.choices[0]?.delta.thinking_blocks ? [chunk.choices[0].delta.thinking_blocks] : [],
      ),
    ).toEqual([both]);
    const message = (await accumulate(chunks)).choices[0].message as unknown as Record<string, unknown>;
    expect(message.thinking_blocks).toEqual(both);
  });

  it('ignores event types it does not know and deltas it cannot relay', () => {
    const { chunks } = translate([
      ['messageStart', { role: 'assistant' }],
      ['someFutureEvent', { anything: true }],
      ['contentBlockDelta', { contentBlockIndex: 0, delta: { citation: { title: 'doc' } } }],
      ['contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'ok' } }],
      ['contentBlockStop', { contentBlockIndex: 0 }],
      ['messageStop', { stopReason: 'end_turn' }],
    ]);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content)).toEqual(['', 'ok', undefined]);
  });

  it('refuses a stream that ends before messageStop (a cut stream is not a finished one)', () => {
    expect(() => translate(TEXT_STREAM.slice(0, 3))).toThrow(/ended its stream before messageStop/);
  });

  it('maps every stop reason of the API reference', () => {
    expect(
      [
        'end_turn',
        'tool_use',
        'max_tokens',
        'stop_sequence',
        'guardrail_intervened',
        'content_filtered',
        'malformed_model_output',
        'malformed_tool_use',
        'model_context_window_exceeded',
        'something_new',
      ].map(mapFinishReason),
    ).toEqual([
      'stop',
      'tool_calls',
      'length',
      'stop',
      'content_filter',
      'content_filter',
      'stop',
      'stop',
      'length',
      'stop',
    ]);
  });
});

describe('fromBedrockUsage', () => {
  it('keeps cache reads and writes apart from uncached input', () => {
    expect(
      fromBedrockUsage({
        inputTokens: 3,
        outputTokens: 4,
        totalTokens: 12,
        cacheReadInputTokens: 2,
        cacheWriteInputTokens: 3,
      }),
    ).toEqual({
      inputTokens: 3,
      cacheReadTokens: 2,
      cacheWriteTokens: 3,
      outputTokens: 4,
      reasoningTokens: 0,
    });
  });

  it('reads absent or malformed counts as zero', () => {
    expect(fromBedrockUsage({ inputTokens: 5, outputTokens: Number.NaN })).toEqual({
      inputTokens: 5,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
    });
  });
});

/**
 * The stream translator against the real recordings: snapshots of the OpenAI chunks, and the same
 * result as Anthropic's own MessageStream accumulating the recording, through the openai SDK's own
 * ChatCompletionStream accumulator.
 */
import { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import { ChatCompletionStream } from 'openai/lib/ChatCompletionStream';
import { describe, expect, it } from 'vitest';
import { upstreamEventError, type UpstreamErrorPolicy } from '../../src/engine/upstream-error.js';
import { GatewayError } from '../../src/errors.js';
import { anthropicProvider } from '../../src/providers/anthropic/index.js';
import { AnthropicStreamTranslator } from '../../src/providers/anthropic/convert-stream.js';
import { UpstreamErrorEvent } from '../../src/providers/kit/upstream-error-event.js';
import type { ChatCompletionChunk } from '../../src/providers/openai-types.js';
import { event, recordedEvents, STREAM_RECORDINGS, type Recorded } from '../helpers/anthropic-recordings.js';
import { assertValidOpenAIResponse } from '../helpers/openai-response-spec.js';

const CREATED = 1_750_000_000;

function translate(events: readonly Recorded[], jsonTool = false): ChatCompletionChunk[] {
  const translator = new AnthropicStreamTranslator({
    providerId: 'anthropic',
    model: 'claude-test',
    created: CREATED,
    jsonTool,
  });
  const chunks = events.flatMap((recorded) => translator.push(recorded));
  return [...chunks, ...translator.end()];
}

function jsonLines(items: readonly unknown[]): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(items.map((item) => JSON.stringify(item)).join('\n') + '\n');
  return new ReadableStream({ start: (controller) => (controller.enqueue(bytes), controller.close()) });
}

/** What Anthropic's own SDK makes of the recording. */
async function anthropicFinalMessage(events: readonly Recorded[]) {
  return MessageStream.fromReadableStream(
    jsonLines(events.map((recorded) => JSON.parse(recorded.data))),
  ).finalMessage();
}

/** What the openai SDK makes of our chunks. */
async function openAIFinalCompletion(chunks: readonly ChatCompletionChunk[]) {
  return ChatCompletionStream.fromReadableStream(jsonLines(chunks)).finalChatCompletion();
}

describe('AnthropicStreamTranslator on the recordings', () => {
  it.each(STREAM_RECORDINGS)('%s → OpenAI chunks (snapshot), each valid per the OpenAI spec', (name) => {
    const chunks = translate(recordedEvents(name));
    for (const chunk of chunks) assertValidOpenAIResponse('chunk', chunk);
    expect(chunks).toMatchSnapshot();
  });

  it.each(STREAM_RECORDINGS)("%s accumulates to what Anthropic's MessageStream makes of it", async (name) => {
    const events = recordedEvents(name);
    const chunks = translate(events);
    const [message, completion] = await Promise.all([anthropicFinalMessage(events), openAIFinalCompletion(chunks)]);
    const choice = completion.choices[0];

    const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
    expect(choice.message.content ?? '').toBe(text);
    const toolUses = message.content.filter((block) => block.type === 'tool_use');
    expect(choice.message.tool_calls ?? []).toHaveLength(toolUses.length);
    toolUses.forEach((block, i) => {
      const call = choice.message.tool_calls![i] as { id: string; function: { name: string; arguments: string } };
      expect(call.id).toBe(block.id);
      expect(call.function.name).toBe(block.name);
      expect(typeof call.function.arguments).toBe('string');
      expect(JSON.parse(call.function.arguments)).toEqual(block.input);
    });
    const thinking = message.content.filter((block) => block.type === 'thinking');
    expect((choice.message as any).thinking_blocks ?? []).toEqual(
      thinking.map(({ thinking: text, signature }) => ({ type: 'thinking', thinking: text, signature })),
    );
    expect(choice.finish_reason).toBe({ end_turn: 'stop', tool_use: 'tool_calls' }[message.stop_reason as string]);
    expect(completion.id).toBe(message.id);
    expect(completion.model).toBe(message.model);
    // The last chunk: usage with Anthropic's final numbers, in OpenAI's conventions.
    const usage = message.usage;
    const cached = usage.cache_read_input_tokens ?? 0;
    const prompt = usage.input_tokens + cached + (usage.cache_creation_input_tokens ?? 0);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: prompt,
        completion_tokens: usage.output_tokens,
        total_tokens: prompt + usage.output_tokens,
        prompt_tokens_details: { cached_tokens: cached },
      },
    });
  });

  it('streams thinking as reasoning_content, whole and in order', () => {
    const events = recordedEvents('anthropic-thinking.chunks.jsonl');
    const reasoning = translate(events)
      .map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? '')
      .join('');
    const expected = events
      .map((recorded) => JSON.parse(recorded.data))
      .filter((e) => e.delta?.type === 'thinking_delta')
      .map((e) => e.delta.thinking)
      .join('');
    expect(reasoning).toBe(expected);
  });

  it('gives a tool call without argument text the arguments "{}"', () => {
    const chunks = translate(recordedEvents('anthropic-tool-no-args.chunks.jsonl'));
    const args = chunks
      .flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])
      .map((call) => call.function?.arguments);
    expect(args.join('')).toBe('{}');
    expect(args.every((value) => typeof value === 'string')).toBe(true);
  });

  it('gives parallel tool calls their own OpenAI indexes, counted apart from text blocks', async () => {
    // Two recorded tool_use blocks in one message: the SDK recording's (block 1) and the no-args
    // recording's, renumbered to block 2 and placed before the message end.
    const first = recordedEvents('sdk-tool_use_response.sse');
    const second = recordedEvents('anthropic-tool-no-args.chunks.jsonl').filter(
      (recorded) => JSON.parse(recorded.data).index === 1,
    );
    const renumbered = second.map((recorded) => ({
      ...recorded,
      data: recorded.data.replace('"index":1', '"index":2'),
    }));
    const end = first.findIndex((recorded) => recorded.event === 'message_delta');
    const events = [...first.slice(0, end), ...renumbered, ...first.slice(end)];

    const chunks = translate(events);
    const deltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(deltas.filter((delta) => delta.id).map((delta) => [delta.index, delta.id])).toEqual([
      [0, 'toolu_01NRLabsLyVHZPKxbKvkfSMn'],
      [1, 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP'],
    ]);
    const [message, completion] = await Promise.all([anthropicFinalMessage(events), openAIFinalCompletion(chunks)]);
    const calls = completion.choices[0].message.tool_calls as Array<{
      id: string;
      function: { name: string; arguments: string };
    }>;
    expect(calls.map((call) => [call.id, call.function.name, JSON.parse(call.function.arguments)])).toEqual(
      message.content.filter((block) => block.type === 'tool_use').map((block) => [block.id, block.name, block.input]),
    );
  });

  it('turns the forced json tool of a json_object request into content, finishing with stop', () => {
    const chunks = translate(recordedEvents('anthropic-json-tool.chunks.jsonl'), true);
    const content = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(JSON.parse(content)).toEqual({
      elements: [{ location: 'San Francisco', temperature: 58, condition: 'sunny' }],
    });
    expect(chunks.some((chunk) => chunk.choices[0]?.delta.tool_calls)).toBe(false);
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('stop');
  });
});

describe('AnthropicStreamTranslator errors and edges', () => {
  const start = recordedEvents('anthropic-text.chunks.jsonl').slice(0, 3); // message_start, content_block_start, ping
  // Anthropic documents this exact event for an overload inside a 200 stream.
  const overloaded = event({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });

  // The translator describes an error event; the engine classifies it as it would the HTTP error of that type.
  const provider = anthropicProvider({ id: 'claude', apiKey: 'sk-ant-test-secret-123' });
  function classified(run: () => unknown, policy?: UpstreamErrorPolicy): GatewayError {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(UpstreamErrorEvent);
      return upstreamEventError(provider, error as UpstreamErrorEvent, policy);
    }
    throw new Error('expected an error event');
  }

  it('throws a retryable error for overloaded_error, as for an HTTP 529', () => {
    const translator = new AnthropicStreamTranslator({
      providerId: 'claude',
      model: 'm',
      created: CREATED,
      jsonTool: false,
    });
    for (const recorded of start) translator.push(recorded);
    const thrown = classified(() => translator.push(overloaded));
    expect(GatewayError.isInstance(thrown)).toBe(true);
    expect(thrown).toMatchObject({
      status: 502,
      code: 'overloaded_error',
      retryable: true,
      fallback: true,
      upstreamStatus: 529,
    });
    expect(thrown.message).toContain('Overloaded');
  });

  it('maps the other in-stream error types to their statuses', () => {
    const cases: Array<[string, object]> = [
      ['api_error', { status: 502, retryable: true }],
      ['rate_limit_error', { status: 429, retryable: true }],
      ['invalid_request_error', { status: 400, retryable: false, fallback: false }],
      ['authentication_error', { status: 502, retryable: false, fallback: true, code: 'upstream_auth_error' }],
      ['some_future_error', { status: 502, retryable: true, code: 'some_future_error' }],
    ];
    for (const [type, expected] of cases) {
      const translator = new AnthropicStreamTranslator({
        providerId: 'claude',
        model: 'm',
        created: CREATED,
        jsonTool: false,
      });
      expect(classified(() => translator.push(event({ type: 'error', error: { type, message: 'x' } })))).toMatchObject(
        expected,
      );
    }
  });

  it('leaves the fallback of an authentication error to fallbackOnAuthError, as over HTTP', () => {
    const translator = new AnthropicStreamTranslator({
      providerId: 'claude',
      model: 'm',
      created: CREATED,
      jsonTool: false,
    });
    const noFallback = { fallbackOnStatus: new Set<number>(), fallbackOnAuthError: false };
    expect(
      classified(
        () => translator.push(event({ type: 'error', error: { type: 'authentication_error', message: 'x' } })),
        noFallback,
      ),
    ).toMatchObject({
      status: 502,
      code: 'upstream_auth_error',
      fallback: false,
    });
  });

  it('scrubs the provider key out of an error message', () => {
    const translator = new AnthropicStreamTranslator({
      providerId: 'claude',
      model: 'm',
      created: CREATED,
      jsonTool: false,
    });
    expect(
      classified(() =>
        translator.push(
          event({ type: 'error', error: { type: 'api_error', message: 'bad key sk-ant-test-secret-123' } }),
        ),
      ).message,
    ).toMatch(/bad key \[redacted\]/);
  });

  it('refuses to end cleanly when the stream stops before the message_delta', () => {
    const translator = new AnthropicStreamTranslator({
      providerId: 'claude',
      model: 'm',
      created: CREATED,
      jsonTool: false,
    });
    for (const recorded of recordedEvents('anthropic-text.chunks.jsonl').slice(0, 5)) translator.push(recorded);
    // The one code of every provider for a stream cut short (it was upstream_incomplete_stream here alone).
    expect(() => translator.end()).toThrow(
      expect.objectContaining({ code: 'upstream_stream_truncated', retryable: true }),
    );
    expect(translator.usage()).toMatchObject({ inputTokens: 12 });
  });

  it('rejects an event that is not JSON', () => {
    const translator = new AnthropicStreamTranslator({
      providerId: 'claude',
      model: 'm',
      created: CREATED,
      jsonTool: false,
    });
    expect(() => translator.push({ event: 'message_start', data: '{not json' })).toThrow(
      expect.objectContaining({ code: 'upstream_invalid_stream' }),
    );
  });

  it('reads past event and delta types it does not know', () => {
    const events = recordedEvents('anthropic-text.chunks.jsonl');
    const withFuture = [
      ...events.slice(0, 3),
      event({ type: 'some_future_event', x: 1 }),
      event({ type: 'content_block_delta', index: 0, delta: { type: 'future_delta', y: 2 } }),
      ...events.slice(3),
    ];
    expect(translate(withFuture)).toEqual(translate(events));
  });

  it('maps a refusal stop to content_filter with the explanation as refusal', () => {
    const events = [
      ...start,
      event({
        type: 'message_delta',
        delta: {
          stop_reason: 'refusal',
          stop_sequence: null,
          stop_details: { type: 'refusal', category: 'cyber', explanation: 'Blocked under the usage policy.' },
        },
        usage: { output_tokens: 5 },
      }),
      event({ type: 'message_stop' }),
    ];
    const finish = translate(events).find((chunk) => chunk.choices[0]?.finish_reason);
    expect(finish!.choices[0]).toMatchObject({
      finish_reason: 'content_filter',
      delta: { refusal: 'Blocked under the usage policy.' },
    });
  });

  it('counts cache reads and writes, and thinking tokens as reasoning', () => {
    const events = [
      event({
        type: 'message_start',
        message: {
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          model: 'claude-x',
          content: [],
          stop_reason: null,
          usage: {
            input_tokens: 10,
            cache_read_input_tokens: 2000,
            cache_creation_input_tokens: 300,
            output_tokens: 1,
          },
        },
      }),
      event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'ok' } }),
      event({ type: 'content_block_stop', index: 0 }),
      event({
        type: 'message_delta',
        delta: { stop_reason: 'max_tokens' },
        usage: { output_tokens: 50, output_tokens_details: { thinking_tokens: 20 } },
      }),
      event({ type: 'message_stop' }),
    ];
    const translator = new AnthropicStreamTranslator({
      providerId: 'claude',
      model: 'm',
      created: CREATED,
      jsonTool: false,
    });
    const chunks = events.flatMap((recorded) => translator.push(recorded));
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('length');
    expect(translator.end()[0].usage).toEqual({
      prompt_tokens: 2310,
      completion_tokens: 50,
      total_tokens: 2360,
      prompt_tokens_details: { cached_tokens: 2000, cache_write_tokens: 300 },
      completion_tokens_details: { reasoning_tokens: 20 },
    });
    expect(translator.usage()).toEqual({
      inputTokens: 10,
      cacheReadTokens: 2000,
      cacheWriteTokens: 300,
      outputTokens: 30,
      reasoningTokens: 20,
    });
  });
});

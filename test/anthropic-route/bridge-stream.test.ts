/**
 * The Messages API bridge's stream half, pure: chat chunks as the real providers' translators make
 * them from recorded streams (OpenAI-compatible chunks as recorded; Gemini and Bedrock through their
 * own decoder and translator) in, Anthropic events out. Every event is checked against the spec,
 * the sequence against Anthropic's rules, and the official SDK's MessageStream accumulates the final
 * message, which must validate too and carry what the upstream said.
 */
import { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import { describe, expect, it } from 'vitest';
import { messagesBridge } from '../../src/endpoints/anthropic-messages/bridge/index.js';
import type { BridgeTarget, StreamFrame } from '../../src/endpoints/endpoint.js';
import { createBedrockStreamTranslator } from '../../src/providers/bedrock/convert-stream.js';
import { bedrockEventStreamDecoder } from '../../src/providers/bedrock/event-stream-decoder.js';
import type { ChatCompletionChunk } from '../../src/providers/openai-types.js';
import { openEnvelope } from '../../src/util/reasoning-envelope.js';
import { assertValidAnthropicEvent, assertValidAnthropicMessage } from '../helpers/anthropic-spec.js';
import { eventStreamBytes } from '../helpers/bedrock.js';
import { fixtureChunks } from '../helpers/fixtures.js';
import { geminiFrame, translateBytes } from '../helpers/gemini.js';

const REQUEST = {
  model: 'claude-sonnet-4-6',
  max_tokens: 1024,
  messages: [{ role: 'user', content: 'What is the weather in San Francisco?' }],
};

const OPENAI: BridgeTarget = { providerId: 'openai', providerKind: 'openai', model: 'gpt-4.1-nano' };
const DEEPSEEK: BridgeTarget = { providerId: 'deepseek', providerKind: 'deepseek', model: 'deepseek-reasoner' };
const GEMINI: BridgeTarget = { providerId: 'google', providerKind: 'google', model: 'gemini-3-pro-preview' };
const BEDROCK: BridgeTarget = { providerId: 'aws', providerKind: 'bedrock', model: 'us.anthropic.claude-sonnet-4' };

function geminiChunks(recording: string): ChatCompletionChunk[] {
  const frames = fixtureChunks(recording).map(geminiFrame).join('');
  const context = { providerId: 'google', model: GEMINI.model, newId: () => 'test-id', now: () => 1_700_000_000 };
  return translateBytes([frames], context).chunks;
}

function bedrockChunks(recording: string): ChatCompletionChunk[] {
  const events = fixtureChunks<Record<string, unknown>>(recording).map((line) => {
    const [type, payload] = Object.entries(line)[0];
    return [type, payload] as const;
  });
  const decoder = bedrockEventStreamDecoder('aws');
  const translator = createBedrockStreamTranslator('aws', BEDROCK.model, { id: 'chatcmpl-b', created: 1_750_000_000 });
  const chunks: ChatCompletionChunk[] = [];
  for (const event of decoder.push(eventStreamBytes(events))) chunks.push(...translator.push(event));
  for (const event of decoder.end()) chunks.push(...translator.push(event));
  chunks.push(...translator.end());
  return chunks;
}

/** Runs the bridge over the chunks and checks Anthropic's sequence rules; returns the events and the SDK's final message. */
async function bridge(chunks: ChatCompletionChunk[], target: BridgeTarget, request: Record<string, unknown> = REQUEST) {
  const stream = messagesBridge.createStream(request, target);
  const frames: StreamFrame[] = [];
  for (const chunk of chunks) frames.push(...stream.push(chunk));
  frames.push(...stream.end());
  const events = frames.map((frame) => {
    const event = JSON.parse(frame.data);
    expect(frame.event).toBe(event.type);
    assertValidAnthropicEvent(event);
    return event;
  });
  checkSequence(events);
  const ndjson = events.map((event) => `${JSON.stringify(event)}\n`).join('');
  const body = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(ndjson));
      controller.close();
    },
  });
  const message = await MessageStream.fromReadableStream(body).finalMessage();
  // `parsed_output` is the SDK's own addition to the message it accumulated.
  const { parsed_output: _sdkOwn, ...accumulated } = message as typeof message & { parsed_output?: unknown };
  assertValidAnthropicMessage(accumulated);
  return { events, message };
}

function checkSequence(events: any[]): void {
  expect(events[0].type).toBe('message_start');
  expect(events[0].message.usage.input_tokens).toBeGreaterThan(0);
  expect(events[1].type).toBe('ping');
  expect(events.at(-2).type).toBe('message_delta');
  expect(events.at(-1).type).toBe('message_stop');
  let open: number | undefined;
  let next = 0;
  const stopped = new Set<number>();
  for (const event of events.slice(2, -2)) {
    if (event.type === 'content_block_start') {
      expect(open).toBeUndefined();
      expect(event.index).toBe(next++);
      open = event.index;
    } else if (event.type === 'content_block_stop') {
      expect(event.index).toBe(open);
      stopped.add(event.index);
      open = undefined;
    } else {
      expect(event.type).toBe('content_block_delta');
      expect(event.index).toBe(open);
    }
  }
  expect(open).toBeUndefined();
  expect(stopped.size).toBe(next);
}

const chatText = (chunks: ChatCompletionChunk[], field: 'content' | 'reasoning_content') =>
  chunks.map((chunk) => chunk.choices[0]?.delta?.[field] ?? '').join('');

describe('bridged streams from recordings', () => {
  it('OpenAI text: one text block, end_turn, the real usage in message_delta', async () => {
    const chunks = fixtureChunks<ChatCompletionChunk>('openai-chat/openai-text.chunks.jsonl');
    const { events, message } = await bridge(chunks, OPENAI);
    expect(message.content).toEqual([{ type: 'text', text: chatText(chunks, 'content'), citations: null }]);
    expect(message.stop_reason).toBe('end_turn');
    const usage = chunks.at(-1)!.usage as any;
    expect(events.at(-2).usage).toMatchObject({ output_tokens: usage.completion_tokens });
    expect(message.usage.input_tokens + message.usage.cache_read_input_tokens!).toBe(usage.prompt_tokens);
    expect(message.model).toBe('claude-sonnet-4-6');
    expect(message.id).toMatch(/^msg_/);
  });

  it('DeepSeek reasoning and a tool call: thinking (signed with its envelope), then tool_use, stop_reason tool_use', async () => {
    const chunks = fixtureChunks<ChatCompletionChunk>('openai-chat/deepseek-tool-call.chunks.jsonl');
    const { message } = await bridge(chunks, DEEPSEEK);
    const [thinking, ...rest] = message.content as any[];
    expect(thinking.type).toBe('thinking');
    expect(thinking.thinking).toBe(chatText(chunks, 'reasoning_content'));
    expect(openEnvelope(thinking.signature)).toEqual({ kind: 'deepseek', model: 'deepseek-reasoner' });
    const toolUse = rest.find((block) => block.type === 'tool_use');
    const args = chunks.flatMap((chunk) => chunk.choices[0]?.delta?.tool_calls ?? []);
    expect(toolUse.input).toEqual(JSON.parse(args.map((call) => call.function?.arguments ?? '').join('')));
    expect(toolUse.name).toBe(args[0].function!.name);
    expect(message.stop_reason).toBe('tool_use');
  });

  it('xAI tool call: input parsed, output_tokens count reasoning xAI reports on top', async () => {
    const chunks = fixtureChunks<ChatCompletionChunk>('openai-chat/xai-tool-call.chunks.jsonl');
    const { message } = await bridge(chunks, { providerId: 'xai', providerKind: 'xai', model: 'grok-3-mini' });
    expect(message.content.filter((block) => block.type === 'tool_use')).toHaveLength(
      new Set(chunks.flatMap((chunk) => chunk.choices[0]?.delta?.tool_calls ?? []).map((call) => call.index)).size,
    );
    expect(message.usage).toMatchObject({ output_tokens: 26 + 196, cache_read_input_tokens: 290, input_tokens: 1 });
  });

  it('Gemini 3 tool call: the thought signature leaves in an envelope and comes back on the call next turn', async () => {
    const chunks = geminiChunks('gemini/google-tool-call-gemini3.chunks.jsonl');
    const { message } = await bridge(chunks, GEMINI);
    const toolUse = message.content.find((block) => block.type === 'tool_use') as any;
    expect(toolUse).toMatchObject({ name: 'weather', input: { location: 'San Francisco' } });
    const recorded = fixtureChunks('gemini/google-tool-call-gemini3.chunks.jsonl')[0].candidates[0].content.parts[0];
    const signed = message.content.filter((block) => block.type === 'thinking') as any[];
    expect(signed.map((block) => openEnvelope(block.signature)?.calls?.[toolUse.id])).toContain(
      recorded.thoughtSignature,
    );
    expect(message.stop_reason).toBe('tool_use');

    // The next turn, as the SDK's tool runner sends it: the assistant content as it came, then the result.
    const next = {
      ...REQUEST,
      messages: [
        ...REQUEST.messages,
        { role: 'assistant', content: message.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '18°C, fog' }] },
      ],
    };
    const chat = messagesBridge.toChat(next, GEMINI) as any;
    const assistant = chat.messages[1];
    expect(assistant.tool_calls[0]).toMatchObject({
      id: toolUse.id,
      function: { name: 'weather', arguments: JSON.stringify({ location: 'San Francisco' }) },
      extra_content: { google: { thought_signature: recorded.thoughtSignature } },
    });
    expect(chat.messages[2]).toEqual({ role: 'tool', tool_call_id: toolUse.id, content: '18°C, fog' });
    // Never to another provider, nor to another Gemini model (signatures are model-bound).
    for (const target of [OPENAI, { ...GEMINI, model: 'gemini-2.5-flash' }]) {
      const other = messagesBridge.toChat(next, target) as any;
      expect(JSON.stringify(other)).not.toContain(recorded.thoughtSignature);
    }
  });

  it('Gemini 3 reasoning: thought text as thinking, the text part signature restored as extra_content', async () => {
    const chunks = geminiChunks('gemini/google-reasoning-gemini3.chunks.jsonl');
    const { message, events } = await bridge(chunks, GEMINI);
    const text = message.content
      .filter((block) => block.type === 'text')
      .map((block: any) => block.text)
      .join('');
    expect(text).toBe(chatText(chunks, 'content'));
    const signatures = chunks
      .map((chunk) => (chunk.choices[0]?.delta?.extra_content as any)?.google?.thought_signature)
      .filter(Boolean);
    expect(signatures.length).toBeGreaterThan(0);
    const next = { ...REQUEST, messages: [...REQUEST.messages, { role: 'assistant', content: message.content }] };
    const chat = messagesBridge.toChat(next, GEMINI) as any;
    expect(chat.messages[1].extra_content).toEqual({ google: { thought_signature: signatures.at(-1) } });
    const usage = chunks.at(-1)!.usage as any;
    expect(events.at(-2).usage.output_tokens).toBe(usage.completion_tokens);
  });

  it('Bedrock reasoning (Claude through Converse): thinking streamed, the signed blocks carried for Bedrock only', async () => {
    const chunks = bedrockChunks('bedrock/bedrock-reasoning.chunks.jsonl');
    const { message } = await bridge(chunks, BEDROCK);
    const thinking = message.content.filter((block) => block.type === 'thinking') as any[];
    expect(thinking.map((block) => block.thinking).join('')).toBe(chatText(chunks, 'reasoning_content'));
    const signedBlocks = chunks.flatMap((chunk) => (chunk.choices[0]?.delta?.thinking_blocks as unknown[]) ?? []);
    expect(signedBlocks.length).toBeGreaterThan(0);
    const next = { ...REQUEST, messages: [...REQUEST.messages, { role: 'assistant', content: message.content }] };
    expect((messagesBridge.toChat(next, BEDROCK) as any).messages[1].thinking_blocks).toEqual(signedBlocks);
    expect((messagesBridge.toChat(next, OPENAI) as any).messages[1].thinking_blocks).toBeUndefined();
  });

  it('a length cut is max_tokens; a stream without chunks still ends in order', async () => {
    const chunks = fixtureChunks<ChatCompletionChunk>('openai-chat/openai-text.chunks.jsonl').map((chunk) =>
      chunk.choices[0]?.finish_reason
        ? { ...chunk, choices: [{ ...chunk.choices[0], finish_reason: 'length' }] }
        : chunk,
    );
    expect((await bridge(chunks, OPENAI)).message.stop_reason).toBe('max_tokens');
    const { events } = await bridge([], OPENAI);
    expect(events.map((event) => event.type)).toEqual(['message_start', 'ping', 'message_delta', 'message_stop']);
  });
});

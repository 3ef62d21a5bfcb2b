/**
 * The engine's half of a bridged route (a route reaching a provider through chat completions):
 * which call each provider gets (`routeCall`), and the relay that feeds the route's bridge the chat
 * chunks of a real recorded stream, from an upstream speaking chat's wire format and from a
 * translating provider (Anthropic), holding the frames until the first content.
 */
import { describe, expect, it } from 'vitest';
import type { BridgeStream, ChatBridge, ModelEndpoint, StreamFormat } from '../src/endpoints/endpoint.js';
import { responses } from '../src/endpoints/responses/index.js';
import { relayChunks } from '../src/engine/chunk-relay.js';
import { OpenAIChatReader } from '../src/engine/openai-chat-reader.js';
import { routeCall } from '../src/engine/route-call.js';
import type { StreamTap } from '../src/engine/passthrough-stream.js';
import { TranslatedRelay } from '../src/engine/translated-stream.js';
import { GatewayError } from '../src/index.js';
import { anthropicProvider } from '../src/providers/anthropic/index.js';
import { openAICompatibleProvider } from '../src/providers/openai-compatible/index.js';
import type { ChatCompletionChunk } from '../src/providers/openai-types.js';
import type { Provider, ProviderCall } from '../src/providers/types.js';
import type { ChainTarget } from '../src/routing/build-chain.js';
import { recordedWire } from './helpers/anthropic-recordings.js';
import { fixtureChunks } from './helpers/fixtures.js';

/** A bridge that names what it saw: `text` frames for content, one `done` frame with the usage. */
function recordingBridge(): ChatBridge & { ends: number } {
  const bridge = {
    ends: 0,
    toChat: (body: Record<string, unknown>) => ({ messages: [{ role: 'user', content: String(body.input) }] }),
    fromChat: (completion: Record<string, unknown>) => ({ bridged: completion }),
    createStream(): BridgeStream {
      let usage: unknown;
      return {
        push(chunk: ChatCompletionChunk) {
          if (chunk.usage) usage = chunk.usage;
          const text = chunk.choices[0]?.delta.content;
          return text ? [{ event: 'text', data: JSON.stringify({ text }) }] : [];
        },
        end() {
          bridge.ends++;
          return [{ event: 'done', data: JSON.stringify({ usage }) }];
        },
      };
    },
  };
  return bridge;
}

const format = {
  ...responses.stream,
  createOutputLog() {
    const seen: string[] = [];
    return { push: (payload: string) => seen.push(payload), value: () => seen };
  },
} satisfies StreamFormat;

const encoder = new TextEncoder();

async function relay(provider: Provider, wire: string, bridge: ChatBridge, ownTranslator: boolean, pieces = 7) {
  const tap: StreamTap = {};
  const stream = bridge.createStream({}, { providerId: provider.id, providerKind: provider.kind, model: 'm' });
  const call = { operation: 'chat', model: 'm', body: {}, stream: true, strictParams: false } as ProviderCall;
  const relayed = new TranslatedRelay(
    provider,
    call,
    { stripUsage: false, keepPayloads: true, keepOutput: true },
    tap,
    {
      translator: ownTranslator ? undefined : new OpenAIChatReader(provider),
      bridge: stream,
      format,
    },
  );
  const bytes = encoder.encode(wire);
  const size = Math.ceil(bytes.length / pieces);
  async function* body() {
    for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
  }
  const out: string[] = [];
  let error: unknown;
  try {
    for await (const piece of relayChunks(body(), relayed)) out.push(piece);
  } catch (thrown) {
    error = thrown;
  }
  return { out, text: out.join(''), tap, error: error as GatewayError | undefined };
}

const openai = openAICompatibleProvider({ id: 'openai', kind: 'openai', baseURL: 'http://127.0.0.1:1', apiKey: 'k' });
const anthropic = anthropicProvider({ id: 'anthropic', apiKey: 'k' });
const chatWire = (payloads: unknown[], done = true) =>
  payloads.map((payload) => `data: ${JSON.stringify(payload)}\n\n`).join('') + (done ? 'data: [DONE]\n\n' : '');
const texts = (text: string) => [...text.matchAll(/^data: (\{"text".*)$/gm)].map((match) => JSON.parse(match[1]).text);

describe('a bridged stream', () => {
  it('reads an OpenAI chat recording into the bridge: every content delta, then the end frames with the usage', async () => {
    const chunks = fixtureChunks<ChatCompletionChunk>('openai-chat/openai-text.chunks.jsonl');
    const bridge = recordingBridge();
    const { text, tap, error } = await relay(openai, chatWire(chunks), bridge, false);
    expect(error).toBeUndefined();
    const expected = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(texts(text).join('')).toBe(expected);
    expect(text).toMatch(/^event: text\n/);
    const last = chunks.at(-1)!;
    expect(text.endsWith(`event: done\ndata: ${JSON.stringify({ usage: last.usage })}\n\n`)).toBe(true);
    expect(bridge.ends).toBe(1);
    expect(tap.usage?.outputTokens).toBe((last.usage as { completion_tokens: number }).completion_tokens);
    // The route's payloads are tapped: the cache, the log's output and the error frame's numbering read them.
    expect(tap.payloads).toEqual(tap.output?.value());
    expect(tap.lastPayload).toBe(tap.payloads?.at(-1));
    expect(tap.firstPayload).toBe(tap.payloads?.[0]);
  });

  it('feeds the bridge the chunks of a translating provider (Anthropic recording)', async () => {
    const bridge = recordingBridge();
    const { text, tap, error } = await relay(anthropic, recordedWire('anthropic-text.chunks.jsonl'), bridge, true);
    expect(error).toBeUndefined();
    expect(texts(text).join('').length).toBeGreaterThan(0);
    expect(bridge.ends).toBe(1);
    expect(tap.usage?.outputTokens).toBeGreaterThan(0);
    expect(text).toContain('event: done');
  });

  it('holds frames until the first content: an error before it fails with nothing relayed', async () => {
    const role = {
      id: 'c',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: null }],
    };
    const { out, error } = await relay(
      openai,
      chatWire([role, { error: { message: 'overloaded', type: 'server_error' } }]),
      recordingBridge(),
      false,
      1,
    );
    expect(out).toEqual([]);
    expect(GatewayError.isInstance(error)).toBe(true);
    expect(error!.status).toBe(502);
  });

  it("a chat stream cut before its finish fails as truncated, without the bridge's end frames", async () => {
    const chunks = fixtureChunks<ChatCompletionChunk>('openai-chat/openai-text.chunks.jsonl').slice(0, 4);
    const bridge = recordingBridge();
    const { text, error } = await relay(openai, chatWire(chunks, false), bridge, false);
    expect(error?.code).toBe('upstream_stream_truncated');
    expect(bridge.ends).toBe(0);
    expect(text).not.toContain('event: done');
  });

  it('an upstream that sends no chunk at all is an empty stream', async () => {
    const { error } = await relay(openai, ': keep-alive\n\n', recordingBridge(), false);
    expect(error?.code).toBe('upstream_stream_truncated');
    const cut = await relay(openai, 'data: [DONE]\n\n', recordingBridge(), false);
    expect(cut.error?.code).toBe('upstream_empty_stream');
  });
});

describe('routeCall', () => {
  const bridged = { ...responses, bridge: recordingBridge() } as ModelEndpoint;
  const target = (provider: Provider, params: Record<string, unknown> = {}) =>
    ({ provider, model: 'm1', params }) as unknown as ChainTarget;
  const body = { model: 'alias', input: 'hi', stream: true };
  const noResponses = { ...openai, id: 'groq', kind: 'groq', native: ['chat', 'embeddings'] } as Provider;

  it('a route without a bridge refuses a provider that does not speak it (400, falls back)', () => {
    const { bridge: _bridge, ...unbridged } = responses;
    expect(() => routeCall(unbridged, target(anthropic), body, { stream: true, strictParams: false })).toThrow(
      expect.objectContaining({ code: 'unsupported_operation', fallback: true }),
    );
  });

  it('native: the route body as is, with the target model', () => {
    const routed = routeCall(bridged, target(openai, { temperature: 0 }), body, { stream: true, strictParams: false });
    expect(routed).toMatchObject({ serving: 'native', converts: false });
    expect(routed.call).toMatchObject({ operation: 'responses', body: { input: 'hi', model: 'm1', temperature: 0 } });
  });

  it('bridged to a chat upstream: the chat body, streamed with its usage asked for', () => {
    const routed = routeCall(bridged, target(noResponses, { temperature: 0 }), body, {
      stream: true,
      strictParams: false,
    });
    expect(routed).toMatchObject({ serving: 'bridged', converts: false });
    expect(routed.call.operation).toBe('chat');
    expect(routed.call.body).toEqual({
      temperature: 0,
      messages: [{ role: 'user', content: 'hi' }],
      model: 'm1',
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(routed.bridged?.target).toEqual({ providerId: 'groq', providerKind: 'groq', model: 'm1', kept: false });
  });

  it('bridged to a translating provider: its converters read the answer; nothing asked that it always sends', () => {
    const routed = routeCall(
      bridged,
      target(anthropic),
      { ...body, stream: false },
      { stream: false, strictParams: false },
    );
    expect(routed).toMatchObject({ serving: 'bridged', converts: true });
    expect(routed.call.body).toEqual({ messages: [{ role: 'user', content: 'hi' }], model: 'm1' });
  });
});

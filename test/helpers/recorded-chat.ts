/**
 * Chat completions as the REAL provider converters make them from recorded upstream answers
 * (test/fixtures, see PROVENANCE.tsv): the chunks of a recorded stream run through the provider's
 * own decoder and stream translator, and the body of a recorded JSON answer through its
 * `convertResponse`. What the engine hands a chat bridge, without a network.
 */
import { bedrockEventStreamDecoder } from '../../src/providers/bedrock/event-stream-decoder.js';
import { createBedrockStreamTranslator } from '../../src/providers/bedrock/convert-stream.js';
import { anthropicProvider } from '../../src/providers/anthropic/index.js';
import { bedrockProvider } from '../../src/providers/bedrock/index.js';
import { googleProvider } from '../../src/providers/google/index.js';
import type { ChatCompletionChunk } from '../../src/providers/openai-types.js';
import type { Provider, ProviderCall } from '../../src/providers/types.js';
import { recordedEvents } from './anthropic-recordings.js';
import { eventStreamBytes } from './bedrock.js';
import { fixtureChunks, fixtureJson } from './fixtures.js';
import { translateEvents } from './gemini.js';

type Json = Record<string, any>;

export const MODELS = {
  anthropic: 'claude-sonnet-4-5',
  google: 'gemini-3-pro-preview',
  bedrock: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
} as const;

export const PROVIDERS = {
  anthropic: anthropicProvider({ id: 'anthropic', apiKey: 'sk-ant-test-bridge' }),
  google: googleProvider({ id: 'google', apiKey: 'gm-test-bridge' }),
  bedrock: bedrockProvider({ id: 'bedrock', region: 'us-east-1', apiKey: 'br-test-bridge' }),
} satisfies Record<keyof typeof MODELS, Provider>;

export type Kind = keyof typeof MODELS;

export const targetOf = (kind: Kind) => ({ providerId: kind, providerKind: kind, model: MODELS[kind] });

export function chatCall(kind: Kind, body: Json, stream = false): ProviderCall {
  return {
    operation: 'chat',
    model: MODELS[kind],
    body: { ...body, model: MODELS[kind] },
    stream,
    strictParams: false,
  };
}

/** The upstream body a provider builds for a chat body (what its converters make of it). */
export function upstreamBody(kind: Kind, chatBody: Json): Json {
  return JSON.parse(PROVIDERS[kind].buildRequest(chatCall(kind, chatBody)).body as string);
}

/** A recorded Anthropic stream (`anthropic/<name>`) through the Anthropic translator. */
export function anthropicChunks(name: string): ChatCompletionChunk[] {
  const translator = PROVIDERS.anthropic.createStreamTranslator!(chatCall('anthropic', { messages: [] }, true));
  return [...recordedEvents(name).flatMap((event) => translator.push(event)), ...translator.end()];
}

/** A recorded Gemini stream (`gemini/<name>.chunks.jsonl`) through the Gemini decoder and translator. */
export function geminiChunks(name: string): ChatCompletionChunk[] {
  const context = { providerId: 'google', model: MODELS.google, newId: () => 'bridge-test', now: () => 1_760_000_000 };
  return translateEvents(fixtureChunks(`gemini/${name}`), context).chunks;
}

/** A recorded ConverseStream (`bedrock/<name>.chunks.jsonl`, `{eventType: payload}` lines) through the Bedrock decoder and translator. */
export function bedrockChunks(name: string): ChatCompletionChunk[] {
  return bedrockChunksOf(
    fixtureChunks<Json>(`bedrock/${name}`).map((line) => Object.entries(line)[0] as [string, Json]),
  );
}

/** ConverseStream events (`[eventType, payload]`) as bytes, through the Bedrock decoder and translator. */
export function bedrockChunksOf(pairs: ReadonlyArray<readonly [string, unknown]>): ChatCompletionChunk[] {
  const decoder = bedrockEventStreamDecoder('bedrock');
  const translator = createBedrockStreamTranslator('bedrock', MODELS.bedrock, { id: 'chatcmpl-bridge', created: 1 });
  const events = [...decoder.push(eventStreamBytes(pairs)), ...decoder.end()];
  return [...events.flatMap((event) => translator.push(event)), ...translator.end()];
}

/** A recorded OpenAI-compatible chat stream (`openai-chat/<name>`), as the chunks it is. */
export function openAIChunks(name: string): ChatCompletionChunk[] {
  return fixtureChunks<ChatCompletionChunk>(`openai-chat/${name}`);
}

/** A recorded JSON answer (`<kind dir>/<name>`) through the provider's `convertResponse`. */
export function convertedCompletion(kind: Kind, path: string): Json {
  return PROVIDERS[kind].convertResponse!(chatCall(kind, { messages: [] }), fixtureJson(path)).body;
}

/**
 * Runs the Responses bridge (src/endpoints/responses/) without a network, for its unit tests:
 * chunks through its stream writer (every stream checked against the Responses stream contract and
 * the OpenAI spec), `toChat` and `fromChat` against the test targets of recorded-chat.ts.
 */
import { expect } from 'vitest';
import { responsesBridge } from '../../src/endpoints/responses/responses-bridge.js';
import { GatewayError } from '../../src/errors.js';
import type { ChatCompletionChunk } from '../../src/providers/openai-types.js';
import { targetOf, type Kind } from './recorded-chat.js';
import { assertResponsesStream } from './responses-stream-grammar.js';

type Json = Record<string, any>;

/** Runs chunks through the bridge's stream; the events as the client parses them (checked frame by frame). */
export function stream(chunks: readonly ChatCompletionChunk[], kind: Kind, request: Json = { input: 'hi' }) {
  const writer = responsesBridge.createStream(request, targetOf(kind));
  const frames = [...chunks.flatMap((chunk) => writer.push(chunk)), ...writer.end()];
  const events = frames.map((frame) => {
    const payload = JSON.parse(frame.data);
    expect(frame.event).toBe(payload.type);
    return payload as Json;
  });
  return { events, final: assertResponsesStream(events) };
}

export function refusal(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (GatewayError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

export const toChat = (body: Json, kind: Kind = 'anthropic') => responsesBridge.toChat(body, targetOf(kind)) as Json;
export const fromChat = (completion: Json, kind: Kind, request: Json = { input: 'go' }) =>
  responsesBridge.fromChat(completion, request, targetOf(kind)) as Json;
export const types = (response: Json) => response.output.map((item: Json) => item.type);

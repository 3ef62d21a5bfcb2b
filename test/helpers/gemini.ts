/**
 * Gemini on the wire, for tests: SSE frames the way streamGenerateContent?alt=sse sends them
 * (`data: <json>` lines ended by CRLF, see test/fixtures/gemini/*.sse), the recorded stream, and a
 * helper that runs events through the provider's real decoder and translator.
 */
import type { ServerResponse } from 'node:http';
import { createGeminiStreamTranslator } from '../../src/providers/google/convert-stream.js';
import type { ChatCompletionChunk } from '../../src/providers/openai-types.js';
import { geminiStreamDecoder } from '../../src/providers/google/stream-decoder.js';
import { fixtureText } from './fixtures.js';

export const GEMINI_RECORDING = 'gemini/streaming-success-basic-reply-short.sse';

/** The recorded stream's events, parsed (they carry no responseId). */
export function recordedGeminiEvents(): any[] {
  return fixtureText(GEMINI_RECORDING)
    .split('\r\n\r\n')
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => JSON.parse(frame.slice('data: '.length)));
}

/** Gemini's framing: `data: {json}\r\n\r\n`. */
export function geminiFrame(event: unknown): string {
  return `data: ${typeof event === 'string' ? event : JSON.stringify(event)}\r\n\r\n`;
}

/** Answers like streamGenerateContent?alt=sse: each event as one write, optionally paused between. */
export async function geminiSse(
  response: ServerResponse,
  events: readonly unknown[],
  options: { delayMs?: number } = {},
): Promise<void> {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'x-content-type-options': 'nosniff' });
  for (const event of events) {
    if (response.destroyed) return;
    response.write(geminiFrame(event));
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
  }
  response.end();
}

export const TEST_CONTEXT = {
  providerId: 'google',
  model: 'gemini-2.5-flash',
  newId: () => 'test-id',
  now: () => 1_700_000_000,
};

/** Bytes → the provider's SSE decoder → its translator → chunks (and what `end` adds). */
export function translateBytes(
  chunks: readonly (string | Uint8Array)[],
  context = TEST_CONTEXT,
): { chunks: ChatCompletionChunk[]; translator: ReturnType<typeof createGeminiStreamTranslator> } {
  const decoder = geminiStreamDecoder();
  const translator = createGeminiStreamTranslator(context);
  const out: ChatCompletionChunk[] = [];
  const encoder = new TextEncoder();
  for (const chunk of chunks)
    for (const event of decoder.push(typeof chunk === 'string' ? encoder.encode(chunk) : chunk))
      out.push(...translator.push(event));
  for (const event of decoder.end()) out.push(...translator.push(event));
  out.push(...translator.end());
  return { chunks: out, translator };
}

/** Events → frames → chunks. */
export function translateEvents(events: readonly unknown[], context = TEST_CONTEXT) {
  return translateBytes([events.map(geminiFrame).join('')], context);
}

/**
 * The setup the Gemini end-to-end files share: a loopback Gemini upstream and a loopback
 * OpenAI-compatible one, a gateway over both in a real Express app, the official openai SDK as the
 * client, and a log collector. `useGeminiStack()` registers the hooks in the calling test file.
 */
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createGateway, type Gateway } from '../../src/index.js';
import { startHost, type Host } from './hosts.js';
import { logCollector } from './logs.js';
import { startUpstream, type Upstream, type UpstreamHandler } from './upstream.js';

export const GEMINI_KEY = 'AIza-test-key-not-real-000000000';
export const OPENAI_KEY = 'sk-test-upstream-key-0002';

export interface GeminiStack {
  gemini: Upstream;
  openai: Upstream;
  gateway: Gateway;
  host: Host;
  client: OpenAI;
  logs: ReturnType<typeof logCollector>;
}

export function useGeminiStack(): GeminiStack {
  const stack = { logs: logCollector() } as GeminiStack;
  beforeAll(async () => {
    stack.gemini = await startUpstream();
    stack.openai = await startUpstream();
    stack.gateway = createGateway({
      providers: {
        google: { apiKey: GEMINI_KEY, baseURL: `${stack.gemini.origin}/v1beta` },
        openai: { apiKey: OPENAI_KEY, baseURL: stack.openai.baseURL },
      },
      retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 5 },
      onLog: stack.logs.sink,
    });
    stack.host = await startHost('express', stack.gateway);
    stack.client = new OpenAI({ baseURL: stack.host.baseURL, apiKey: 'client-key-not-forwarded', maxRetries: 0 });
  });
  afterAll(async () => {
    await stack.host.close();
    await stack.gateway.close();
    await stack.gemini.close();
    await stack.openai.close();
  });
  afterEach(async () => {
    // A stream's record is written just after its last byte: let it land before the next test.
    for (let seen = -1; seen !== stack.logs.records.length;) {
      seen = stack.logs.records.length;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Every Gemini call carried the key in its header, never in the URL, and nothing else.
    for (const request of stack.gemini.requests) {
      expect(request.headers['x-goog-api-key']).toBe(GEMINI_KEY);
      expect(request.url).not.toContain(GEMINI_KEY);
      expect(request.headers.authorization).toBeUndefined();
    }
    stack.gemini.requests.length = 0;
    stack.openai.requests.length = 0;
    stack.logs.records.length = 0;
  });
  return stack;
}

/** Answers the n-th request of a test with the n-th handler (the last one repeats). */
export function inTurn(...handlers: UpstreamHandler[]): UpstreamHandler {
  let next = 0;
  return (request, response) => handlers[Math.min(next++, handlers.length - 1)](request, response);
}

/** A model turn answering text, per https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse. */
export function textResponse(text: string, extra: Record<string, unknown> = {}) {
  return {
    candidates: [{ content: { role: 'model', parts: [{ text, ...extra }] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 4, totalTokenCount: 16 },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'resp-text-1',
  };
}

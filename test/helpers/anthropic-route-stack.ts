/**
 * The setup the Anthropic route's end-to-end files share: loopback upstreams speaking Anthropic's,
 * OpenAI's and Gemini's wire formats from the recordings, a gateway over them in a real host, the
 * official Anthropic SDK as the client (ANTHROPIC_BASE_URL = the mount + `/anthropic`), and a log
 * collector. Every request the "Anthropic" upstream receives is checked against the Messages spec,
 * every chat request the "OpenAI" upstream receives against OpenAI's.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/index.js';
import { recordedWire, writeAnthropicStream } from './anthropic-recordings.js';
import { fixtureChunks, fixtureJson } from './fixtures.js';
import { geminiSse } from './gemini.js';
import { startHost, type Host, type HostKind } from './hosts.js';
import { logCollector } from './logs.js';
import { assertValidOpenAIRequest } from './spec.js';
import { json, sse, startUpstream, type ReceivedRequest, type Upstream } from './upstream.js';

export const GATEWAY_KEY = 'gw-key-anthropic-route-0001';
export const ANTHROPIC_KEY = 'sk-ant-upstream-key-0001';
export const OPENAI_KEY = 'sk-openai-upstream-key-0001';
export const GEMINI_KEY = 'AIza-upstream-key-not-real-0001';

/** Claude names the gateway maps to each kind of upstream, as a Claude Code setup would. */
export const MODELS = {
  anthropic: 'claude-sonnet-4-5',
  openai: 'claude-via-openai',
  deepseek: 'claude-via-deepseek',
  gemini: 'claude-via-gemini',
} as const;

export interface RouteStack {
  anthropic: Upstream;
  openai: Upstream;
  gemini: Upstream;
  gateway: Gateway;
  host: Host;
  client: Anthropic;
  logs: ReturnType<typeof logCollector>;
  /** `http://127.0.0.1:PORT/api/anthropic`, what ANTHROPIC_BASE_URL is set to. */
  baseURL: string;
}

/** Answers an OpenAI chat request from a recording: SSE when streamed (usage only when asked), else JSON. */
export function replayChat(recording: string, jsonRecording = 'openai-chat/openai-text.json') {
  return (request: ReceivedRequest, response: ServerResponse) => {
    assertValidOpenAIRequest('chat', request.body);
    if (!request.body.stream) return json(response, 200, fixtureJson(jsonRecording));
    const chunks = fixtureChunks(recording);
    const usage = request.body.stream_options?.include_usage === true;
    return sse(response, usage ? chunks : chunks.filter((chunk) => chunk.choices.length > 0));
  };
}

/** Answers a Gemini request from a `.chunks.jsonl` recording (streamGenerateContent?alt=sse). */
export function replayGemini(recording: string) {
  return (_request: ReceivedRequest, response: ServerResponse) => geminiSse(response, fixtureChunks(recording));
}

/** Answers an Anthropic request from a recording: its stream when streamed, else the JSON recording. */
export function replayAnthropic(streamRecording: string, jsonRecording = 'anthropic/anthropic-text.json') {
  return (request: ReceivedRequest, response: ServerResponse) => {
    if (!request.body?.stream) return json(response, 200, fixtureJson(jsonRecording));
    writeAnthropicStream(response, recordedWire(streamRecording), { pieces: 3 });
  };
}

export function useRouteStack(kind: HostKind = 'express', extra: Partial<GatewayOptions> = {}): RouteStack {
  const stack = { logs: logCollector() } as RouteStack;
  beforeAll(async () => {
    stack.anthropic = await startUpstream();
    stack.openai = await startUpstream();
    stack.gemini = await startUpstream();
    stack.gateway = createGateway({
      providers: {
        anthropic: { apiKey: ANTHROPIC_KEY, baseURL: stack.anthropic.baseURL },
        openai: { apiKey: OPENAI_KEY, baseURL: stack.openai.baseURL },
        deepseek: { apiKey: OPENAI_KEY, baseURL: stack.openai.baseURL },
        google: { apiKey: GEMINI_KEY, baseURL: `${stack.gemini.origin}/v1beta` },
      },
      models: {
        [MODELS.openai]: { target: 'openai/gpt-4.1-nano' },
        [MODELS.deepseek]: { target: 'deepseek/deepseek-reasoner' },
        [MODELS.gemini]: { target: 'google/gemini-3-pro-preview' },
      },
      gatewayKeys: [GATEWAY_KEY],
      retry: { maxRetries: 0 },
      onLog: stack.logs.sink,
      ...extra,
    });
    stack.host = await startHost(kind, stack.gateway);
    stack.baseURL = `${stack.host.baseURL}/anthropic`;
    stack.client = new Anthropic({ baseURL: stack.baseURL, apiKey: GATEWAY_KEY, maxRetries: 0 });
  });
  afterAll(async () => {
    await stack.host.close();
    await stack.gateway.close();
    await Promise.all([stack.anthropic.close(), stack.openai.close(), stack.gemini.close()]);
  });
  afterEach(async () => {
    // A stream's record lands just after its last byte: let it in before the next test.
    for (let seen = -1; seen !== stack.logs.records.length;) {
      seen = stack.logs.records.length;
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    // The gateway's key never travels upstream; each upstream gets its own.
    for (const request of stack.anthropic.requests) {
      expect(request.headers['x-api-key']).toBe(ANTHROPIC_KEY);
      expect(request.headers.authorization).toBeUndefined();
    }
    for (const request of stack.openai.requests) expect(request.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    for (const request of stack.gemini.requests) expect(request.headers['x-goog-api-key']).toBe(GEMINI_KEY);
    for (const upstream of [stack.anthropic, stack.openai, stack.gemini]) upstream.reset();
    stack.logs.records.length = 0;
  });
  return stack;
}

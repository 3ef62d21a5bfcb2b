/**
 * The end-to-end setup of the Responses bridge tests: loopback Anthropic, Gemini, Bedrock (SigV4
 * checked), native OpenAI and two chat-only OpenAI-compatible upstreams, the gateway in Express,
 * the openai SDK; what every upstream received is checked after each test (the OpenAI ones against
 * the spec). `streamed` runs `responses.stream()` and checks every event against the Responses
 * stream contract (responses-stream-grammar.ts).
 */
import type { ServerResponse } from 'node:http';
import { afterEach } from 'vitest';
import { recordedWire, writeAnthropicStream } from './anthropic-recordings.js';
import { verifySigV4 } from './bedrock.js';
import { fixtureChunks, fixtureJson } from './fixtures.js';
import { geminiSse } from './gemini.js';
import { logCollector } from './logs.js';
import { assertResponsesStream } from './responses-stream-grammar.js';
import { useSdkRig } from './sdk-rig.js';
import { assertValidOpenAIRequest } from './spec.js';
import { json, type ReceivedRequest } from './upstream.js';

type Json = Record<string, any>;

export const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-secret-key-not-real-000000000000000' };
export const CLAUDE = 'anthropic/claude-sonnet-4-5';
export const GEMINI = 'google/gemini-3-pro-preview';
export const BEDROCK = 'aws/us.anthropic.claude-sonnet-4-20250514-v1:0';
/** Gateway parameters are not in the SDK's types; the SDK sends them as given. */
export const withGatewayParams = (params: Record<string, unknown>) => params as object;

/** Registers the rig's hooks in the calling test file. */
export function useBridgeRig() {
  const logs = logCollector();
  const rig = useSdkRig(['claude', 'gemini', 'bedrock', 'openai', 'cerebras', 'local'], (up) => ({
    providers: {
      cerebras: { apiKey: 'csk-test-bridge-0001', baseURL: up.cerebras.baseURL },
      local: { kind: 'openai-compatible', baseURL: up.local.baseURL, responses: 'bridge' },
      anthropic: { apiKey: 'sk-ant-test-bridge-0001', baseURL: `${up.claude.origin}/v1` },
      google: { apiKey: 'gm-test-bridge-0001', baseURL: `${up.gemini.origin}/v1beta` },
      aws: { kind: 'bedrock', region: 'us-east-1', baseURL: up.bedrock.origin, ...CREDENTIALS },
      openai: { apiKey: 'sk-test-bridge-0001', baseURL: up.openai.baseURL },
    },
    retry: { maxRetries: 0 },
    health: false,
    onLog: logs.sink,
  }));

  afterEach(() => {
    for (const request of rig.bedrock.requests) verifySigV4(request, CREDENTIALS, 'us-east-1');
    for (const request of rig.openai.requests) assertValidOpenAIRequest('responses', request.body);
    for (const request of [...rig.cerebras.requests, ...rig.local.requests])
      assertValidOpenAIRequest('chat', request.body);
    for (const upstream of [rig.claude, rig.gemini, rig.bedrock, rig.openai, rig.cerebras, rig.local]) upstream.reset();
    logs.records.length = 0;
  });

  /** Anthropic: a recorded stream for stream requests, a recorded body for the others. */
  function claudeReplays(streamName: string | undefined, bodyName?: string) {
    return (request: ReceivedRequest, response: ServerResponse) => {
      if (request.body.stream) writeAnthropicStream(response, recordedWire(streamName!), { pieces: 5 });
      else json(response, 200, fixtureJson(`anthropic/${bodyName}`));
    };
  }

  const geminiReplays = (name: string) => (_request: ReceivedRequest, response: ServerResponse) =>
    geminiSse(response, fixtureChunks(`gemini/${name}`));

  /**
   * The events of an SDK stream, checked against the contract, and the SDK's own final response.
   * `native`: a passed-through OpenAI stream, as OpenAI sent it (its snapshots carry `user: null`
   * and `usage: null`, which the spec does not allow, so the contract check is the bridge's only).
   */
  async function streamed(params: Json, native = false) {
    const stream = rig.client.responses.stream(params as never);
    const events: Json[] = [];
    for await (const event of stream) events.push(event as Json);
    const final = (await stream.finalResponse()) as unknown as Json;
    const snapshot = native ? events.at(-1)!.response : assertResponsesStream(events);
    return { events, final, snapshot };
  }
  return { rig, logs, claudeReplays, geminiReplays, streamed };
}

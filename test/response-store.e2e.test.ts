/**
 * The response store end to end: the official openai SDK against the gateway in a real Express
 * host, Anthropic reached through the Responses bridge on a loopback upstream answering with
 * recorded messages (a thinking block with its signature and a tool call; a thinking stream), the
 * store in memory and in a real redis-server. A conversation continued by `previous_response_id`
 * must reach the upstream whole: the user's turns, the tool call and its result, the thinking blocks
 * with their signatures.
 */
import type { ServerResponse } from 'node:http';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, redisStore, type Gateway, type Store } from '../src/index.js';
import { recordedEvents, recordedWire, writeAnthropicStream } from './helpers/anthropic-recordings.js';
import { fixtureChunks, fixtureJson } from './helpers/fixtures.js';
import { startHost, type Host } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { assertValidOpenAIRequest } from './helpers/spec.js';
import { hasRedis, PATIENT_REDIS, startRedis, type RedisServer } from './helpers/redis.js';
import { json, startUpstream, type ReceivedRequest, type Upstream } from './helpers/upstream.js';

type Json = Record<string, any>;

/** Claude thinks (signed) and calls a tool: the first turn's answer. */
const THINKING_TOOL_CALL = fixtureJson<Json>('anthropic/issue-13430-thinking-tool-call.json');
const SIGNATURE = THINKING_TOOL_CALL.content[0].signature as string;
const TOOL_USE_ID = THINKING_TOOL_CALL.content[1].id as string;
/** Claude thinks (signed, streamed) and answers in text: the second turn's stream. */
const THINKING_STREAM = recordedWire('anthropic-thinking.chunks.jsonl');
const STREAM_SIGNATURE = recordedEvents('anthropic-thinking.chunks.jsonl')
  .map((event) => JSON.parse(event.data) as Json)
  .find((event) => event.delta?.type === 'signature_delta')!.delta.signature as string;

const TOOLS: OpenAI.Responses.Tool[] = [
  {
    type: 'function',
    name: 'checkSandboxErrors',
    description: 'Lists the errors of the sandbox',
    parameters: { type: 'object', properties: {}, additionalProperties: false },
    strict: false,
  },
];

/** A recorded OpenAI Responses answer: what a native upstream answers. */
const NATIVE_RESPONSE = fixtureChunks<Json>('openai-responses/azure-text.chunks.jsonl').at(-1)!.response as Json;

const KEY_A = 'mg-tenant-a-0001';
const KEY_B = 'mg-tenant-b-0001';

function claudeJson(body: Json) {
  return (_request: ReceivedRequest, response: ServerResponse) => json(response, 200, body);
}
function claudeStream(wire: string) {
  return (_request: ReceivedRequest, response: ServerResponse) => writeAnthropicStream(response, wire);
}
const claudeText = (text: string) =>
  claudeJson({
    id: 'msg_text_0001',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-6',
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 40, output_tokens: 5 },
  });

/** The Anthropic messages an upstream request held, without what does not matter here. */
function blocks(request: ReceivedRequest): Array<[string, unknown[]]> {
  return (request.body.messages as Json[]).map((message) => [
    message.role,
    (typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content).map(
      (block: Json) => {
        if (block.type === 'text') return ['text', block.text];
        if (block.type === 'thinking') return ['thinking', block.signature];
        if (block.type === 'tool_use') return ['tool_use', block.id, block.name];
        if (block.type === 'tool_result') return ['tool_result', block.tool_use_id];
        return [block.type];
      },
    ),
  ]);
}

interface Rig {
  gateway: Gateway;
  host: Host;
  claude: Upstream;
  openai: Upstream;
  /** Tenant A and tenant B: two gateway keys. */
  a: OpenAI;
  b: OpenAI;
}

const logs = logCollector();

function useRig(makeStore: () => Store | undefined, responses: Json | undefined, extra: Json = {}): Rig {
  const rig = {} as Rig;
  beforeAll(async () => {
    rig.claude = await startUpstream();
    rig.openai = await startUpstream();
    const store = makeStore();
    rig.gateway = createGateway({
      providers: {
        anthropic: { apiKey: 'sk-ant-test-store-0001', baseURL: `${rig.claude.origin}/v1` },
        openai: { apiKey: 'sk-test-store-0001', baseURL: rig.openai.baseURL },
      },
      gatewayKeys: [
        { key: KEY_A, name: 'tenant-a' },
        { key: KEY_B, name: 'tenant-b' },
      ],
      ...(store ? { store } : {}),
      ...(responses ? { responses } : {}),
      retry: { maxRetries: 0 },
      onLog: logs.sink,
      ...extra,
    });
    rig.host = await startHost('express', rig.gateway);
    rig.a = new OpenAI({ baseURL: rig.host.baseURL, apiKey: KEY_A, maxRetries: 0 });
    rig.b = new OpenAI({ baseURL: rig.host.baseURL, apiKey: KEY_B, maxRetries: 0 });
  });
  afterEach(() => {
    rig.claude.reset();
    rig.openai.reset();
    logs.records.length = 0;
  });
  afterAll(async () => {
    await rig.host?.close();
    await rig.gateway?.close();
    await rig.claude?.close();
    await rig.openai?.close();
  });
  return rig;
}

/** A status error from the SDK, or a failure when the call succeeded. */
async function failure(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await call;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

let redis: RedisServer | undefined;
beforeAll(async () => {
  if (hasRedis) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

let prefixes = 0;
const STORES: Array<[string, () => Store | undefined]> = [['memory', () => undefined]];
if (hasRedis)
  STORES.push(['redis', () => redisStore({ url: redis!.url, prefix: `rs${++prefixes}:`, ...PATIENT_REDIS })]);

describe.each(STORES)('a conversation kept in the %s store', (_name, makeStore) => {
  const rig = useRig(makeStore, { store: true });

  it('rebuilds a tool-call conversation with its signed thinking for each turn, and keeps it per tenant', async () => {
    // Turn 1 (JSON): Claude thinks and calls the tool.
    rig.claude.handle(claudeJson(THINKING_TOOL_CALL));
    const first = await rig.a.responses.create({
      model: 'anthropic/claude-sonnet-4-6',
      input: 'Check the sandbox for errors.',
      tools: TOOLS,
      reasoning: { effort: 'low' },
    });
    expect(first.id).toMatch(/^resp_/);
    expect(first.output.map((item) => item.type)).toEqual(['reasoning', 'function_call']);
    const call = first.output[1] as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call.call_id).toBe(TOOL_USE_ID);
    await logs.waitFor(1);

    // Turn 2 (stream): the tool's result, by previous_response_id.
    rig.claude.handle(claudeStream(THINKING_STREAM));
    const stream = rig.a.responses.stream({
      model: 'anthropic/claude-sonnet-4-6',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: 'No errors.' }],
      tools: TOOLS,
      reasoning: { effort: 'low' },
    });
    for await (const _event of stream) void _event;
    const second = await stream.finalResponse();
    expect(second.status).toBe('completed');
    expect(second.previous_response_id).toBe(first.id);
    const turn2 = rig.claude.requests[1];
    expect(turn2.body.previous_response_id).toBeUndefined();
    expect(blocks(turn2)).toEqual([
      ['user', [['text', 'Check the sandbox for errors.']]],
      [
        'assistant',
        [
          ['thinking', SIGNATURE],
          ['tool_use', TOOL_USE_ID, 'checkSandboxErrors'],
        ],
      ],
      ['user', [['tool_result', TOOL_USE_ID]]],
    ]);
    await logs.waitFor(2);

    // Turn 3 (JSON): the whole conversation, turn 2's streamed thinking and text included.
    rig.claude.handle(claudeText('Glad to help.'));
    const third = await rig.a.responses.create({
      model: 'anthropic/claude-sonnet-4-6',
      previous_response_id: second.id,
      input: 'Thanks!',
      tools: TOOLS,
    });
    expect(third.output_text).toBe('Glad to help.');
    expect(third.previous_response_id).toBe(second.id);
    // The log keeps what the client sent, not the rebuilt conversation.
    const thirdRecord = (await logs.waitFor(3))[2];
    expect(thirdRecord.input).toBe('Thanks!');
    expect(thirdRecord.params).toMatchObject({ previous_response_id: second.id });
    expect(rig.claude.requests.map((request) => request.body.previous_response_id)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    const turn3 = blocks(rig.claude.requests[2]);
    expect(turn3).toEqual([
      ...blocks(turn2),
      [
        'assistant',
        [
          ['thinking', STREAM_SIGNATURE],
          ['text', second.output_text],
        ],
      ],
      ['user', [['text', 'Thanks!']]],
    ]);
    expect(second.output_text).toBe('925 ÷ 5 = 185');

    // Turn 4 on OpenAI, natively: the whole conversation but Claude's signed reasoning, which OpenAI cannot read.
    rig.openai.handle((_request, response) => json(response, 200, NATIVE_RESPONSE));
    const fourth = await rig.a.responses.create({
      model: 'openai/gpt-5.1',
      previous_response_id: third.id,
      input: 'And now?',
    });
    expect(fourth.id).toBe(NATIVE_RESPONSE.id);
    const native = rig.openai.requests[0].body;
    assertValidOpenAIRequest('responses', native);
    expect(native.previous_response_id).toBeUndefined();
    expect(native.input.map((item: Json) => item.type)).toEqual([
      'message',
      'function_call',
      'function_call_output',
      'message',
      'message',
      'message',
      'message',
    ]);
    expect(native.input[1]).toMatchObject({ call_id: TOOL_USE_ID, name: 'checkSandboxErrors', arguments: '{}' });
    expect(native.input.at(-1)).toEqual({ type: 'message', role: 'user', content: 'And now?' });

    // What the store answers, to its tenant.
    const retrieved = await rig.a.responses.retrieve(second.id);
    expect(retrieved).toMatchObject({
      id: second.id,
      status: 'completed',
      store: true,
      previous_response_id: first.id,
      usage: second.usage,
    });
    expect(retrieved.output.map((item) => [item.type, item.id])).toEqual(
      second.output.map((item) => [item.type, item.id]),
    );
    const items = await rig.a.responses.inputItems.list(second.id);
    expect(items.data).toEqual([
      expect.objectContaining({ type: 'function_call_output', call_id: TOOL_USE_ID, output: 'No errors.' }),
    ]);
    expect(items.data[0].id).toMatch(/^fco_/);
    const firstItems = await rig.a.responses.inputItems.list(first.id);
    expect(firstItems.data).toMatchObject([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Check the sandbox for errors.' }] },
    ]);

    // Another tenant: as if the ids did not exist.
    for (const attempt of [
      () => rig.b.responses.retrieve(second.id),
      () => rig.b.responses.delete(second.id),
      () => rig.b.responses.inputItems.list(second.id),
      () => rig.b.responses.cancel(second.id),
    ]) {
      const error = await failure(attempt());
      expect(error.status).toBe(404);
      expect(error.message).toContain(`Response with id '${second.id}' not found.`);
    }
    const stranger = await failure(
      rig.b.responses.create({ model: 'anthropic/claude-sonnet-4-6', previous_response_id: second.id, input: 'Hi' }),
    );
    expect(stranger.status).toBe(400);
    expect(stranger.code).toBe('previous_response_not_found');
    expect(rig.claude.requests).toHaveLength(3);
    expect((await rig.a.responses.retrieve(second.id)).id).toBe(second.id);

    // Deleted by its tenant: gone, and its continuation with it.
    expect(await rig.a.responses.delete(second.id)).toEqual({
      id: second.id,
      object: 'response.deleted',
      deleted: true,
    });
    expect((await failure(rig.a.responses.retrieve(second.id))).status).toBe(404);
    const broken = await failure(
      rig.a.responses.create({ model: 'anthropic/claude-sonnet-4-6', previous_response_id: third.id, input: 'More' }),
    );
    expect(broken.status).toBe(400);
    expect(broken.message).toContain(`response ${second.id}, earlier in it, has expired or was deleted`);
    expect(rig.claude.requests).toHaveLength(3);
    // One record per request: 4 turns, 3 reads, 4 of tenant B and its continuation, 4 after.
    expect(await logs.settle(16)).toHaveLength(16);
  });

  it('answers each /responses/{id} request with one log record', async () => {
    rig.claude.handle(claudeText('Hello.'));
    const made = await rig.a.responses.create({ model: 'anthropic/claude-sonnet-4-6', input: 'Hi' });
    await logs.waitFor(1);
    await rig.a.responses.retrieve(made.id);
    await rig.a.responses.inputItems.list(made.id);
    await failure(rig.b.responses.retrieve(made.id));
    const records = await logs.settle(4);
    expect(records.map((record) => [record.endpoint, record.method, record.status_code, record.gateway_key])).toEqual([
      ['responses', 'POST', 200, 'tenant-a'],
      ['responses', 'GET', 200, 'tenant-a'],
      ['responses', 'GET', 200, 'tenant-a'],
      ['responses', 'GET', 404, 'tenant-b'],
    ]);
  });
});

describe.skipIf(!hasRedis)('two gateway instances sharing one Redis', () => {
  const instances: Array<{ gateway: Gateway; host: Host; client: OpenAI }> = [];
  let claude: Upstream;
  beforeAll(async () => {
    claude = await startUpstream();
    for (let i = 0; i < 2; i++) {
      const gateway = createGateway({
        providers: { anthropic: { apiKey: 'sk-ant-test-store-0002', baseURL: `${claude.origin}/v1` } },
        gatewayKeys: [{ key: KEY_A, name: 'tenant-a' }],
        store: redisStore({ url: redis!.url, prefix: 'shared-instances:', ...PATIENT_REDIS }),
        responses: { store: true },
        retry: { maxRetries: 0 },
        onLog: logs.sink,
      });
      const host = await startHost('express', gateway);
      instances.push({ gateway, host, client: new OpenAI({ baseURL: host.baseURL, apiKey: KEY_A, maxRetries: 0 }) });
    }
  });
  afterAll(async () => {
    for (const { host, gateway } of instances) {
      await host.close();
      await gateway.close();
    }
    await claude?.close();
  });

  it('continues on one instance a conversation that began on the other', async () => {
    const [first, second] = instances;
    claude.handle(claudeJson(THINKING_TOOL_CALL));
    const made = await first.client.responses.create({
      model: 'anthropic/claude-sonnet-4-6',
      input: 'Check the sandbox for errors.',
      tools: TOOLS,
    });
    // No wait for the first instance's log record: the save reached Redis before the answer left.
    claude.handle(claudeText('All clear.'));
    const next = await second.client.responses.create({
      model: 'anthropic/claude-sonnet-4-6',
      previous_response_id: made.id,
      input: [{ type: 'function_call_output', call_id: TOOL_USE_ID, output: 'No errors.' }],
      tools: TOOLS,
    });
    expect(next.output_text).toBe('All clear.');
    expect(blocks(claude.requests[1])).toEqual([
      ['user', [['text', 'Check the sandbox for errors.']]],
      [
        'assistant',
        [
          ['thinking', SIGNATURE],
          ['tool_use', TOOL_USE_ID, 'checkSandboxErrors'],
        ],
      ],
      ['user', [['tool_result', TOOL_USE_ID]]],
    ]);
    expect((await first.client.responses.retrieve(next.id)).previous_response_id).toBe(made.id);
    await logs.settle(3);
  });
});

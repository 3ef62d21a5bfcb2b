/**
 * Where `previous_response_id` and the `/responses/{id}` routes go, through the openai SDK and a
 * real Express host: OpenAI's own ids pass through to OpenAI unchanged (store on or off); a
 * provider that keeps no state refuses an id the gateway cannot rebuild, saying how to turn the
 * store on; a stored conversation goes back to the deployment that served it; stored responses
 * expire after their TTL; ids the store does not hold pass through to `passthrough.provider`.
 */
import type { ServerResponse } from 'node:http';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, memoryStore, type Gateway, type GatewayOptions } from '../src/index.js';
import { fixtureChunks } from './helpers/fixtures.js';
import { startHost, type Host } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { assertValidOpenAIRequest } from './helpers/spec.js';
import { json, startUpstream, type ReceivedRequest, type Upstream } from './helpers/upstream.js';

type Json = Record<string, any>;

/** A recorded OpenAI Responses answer: what a native upstream answers. */
const NATIVE_RESPONSE = fixtureChunks<Json>('openai-responses/azure-text.chunks.jsonl').at(-1)!.response as Json;

const claudeText = (text: string) => (_request: ReceivedRequest, response: ServerResponse) =>
  json(response, 200, {
    id: 'msg_text_0001',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-6',
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: 3 },
  });
const overloaded = (_request: ReceivedRequest, response: ServerResponse) =>
  json(response, 529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });

interface Rig {
  gateway: Gateway;
  host: Host;
  claude: Upstream;
  claudeEu: Upstream;
  openai: Upstream;
  client: OpenAI;
}

const logs = logCollector();

function useRig(options: (upstreams: Pick<Rig, 'claude' | 'claudeEu' | 'openai'>) => Partial<GatewayOptions>): Rig {
  const rig = {} as Rig;
  beforeAll(async () => {
    rig.claude = await startUpstream();
    rig.claudeEu = await startUpstream();
    rig.openai = await startUpstream((_request, response) => json(response, 200, NATIVE_RESPONSE));
    rig.gateway = createGateway({
      providers: {
        anthropic: { apiKey: 'sk-ant-test-routing-01', baseURL: `${rig.claude.origin}/v1` },
        'anthropic-eu': { kind: 'anthropic', apiKey: 'sk-ant-test-routing-02', baseURL: `${rig.claudeEu.origin}/v1` },
        openai: { apiKey: 'sk-test-routing-0001', baseURL: rig.openai.baseURL },
      },
      retry: { maxRetries: 0 },
      health: false,
      onLog: logs.sink,
      ...options(rig),
    });
    rig.host = await startHost('express', rig.gateway);
    rig.client = new OpenAI({ baseURL: rig.host.baseURL, apiKey: 'client-key-unused', maxRetries: 0 });
  });
  afterEach(() => {
    for (const request of rig.openai.requests)
      if (request.method === 'POST') assertValidOpenAIRequest('responses', request.body);
    for (const upstream of [rig.claude, rig.claudeEu, rig.openai]) upstream.reset();
    logs.records.length = 0;
  });
  afterAll(async () => {
    await rig.host?.close();
    await rig.gateway?.close();
    await Promise.all([rig.claude?.close(), rig.claudeEu?.close(), rig.openai?.close()]);
  });
  return rig;
}

async function failure(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await call;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** Gateway parameters are not in the SDK's types; the SDK sends them as given. */
const withGatewayParams = (params: Record<string, unknown>) => params as object;

describe('without a response store', () => {
  const rig = useRig(() => ({}));

  it('refuses previous_response_id on a provider that keeps no state, saying how to turn the store on', async () => {
    const error = await failure(
      rig.client.responses.create({
        model: 'anthropic/claude-sonnet-4-6',
        previous_response_id: 'resp_abc123',
        input: 'Go on',
      }),
    );
    expect(error.status).toBe(400);
    expect(error.code).toBe('previous_response_not_found');
    expect(error.param).toBe('previous_response_id');
    expect(error.message).toContain('`responses: { store: true }`');
    expect(rig.claude.requests).toHaveLength(0);
  });

  it('passes previous_response_id to OpenAI unchanged, also as the fallback of a provider that keeps no state', async () => {
    const answer = await rig.client.responses.create({
      model: 'anthropic/claude-sonnet-4-6',
      previous_response_id: 'resp_openai_0001',
      input: 'Go on',
      ...withGatewayParams({ fallback_models: ['openai/gpt-5.1'] }),
    });
    expect(answer.id).toBe(NATIVE_RESPONSE.id);
    expect(rig.claude.requests).toHaveLength(0);
    expect(rig.openai.requests[0].body).toEqual({
      model: 'gpt-5.1',
      previous_response_id: 'resp_openai_0001',
      input: 'Go on',
    });
    const [record] = await logs.settle(1);
    expect(record.attempts.map((attempt) => [attempt.provider, attempt.error_code ?? null])).toEqual([
      ['anthropic', 'previous_response_not_found'],
      ['openai', null],
    ]);
  });

  it('refuses a previous_response_id that is not an id, naming it', async () => {
    const error = await failure(
      rig.client.responses.create({
        model: 'openai/gpt-5.1',
        input: 'Go on',
        ...withGatewayParams({ previous_response_id: 42 }),
      }),
    );
    expect(error.status).toBe(400);
    expect(error.param).toBe('previous_response_id');
    expect(rig.openai.requests).toHaveLength(0);
  });

  it('leaves GET /responses/{id} to the pass-through as before (a 404 without it)', async () => {
    const error = await failure(rig.client.responses.retrieve('resp_abc123'));
    expect(error.status).toBe(404);
    expect(error.code).toBe('unknown_url');
  });
});

describe('with a response store', () => {
  let clock = Date.now();
  const rig = useRig(() => ({
    store: memoryStore({ now: () => clock }),
    responses: { store: { ttlSeconds: 60 } },
    passthrough: { provider: 'openai' },
  }));

  it('passes an id it does not hold to OpenAI unchanged, and stores nothing of OpenAI', async () => {
    const answer = await rig.client.responses.create({
      model: 'openai/gpt-5.1',
      previous_response_id: 'resp_openai_0002',
      input: 'Go on',
    });
    expect(answer.id).toBe(NATIVE_RESPONSE.id);
    expect(rig.openai.requests[0].body).toEqual({
      model: 'gpt-5.1',
      previous_response_id: 'resp_openai_0002',
      input: 'Go on',
    });
    await logs.settle(1);
    // Not the gateway's: GET passes through to OpenAI, whose id it is.
    rig.openai.handle((_request, response) => json(response, 200, NATIVE_RESPONSE));
    await rig.client.responses.retrieve(answer.id);
    expect(rig.openai.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST /v1/responses',
      `GET /v1/responses/${answer.id}`,
    ]);
    expect(rig.openai.requests[1].headers.authorization).toBe('Bearer sk-test-routing-0001');
  });

  it('refuses an id it does not hold on a provider that keeps no state, without suggesting to turn the store on', async () => {
    const error = await failure(
      rig.client.responses.create({
        model: 'anthropic/claude-sonnet-4-6',
        previous_response_id: 'resp_x',
        input: 'Hi',
      }),
    );
    expect(error.status).toBe(400);
    expect(error.code).toBe('previous_response_not_found');
    expect(error.message).toContain("is not in the gateway's response store for this caller");
    expect(error.message).not.toContain('store: true');
  });

  it('sends a stored conversation back to the deployment that served it, and on to OpenAI without the id', async () => {
    // Turn 1: Anthropic is overloaded, its fallback anthropic-eu answers.
    rig.claude.handle(overloaded);
    rig.claudeEu.handle(claudeText('Bonjour.'));
    const chain = withGatewayParams({ fallback_models: ['anthropic-eu/claude-sonnet-4-6', 'openai/gpt-5.1'] });
    const first = await rig.client.responses.create({ model: 'anthropic/claude-sonnet-4-6', input: 'Hello', ...chain });
    expect(first.output_text).toBe('Bonjour.');
    await logs.waitFor(1);
    // Turn 2, same chain: anthropic-eu first.
    rig.claudeEu.handle(claudeText('Encore.'));
    const second = await rig.client.responses.create({
      model: 'anthropic/claude-sonnet-4-6',
      previous_response_id: first.id,
      input: 'Again',
      ...chain,
    });
    expect(second.output_text).toBe('Encore.');
    expect(rig.claude.requests).toHaveLength(1);
    expect(rig.claudeEu.requests).toHaveLength(2);
    expect(rig.claudeEu.requests[1].body.messages.map((message: Json) => message.role)).toEqual([
      'user',
      'assistant',
      'user',
    ]);
    await logs.waitFor(2);
    // Turn 3: anthropic-eu fails too; OpenAI gets the whole conversation, not the gateway's id.
    rig.claudeEu.handle(overloaded);
    await rig.client.responses.create({
      model: 'anthropic/claude-sonnet-4-6',
      previous_response_id: second.id,
      input: 'Once more',
      ...chain,
    });
    const sent = rig.openai.requests[0].body;
    expect(sent.previous_response_id).toBeUndefined();
    expect(
      sent.input.map((item: Json) => [item.type, item.role ?? null, item.content?.[0]?.text ?? item.content]),
    ).toEqual([
      ['message', 'user', 'Hello'],
      ['message', 'assistant', 'Bonjour.'],
      ['message', 'user', 'Again'],
      ['message', 'assistant', 'Encore.'],
      ['message', 'user', 'Once more'],
    ]);
    const records = await logs.settle(3);
    expect(records[2].attempts.map((attempt) => attempt.provider)).toEqual(['anthropic-eu', 'anthropic', 'openai']);
  });

  it('forgets a stored response after its TTL', async () => {
    rig.claude.handle(claudeText('Hi.'));
    const made = await rig.client.responses.create({ model: 'anthropic/claude-sonnet-4-6', input: 'Hi' });
    await logs.waitFor(1);
    expect(((await rig.client.responses.retrieve(made.id)) as Json).store).toBe(true);
    clock += 59_000;
    expect((await rig.client.responses.retrieve(made.id)).id).toBe(made.id);
    clock += 2_000;
    // Expired: not the gateway's any more, so it passes through to OpenAI, which does not know it either.
    rig.openai.handle((_request, response) =>
      json(response, 404, {
        error: {
          message: `Response with id '${made.id}' not found.`,
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      }),
    );
    expect((await failure(rig.client.responses.retrieve(made.id))).status).toBe(404);
    const error = await failure(
      rig.client.responses.create({ model: 'anthropic/claude-sonnet-4-6', previous_response_id: made.id, input: 'Hi' }),
    );
    expect(error.code).toBe('previous_response_not_found');
  });

  it('does not store a response sent with store: false, and answers OpenAI-shaped for the rest', async () => {
    rig.claude.handle(claudeText('Hi.'));
    const unstored = await rig.client.responses.create({
      model: 'anthropic/claude-sonnet-4-6',
      input: 'Hi',
      store: false,
    });
    const stored = await rig.client.responses.create({ model: 'anthropic/claude-sonnet-4-6', input: 'Hi' });
    // The live answers say whether the gateway keeps them, as its retrieve does.
    expect([(unstored as Json).store, (stored as Json).store]).toEqual([false, true]);
    await logs.waitFor(2);
    rig.openai.handle((_request, response) =>
      json(response, 404, { error: { message: 'not found', type: 'invalid_request_error', param: null, code: null } }),
    );
    expect((await failure(rig.client.responses.retrieve(unstored.id))).status).toBe(404);
    expect(rig.openai.requests.map((request) => request.url)).toEqual([`/v1/responses/${unstored.id}`]);

    const cancel = await failure(rig.client.responses.cancel(stored.id));
    expect(cancel.status).toBe(400);
    expect(cancel.code).toBe('response_not_cancellable');
    // Replayed as a stream: created, the output item added and done, completed with the whole response.
    const events: Json[] = [];
    for await (const event of await rig.client.responses.retrieve(stored.id, { stream: true })) events.push(event);
    expect(events.map((event) => [event.type, event.sequence_number])).toEqual([
      ['response.created', 0],
      ['response.output_item.added', 1],
      ['response.output_item.done', 2],
      ['response.completed', 3],
    ]);
    expect(events[3].response).toMatchObject({ id: stored.id, store: true, output: stored.output });
    const page = await rig.client.responses.inputItems.list(stored.id, { limit: 1, order: 'asc' });
    expect(page.data).toHaveLength(1);
    expect(page.has_more).toBe(false);
    const badLimit = await failure(rig.client.responses.inputItems.list(stored.id, { limit: 0 }));
    expect(badLimit.status).toBe(400);
    expect(badLimit.param).toBe('limit');
  });
});

describe('tenants by host principal, and a failing store', () => {
  let storeDown = false;
  const base = memoryStore();
  const flaky = {
    ...base,
    getDocuments: (keys: readonly string[]) =>
      storeDown ? Promise.reject(new Error('connection reset')) : base.getDocuments(keys),
  };
  const errors: unknown[] = [];
  const rig = useRig(() => ({
    store: flaky,
    responses: { store: true },
    // The host's own auth: the caller's user id as the principal, no gateway key.
    authorize: ({ headers }) => ({ principal: String(headers['x-user'] ?? 'nobody') }),
    onError: (error) => errors.push(error),
  }));
  const as = (user: string) => ({ headers: { 'x-user': user } });

  it("keeps one principal's responses from another under the same (absent) key", async () => {
    rig.claude.handle(claudeText('Hi.'));
    const made = await rig.client.responses.create({ model: 'anthropic/claude-sonnet-4-6', input: 'Hi' }, as('u1'));
    await logs.waitFor(1);
    expect((await rig.client.responses.retrieve(made.id, {}, as('u1'))).id).toBe(made.id);
    const other = await failure(rig.client.responses.retrieve(made.id, {}, as('u2')));
    expect(other.status).toBe(404);
    const [record] = (await logs.settle(3)).slice(2);
    expect(record.principal).toBe('u2');
  });

  it('answers 503 store_unavailable when the store fails, for a read and for a continuation', async () => {
    rig.claude.handle(claudeText('Hi.'));
    const made = await rig.client.responses.create({ model: 'anthropic/claude-sonnet-4-6', input: 'Hi' }, as('u1'));
    await logs.waitFor(1);
    storeDown = true;
    try {
      const read = await failure(rig.client.responses.retrieve(made.id, {}, as('u1')));
      expect(read.status).toBe(503);
      expect(read.code).toBe('store_unavailable');
      const continued = await failure(
        rig.client.responses.create(
          { model: 'anthropic/claude-sonnet-4-6', previous_response_id: made.id, input: 'More' },
          as('u1'),
        ),
      );
      expect(continued.status).toBe(503);
      expect(rig.claude.requests).toHaveLength(1);
      const records = await logs.settle(3);
      expect(records[2].store_errors).toEqual([expect.stringContaining('responses (closed)')]);
    } finally {
      storeDown = false;
    }
    expect(errors).toEqual([]);
  });
});

/**
 * Cost end to end: the official openai SDK against the gateway in an Express app, loopback upstreams
 * replaying recorded responses; the cost lands in the log record and in request_breakdown.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PRICE_CATALOGUE } from '../../src/index.js';
import { fixtureChunks, fixtureJson } from '../helpers/fixtures.js';
import { logCollector } from '../helpers/logs.js';
import { useSdkRig } from '../helpers/sdk-rig.js';
import { json, sse } from '../helpers/upstream.js';

const TEXT_RESPONSE = fixtureJson('openai-chat/openai-text.json');
const TEXT_CHUNKS = fixtureChunks('openai-chat/openai-text.chunks.jsonl');
const XAI_CHUNKS = fixtureChunks('openai-chat/xai-tool-call.chunks.jsonl');
const EMBEDDING = fixtureJson('openai-embeddings/openai-embedding.json');
const CATALOGUE = `${PRICE_CATALOGUE.name}@${PRICE_CATALOGUE.version}`;
const withParams = (params: Record<string, unknown>) => params as object;

const logs = logCollector();

const rig = useSdkRig(['upstream'], ({ upstream }) => ({
  providers: {
    openai: { apiKey: 'sk-test-upstream-key-0002', baseURL: upstream.baseURL },
    xai: { apiKey: 'xai-test-key-0002', baseURL: upstream.baseURL },
    local: { kind: 'openai-compatible', baseURL: upstream.baseURL },
    office: { kind: 'openai-compatible', baseURL: upstream.baseURL },
  },
  pricing: { 'office/*': { input: 1, output: 2 } },
  onLog: logs.sink,
}));

afterEach(() => {
  rig.upstream.reset();
  logs.records.length = 0;
});

const replay = (chunks: any[]) =>
  rig.upstream.handle((request, response) => {
    if (!request.body.stream) return json(response, 200, TEXT_RESPONSE);
    return sse(response, request.body.stream_options?.include_usage ? chunks : chunks.filter((chunk) => !chunk.usage));
  });

describe('cost in the log record and request_breakdown', () => {
  it('prices a non-streaming response and shows it in request_breakdown', async () => {
    replay(TEXT_CHUNKS);
    const body: any = await rig.client.chat.completions.create({
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user', content: 'Invent a holiday' }],
      ...withParams({ request_breakdown: true }),
    });
    const expected = {
      cost_usd: 0.0001468, // 16 in × $0.10 + 363 out × $0.40 per million
      cost: {
        input_usd: 0.0000016,
        cache_read_usd: 0,
        cache_write_usd: 0,
        output_usd: 0.0001452,
        reasoning_usd: 0,
        source: CATALOGUE,
        price_id: 'openai/gpt-4.1-nano',
        long_context_tier: null,
      },
      cost_unavailable_reason: null,
    };
    expect(body.request_breakdown).toMatchObject(expected);
    const [record] = await logs.settle(1);
    expect(record).toMatchObject(expected);
  });

  it('prices a stream and puts the cost in its final request_breakdown chunk', async () => {
    replay(TEXT_CHUNKS);
    const stream = await rig.client.chat.completions.create({
      model: 'gpt-4.1-nano',
      stream: true,
      messages: [{ role: 'user', content: 'Invent a holiday' }],
      ...withParams({ request_breakdown: true }),
    });
    const chunks: any[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1);
    expect(last.choices).toEqual([]);
    expect(last.request_breakdown).toMatchObject({
      cost_usd: 0.0001216,
      cost: { output_usd: 0.00012, price_id: 'openai/gpt-4.1-nano' },
    }); // 16 × 0.10 + 300 × 0.40
    const [record] = await logs.settle(1);
    expect(record.cost_usd).toBe(0.0001216);
  });

  it('prices xAI reasoning on top of completion tokens, as xAI bills it', async () => {
    replay(XAI_CHUNKS);
    const stream = await rig.client.chat.completions.create({
      model: 'grok-3-mini',
      stream: true,
      messages: [{ role: 'user', content: 'Weather?' }],
    });
    for await (const _chunk of stream) void _chunk;
    const [record] = await logs.settle(1);
    const billed = XAI_CHUNKS.find((chunk) => chunk.usage).usage.cost_in_usd_ticks / 1e10;
    expect(record).toMatchObject({
      provider: 'xai',
      cost_usd: billed,
      cost: { price_id: 'x-ai/grok-3-mini' },
      usage: { reasoning_tokens: 196 },
    });
  });

  it('prices embeddings by their input tokens', async () => {
    rig.upstream.handle((_request, response) => json(response, 200, EMBEDDING));
    await rig.client.embeddings.create({ model: 'text-embedding-3-small', input: 'The food was delicious' });
    const [record] = await logs.settle(1);
    // 12 in × $0.02 per million
    expect(record).toMatchObject({
      endpoint: 'embeddings',
      cost_usd: 0.00000024,
      cost: { input_usd: 0.00000024, price_id: 'openai/text-embedding-3-small' },
    });
  });

  it('uses options.pricing before the catalogue', async () => {
    replay(TEXT_CHUNKS);
    await rig.client.chat.completions.create({
      model: 'office/llama-3.3-70b',
      messages: [{ role: 'user', content: 'x' }],
    });
    const [record] = await logs.settle(1);
    // 16 in × $1 + 363 out × $2 per million
    expect(record).toMatchObject({
      cost_usd: 0.000742,
      cost: { source: 'options.pricing', price_id: 'office/*' },
      cost_unavailable_reason: null,
    });
  });

  it('leaves cost null and says why when no price is known', async () => {
    replay(TEXT_CHUNKS);
    await rig.client.chat.completions.create({
      model: 'local/llama-3.3-70b',
      messages: [{ role: 'user', content: 'x' }],
    });
    await rig.client.chat.completions.create({
      model: 'openai/gpt-unreleased-99',
      messages: [{ role: 'user', content: 'x' }],
    });
    const [local, unknown] = await logs.settle(2);
    expect(local).toMatchObject({ usage: { total_tokens: 379 }, cost_usd: null, cost: null });
    expect(local.cost_unavailable_reason).toBe(
      'the price catalogue does not cover provider kind `openai-compatible`; set a price in options.pricing',
    );
    expect(unknown).toMatchObject({ cost_usd: null, cost: null });
    expect(unknown.cost_unavailable_reason).toBe(
      `${CATALOGUE} has no price for \`gpt-unreleased-99\` at openai; set one in options.pricing`,
    );
  });

  it('leaves cost null when the provider reported no usage', async () => {
    rig.upstream.handle((_request, response) =>
      sse(
        response,
        TEXT_CHUNKS.filter((chunk) => !chunk.usage),
      ),
    );
    const stream = await rig.client.chat.completions.create({
      model: 'gpt-4.1-nano',
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    });
    for await (const _chunk of stream) void _chunk;
    const [record] = await logs.settle(1);
    expect(record).toMatchObject({
      usage: null,
      cost_usd: null,
      cost: null,
      cost_unavailable_reason: 'provider `openai` reported no token usage for this request',
    });
  });
});

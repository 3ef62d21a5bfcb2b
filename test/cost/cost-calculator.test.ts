/** options.pricing over the catalogue, per-bucket arithmetic, long-context tiers and the resolution cache. */
import { describe, expect, it, vi } from 'vitest';
import { createGateway, GatewayConfigError } from '../../src/index.js';
import { CostCalculator } from '../../src/cost/cost-calculator.js';
import { computeCost } from '../../src/cost/compute-cost.js';
import type { NormalizedUsage } from '../../src/usage.js';

vi.mock('../../src/cost/catalogue-prices.js', { spy: true });
const catalogue = await import('../../src/cost/catalogue-prices.js');

const OPENAI = { id: 'openai', kind: 'openai' };
const usage = (partial: Partial<NormalizedUsage>): NormalizedUsage => ({
  inputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  ...partial,
});

describe('computeCost', () => {
  it('charges each bucket at its own price per million tokens', () => {
    const cost = computeCost(
      usage({
        inputTokens: 1_000_000,
        cacheReadTokens: 2_000_000,
        cacheWriteTokens: 1_000_000,
        outputTokens: 500_000,
        reasoningTokens: 250_000,
      }),
      {
        input: 3,
        cacheRead: 0.3,
        cacheWrite: 3.75,
        output: 15,
        reasoning: 20,
      },
    );
    expect(cost).toEqual({
      total_usd: 3 + 0.6 + 3.75 + 7.5 + 5,
      breakdown: { input_usd: 3, cache_read_usd: 0.6, cache_write_usd: 3.75, output_usd: 7.5, reasoning_usd: 5 },
      tier: null,
    });
  });

  it('switches every bucket to the long-context price once the whole prompt (cache included) exceeds the threshold', () => {
    const tiered = (base: number, price: number) => ({ base, tiers: [{ start: 200_000, price }] });
    const prices = {
      input: tiered(3, 6),
      cacheRead: tiered(0.3, 0.6),
      cacheWrite: tiered(3.75, 7.5),
      output: tiered(15, 22.5),
      reasoning: tiered(15, 22.5),
    };
    // 150k uncached + 50k cache read = 200k: not above the threshold.
    const at = computeCost(usage({ inputTokens: 150_000, cacheReadTokens: 50_000, outputTokens: 1000 }), prices);
    expect(at.tier).toBeNull();
    expect(at.total_usd).toBe(0.48); // 150k × 3 + 50k × 0.3 + 1000 × 15, per million
    // One more cached token crosses it, and output is billed at the long-context rate too.
    const above = computeCost(usage({ inputTokens: 150_000, cacheReadTokens: 50_001, outputTokens: 1000 }), prices);
    expect(above.tier).toBe(200_000);
    expect(above.breakdown).toEqual({
      input_usd: 0.9,
      cache_read_usd: 0.0300006,
      cache_write_usd: 0,
      output_usd: 0.0225,
      reasoning_usd: 0,
    });
  });

  it('rounds away floating-point noise', () => {
    // 16 × 0.1 / 1e6 is 1.6000000000000001e-6 in plain floating point.
    expect(
      computeCost(usage({ inputTokens: 16 }), {
        input: 0.1,
        cacheRead: 0.1,
        cacheWrite: 0.1,
        output: 0.4,
        reasoning: 0.4,
      }).total_usd,
    ).toBe(0.0000016);
  });
});

describe('CostCalculator', () => {
  it('prefers options.pricing: provider/model, then model, then provider/*, then the catalogue', () => {
    const costs = new CostCalculator({
      'openai/gpt-4o': { input: 1, output: 2 },
      'gpt-4o': { input: 10, output: 20 },
      'gpt-4o-mini': { input: 5, output: 5 },
      'local/*': { input: 0, output: 0 },
    });
    const million = usage({ inputTokens: 1_000_000, outputTokens: 1_000_000 });
    expect(costs.cost(OPENAI, 'gpt-4o', million)).toMatchObject({
      cost_usd: 3,
      details: { source: 'options.pricing', price_id: 'openai/gpt-4o' },
    });
    expect(costs.cost({ id: 'azure', kind: 'azure' }, 'gpt-4o', million)).toMatchObject({
      cost_usd: 30,
      details: { price_id: 'gpt-4o' },
    });
    expect(costs.cost({ id: 'local', kind: 'ollama' }, 'llama3.2', million)).toMatchObject({
      cost_usd: 0,
      details: { price_id: 'local/*' },
    });
    expect(costs.cost(OPENAI, 'gpt-4.1', million)).toMatchObject({
      cost_usd: 2 + 8,
      details: { source: '@pydantic/genai-prices@0.1.8', price_id: 'openai/gpt-4.1' },
    });
  });

  it('bills cache reads and writes at the input price and reasoning at the output price when an override leaves them out', () => {
    const costs = new CostCalculator({ 'my-model': { input: 2, output: 8 } });
    const outcome = costs.cost(
      OPENAI,
      'my-model',
      usage({ inputTokens: 1e6, cacheReadTokens: 1e6, cacheWriteTokens: 1e6, outputTokens: 1e6, reasoningTokens: 1e6 }),
    );
    expect(outcome).toMatchObject({
      cost_usd: 2 * 3 + 8 * 2,
      details: { cache_read_usd: 2, cache_write_usd: 2, reasoning_usd: 8 },
    });
    const explicit = new CostCalculator({
      'my-model': { input: 2, output: 8, cacheRead: 0.2, cacheWrite: 2.5, reasoning: 10 },
    });
    expect(
      explicit.cost(OPENAI, 'my-model', usage({ cacheReadTokens: 1e6, cacheWriteTokens: 1e6, reasoningTokens: 1e6 }))
        .cost_usd,
    ).toBe(0.2 + 2.5 + 10);
  });

  it('returns null with the reason when no price is known', () => {
    const costs = new CostCalculator();
    expect(costs.cost({ id: 'local', kind: 'ollama' }, 'llama3.2', usage({ inputTokens: 10 }))).toEqual({
      cost_usd: null,
      reason: 'the price catalogue does not cover provider kind `ollama`; set a price in options.pricing',
    });
    expect(costs.cost(OPENAI, 'gpt-unreleased-99', usage({ inputTokens: 10 }))).toMatchObject({
      cost_usd: null,
      reason: expect.stringContaining('no price for `gpt-unreleased-99`'),
    });
  });

  it('resolves a provider/model once, then answers from its cache', () => {
    const costs = new CostCalculator();
    const find = vi.mocked(catalogue.findCataloguePrice);
    find.mockClear();
    for (let i = 0; i < 100; i++) costs.cost(OPENAI, 'gpt-4o-mini', usage({ inputTokens: i }));
    costs.cost(OPENAI, 'gpt-unknown-1', usage({ inputTokens: 1 }));
    costs.cost(OPENAI, 'gpt-unknown-1', usage({ inputTokens: 1 }));
    expect(find).toHaveBeenCalledTimes(2);
  });

  it('keeps its cache bounded when clients send endless model names', () => {
    const costs = new CostCalculator();
    const find = vi.mocked(catalogue.findCataloguePrice);
    const resolved = (costs as unknown as { resolved: Map<string, unknown> }).resolved;
    for (let i = 0; i < 5000; i++) costs.cost({ id: 'groq', kind: 'groq' }, `made-up-${i}`, usage({ inputTokens: 1 }));
    expect(resolved.size).toBe(2048);
    find.mockClear();
    costs.cost({ id: 'groq', kind: 'groq' }, 'made-up-0', usage({ inputTokens: 1 })); // evicted long ago: looked up again
    costs.cost({ id: 'groq', kind: 'groq' }, 'made-up-4999', usage({ inputTokens: 1 })); // recent: cached
    expect(find).toHaveBeenCalledTimes(1);
  });
});

describe('options.pricing validation', () => {
  const attempt = (pricing: unknown) => () =>
    createGateway({ providers: { openai: { apiKey: 'sk-test-0000' } }, pricing: pricing as never });

  it('accepts per-million prices for any of the key forms', () => {
    expect(
      attempt({
        'openai/gpt-4o': { input: 2.5, output: 10, cacheRead: 1.25 },
        'gpt-4o-mini': { input: 0.15, output: 0.6 },
        'local/*': { input: 0, output: 0 },
      }),
    ).not.toThrow();
  });

  it.each([
    [
      { 'gpt-4o': { input: -1, output: 10 } },
      'pricing.gpt-4o.input: must be a price in USD per million tokens, 0 or more',
    ],
    [{ 'gpt-4o': { input: 1 } }, 'pricing.gpt-4o.output: must be a price in USD per million tokens'],
    [{ 'gpt-4o': { input: '2.5', output: 10 } }, 'pricing.gpt-4o.input: must be a price in USD per million tokens'],
    [{ 'gpt-4o': { input: 1, output: 1, cache_read: 0.5 } }, 'pricing.gpt-4o: Unrecognized key: "cache_read"'],
    [
      { 'gpt 4o': { input: 1, output: 1 } },
      'pricing.gpt 4o: a pricing key is `provider/model`, `model` or `provider/*`, without spaces',
    ],
  ])('rejects %j with a message naming the path', (pricing, message) => {
    expect(attempt(pricing)).toThrow(GatewayConfigError);
    expect(attempt(pricing)).toThrow(message);
  });
});

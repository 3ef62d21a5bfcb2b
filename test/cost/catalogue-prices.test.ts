/**
 * The catalogue adapter: pinned version, coverage of model names as users write them, and the same
 * totals as genai-prices' own calculator for every model of every provider we map, at dates and
 * hours that cross its dated and time-of-day prices and its long-context tiers.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { calcPrice, findProvider, type MatchLogic, type ModelInfo } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { findCataloguePrice, PRICE_CATALOGUE } from '../../src/cost/catalogue-prices.js';
import { computeCost } from '../../src/cost/compute-cost.js';
import type { NormalizedUsage } from '../../src/usage.js';

const require = createRequire(import.meta.url);

describe('the price catalogue', () => {
  it('is the version the README and the log records name', () => {
    const entry = require.resolve('@pydantic/genai-prices');
    const packageJson = JSON.parse(readFileSync(entry.slice(0, entry.lastIndexOf('/dist/')) + '/package.json', 'utf8'));
    expect(packageJson.version).toBe(PRICE_CATALOGUE.version);
  });

  const NAMES: Array<[kind: string, model: string, id: string]> = [
    ['openai', 'gpt-4o', 'openai/gpt-4o'],
    ['openai', 'gpt-4o-2024-08-06', 'openai/gpt-4o'],
    ['openai', 'gpt-4o-mini-2024-07-18', 'openai/gpt-4o-mini'],
    ['openai', 'gpt-5-2025-08-07', 'openai/gpt-5'],
    ['openai', 'o4-mini', 'openai/o4-mini'],
    ['openai', 'text-embedding-3-small', 'openai/text-embedding-3-small'],
    ['azure', 'gpt-4o', 'azure/gpt-4o'],
    ['azure', 'gpt-5-mini', 'azure/gpt-5-mini'], // not in Azure's list: the catalogue falls back to OpenAI's price
    ['anthropic', 'claude-sonnet-4-5', 'anthropic/claude-sonnet-4-5'],
    ['anthropic', 'claude-sonnet-4-20250514', 'anthropic/claude-sonnet-4-0'],
    ['anthropic', 'claude-3-5-haiku-20241022', 'anthropic/claude-3-5-haiku-latest'],
    ['google', 'gemini-2.5-flash', 'google/gemini-2.5-flash'],
    ['google', 'gemini-2.0-flash-001', 'google/gemini-2.0-flash'],
    ['bedrock', 'anthropic.claude-3-5-sonnet-20240620-v1:0', 'aws/regional.anthropic.claude-3-5-sonnet-20240620-v1:0'],
    ['bedrock', 'us.anthropic.claude-sonnet-4-20250514-v1:0', 'aws/regional.anthropic.claude-sonnet-4-20250514-v1:0'],
    [
      'bedrock',
      'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'aws/global.anthropic.claude-sonnet-4-5-20250929-v1:0',
    ],
    ['bedrock', 'us.amazon.nova-micro-v1:0', 'aws/amazon.nova-micro-v1:0'],
    [
      'bedrock',
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0',
      'aws/regional.anthropic.claude-sonnet-4-20250514-v1:0',
    ],
    ['groq', 'llama-3.3-70b-versatile', 'groq/llama-3.3-70b-versatile'],
    ['groq', 'openai/gpt-oss-120b', 'groq/openai/gpt-oss-120b'],
    ['mistral', 'mistral-large-latest', 'mistral/mistral-large'],
    ['deepseek', 'deepseek-chat', 'deepseek/deepseek-chat'],
    ['xai', 'grok-4-0709', 'x-ai/grok-4-0709'],
  ];

  it.each(NAMES)('finds %s `%s`', (kind, model, id) => {
    const found = findCataloguePrice(kind, model);
    if (typeof found === 'string') throw new Error(found);
    expect(found.id).toBe(id);
  });

  it('says why when a model or a provider kind has no price', () => {
    expect(findCataloguePrice('openai', 'gpt-unreleased-99')).toBe(
      `${PRICE_CATALOGUE.name}@${PRICE_CATALOGUE.version} has no price for \`gpt-unreleased-99\` at openai; set one in options.pricing`,
    );
    expect(findCataloguePrice('ollama', 'llama3.2')).toMatch(/does not cover provider kind `ollama`/);
    expect(findCataloguePrice('openai-compatible', 'gpt-4o')).toMatch(
      /does not cover provider kind `openai-compatible`/,
    );
    // An application inference profile's id is opaque: no price rather than a guess.
    expect(
      findCataloguePrice('bedrock', 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5'),
    ).toMatch(/has no price/);
  });

  it('explains a model priced by something other than text tokens', () => {
    expect(findCataloguePrice('openai', 'whisper-1')).toMatch(
      /prices `openai\/whisper-1` by .*audio_hours.*not by text token/,
    );
  });
});

describe('agreement with genai-prices’ own calculator', () => {
  const PROVIDERS: Array<[kind: string, catalogueId: string]> = [
    ['openai', 'openai'],
    ['azure', 'azure'],
    ['anthropic', 'anthropic'],
    ['google', 'google'],
    ['bedrock', 'aws'],
    ['groq', 'groq'],
    ['mistral', 'mistral'],
    ['deepseek', 'deepseek'],
    ['xai', 'x-ai'],
    ['together', 'together'],
    ['fireworks', 'fireworks'],
    ['cerebras', 'cerebras'],
    // perplexity is left out: the catalogue adds a per-request fee modelgate does not charge
  ];
  const TIMES = [
    '2025-01-01T03:00:00Z',
    '2025-06-15T12:00:00Z',
    '2026-08-20T02:00:00Z',
    '2026-08-20T07:30:00Z',
    '2026-12-01T20:00:00Z',
    '2027-02-01T00:00:00Z',
  ].map(Date.parse);
  const USAGES: NormalizedUsage[] = [
    { inputTokens: 1000, cacheReadTokens: 300, cacheWriteTokens: 200, outputTokens: 500, reasoningTokens: 100 },
    // A prompt above the 200k long-context threshold.
    {
      inputTokens: 250_000,
      cacheReadTokens: 40_000,
      cacheWriteTokens: 10_000,
      outputTokens: 3000,
      reasoningTokens: 2000,
    },
  ];

  it.each(PROVIDERS)('every %s model costs the same as calcPrice says', (kind, catalogueId) => {
    let compared = 0;
    for (const model of findProvider({ providerId: catalogueId })!.models) {
      const name = nameMatching(catalogueId, model);
      if (name === undefined) continue; // an entry no plain name reaches (a regex-only match)
      const found = findCataloguePrice(kind, name);
      if (typeof found === 'string') {
        expect(found, name).toMatch(/not by text token/); // priced by pages, hours or messages
        continue;
      }
      for (const at of TIMES) {
        const prices = found.pricesAt(at);
        if (typeof prices === 'string') {
          expect(prices).toMatch(/not by text token/);
          continue;
        }
        for (const usage of USAGES) {
          const ours = computeCost(usage, prices).total_usd;
          const theirs = calcPrice(
            {
              input_tokens: usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens,
              cache_read_tokens: usage.cacheReadTokens,
              cache_write_tokens: usage.cacheWriteTokens,
              output_tokens: usage.outputTokens + usage.reasoningTokens,
              output_reasoning_tokens: usage.reasoningTokens,
            },
            name,
            { providerId: catalogueId, timestamp: new Date(at) },
          )!.total_price;
          expect(ours, `${catalogueId}/${name} at ${new Date(at).toISOString()}`).toBeCloseTo(theirs, 9);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(0);
  });
});

/** A name users would write for a catalogue entry: one its own match rule accepts (the id often is not). */
function nameMatching(providerId: string, model: ModelInfo): string | undefined {
  const candidates = [model.id];
  const collect = (rule: MatchLogic): void => {
    if ('equals' in rule) candidates.push(rule.equals);
    else if ('starts_with' in rule) candidates.push(rule.starts_with);
    else if ('or' in rule) rule.or.forEach(collect);
    else if ('and' in rule) rule.and.forEach(collect);
  };
  collect(model.match);
  return candidates.find((name) => calcPrice({}, name, { providerId })?.model.id === model.id);
}

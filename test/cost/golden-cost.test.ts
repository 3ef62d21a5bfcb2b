/**
 * Golden costs: each provider's recorded usage object, normalised into disjoint buckets and priced
 * with the pinned catalogue. Expected numbers are worked out by hand from the catalogue's published
 * prices (USD per million tokens, noted per row), so a catalogue update that moves a price fails
 * here on purpose. Adding a provider is one row.
 */
import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { CostCalculator, type CostDetails } from '../../src/cost/cost-calculator.js';
import { CATALOGUE_SOURCE } from '../../src/cost/catalogue-prices.js';
import { fromOpenAIUsage, type NormalizedUsage } from '../../src/usage.js';
import { fixtureChunks, fixtureJson, fixtureText } from '../helpers/fixtures.js';
import { fromAnthropicUsage } from '../../src/providers/anthropic/usage.js';
import { fromBedrockUsage } from '../../src/providers/bedrock/usage.js';
import { fromGeminiUsage } from '../../src/providers/google/usage.js';

interface GoldenRow {
  recording: string;
  /** modelgate provider kind (also used as the provider id here). */
  kind: string;
  model: string;
  usage: NormalizedUsage;
  /** When the request ran (for dated and time-of-day prices); the recording's own time where it has one. */
  at: number;
  priceId: string;
  expected: { total: number } & Partial<
    Record<'input_usd' | 'cache_read_usd' | 'cache_write_usd' | 'output_usd' | 'reasoning_usd', number>
  >;
}

const lastWith = <T>(items: T[], has: (item: T) => unknown): T => items.filter(has).at(-1)!;
const OPENAI_TEXT = fixtureJson('openai-chat/openai-text.json');
const OPENAI_STREAM_USAGE = lastWith(
  fixtureChunks('openai-chat/openai-text.chunks.jsonl'),
  (chunk) => chunk.usage,
).usage;
const DEEPSEEK = fixtureJson('openai-chat/deepseek-tool-call.json');
const XAI_USAGE = lastWith(fixtureChunks('openai-chat/xai-tool-call.chunks.jsonl'), (chunk) => chunk.usage).usage;
const ANTHROPIC_TEXT = fixtureJson('anthropic/anthropic-text.json');
const GEMINI_STREAM = fixtureText('gemini/streaming-success-basic-reply-short.sse')
  .split(/\r?\n/)
  .filter((line) => line.startsWith('data: '))
  .map((line) => JSON.parse(line.slice(6)));
/**
 * Not recorded: the shared fixtures hold no Anthropic usage with cache tokens and no Bedrock usage at
 * all, so these two follow the documented usage objects (Messages API `usage`:
 * https://docs.anthropic.com/en/api/messages ; Converse `TokenUsage`:
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_TokenUsage.html).
 */
const ANTHROPIC_CACHED_USAGE = {
  input_tokens: 6,
  cache_read_input_tokens: 6289,
  cache_creation_input_tokens: 3337,
  output_tokens: 198,
};
const BEDROCK_USAGE = { inputTokens: 13, outputTokens: 4, totalTokens: 17 };

const seconds = (epochSeconds: number) => epochSeconds * 1000;

const ROWS: GoldenRow[] = [
  {
    recording: 'openai-chat/openai-text.json',
    kind: 'openai',
    model: OPENAI_TEXT.model, // gpt-4.1-nano-2025-04-14: a dated snapshot, priced as gpt-4.1-nano
    usage: fromOpenAIUsage(OPENAI_TEXT.usage)!,
    at: seconds(OPENAI_TEXT.created),
    priceId: 'openai/gpt-4.1-nano',
    // 16 in × 0.10 + 363 out × 0.40
    expected: { total: 0.0001468, input_usd: 0.0000016, output_usd: 0.0001452, cache_read_usd: 0, reasoning_usd: 0 },
  },
  {
    recording: 'openai-chat/openai-text.chunks.jsonl (usage chunk)',
    kind: 'openai',
    model: 'gpt-4.1-nano',
    usage: fromOpenAIUsage(OPENAI_STREAM_USAGE)!,
    at: seconds(OPENAI_TEXT.created),
    priceId: 'openai/gpt-4.1-nano',
    // 16 in × 0.10 + 300 out × 0.40
    expected: { total: 0.0001216, input_usd: 0.0000016, output_usd: 0.00012 },
  },
  {
    recording: 'openai-chat/deepseek-tool-call.json, at its recording time (peak hours)',
    kind: 'deepseek',
    model: DEEPSEEK.model,
    usage: fromOpenAIUsage(DEEPSEEK.usage)!,
    at: seconds(DEEPSEEK.created), // 2025-12-02T08:57Z, inside 00:30–16:30 UTC
    priceId: 'deepseek/deepseek-reasoner',
    // 19 uncached × 0.55 + 320 cache hits × 0.14 + 44 out × 2.19 + 48 reasoning × 2.19
    expected: {
      total: 0.00025673,
      input_usd: 0.00001045,
      cache_read_usd: 0.0000448,
      output_usd: 0.00009636,
      reasoning_usd: 0.00010512,
    },
  },
  {
    recording: 'openai-chat/deepseek-tool-call.json, the same usage off-peak',
    kind: 'deepseek',
    model: DEEPSEEK.model,
    usage: fromOpenAIUsage(DEEPSEEK.usage)!,
    at: Date.parse('2025-12-02T20:00:00Z'),
    priceId: 'deepseek/deepseek-reasoner',
    // 19 × 0.135 + 320 × 0.035 + (44 + 48) × 0.55
    expected: {
      total: 0.000064365,
      input_usd: 0.000002565,
      cache_read_usd: 0.0000112,
      output_usd: 0.0000242,
      reasoning_usd: 0.0000264,
    },
  },
  {
    recording: 'openai-chat/xai-tool-call.chunks.jsonl (usage chunk)',
    kind: 'xai',
    model: 'grok-3-mini',
    usage: fromOpenAIUsage(XAI_USAGE)!,
    at: Date.parse('2025-12-02T12:00:00Z'),
    priceId: 'x-ai/grok-3-mini',
    // 1 uncached × 0.30 + 290 cached × 0.075 + 26 out × 0.50 + 196 reasoning × 0.50 (reasoning on top of completion_tokens)
    expected: {
      total: 0.00013305,
      input_usd: 0.0000003,
      cache_read_usd: 0.00002175,
      output_usd: 0.000013,
      reasoning_usd: 0.000098,
    },
  },
  {
    recording: 'anthropic/anthropic-text.json',
    kind: 'anthropic',
    model: ANTHROPIC_TEXT.model, // claude-sonnet-4-5-20250929
    usage: fromAnthropicUsage(ANTHROPIC_TEXT.usage),
    at: Date.parse('2026-02-01T00:00:00Z'),
    priceId: 'anthropic/claude-sonnet-4-5',
    // 12 in × 3 + 29 out × 15
    expected: { total: 0.000471, input_usd: 0.000036, output_usd: 0.000435 },
  },
  {
    recording: 'Anthropic usage with cache reads and writes (documented shape, not recorded)',
    kind: 'anthropic',
    model: 'claude-sonnet-4-5',
    usage: fromAnthropicUsage(ANTHROPIC_CACHED_USAGE),
    at: Date.parse('2026-02-01T00:00:00Z'),
    priceId: 'anthropic/claude-sonnet-4-5',
    // 6 in × 3 + 6289 cache read × 0.30 + 3337 cache write × 3.75 + 198 out × 15
    expected: {
      total: 0.01738845,
      input_usd: 0.000018,
      cache_read_usd: 0.0018867,
      cache_write_usd: 0.01251375,
      output_usd: 0.00297,
    },
  },
  {
    recording: 'gemini/streaming-success-basic-reply-short.sse (last usageMetadata)',
    kind: 'google',
    model: GEMINI_STREAM.at(-1).modelVersion, // gemini-2.0-flash
    usage: fromGeminiUsage(GEMINI_STREAM.at(-1).usageMetadata),
    at: Date.parse('2026-02-01T00:00:00Z'),
    priceId: 'google/gemini-2.0-flash',
    // 7 in × 0.10 + 10 out × 0.40
    expected: { total: 0.0000047, input_usd: 0.0000007, output_usd: 0.000004 },
  },
  {
    recording: 'Bedrock Converse usage (documented shape, not recorded)',
    kind: 'bedrock',
    model: 'anthropic.claude-3-haiku-20240307-v1:0',
    usage: fromBedrockUsage(BEDROCK_USAGE),
    at: Date.parse('2026-02-01T00:00:00Z'),
    priceId: 'aws/regional.anthropic.claude-3-haiku-20240307-v1:0',
    // 13 in × 0.25 + 4 out × 1.25
    expected: { total: 0.00000825, input_usd: 0.00000325, output_usd: 0.000005 },
  },
];

describe('golden cost per provider from recorded usage', () => {
  const costs = new CostCalculator();

  it.each(ROWS.map((row) => [row.recording, row] as const))('%s', (_name, row) => {
    const outcome = costs.cost({ id: row.kind, kind: row.kind }, row.model, row.usage, row.at);
    if (outcome.cost_usd === null) throw new Error(`no cost: ${outcome.reason}`);
    expect(outcome.cost_usd).toBe(row.expected.total);
    const { total: _total, ...buckets } = row.expected;
    expect(outcome.details).toMatchObject<Partial<CostDetails>>({
      ...buckets,
      source: CATALOGUE_SOURCE,
      price_id: row.priceId,
      long_context_tier: null,
    });
    const d = outcome.details;
    expect(d.input_usd + d.cache_read_usd + d.cache_write_usd + d.output_usd + d.reasoning_usd).toBeCloseTo(
      outcome.cost_usd,
      15,
    );
  });

  it.each(ROWS.map((row) => [row.recording, row] as const))(
    '%s: agrees with the catalogue’s own calculator',
    (_name, row) => {
      const u = row.usage;
      const theirs = calcPrice(
        {
          // genai-prices counts input_tokens as the whole prompt and output_tokens as all output.
          input_tokens: u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens,
          cache_read_tokens: u.cacheReadTokens,
          cache_write_tokens: u.cacheWriteTokens,
          output_tokens: u.outputTokens + u.reasoningTokens,
        },
        row.model,
        { providerId: row.priceId.slice(0, row.priceId.indexOf('/')), timestamp: new Date(row.at) },
      );
      expect(theirs?.total_price).toBeCloseTo(row.expected.total, 12);
    },
  );

  it('matches what xAI itself billed for the recorded request (cost_in_usd_ticks, 1e10 ticks per USD)', () => {
    const outcome = costs.cost({ id: 'xai', kind: 'xai' }, 'grok-3-mini', fromOpenAIUsage(XAI_USAGE)!);
    expect(outcome.cost_usd).toBe(XAI_USAGE.cost_in_usd_ticks / 1e10);
  });
});

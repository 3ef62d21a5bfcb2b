/**
 * CPU per request spent on cost: `npx tsx bench/cost-per-request.ts`. Compares the cached path the
 * gateway takes with calling the catalogue's own calculator on every request.
 */
import { calcPrice } from '@pydantic/genai-prices';
import { CostCalculator } from '../src/cost/cost-calculator.js';
import type { NormalizedUsage } from '../src/usage.js';

const usage: NormalizedUsage = {
  inputTokens: 1200,
  cacheReadTokens: 800,
  cacheWriteTokens: 0,
  outputTokens: 300,
  reasoningTokens: 120,
};
const CASES: Array<[kind: string, catalogueId: string, model: string]> = [
  ['openai', 'openai', 'gpt-4o-mini'],
  ['anthropic', 'anthropic', 'claude-sonnet-4-5-20250929'],
  ['bedrock', 'aws', 'us.anthropic.claude-sonnet-4-20250514-v1:0'],
  ['deepseek', 'deepseek', 'deepseek-chat'], // time-of-day prices: chosen per request
];

function measure(name: string, run: () => unknown, iterations = 200_000): void {
  for (let i = 0; i < 10_000; i++) run();
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) run();
  const used = process.cpuUsage(start);
  console.log(
    `${name.padEnd(62)} ${(((used.user + used.system) * 1000) / iterations).toFixed(0).padStart(6)} ns/request`,
  );
}

const costs = new CostCalculator();
for (const [kind, catalogueId, model] of CASES) {
  const provider = { id: kind, kind };
  const first = performance.now();
  new CostCalculator().cost(provider, model, usage);
  console.log(
    `${`first lookup ${kind}/${model}`.padEnd(62)} ${((performance.now() - first) * 1000).toFixed(0).padStart(6)} µs (once per provider/model)`,
  );
  measure(`modelgate (cached) ${kind}/${model}`, () => costs.cost(provider, model, usage));
  const theirs = { input_tokens: 2000, cache_read_tokens: 800, output_tokens: 420, output_reasoning_tokens: 120 };
  measure(
    `genai-prices calcPrice per request ${catalogueId}/${model}`,
    () => calcPrice(theirs, model, { providerId: catalogueId }),
    20_000,
  );
}

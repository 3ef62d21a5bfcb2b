/**
 * Prices from the maintained catalogue, @pydantic/genai-prices (see the README, "Usage and cost", for
 * why this one). Matching a model name against the catalogue is the slow part (10–60 µs: it walks a
 * provider's match rules), so it runs once per provider/model and the caller caches the result;
 * what remains per request is picking among a model's dated or time-of-day prices.
 */
import { calcPrice, type ConditionalPrice, type ModelPrice } from '@pydantic/genai-prices';
import { kindFacts } from '../providers/registry.js';
import type { BucketPrices, Rate } from './compute-cost.js';

/** The catalogue this build prices with. A test checks the version against the installed package. */
export const PRICE_CATALOGUE = { name: '@pydantic/genai-prices', version: '0.1.8', published: '2026-09-23' } as const;
export const CATALOGUE_SOURCE = `${PRICE_CATALOGUE.name}@${PRICE_CATALOGUE.version}`;

/** A catalogue entry ready for the hot path: `pricesAt` returns the prices, or why there are none. */
export interface CataloguePrice {
  /** `provider/model` as the catalogue names the entry, e.g. `anthropic/claude-sonnet-4-5`. */
  id: string;
  pricesAt(epochMs: number): BucketPrices | string;
}

type Choice = { applies: (epochMs: number) => boolean; prices: BucketPrices | string };

/** Finds the catalogue entry for a model, or says why there is none. Slow: cache the result. */
export function findCataloguePrice(kind: string, model: string): CataloguePrice | string {
  // Each kind's catalogue id is in its descriptor; a kind without one (ollama, openai-compatible, demo: local or unknown servers) has no catalogue prices.
  const facts = kindFacts(kind);
  const providerId = facts?.prices;
  if (!providerId)
    return `the price catalogue does not cover provider kind \`${kind}\`; set a price in options.pricing`;
  let match: ReturnType<typeof calcPrice>;
  try {
    match = calcPrice({}, facts.priceModelName ? facts.priceModelName(model) : model, { providerId });
  } catch (error) {
    return `the price catalogue failed to look up \`${model}\`: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (!match) return `${CATALOGUE_SOURCE} has no price for \`${model}\` at ${providerId}; set one in options.pricing`;
  const id = `${match.provider.id}/${match.model.id}`;
  const conditional: ConditionalPrice[] = Array.isArray(match.model.prices)
    ? match.model.prices
    : [{ prices: match.model.prices }];
  const choices: Choice[] = [];
  for (const entry of conditional) {
    const applies = constraintTest(entry.constraint);
    if (!applies)
      return `${CATALOGUE_SOURCE} prices \`${id}\` under a condition this build does not understand (${JSON.stringify(entry.constraint)})`;
    choices.push({ applies, prices: toBucketPrices(id, entry.prices) });
  }
  if (choices.length === 1) {
    const fixed = choices[0].prices;
    return typeof fixed === 'string' ? fixed : { id, pricesAt: () => fixed };
  }
  return {
    id,
    pricesAt(epochMs) {
      // The catalogue's rule: the last entry whose constraint holds wins; the first is the default.
      for (let index = choices.length - 1; index > 0; index--) {
        if (choices[index].applies(epochMs)) return choices[index].prices;
      }
      return choices[0].prices;
    },
  };
}

/**
 * The catalogue's units mapped onto our buckets. A bucket without its own price is billed at its
 * parent's (cache read and write at the input price, reasoning at the output price), which is the
 * catalogue's own rule; an entry with no prices at all is free (`:free` variants, Gemma on Gemini).
 */
function toBucketPrices(id: string, prices: ModelPrice): BucketPrices | string {
  const keys = Object.keys(prices).filter((key) => prices[key] !== undefined);
  if (keys.length > 0 && prices.input_mtok === undefined && prices.output_mtok === undefined) {
    return `${CATALOGUE_SOURCE} prices \`${id}\` by ${keys.join(', ')}, not by text token`;
  }
  try {
    const input = rate(prices.input_mtok) ?? 0;
    const output = rate(prices.output_mtok) ?? 0;
    return {
      input,
      cacheRead: rate(prices.cache_read_mtok) ?? input,
      cacheWrite: rate(prices.cache_write_mtok) ?? input,
      output,
      reasoning: rate(prices.output_reasoning_mtok) ?? output,
    };
  } catch {
    return `${CATALOGUE_SOURCE} has a malformed price for \`${id}\``;
  }
}

function rate(value: ModelPrice[string]): Rate | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return checked(value);
  const tiers = [...value.tiers]
    .map((tier) => ({ start: checked(tier.start), price: checked(tier.price) }))
    .sort((a, b) => a.start - b.start);
  return { base: checked(value.base), tiers };
}

function checked(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error('malformed price');
  return value;
}

const DAY_SECONDS = 86_400;

/** When a conditional price applies: from a start date on, or in a daily UTC window (DeepSeek's off-peak hours). */
function constraintTest(constraint: ConditionalPrice['constraint']): ((epochMs: number) => boolean) | undefined {
  if (constraint === undefined) return () => true;
  if (constraint.type === 'start_date') {
    const from = Date.parse(`${constraint.start_date}T00:00:00Z`);
    if (Number.isNaN(from)) return undefined;
    return (epochMs) => epochMs >= from;
  }
  if (constraint.type === 'time_of_date') {
    const start = secondOfDay(constraint.start_time);
    const end = secondOfDay(constraint.end_time);
    if (Number.isNaN(start) || Number.isNaN(end)) return undefined;
    return (epochMs) => {
      const now = (epochMs / 1000) % DAY_SECONDS;
      return end < start ? now >= start || now < end : now >= start && now < end;
    };
  }
  return undefined;
}

/** `HH:MM:SS[.fff](Z|±HH:MM)` → seconds after midnight UTC. */
function secondOfDay(time: string): number {
  const parts = /^(\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)(Z|([+-])(\d{2}):(\d{2}))$/.exec(time);
  if (!parts) return Number.NaN;
  const local = Number(parts[1]) * 3600 + Number(parts[2]) * 60 + Number(parts[3]);
  const offset = parts[4] === 'Z' ? 0 : (parts[5] === '+' ? 1 : -1) * (Number(parts[6]) * 3600 + Number(parts[7]) * 60);
  return (((local - offset) % DAY_SECONDS) + DAY_SECONDS) % DAY_SECONDS;
}

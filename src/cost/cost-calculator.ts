/**
 * Prices a request's usage: `options.pricing` first, then the catalogue. Which price applies to a
 * provider/model is resolved once and cached, so a request pays a map lookup and a few multiplications.
 */
import type { NormalizedUsage } from '../usage.js';
import { CATALOGUE_SOURCE, findCataloguePrice } from './catalogue-prices.js';
import { computeCost, type BucketPrices, type CostBreakdown } from './compute-cost.js';
import type { ModelPricing, PricingOptions } from './pricing-options.js';

/** The cost of one request per usage bucket, and where the prices came from (in the log record). */
export interface CostDetails extends CostBreakdown {
  /** `options.pricing` or the catalogue with its version, e.g. `@pydantic/genai-prices@0.1.8`. */
  source: string;
  /** The price entry used: the `options.pricing` key, or the catalogue's `provider/model`. */
  price_id: string;
  /** The prompt-size threshold of the long-context price applied; null when the base prices applied. */
  long_context_tier: number | null;
}

export type CostOutcome = { cost_usd: number; details: CostDetails } | { cost_usd: null; reason: string };

/** Who served the request: the provider id (for `options.pricing` keys) and its kind (for the catalogue). */
export interface PricedProvider {
  id: string;
  kind: string;
}

interface Resolved {
  source: string;
  priceId: string;
  pricesAt(epochMs: number): BucketPrices | string;
}

/** Enough for every model a gateway serves; bounds memory when clients send arbitrary model names. */
const CACHE_LIMIT = 2048;
const OVERRIDE_SOURCE = 'options.pricing';

export class CostCalculator {
  private readonly overrides = new Map<string, BucketPrices>();
  private readonly resolved = new Map<string, Resolved | string>();

  constructor(pricing: PricingOptions = {}) {
    for (const [key, prices] of Object.entries(pricing)) this.overrides.set(key, fromOptions(prices));
  }

  /** The cost of `usage` served by `provider` as `model`; `epochMs` picks dated or time-of-day prices. */
  cost(provider: PricedProvider, model: string, usage: NormalizedUsage, epochMs = Date.now()): CostOutcome {
    const resolved = this.resolve(provider, model);
    if (typeof resolved === 'string') return { cost_usd: null, reason: resolved };
    const prices = resolved.pricesAt(epochMs);
    if (typeof prices === 'string') return { cost_usd: null, reason: prices };
    const computed = computeCost(usage, prices);
    const buckets = computed.breakdown;
    // Spelled out: an object spread here costs more than the whole calculation.
    const details: CostDetails = {
      input_usd: buckets.input_usd,
      cache_read_usd: buckets.cache_read_usd,
      cache_write_usd: buckets.cache_write_usd,
      output_usd: buckets.output_usd,
      reasoning_usd: buckets.reasoning_usd,
      source: resolved.source,
      price_id: resolved.priceId,
      long_context_tier: computed.tier,
    };
    return { cost_usd: computed.total_usd, details };
  }

  private resolve(provider: PricedProvider, model: string): Resolved | string {
    const key = `${provider.id}\u0000${model}`;
    let resolved = this.resolved.get(key);
    if (resolved === undefined) {
      resolved = this.override(provider.id, model) ?? fromCatalogue(provider.kind, model);
      if (this.resolved.size >= CACHE_LIMIT) this.resolved.delete(this.resolved.keys().next().value!);
      this.resolved.set(key, resolved);
    }
    return resolved;
  }

  private override(providerId: string, model: string): Resolved | undefined {
    for (const key of [`${providerId}/${model}`, model, `${providerId}/*`]) {
      const prices = this.overrides.get(key);
      if (prices) return { source: OVERRIDE_SOURCE, priceId: key, pricesAt: () => prices };
    }
    return undefined;
  }
}

function fromCatalogue(kind: string, model: string): Resolved | string {
  const found = findCataloguePrice(kind, model);
  if (typeof found === 'string') return found;
  return { source: CATALOGUE_SOURCE, priceId: found.id, pricesAt: found.pricesAt };
}

function fromOptions(prices: ModelPricing): BucketPrices {
  return {
    input: prices.input,
    cacheRead: prices.cacheRead ?? prices.input,
    cacheWrite: prices.cacheWrite ?? prices.input,
    output: prices.output,
    reasoning: prices.reasoning ?? prices.output,
  };
}

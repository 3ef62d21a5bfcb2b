/**
 * A provider is one folder exporting one descriptor (DESIGN.md §10): the kinds it serves and what
 * the gateway knows of each (the bare model names it claims, its catalogue and price ids), its
 * options as a zod schema (one member of the union of `options.providers` entries, keyed on `kind`)
 * and the factory of its instances. The registry (../registry.ts) is the list of descriptors; nothing
 * else in the core names a provider kind.
 */
import { z } from 'zod';
import { GatewayConfigError } from '../../errors.js';
import type { Transport } from '../../transport/types.js';
import type { Provider } from '../types.js';

/** What the gateway knows about one kind of provider, besides how to build it. */
export interface KindFacts {
  /**
   * Bare model names of this kind (`gpt-*` → openai): the first configured provider of the kind
   * serves them. The families of different kinds do not overlap (a test checks it).
   */
  families?: RegExp;
  /** A kind whose bare model names this one serves when no provider of that kind is configured (Azure serves OpenAI's). */
  standsInFor?: string;
  /** The kind's key in the models.dev data shipped in tokenlens (`tokenlens/providers/<key>`): capabilities and limits. */
  modelsDev?: string;
  /** Kinds whose models this one often serves, whose catalogue data is loaded with its own (an OpenAI-compatible server serves OpenAI's models). */
  catalogueAlso?: readonly string[];
  /** The provider's id in the price catalogue (@pydantic/genai-prices); without it, prices come from `options.pricing` only. */
  prices?: string;
  /** The model name the price catalogue knows, when requests name it otherwise (Bedrock's inference-profile ARNs). */
  priceModelName?: (model: string) => string;
}

const httpURL = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const stringMap = z.record(z.string(), z.string());

/** Options every provider takes. */
const COMMON_OPTIONS = {
  /** May be undefined (e.g. an unset environment variable): the provider then fails over at request time. */
  apiKey: z.string().optional(),
  baseURL: httpURL.optional(),
  headers: stringMap.optional(),
  models: z.array(z.string().min(1)).optional(),
};

/** Options of one deployment of a provider (`endpoints`); the provider's own fill in the rest. */
const ENDPOINT_OPTIONS = {
  /** Shown in the log record as `<provider>/<name>`; never the key. */
  name: z.string().regex(/^[a-zA-Z0-9_.-]+$/, 'an endpoint name may only hold letters, digits, _ . -'),
  apiKey: COMMON_OPTIONS.apiKey,
  baseURL: COMMON_OPTIONS.baseURL,
  headers: COMMON_OPTIONS.headers,
  /** Share of the traffic relative to the other endpoints (default 1). */
  weight: z.number().positive().max(1_000_000).optional(),
};

/**
 * The options schema of a descriptor: `kind` (one of its kinds), the common options, its own, and
 * `endpoints`, each of which may set the options named in `perEndpoint` differently.
 */
export function providerOptions<
  const Kinds extends readonly [string, ...string[]],
  Own extends z.ZodRawShape,
  PerEndpoint extends keyof Own = never,
>(kinds: Kinds, own: Own, perEndpoint: readonly PerEndpoint[] = []) {
  const endpointOwn = Object.fromEntries(perEndpoint.map((key) => [key, own[key]])) as Pick<Own, PerEndpoint>;
  const endpoint = z.strictObject({ ...ENDPOINT_OPTIONS, ...endpointOwn });
  return z.strictObject({
    kind: z.enum(kinds),
    ...COMMON_OPTIONS,
    ...own,
    /** Several deployments of this provider (keys and/or endpoints), chosen by weight. */
    endpoints: z.array(endpoint).min(1).optional(),
  });
}

/** Any options schema made by `providerOptions`. */
export type ProviderOptionsSchema = z.ZodObject<
  { kind: z.ZodEnum<Record<string, string>> } & z.ZodRawShape,
  z.core.$strict
>;

/** The kinds a schema's `kind` takes. */
export type KindOf<Schema extends ProviderOptionsSchema> = Extract<z.output<Schema>['kind'], string>;

export interface ProviderDescriptor<Schema extends ProviderOptionsSchema = ProviderOptionsSchema> {
  /** Each kind it serves, with what the gateway knows of it. */
  kinds: Readonly<Record<KindOf<Schema>, KindFacts>>;
  /** Its options, made with `providerOptions`. */
  options: Schema;
  /** One provider instance (also one per endpoint, and per request for a caller's own key); throws a GatewayConfigError for a bad combination. */
  create(id: string, options: z.output<Schema>): Provider;
  /**
   * An upstream served in process instead of over the network (the demo): the gateway sends the
   * requests of this provider, whose URLs start with `origin(id)`, to the transport `create` makes.
   */
  inProcess?: { origin(id: string): string; create(options: z.output<Schema>): Transport };
}

/** Checks a descriptor's types against its own schema (the registry holds descriptors of many schemas). */
export function defineProvider<Schema extends ProviderOptionsSchema>(
  descriptor: ProviderDescriptor<Schema>,
): ProviderDescriptor<Schema> {
  return descriptor;
}

/** The options of a provider as a user writes them: `kind` may be left out when the provider's id names its kind. */
export type ProviderInput<Schema extends ProviderOptionsSchema> = Omit<z.input<Schema>, 'kind'> & {
  kind?: z.input<Schema>['kind'];
};

/** A provider option the schema cannot check alone (a combination, a required one per kind), named by its path. */
export function invalidProviderOption(id: string, field: string, message: string): never {
  throw new GatewayConfigError(`Invalid modelgate options:\n  - providers.${id}.${field}: ${message}`);
}

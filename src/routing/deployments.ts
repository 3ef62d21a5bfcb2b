/**
 * Deployments: the concrete places a provider's model can be served from. A provider without
 * `endpoints` is one deployment (named like the provider); each endpoint is one more (`openai/eu`),
 * with its own key and/or URL and a weight. The log names deployments, never keys.
 */
import { GatewayConfigError } from '../errors.js';
import type { ParsedProviderOptions, ProviderOptions } from '../options.js';
import { createProvider } from '../providers/create-providers.js';
import type { Provider } from '../providers/types.js';

export interface Deployment {
  /** `openai` for a provider without endpoints, `openai/<endpoint name>` otherwise. */
  id: string;
  /** The provider instance that talks to this deployment (its own key and URL). */
  provider: Provider;
  weight: number;
}

/** A key brought by the caller, with the deployment name the log shows for it. */
export interface RequestKey {
  apiKey: string;
  label: string;
  weight?: number;
}

/**
 * The operator's credentials other than `apiKey` go when a caller brings a key: Bedrock (SigV4) and
 * Vertex AI (a service account) would prefer them to the caller's key, and bill the operator.
 */
const NO_OPERATOR_CREDENTIALS = {
  accessKeyId: undefined,
  secretAccessKey: undefined,
  sessionToken: undefined,
  vertex: undefined,
};

export class DeploymentTable {
  private readonly byProvider = new Map<string, Deployment[]>();

  constructor(
    private readonly options: Readonly<Record<string, ParsedProviderOptions | ProviderOptions>>,
    providers: ReadonlyMap<string, Provider>,
  ) {
    for (const [id, provider] of providers) {
      const endpoints = options[id]?.endpoints;
      if (!endpoints?.length) {
        this.byProvider.set(id, [{ id, provider, weight: 1 }]);
        continue;
      }
      const seen = new Set<string>();
      this.byProvider.set(
        id,
        endpoints.map(({ name, weight, ...endpoint }) => {
          if (seen.has(name))
            throw new GatewayConfigError(
              `Invalid modelgate options:\n  - providers.${id}.endpoints: the name \`${name}\` is used twice`,
            );
          seen.add(name);
          return {
            id: `${id}/${name}`,
            provider: createProvider(id, { ...options[id], endpoints: undefined, ...endpoint }),
            weight: weight ?? 1,
          };
        }),
      );
    }
  }

  /** The configured deployments of a provider. */
  of(provider: Provider): readonly Deployment[] {
    return this.byProvider.get(provider.id) ?? [{ id: provider.id, provider, weight: 1 }];
  }

  /**
   * Deployments made for one request from the caller's own keys (`customer_credentials`,
   * `credential_override`). They go to the provider's own URL, or its first endpoint's when it has
   * endpoints, never with an endpoint's key or headers.
   */
  withKeys(provider: Provider, keys: readonly RequestKey[]): Deployment[] {
    const { endpoints, ...config } = this.options[provider.id] ?? { kind: provider.kind as ProviderOptions['kind'] };
    // The first endpoint's place (its URL, resource, region, ...), never its key, headers or credentials.
    const {
      name: _name,
      weight: _weight,
      apiKey: _apiKey,
      headers: _headers,
      ...where
    } = endpoints?.[0] ?? { name: '' };
    return keys.map((key) => ({
      id: `${provider.id}/${key.label}`,
      provider: {
        ...createProvider(provider.id, { ...config, ...where, apiKey: key.apiKey, ...NO_OPERATOR_CREDENTIALS }),
        credentials: 'caller' as const,
      },
      weight: key.weight ?? 1,
    }));
  }
}

/**
 * A weighted random order without replacement (Efraimidis–Spirakis): the first item is a weighted
 * choice, and the rest follow as the next choices, so failing over also honours the weights.
 */
export function weightedOrder<T extends { weight: number }>(
  items: readonly T[],
  random: () => number = Math.random,
): T[] {
  if (items.length < 2) return [...items];
  return items
    .map((item) => ({ item, key: Math.pow(random() || Number.MIN_VALUE, 1 / item.weight) }))
    .sort((a, b) => b.key - a.key)
    .map(({ item }) => item);
}

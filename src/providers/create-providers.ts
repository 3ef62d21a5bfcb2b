/**
 * Provider instances from `options.providers`, each made by the descriptor of its kind (registry.ts).
 */
import type { Transport } from '../transport/types.js';
import { invalidProviderOption } from './kit/provider-descriptor.js';
import type { ParsedProviderOptions, ProviderOptions } from './provider-options.js';
import { descriptorOf, isProviderKind, PROVIDER_KINDS } from './registry.js';
import type { Provider } from './types.js';

/** Options as checked at createGateway, or as written (then `kind` defaults to the id). */
type Options = ProviderOptions | ParsedProviderOptions;

/** Turns `options.providers` into Provider instances. */
export function createProviders(options: Readonly<Record<string, Options>>): Map<string, Provider> {
  const providers = new Map<string, Provider>();
  for (const [id, config] of Object.entries(options)) providers.set(id, createProvider(id, config));
  return providers;
}

/** One provider instance; also used for each endpoint and for per-request customer keys. */
export function createProvider(id: string, config: Options): Provider {
  const kind = config.kind ?? (isProviderKind(id) ? id : undefined);
  const descriptor = kind === undefined ? undefined : descriptorOf(kind);
  if (!descriptor)
    return invalidProviderOption(
      id,
      'kind',
      `required for a provider id that is not a known kind (${PROVIDER_KINDS.join(', ')})`,
    );
  // The options were checked against this descriptor's schema at createGateway (or by the caller).
  return descriptor.create(id, { ...config, kind } as Parameters<typeof descriptor.create>[1]);
}

/** The upstreams served in process (the demo), by the URL origin their providers send to. */
export function inProcessUpstreams(options: Readonly<Record<string, ParsedProviderOptions>>): Map<string, Transport> {
  const upstreams = new Map<string, Transport>();
  for (const [id, config] of Object.entries(options)) {
    const inProcess = descriptorOf(config.kind)?.inProcess;
    if (inProcess) upstreams.set(inProcess.origin(id), inProcess.create(config));
  }
  return upstreams;
}

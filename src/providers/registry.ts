/**
 * The provider registry: every kind of provider the gateway knows, one descriptor a line. A provider
 * with a wire format of its own is one folder under src/providers/ exporting a descriptor
 * (kit/provider-descriptor.ts), plus one line here; an OpenAI-compatible vendor is a preset
 * (openai-compatible/presets.ts). Routing families, catalogue and price ids, and the options of
 * each kind are all read from here.
 */
import { anthropicDescriptor } from './anthropic/descriptor.js';
import { azureDescriptor } from './azure/descriptor.js';
import { bedrockDescriptor } from './bedrock/descriptor.js';
import { demoDescriptor } from './demo/descriptor.js';
import { googleDescriptor } from './google/descriptor.js';
import type { KindFacts, KindOf, ProviderDescriptor, ProviderOptionsSchema } from './kit/provider-descriptor.js';
import { openAICompatibleDescriptor } from './openai-compatible/descriptor.js';

/** In this order: it is the order kinds are listed in messages. */
export const PROVIDERS = [
  openAICompatibleDescriptor,
  azureDescriptor,
  anthropicDescriptor,
  googleDescriptor,
  bedrockDescriptor,
  demoDescriptor,
] as const;

type Registered = (typeof PROVIDERS)[number];

/** Every provider kind: the OpenAI-compatible presets, `openai-compatible`, `azure`, `anthropic`, ... */
export type ProviderKind = Registered extends infer D
  ? D extends ProviderDescriptor<infer S>
    ? KindOf<S>
    : never
  : never;

const BY_KIND = new Map<string, ProviderDescriptor>();
for (const descriptor of PROVIDERS as readonly ProviderDescriptor<ProviderOptionsSchema>[]) {
  for (const kind of Object.keys(descriptor.kinds)) {
    if (BY_KIND.has(kind)) throw new Error(`provider kind \`${kind}\` is registered twice`);
    BY_KIND.set(kind, descriptor);
  }
}

export const PROVIDER_KINDS = [...BY_KIND.keys()] as [ProviderKind, ...ProviderKind[]];

export function isProviderKind(name: string): name is ProviderKind {
  return BY_KIND.has(name);
}

/** The descriptor that serves a kind. */
export function descriptorOf(kind: string): ProviderDescriptor | undefined {
  return BY_KIND.get(kind);
}

/** What the gateway knows about a kind (routing family, catalogue and price ids). */
export function kindFacts(kind: string | undefined): KindFacts | undefined {
  if (kind === undefined) return undefined;
  const descriptor = BY_KIND.get(kind);
  return descriptor ? (descriptor.kinds as Readonly<Record<string, KindFacts>>)[kind] : undefined;
}

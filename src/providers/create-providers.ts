import { GatewayConfigError, type ProviderOptions } from '../options.js';
import { azureProvider } from './azure/index.js';
import { demoProvider } from './demo/index.js';
import { openAICompatibleProvider } from './openai-compatible/index.js';
import { OPENAI_COMPATIBLE_PRESETS, isPresetName } from './openai-compatible/presets.js';
import type { Provider } from './types.js';

/** Turns `options.providers` into Provider instances; the id doubles as the kind for presets. */
export function createProviders(options: Record<string, ProviderOptions>): Map<string, Provider> {
  const providers = new Map<string, Provider>();
  for (const [id, config] of Object.entries(options)) {
    providers.set(id, createProvider(id, config));
  }
  return providers;
}

export function providerKind(id: string, config: ProviderOptions): string {
  const kind = config.kind ?? (isPresetName(id) || id === 'azure' || id === 'demo' ? id : undefined);
  if (!kind) {
    throw new GatewayConfigError(
      `Invalid modelgate options:\n  - providers.${id}.kind: required for a provider id that is not a preset (${presetList()})`,
    );
  }
  return kind;
}

function createProvider(id: string, config: ProviderOptions): Provider {
  const kind = providerKind(id, config);
  const common = { id, apiKey: config.apiKey || undefined, headers: config.headers, models: config.models };
  if (kind === 'demo') return demoProvider(id, { failureRate: config.failureRate, wordDelayMs: config.wordDelayMs });
  if (kind === 'azure') {
    if (!config.resource && !config.baseURL) fail(id, 'resource', 'Azure needs `resource` or `baseURL`');
    return azureProvider({ ...common, resource: config.resource, baseURL: config.baseURL, apiVersion: config.apiVersion, deployments: config.deployments });
  }
  if (kind === 'openai-compatible') {
    if (!config.baseURL) fail(id, 'baseURL', 'required for kind `openai-compatible`');
    return openAICompatibleProvider({ ...common, kind, baseURL: config.baseURL!, keyOptional: true });
  }
  if (isPresetName(kind)) {
    const preset: { baseURL: string; keyOptional?: boolean; streamUsage?: Provider['streamUsage'] } = OPENAI_COMPATIBLE_PRESETS[kind];
    return openAICompatibleProvider({
      ...common,
      kind,
      baseURL: config.baseURL ?? preset.baseURL,
      // A custom base URL (a company proxy) may well need no key.
      keyOptional: preset.keyOptional === true || config.baseURL !== undefined,
      streamUsage: preset.streamUsage,
    });
  }
  return fail(id, 'kind', `unknown provider kind \`${kind}\``);
}

function fail(id: string, field: string, message: string): never {
  throw new GatewayConfigError(`Invalid modelgate options:\n  - providers.${id}.${field}: ${message}`);
}

function presetList(): string {
  return [...Object.keys(OPENAI_COMPATIBLE_PRESETS), 'azure', 'demo'].join(', ');
}

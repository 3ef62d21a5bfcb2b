import { GatewayConfigError } from '../errors.js';
import type { ProviderOptions } from '../options.js';
import { anthropicProvider } from './anthropic/index.js';
import { azureProvider } from './azure/index.js';
import { bedrockProvider } from './bedrock/index.js';
import { demoProvider } from './demo/index.js';
import { googleProvider } from './google/index.js';
import { readVertexSettings } from './google/vertex-settings.js';
import { openAICompatibleProvider } from './openai-compatible/index.js';
import { OPENAI_COMPATIBLE_PRESETS, isPresetName, type OpenAICompatiblePreset } from './openai-compatible/presets.js';
import type { Provider } from './types.js';

type ProviderFactory = (id: string, config: ProviderOptions) => Provider;

/** Provider kinds other than the OpenAI-compatible presets: one line per kind. */
const FACTORIES: Record<string, ProviderFactory> = {
  demo: (id, config) => demoProvider(id, { failureRate: config.failureRate, wordDelayMs: config.wordDelayMs }),
  azure: (id, config) => {
    if (!config.resource && !config.baseURL) fail(id, 'resource', 'Azure needs `resource` or `baseURL`');
    return azureProvider({ ...common(id, config), resource: config.resource, baseURL: config.baseURL, apiVersion: config.apiVersion, deployments: config.deployments });
  },
  anthropic: (id, config) =>
    anthropicProvider({
      ...common(id, config),
      baseURL: config.baseURL,
      anthropicVersion: config.anthropicVersion,
      betaHeaders: config.betaHeaders,
      defaultMaxTokens: config.defaultMaxTokens,
      thinking: config.thinking,
    }),
  bedrock: (id, config) => {
    if (!config.region) fail(id, 'region', 'Bedrock needs the AWS region (e.g. us-east-1) for its endpoint and signature');
    if (Boolean(config.accessKeyId) !== Boolean(config.secretAccessKey) && !config.apiKey) {
      fail(id, config.accessKeyId ? 'secretAccessKey' : 'accessKeyId', 'set both accessKeyId and secretAccessKey (or apiKey, a Bedrock API key)');
    }
    return bedrockProvider({
      ...common(id, config),
      region: config.region,
      baseURL: config.baseURL,
      accessKeyId: config.accessKeyId || undefined,
      secretAccessKey: config.secretAccessKey || undefined,
      sessionToken: config.sessionToken || undefined,
    });
  },
  google: (id, config) => googleProvider({ ...common(id, config), baseURL: config.baseURL, safetySettings: config.safetySettings, vertex: readVertexSettings(id, config) }),
  'openai-compatible': (id, config) => {
    if (!config.baseURL) fail(id, 'baseURL', 'required for kind `openai-compatible`');
    return openAICompatibleProvider({ ...common(id, config), kind: 'openai-compatible', baseURL: config.baseURL!, keyOptional: true });
  },
};

/**
 * Options that only some kinds of provider read. The options schema accepts them on every entry
 * (one flat shape), so a setting on the wrong kind — `region` on `anthropic`, `resource` on
 * `openai` — would otherwise be ignored without a word.
 */
const KIND_OPTIONS: Partial<Record<keyof ProviderOptions, readonly string[]>> = {
  resource: ['azure'],
  deployments: ['azure'],
  // Azure's api-version, and the Vertex AI API version of `google`.
  apiVersion: ['azure', 'google'],
  anthropicVersion: ['anthropic'],
  betaHeaders: ['anthropic'],
  defaultMaxTokens: ['anthropic'],
  thinking: ['anthropic'],
  region: ['bedrock'],
  accessKeyId: ['bedrock'],
  secretAccessKey: ['bedrock'],
  sessionToken: ['bedrock'],
  safetySettings: ['google'],
  vertex: ['google'],
  failureRate: ['demo'],
  wordDelayMs: ['demo'],
};

/** Turns `options.providers` into Provider instances; the id doubles as the kind for presets. */
export function createProviders(options: Record<string, ProviderOptions>): Map<string, Provider> {
  const providers = new Map<string, Provider>();
  for (const [id, config] of Object.entries(options)) {
    const kind = kindOf(id, config);
    checkKindOptions(id, kind, config as Record<string, unknown>, `providers.${id}`);
    config.endpoints?.forEach((endpoint, index) => checkKindOptions(id, kind, endpoint, `providers.${id}.endpoints.${index}`));
    providers.set(id, createProvider(id, config));
  }
  return providers;
}

function kindOf(id: string, config: ProviderOptions): string {
  const kind = config.kind ?? (isPresetName(id) || Object.hasOwn(FACTORIES, id) ? id : undefined);
  if (!kind) fail(id, 'kind', `required for a provider id that is not a known kind (${[...Object.keys(OPENAI_COMPATIBLE_PRESETS), ...Object.keys(FACTORIES)].join(', ')})`);
  return kind;
}

function checkKindOptions(id: string, kind: string, config: Readonly<Record<string, unknown>>, path: string): void {
  for (const [field, kinds] of Object.entries(KIND_OPTIONS)) {
    if (config[field] === undefined || kinds.includes(kind)) continue;
    const what = kind === id ? `\`${id}\`` : `\`${id}\` (kind \`${kind}\`)`;
    throw new GatewayConfigError(`Invalid modelgate options:\n  - ${path}.${field}: applies to kind ${kinds.map((name) => `\`${name}\``).join(' or ')} only; provider ${what} would ignore it`);
  }
}

/** One provider instance; also used for each endpoint and for per-request customer keys. */
export function createProvider(id: string, config: ProviderOptions): Provider {
  const kind = kindOf(id, config);
  if (Object.hasOwn(FACTORIES, kind)) return FACTORIES[kind](id, config);
  if (!isPresetName(kind)) fail(id, 'kind', `unknown provider kind \`${kind}\``);
  const preset: OpenAICompatiblePreset = OPENAI_COMPATIBLE_PRESETS[kind];
  return openAICompatibleProvider({
    ...common(id, config),
    kind,
    baseURL: config.baseURL ?? preset.baseURL,
    // A custom base URL (a company proxy, a local server) may well need no key.
    keyOptional: preset.keyOptional === true || config.baseURL !== undefined,
    streamUsage: preset.streamUsage,
  });
}

function common(id: string, config: ProviderOptions) {
  return { id, apiKey: config.apiKey || undefined, headers: config.headers, models: config.models };
}

function fail(id: string, field: string, message: string): never {
  throw new GatewayConfigError(`Invalid modelgate options:\n  - providers.${id}.${field}: ${message}`);
}

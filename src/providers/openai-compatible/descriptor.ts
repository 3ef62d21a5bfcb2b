/**
 * The OpenAI-compatible provider's descriptor: one factory for OpenAI, every preset vendor
 * (presets.ts) and any server at a base URL of your own (`kind: 'openai-compatible'`).
 */
import { defineProvider, invalidProviderOption, providerOptions } from '../kit/provider-descriptor.js';
import { openAICompatibleProvider } from './index.js';
import { OPENAI_COMPATIBLE_PRESETS, PRESET_NAMES, type OpenAICompatiblePresetName } from './presets.js';

const KINDS = [...PRESET_NAMES, 'openai-compatible'] as const;

export const openAICompatibleDescriptor = defineProvider({
  kinds: {
    ...OPENAI_COMPATIBLE_PRESETS,
    // A server of your own often serves OpenAI's models (or their names).
    'openai-compatible': { catalogueAlso: ['openai'] },
  },
  options: providerOptions(KINDS, {}),
  create(id, options) {
    const common = { id, apiKey: options.apiKey || undefined, headers: options.headers, models: options.models };
    if (options.kind === 'openai-compatible') {
      if (!options.baseURL) invalidProviderOption(id, 'baseURL', 'required for kind `openai-compatible`');
      return openAICompatibleProvider({
        ...common,
        kind: 'openai-compatible',
        baseURL: options.baseURL,
        keyOptional: true,
      });
    }
    const kind: OpenAICompatiblePresetName = options.kind;
    const preset = OPENAI_COMPATIBLE_PRESETS[kind];
    return openAICompatibleProvider({
      ...common,
      kind,
      baseURL: options.baseURL ?? preset.baseURL,
      // A custom base URL (a company proxy, a local server) may well need no key.
      keyOptional: preset.keyOptional === true || options.baseURL !== undefined,
      streamUsage: preset.streamUsage,
    });
  },
});

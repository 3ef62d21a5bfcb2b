/**
 * The OpenAI-compatible provider's descriptor: one factory for OpenAI, every preset vendor
 * (presets.ts) and any server at a base URL of your own (`kind: 'openai-compatible'`).
 */
import { z } from 'zod';
import { defineProvider, invalidProviderOption, providerOptions } from '../kit/provider-descriptor.js';
import type { Operation } from '../types.js';
import { openAICompatibleProvider } from './index.js';
import { OPENAI_COMPATIBLE_PRESETS, PRESET_NAMES, type OpenAICompatiblePresetName } from './presets.js';

const KINDS = [...PRESET_NAMES, 'openai-compatible'] as const;

/** What a server without the Responses API takes as is: the other routes reach it through chat. */
const CHAT_SERVER: readonly Operation[] = ['chat', 'embeddings'];

export const openAICompatibleDescriptor = defineProvider({
  kinds: {
    ...OPENAI_COMPATIBLE_PRESETS,
    // A server of your own often serves OpenAI's models (or their names).
    'openai-compatible': { catalogueAlso: ['openai'] },
  },
  options: providerOptions(KINDS, {
    /**
     * How `POST /responses` reaches the server: `native` (it serves the Responses API: the body goes
     * as is) or `bridge` (it serves chat completions only: translated through chat). Default:
     * `native`, except for the presets known to lack it (cerebras).
     */
    responses: z.enum(['native', 'bridge']).optional(),
  }),
  create(id, options) {
    const preset = options.kind === 'openai-compatible' ? undefined : OPENAI_COMPATIBLE_PRESETS[options.kind];
    const bridged = (options.responses ?? (preset?.noResponsesAPI ? 'bridge' : 'native')) === 'bridge';
    const common = {
      id,
      apiKey: options.apiKey || undefined,
      headers: options.headers,
      models: options.models,
      native: bridged ? CHAT_SERVER : undefined,
    };
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
    return openAICompatibleProvider({
      ...common,
      kind,
      baseURL: options.baseURL ?? preset!.baseURL,
      // A custom base URL (a company proxy, a local server) may well need no key.
      keyOptional: preset!.keyOptional === true || options.baseURL !== undefined,
      streamUsage: preset!.streamUsage,
    });
  },
});

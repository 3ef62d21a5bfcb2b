/**
 * OpenAI-compatible vendors: a new one is a few lines here (DESIGN.md §6). Which bare model names
 * route to each is in routing/model-families.ts.
 */
export interface OpenAICompatiblePreset {
  baseURL: string;
  /** Whether requests without an API key make sense (local servers). */
  keyOptional?: boolean;
  streamUsage?: 'request' | 'always' | 'never';
}

export const OPENAI_COMPATIBLE_PRESETS = {
  openai: { baseURL: 'https://api.openai.com/v1' },
  groq: { baseURL: 'https://api.groq.com/openai/v1' },
  together: { baseURL: 'https://api.together.xyz/v1' },
  fireworks: { baseURL: 'https://api.fireworks.ai/inference/v1' },
  openrouter: { baseURL: 'https://openrouter.ai/api/v1' },
  mistral: {
    baseURL: 'https://api.mistral.ai/v1',
    // Mistral reports usage on the last chunk by itself and does not document `stream_options`.
    streamUsage: 'always',
  },
  deepseek: { baseURL: 'https://api.deepseek.com/v1' },
  xai: { baseURL: 'https://api.x.ai/v1' },
  perplexity: { baseURL: 'https://api.perplexity.ai', streamUsage: 'always' },
  cerebras: { baseURL: 'https://api.cerebras.ai/v1' },
  ollama: { baseURL: 'http://127.0.0.1:11434/v1', keyOptional: true },
} satisfies Record<string, OpenAICompatiblePreset>;

export type OpenAICompatiblePresetName = keyof typeof OPENAI_COMPATIBLE_PRESETS;

export function isPresetName(name: string): name is OpenAICompatiblePresetName {
  return Object.hasOwn(OPENAI_COMPATIBLE_PRESETS, name);
}

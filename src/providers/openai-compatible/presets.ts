/**
 * OpenAI-compatible vendors: a new one is a few lines here (DESIGN.md §6) — its base URL, the bare
 * model names it claims, and its ids in the model and price catalogues.
 */
import type { KindFacts } from '../kit/provider-descriptor.js';

export interface OpenAICompatiblePreset extends KindFacts {
  baseURL: string;
  /** Whether requests without an API key make sense (local servers). */
  keyOptional?: boolean;
  streamUsage?: 'request' | 'always' | 'never';
  /**
   * The vendor has no Responses API (`POST /responses`): it is reached through chat completions by
   * the route's bridge. Only vendors whose documentation shows chat completions alone.
   */
  noResponsesAPI?: true;
}

const PRESETS = {
  openai: {
    baseURL: 'https://api.openai.com/v1',
    // `text-embedding-3-small`, `text-embedding-ada-002`: never a bare three-digit version, which is Google's.
    families: /^(?:gpt-|chatgpt-|o\d|text-embedding-(?!\d{3}$)|omni-moderation|text-moderation|codex-|computer-use-)/,
    modelsDev: 'openai',
    prices: 'openai',
  },
  groq: { baseURL: 'https://api.groq.com/openai/v1', modelsDev: 'groq', prices: 'groq' },
  together: { baseURL: 'https://api.together.xyz/v1', modelsDev: 'togetherai', prices: 'together' },
  fireworks: { baseURL: 'https://api.fireworks.ai/inference/v1', modelsDev: 'fireworks-ai', prices: 'fireworks' },
  openrouter: {
    baseURL: 'https://openrouter.ai/api/v1',
    modelsDev: 'openrouter',
    catalogueAlso: ['openai'],
    prices: 'openrouter',
  },
  mistral: {
    baseURL: 'https://api.mistral.ai/v1',
    // Mistral reports usage on the last chunk by itself and does not document `stream_options`.
    streamUsage: 'always',
    families: /^(?:mistral-|open-mistral|open-mixtral|codestral|ministral|pixtral|magistral|devstral)/,
    modelsDev: 'mistral',
    prices: 'mistral',
  },
  deepseek: {
    baseURL: 'https://api.deepseek.com/v1',
    families: /^deepseek-/,
    modelsDev: 'deepseek',
    prices: 'deepseek',
  },
  xai: { baseURL: 'https://api.x.ai/v1', families: /^grok-/, modelsDev: 'xai', prices: 'x-ai' },
  perplexity: {
    baseURL: 'https://api.perplexity.ai',
    streamUsage: 'always',
    families: /^sonar/,
    modelsDev: 'perplexity',
    prices: 'perplexity',
  },
  cerebras: {
    baseURL: 'https://api.cerebras.ai/v1',
    // Its OpenAI compatibility (https://inference-docs.cerebras.ai/resources/openai) documents
    // chat completions only.
    noResponsesAPI: true,
    modelsDev: 'cerebras',
    prices: 'cerebras',
  },
  // A local server: no key, no catalogue prices (set them in options.pricing).
  ollama: { baseURL: 'http://127.0.0.1:11434/v1', keyOptional: true },
} satisfies Record<string, OpenAICompatiblePreset>;

export type OpenAICompatiblePresetName = keyof typeof PRESETS;

export const OPENAI_COMPATIBLE_PRESETS: Readonly<Record<OpenAICompatiblePresetName, OpenAICompatiblePreset>> = PRESETS;

export const PRESET_NAMES = Object.keys(OPENAI_COMPATIBLE_PRESETS) as [
  OpenAICompatiblePresetName,
  ...OpenAICompatiblePresetName[],
];

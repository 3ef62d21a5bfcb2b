/**
 * The Anthropic provider's descriptor: its options, its kind's facts, its factory (DESIGN.md §10).
 */
import { z } from 'zod';
import { defineProvider, providerOptions } from '../kit/provider-descriptor.js';
import { anthropicProvider } from './index.js';

export const anthropicDescriptor = defineProvider({
  kinds: { anthropic: { families: /^claude-/, modelsDev: 'anthropic', prices: 'anthropic' } },
  options: providerOptions(['anthropic'], {
    /** The `anthropic-version` header (default `2023-06-01`, the version the translation follows). */
    anthropicVersion: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2023-06-01')
      .optional(),
    /** Beta features, sent in one `anthropic-beta` header. */
    betaHeaders: z
      .array(z.string().regex(/^[a-z0-9.-]+$/i, 'must be a beta name like fine-grained-tool-streaming-2025-05-14'))
      .optional(),
    /** `max_tokens` when a request sets none (Anthropic requires one; default 4096). */
    defaultMaxTokens: z.number().int().positive().optional(),
    /** `reasoning_effort` → a thinking token budget (default) or adaptive thinking with an effort level. */
    thinking: z.enum(['budget', 'adaptive']).optional(),
  }),
  create: (id, options) =>
    anthropicProvider({
      id,
      apiKey: options.apiKey || undefined,
      headers: options.headers,
      models: options.models,
      baseURL: options.baseURL,
      anthropicVersion: options.anthropicVersion,
      betaHeaders: options.betaHeaders,
      defaultMaxTokens: options.defaultMaxTokens,
      thinking: options.thinking,
    }),
});

/**
 * The Azure OpenAI provider's descriptor: its options, its kind's facts, its factory (DESIGN.md §10).
 */
import { z } from 'zod';
import { defineProvider, invalidProviderOption, providerOptions } from '../kit/provider-descriptor.js';
import { azureProvider } from './index.js';

export const azureDescriptor = defineProvider({
  kinds: {
    // An Azure deployment serves OpenAI's models: their bare names route here when OpenAI itself is not configured.
    azure: { standsInFor: 'openai', modelsDev: 'azure', catalogueAlso: ['openai'], prices: 'azure' },
  },
  options: providerOptions(
    ['azure'],
    {
      resource: z
        .string()
        .regex(/^[a-z0-9-]+$/i, 'must be an Azure resource name')
        .optional(),
      /** A dated API version (default `2024-10-21`), or `v1` for Azure's version-less v1 API. */
      apiVersion: z.string().min(1).optional(),
      /** Model name → deployment name. */
      deployments: z.record(z.string(), z.string()).optional(),
    },
    ['resource', 'apiVersion', 'deployments'],
  ),
  create(id, options) {
    if (!options.resource && !options.baseURL)
      invalidProviderOption(id, 'resource', 'Azure needs `resource` or `baseURL`');
    return azureProvider({
      id,
      apiKey: options.apiKey || undefined,
      headers: options.headers,
      models: options.models,
      resource: options.resource,
      baseURL: options.baseURL,
      apiVersion: options.apiVersion,
      deployments: options.deployments,
    });
  },
});

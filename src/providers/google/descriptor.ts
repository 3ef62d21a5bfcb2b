/**
 * The Google provider's descriptor (Gemini API or Vertex AI): its options, its kind's facts, its
 * factory (DESIGN.md §10).
 */
import { z } from 'zod';
import { defineProvider, providerOptions } from '../kit/provider-descriptor.js';
import { googleProvider } from './index.js';
import { readVertexSettings } from './vertex-settings.js';

export const googleDescriptor = defineProvider({
  kinds: {
    google: {
      // Gemini and Gemma, and Google's embedding models with a three-digit version (`text-embedding-004`,
      // `embedding-001`, `text-multilingual-embedding-002`); OpenAI's embedding names never end so.
      families: /^(?:gemini-|gemma-)|^(?:text-embedding|text-multilingual-embedding|embedding)-\d{3}$/,
      modelsDev: 'google',
      prices: 'google',
    },
  },
  options: providerOptions(
    ['google'],
    {
      /** The API version of Vertex AI (`v1beta1` by default). */
      apiVersion: z.string().min(1).optional(),
      /** Sent with every request, e.g. [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_ONLY_HIGH' }]. */
      safetySettings: z.array(z.strictObject({ category: z.string().min(1), threshold: z.string().min(1) })).optional(),
      /** Gemini on Vertex AI: a service-account key (the parsed JSON file, or its text) instead of an API key. */
      vertex: z
        .strictObject({
          project: z.string().min(1).optional(),
          location: z
            .string()
            .regex(/^[a-z0-9-]+$/, 'must be a location such as global, us-central1 or europe-west4')
            .optional(),
          credentials: z.union(
            [
              z.string().min(1),
              z.looseObject({
                client_email: z.string().min(1),
                private_key: z.string().min(1),
                private_key_id: z.string().optional(),
                project_id: z.string().optional(),
              }),
            ],
            {
              error:
                'required: the service-account key, as its JSON text or the parsed object with client_email and private_key',
            },
          ),
        })
        .optional(),
    },
    ['apiVersion'],
  ),
  create: (id, options) =>
    googleProvider({
      id,
      apiKey: options.apiKey || undefined,
      headers: options.headers,
      models: options.models,
      baseURL: options.baseURL,
      safetySettings: options.safetySettings,
      vertex: readVertexSettings(id, options),
    }),
});

/**
 * The AWS Bedrock provider's descriptor: its options, its kind's facts, its factory (DESIGN.md §10).
 */
import { z } from 'zod';
import { defineProvider, invalidProviderOption as fail, providerOptions } from '../kit/provider-descriptor.js';
import { bedrockProvider } from './index.js';

export const bedrockDescriptor = defineProvider({
  kinds: {
    bedrock: {
      // Model ids and cross-region inference profiles (`us.anthropic.claude-…`) of the vendors Bedrock hosts.
      families: /^(?:(?:us|eu|apac|global)\.)?(?:anthropic|amazon|meta|mistral|cohere|ai21|deepseek)\.[\w.:-]+$/,
      modelsDev: 'amazon-bedrock',
      prices: 'aws',
      // An inference-profile ARN stands where a model id goes; its last path segment is the profile id
      // the catalogue knows (an application profile's opaque id simply finds no price).
      priceModelName: (model) => (model.startsWith('arn:') ? model.slice(model.lastIndexOf('/') + 1) : model),
    },
  },
  // SigV4 credentials (or `apiKey`, a Bedrock API key). Never read from the environment.
  options: providerOptions(
    ['bedrock'],
    {
      region: z
        .string()
        .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as us-east-1')
        .optional(),
      accessKeyId: z.string().optional(),
      secretAccessKey: z.string().optional(),
      sessionToken: z.string().optional(),
    },
    // An endpoint may be another region or account.
    ['region', 'accessKeyId', 'secretAccessKey', 'sessionToken'],
  ),
  create(id, options) {
    if (!options.region)
      fail(id, 'region', 'Bedrock needs the AWS region (e.g. us-east-1) for its endpoint and signature');
    if (Boolean(options.accessKeyId) !== Boolean(options.secretAccessKey) && !options.apiKey) {
      fail(
        id,
        options.accessKeyId ? 'secretAccessKey' : 'accessKeyId',
        'set both accessKeyId and secretAccessKey (or apiKey, a Bedrock API key)',
      );
    }
    return bedrockProvider({
      id,
      apiKey: options.apiKey || undefined,
      headers: options.headers,
      models: options.models,
      region: options.region,
      baseURL: options.baseURL,
      accessKeyId: options.accessKeyId || undefined,
      secretAccessKey: options.secretAccessKey || undefined,
      sessionToken: options.sessionToken || undefined,
    });
  },
});

import { pathSegment } from '../kit/path-segment.js';
import type { Provider, ProviderCall } from '../types.js';
import { openAICompatibleProvider } from '../openai-compatible/index.js';

export interface AzureSettings {
  id: string;
  apiKey?: string;
  /** `https://<resource>.openai.azure.com` is derived from it when `baseURL` is absent. */
  resource?: string;
  baseURL?: string;
  /** A dated API version (default `2024-10-21`), or `v1` for Azure's version-less v1 API. */
  apiVersion?: string;
  /** Model name → deployment name; a model without an entry uses its own name as the deployment. */
  deployments?: Record<string, string>;
  headers?: Record<string, string>;
  models?: readonly string[];
}

export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

const OPERATION_PATHS: Record<string, string> = {
  chat: 'chat/completions',
  responses: 'responses',
  embeddings: 'embeddings',
};

/** Azure OpenAI: OpenAI's wire format behind deployment URLs and an `api-key` header. */
export function azureProvider(settings: AzureSettings): Provider {
  const base = (settings.baseURL ?? `https://${settings.resource}.openai.azure.com`)
    .replace(/\/+$/, '')
    .replace(/\/openai$/, '');
  const apiVersion = settings.apiVersion ?? AZURE_DEFAULT_API_VERSION;
  const deployments = settings.deployments ?? {};
  // An own entry only: `constructor` is a deployment named so, not the text of Object's constructor.
  const deploymentFor = (model: string) => (Object.hasOwn(deployments, model) ? deployments[model] : model);

  const urlFor = (call: ProviderCall): string => {
    const path = OPERATION_PATHS[call.operation];
    if (apiVersion === 'v1') return `${base}/openai/v1/${path}`;
    // The Responses API has no deployment URLs: `/openai/responses?api-version=` (2025-03-01-preview
    // or later), the deployment named in the body's `model` as on the v1 API.
    if (call.operation === 'responses') return `${base}/openai/responses?api-version=${encodeURIComponent(apiVersion)}`;
    const deployment = pathSegment(deploymentFor(call.model), { providerId: settings.id });
    return `${base}/openai/deployments/${deployment}/${path}?api-version=${encodeURIComponent(apiVersion)}`;
  };

  const inner = openAICompatibleProvider({
    id: settings.id,
    kind: 'azure',
    baseURL: base,
    apiKey: settings.apiKey,
    authHeader: 'api-key',
    headers: settings.headers,
    models: settings.models ?? Object.keys(settings.deployments ?? {}),
    urlFor,
  });
  // The v1 API, and the Responses API on every version, take the deployment name in the body's `model`.
  const modelInBody = (call: ProviderCall) => apiVersion === 'v1' || call.operation === 'responses';
  return {
    ...inner,
    buildRequest: (call) =>
      modelInBody(call)
        ? inner.buildRequest({ ...call, body: { ...call.body, model: deploymentFor(call.model) } })
        : inner.buildRequest(call),
  };
}

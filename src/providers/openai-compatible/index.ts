import { providerNotConfigured } from '../../errors.js';
import { OPENAI_OPERATIONS, type Operation, type Provider, type ProviderCall } from '../types.js';
import type { UpstreamRequest } from '../../transport/types.js';
import { parseOpenAIError } from './errors.js';

const PATHS: Record<string, string> = {
  chat: '/chat/completions',
  responses: '/responses',
  embeddings: '/embeddings',
};

export interface OpenAICompatibleSettings {
  id: string;
  kind: string;
  baseURL: string;
  apiKey?: string;
  keyOptional?: boolean;
  /** How the key travels: `Authorization: Bearer` (default) or Azure's `api-key` header. */
  authHeader?: 'bearer' | 'api-key';
  headers?: Record<string, string>;
  models?: readonly string[];
  streamUsage?: Provider['streamUsage'];
  /** The operations the server takes as is (`Provider.native`); default: OpenAI's (`OPENAI_OPERATIONS`). */
  native?: readonly Operation[];
  /** Overrides the URL per call (Azure deployments). */
  urlFor?: (call: ProviderCall) => string;
}

/** One factory for every OpenAI-compatible vendor: the body goes upstream unchanged. */
export function openAICompatibleProvider(settings: OpenAICompatibleSettings): Provider {
  const base = settings.baseURL.replace(/\/+$/, '');
  const urlFor = settings.urlFor ?? ((call: ProviderCall) => base + PATHS[call.operation]);
  const fixedHeaders: Record<string, string> = { 'content-type': 'application/json', ...settings.headers };
  if (settings.apiKey) {
    if (settings.authHeader === 'api-key') fixedHeaders['api-key'] = settings.apiKey;
    else fixedHeaders.authorization = `Bearer ${settings.apiKey}`;
  }
  const streamHeaders = { ...fixedHeaders, accept: 'text/event-stream' };

  return {
    id: settings.id,
    kind: settings.kind,
    models: settings.models ?? [],
    streamUsage: settings.streamUsage ?? 'request',
    // OpenAI's wire format: other routes (Anthropic's Messages API) reach it through their bridge.
    native: settings.native ?? OPENAI_OPERATIONS,
    secrets: settings.apiKey ? [settings.apiKey] : [],
    buildRequest(call: ProviderCall): UpstreamRequest {
      if (!settings.apiKey && !settings.keyOptional) {
        throw providerNotConfigured(settings.id);
      }
      return {
        url: urlFor(call),
        method: 'POST',
        headers: call.stream ? streamHeaders : fixedHeaders,
        body: JSON.stringify(call.body),
      };
    },
    parseError: parseOpenAIError,
    // Azure's deployment URLs (`urlFor`) are not OpenAI's paths: it is not a pass-through target.
    passthroughTarget: settings.urlFor
      ? undefined
      : (path) => {
          if (!settings.apiKey && !settings.keyOptional) throw providerNotConfigured(settings.id);
          const { 'content-type': _json, ...headers } = fixedHeaders;
          return { url: base + path, headers };
        },
  };
}

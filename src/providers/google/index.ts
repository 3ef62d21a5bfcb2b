/**
 * Google Gemini: `generateContent` and `streamGenerateContent?alt=sse`, the same wire format on two
 * services, and `batchEmbedContents` for embeddings (Gemini API only). The Gemini API
 * (generativelanguage.googleapis.com) takes the API key in the `x-goog-api-key` header, never in the URL, so that it cannot leak into access logs
 * (https://ai.google.dev/gemini-api/docs/api-key). Vertex AI (aiplatform.googleapis.com) takes a
 * service account's self-signed JWT as a bearer token (see vertex-auth.ts).
 * Pure: builds requests and reads responses; the engine does the I/O.
 */
import { randomUUID } from 'node:crypto';
import { providerNotConfigured, unsupported } from '../../errors.js';
import { pathSegment } from '../kit/path-segment.js';
import type { Provider, ProviderCall } from '../types.js';
import type { UpstreamRequest } from '../../transport/types.js';
import { convertEmbeddingsRequest, convertEmbeddingsResponse } from './convert-embeddings.js';
import { convertRequest, type SafetySetting } from './convert-request.js';
import { convertResponse } from './convert-response.js';
import { createGeminiStreamTranslator } from './convert-stream.js';
import { parseGeminiError } from './errors.js';
import { geminiStreamDecoder } from './stream-decoder.js';
import type { GeminiResponse } from './gemini-types.js';
import { vertexTokenSource, type ServiceAccountKey } from './vertex-auth.js';

export const GOOGLE_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com/v1beta';

export interface GoogleSettings {
  id: string;
  apiKey?: string;
  /** Up to and including the API version (default `https://generativelanguage.googleapis.com/v1beta`). */
  baseURL?: string;
  headers?: Record<string, string>;
  models?: readonly string[];
  /** Sent with every request, e.g. `[{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }]`. */
  safetySettings?: SafetySetting[];
  /** Vertex AI instead of the Gemini API: no API key then. */
  vertex?: VertexSettings;
  /** The clock (tests). */
  now?: () => number;
}

export interface VertexSettings {
  project: string;
  /** `global` (default), a region such as `us-central1`, or a multi-region (`us`, `eu`). */
  location?: string;
  /** Default `v1beta1`, as Google's Gen AI SDK uses. */
  apiVersion?: string;
  credentials: ServiceAccountKey;
}

/** Where Vertex AI serves a location (the hosts Google's Gen AI SDK uses). */
export function vertexBaseURL(location: string, apiVersion = 'v1beta1'): string {
  if (location === 'global') return `https://aiplatform.googleapis.com/${apiVersion}`;
  if (location === 'us' || location === 'eu') return `https://aiplatform.${location}.rep.googleapis.com/${apiVersion}`;
  return `https://${location}-aiplatform.googleapis.com/${apiVersion}`;
}

/** A response id for answers that come without one (unique, not derived from the key or the input). */
const newId = () => randomUUID().replace(/-/g, '');
const now = () => Math.floor(Date.now() / 1000);

export function googleProvider(settings: GoogleSettings): Provider {
  const vertex = settings.vertex;
  const location = vertex?.location ?? 'global';
  const base = (
    settings.baseURL ?? (vertex ? vertexBaseURL(location, vertex.apiVersion) : GOOGLE_DEFAULT_BASE_URL)
  ).replace(/\/+$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json', ...settings.headers };
  if (settings.apiKey && !vertex) headers['x-goog-api-key'] = settings.apiKey;
  const tokens = vertex ? vertexTokenSource(vertex.credentials, settings.now) : undefined;
  const modelsPath = vertex
    ? `${base}/projects/${encodeURIComponent(vertex.project)}/locations/${encodeURIComponent(location)}/publishers/google/models/`
    : undefined;
  const fixedSecrets = vertex ? [vertex.credentials.private_key] : settings.apiKey ? [settings.apiKey] : [];
  /** The key material, and on Vertex AI the token requests carry now. */
  const currentSecrets = (): readonly string[] => {
    const token = tokens?.current();
    return token ? [...fixedSecrets, token] : fixedSecrets;
  };

  const requestHeaders = () => (tokens ? { ...headers, authorization: `Bearer ${tokens.token()}` } : headers);
  const urlFor = (call: ProviderCall, method: string) =>
    modelsPath
      ? `${modelsPath}${pathSegment(call.model.replace(/^models\//, ''), { providerId: settings.id })}:${method}`
      : `${base}/${modelPath(call.model, settings.id)}:${method}`;

  return {
    id: settings.id,
    kind: 'google',
    models: settings.models ?? [],
    // Gemini reports usage on every event; the translator turns the last one into a usage chunk.
    streamUsage: 'always',
    translates: ['chat', 'embeddings', 'chat_tokens'],
    get secrets() {
      return currentSecrets();
    },
    buildRequest(call: ProviderCall): UpstreamRequest {
      if (!tokens && !settings.apiKey) {
        throw providerNotConfigured(settings.id);
      }
      if (call.operation === 'embeddings') {
        if (vertex) {
          // Vertex serves Gemini embeddings through `:predict` or a one-input `:embedContent`, not batchEmbedContents.
          throw unsupported(
            'unsupported_operation',
            `Provider \`${settings.id}\` (Vertex AI) does not serve embeddings in this gateway yet; configure a \`google\` provider with a Gemini API key for embeddings.`,
            'model',
          );
        }
        const { body, droppedParams } = convertEmbeddingsRequest(call);
        return {
          url: urlFor(call, 'batchEmbedContents'),
          method: 'POST',
          headers,
          body: JSON.stringify(body),
          droppedParams: droppedParams.length ? droppedParams : undefined,
        };
      }
      const { body, droppedParams } = convertRequest(call, {
        safetySettings: settings.safetySettings,
        providerId: settings.id,
      });
      if (call.operation === 'chat_tokens') {
        // countTokens over the whole request (system instruction and tools included): the Gemini
        // API wraps it as a generateContentRequest naming the model; Vertex AI takes its fields.
        const count = modelsPath
          ? body
          : { generateContentRequest: { model: modelPath(call.model, settings.id), ...body } };
        return {
          url: urlFor(call, 'countTokens'),
          method: 'POST',
          headers: requestHeaders(),
          body: JSON.stringify(count),
        };
      }
      return {
        url: urlFor(call, call.stream ? 'streamGenerateContent?alt=sse' : 'generateContent'),
        method: 'POST',
        headers: requestHeaders(),
        body: JSON.stringify(body),
        droppedParams: droppedParams.length ? droppedParams : undefined,
      };
    },
    parseError: parseGeminiError,
    convertResponse: (call, json) => {
      if (call.operation === 'embeddings') return convertEmbeddingsResponse(settings.id, call, json);
      // A count costs nothing: no usage, the count as a chat-shaped prompt size.
      if (call.operation === 'chat_tokens') return { body: { usage: { prompt_tokens: countOf(json.totalTokens) } } };
      return convertResponse(json as GeminiResponse, { providerId: settings.id, model: call.model, newId, now });
    },
    createStreamDecoder: geminiStreamDecoder,
    createStreamTranslator: (call) =>
      createGeminiStreamTranslator({ providerId: settings.id, model: call.model, newId, now }),
  };
}

/** `gemini-2.5-flash` → `models/gemini-2.5-flash`; `tunedModels/x` stays; the name is one escaped segment. */
function modelPath(model: string, providerId: string): string {
  const slash = model.indexOf('/');
  if (slash > 0 && /^(models|tunedModels)$/.test(model.slice(0, slash)))
    return `${model.slice(0, slash)}/${pathSegment(model.slice(slash + 1), { providerId })}`;
  return `models/${pathSegment(model, { providerId })}`;
}

/** `totalTokens` of a countTokens answer (0 when absent: an empty prompt). */
function countOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

/**
 * Google Gemini through the Gemini API (generativelanguage.googleapis.com): `generateContent` and
 * `streamGenerateContent?alt=sse`, with the API key in the `x-goog-api-key` header, never in the
 * URL, so that it cannot leak into access logs (https://ai.google.dev/gemini-api/docs/api-key).
 * Pure: builds requests and reads responses; the engine does the I/O.
 */
import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../errors.js';
import type { Provider, ProviderCall, UpstreamRequest } from '../types.js';
import { convertRequest, type SafetySetting } from './convert-request.js';
import { convertResponse } from './convert-response.js';
import { createGeminiStreamTranslator } from './convert-stream.js';
import { parseGeminiError } from './errors.js';
import { geminiStreamDecoder } from './stream-decoder.js';
import type { GeminiResponse } from './gemini-types.js';

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
}

/** A response id for answers that come without one (unique, not derived from the key or the input). */
const newId = () => randomUUID().replace(/-/g, '');
const now = () => Math.floor(Date.now() / 1000);

export function googleProvider(settings: GoogleSettings): Provider {
  const base = (settings.baseURL ?? GOOGLE_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json', ...settings.headers };
  if (settings.apiKey) headers['x-goog-api-key'] = settings.apiKey;
  const secrets = settings.apiKey ? [settings.apiKey] : [];

  return {
    id: settings.id,
    kind: 'google',
    models: settings.models ?? [],
    // Gemini reports usage on every event; the translator turns the last one into a usage chunk.
    streamUsage: 'always',
    secrets,
    buildRequest(call: ProviderCall): UpstreamRequest {
      if (!settings.apiKey) {
        throw new GatewayError({ status: 502, code: 'provider_not_configured', fallback: true, message: `Provider \`${settings.id}\` has no API key configured.` });
      }
      if (call.operation !== 'chat') {
        throw new GatewayError({ status: 400, code: 'unsupported_operation', fallback: true, param: 'model', message: `Provider \`${settings.id}\` (Google Gemini) serves chat completions only in this gateway.` });
      }
      const { body, droppedParams } = convertRequest(call, { safetySettings: settings.safetySettings });
      const method = call.stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
      return {
        url: `${base}/${modelPath(call.model)}:${method}`,
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        droppedParams: droppedParams.length ? droppedParams : undefined,
      };
    },
    parseError: parseGeminiError,
    convertResponse: (call, json) => convertResponse(json as GeminiResponse, { providerId: settings.id, model: call.model, newId, now }),
    createStreamDecoder: geminiStreamDecoder,
    createStreamTranslator: (call) => createGeminiStreamTranslator({ providerId: settings.id, secrets, model: call.model, newId, now }),
  };
}

/** `gemini-2.5-flash` → `models/gemini-2.5-flash`; `tunedModels/x` stays; the name is escaped. */
function modelPath(model: string): string {
  const slash = model.indexOf('/');
  if (slash > 0 && /^(models|tunedModels)$/.test(model.slice(0, slash))) return `${model.slice(0, slash)}/${encodeURIComponent(model.slice(slash + 1))}`;
  return `models/${encodeURIComponent(model)}`;
}

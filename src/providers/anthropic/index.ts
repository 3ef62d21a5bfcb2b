/**
 * The Anthropic Messages API: behind the OpenAI chat route by translation (`POST {baseURL}/messages`
 * with `x-api-key` and a pinned `anthropic-version`; the convert-* files), and behind the gateway's
 * own Anthropic route natively (`messages`, `count_tokens`: the client's body as it came, see
 * native-request.ts).
 */
import { providerNotConfigured, unsupported } from '../../errors.js';
import type { Provider, ProviderCall } from '../types.js';
import type { UpstreamRequest } from '../../transport/types.js';
import { convertRequest, usesJsonTool, type AnthropicRequestSettings } from './convert-request.js';
import { convertResponse } from './convert-response.js';
import { AnthropicStreamTranslator } from './convert-stream.js';
import { parseAnthropicError } from './errors.js';
import { nativeRequest } from './native-request.js';

/** The API version every request pins; the request and response shapes here follow it. */
export const ANTHROPIC_VERSION = '2023-06-01';
export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com/v1';
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

export interface AnthropicSettings {
  id: string;
  apiKey?: string;
  /** Default `https://api.anthropic.com/v1`; requests go to `{baseURL}/messages`. */
  baseURL?: string;
  /** Default `2023-06-01`. */
  anthropicVersion?: string;
  /** Sent as one `anthropic-beta` header, comma-separated. */
  betaHeaders?: readonly string[];
  defaultMaxTokens?: number;
  thinking?: AnthropicRequestSettings['thinking'];
  headers?: Record<string, string>;
  models?: readonly string[];
}

const seconds = () => Math.floor(Date.now() / 1000);

export function anthropicProvider(settings: AnthropicSettings): Provider {
  const url = `${(settings.baseURL ?? ANTHROPIC_BASE_URL).replace(/\/+$/, '')}/messages`;
  const requestSettings: AnthropicRequestSettings = {
    defaultMaxTokens: settings.defaultMaxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    thinking: settings.thinking ?? 'budget',
    providerId: settings.id,
  };
  const headers: Record<string, string> = {
    ...settings.headers,
    'content-type': 'application/json',
    'anthropic-version': settings.anthropicVersion ?? ANTHROPIC_VERSION,
  };
  if (settings.betaHeaders?.length) headers['anthropic-beta'] = settings.betaHeaders.join(',');
  if (settings.apiKey) headers['x-api-key'] = settings.apiKey;
  const streamHeaders = { ...headers, accept: 'text/event-stream' };
  const secrets = settings.apiKey ? [settings.apiKey] : [];

  return {
    id: settings.id,
    kind: 'anthropic',
    models: settings.models ?? [],
    // The translator always ends with a usage chunk; the engine strips it when not asked for.
    streamUsage: 'always',
    translates: ['chat'],
    native: ['messages', 'count_tokens'],
    secrets,
    buildRequest(call: ProviderCall): UpstreamRequest {
      if (call.operation === 'messages' || call.operation === 'count_tokens') {
        if (!settings.apiKey) throw providerNotConfigured(settings.id);
        return nativeRequest(call, { url, headers, betas: settings.betaHeaders ?? [] });
      }
      if (call.operation !== 'chat') {
        throw unsupported(
          'unsupported_operation',
          `Provider \`${settings.id}\` (Anthropic) serves chat completions and the Messages API only.`,
        );
      }
      if (!settings.apiKey) {
        throw providerNotConfigured(settings.id);
      }
      const { body, droppedParams } = convertRequest(call, requestSettings);
      return {
        url,
        method: 'POST',
        headers: call.stream ? streamHeaders : headers,
        body: JSON.stringify(body),
        droppedParams,
      };
    },
    parseError: parseAnthropicError,
    convertResponse: (call, json) => convertResponse(json, { created: seconds(), jsonTool: usesJsonTool(call.body) }),
    createStreamTranslator: (call) =>
      new AnthropicStreamTranslator({
        providerId: settings.id,
        model: call.model,
        created: seconds(),
        jsonTool: usesJsonTool(call.body),
      }),
  };
}

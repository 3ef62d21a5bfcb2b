/**
 * The Anthropic provider's wiring: options, headers, the pinned version, and what it refuses.
 */
import { describe, expect, it } from 'vitest';
import { createGateway } from '../../src/index.js';
import { anthropicProvider } from '../../src/providers/anthropic/index.js';
import { createProviders } from '../../src/providers/create-providers.js';
import type { ProviderCall } from '../../src/providers/types.js';

const call = (extra: Partial<ProviderCall> = {}): ProviderCall => ({
  operation: 'chat',
  model: 'claude-haiku-4-5',
  body: { model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] },
  stream: false,
  strictParams: false,
  ...extra,
});

describe('anthropic provider', () => {
  it('is created for the id `anthropic` or kind `anthropic`, with its options', () => {
    const providers = createProviders({
      anthropic: { apiKey: 'sk-ant-test-1' },
      claude2: { kind: 'anthropic', apiKey: 'sk-ant-test-2', baseURL: 'http://127.0.0.1:9/v1/' },
    });
    expect(providers.get('anthropic')).toMatchObject({ kind: 'anthropic', streamUsage: 'always' });
    expect(providers.get('claude2')!.buildRequest(call()).url).toBe('http://127.0.0.1:9/v1/messages');
  });

  it('sends x-api-key, the pinned anthropic-version and the configured beta header', () => {
    const provider = anthropicProvider({
      id: 'anthropic',
      apiKey: 'sk-ant-test-3',
      betaHeaders: ['a-2025-01-01', 'b-2025-02-02'],
      headers: { 'x-team': 'core' },
    });
    const request = provider.buildRequest(call({ stream: true, body: { ...call().body, stream: true } }));
    expect(request).toMatchObject({ url: 'https://api.anthropic.com/v1/messages', method: 'POST' });
    expect(request.headers).toEqual({
      'x-team': 'core',
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'a-2025-01-01,b-2025-02-02',
      'x-api-key': 'sk-ant-test-3',
      accept: 'text/event-stream',
    });
    expect(JSON.parse(request.body!)).toEqual({
      model: 'claude-haiku-4-5',
      max_tokens: 4096,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      stream: true,
    });
    expect(provider.secrets).toEqual(['sk-ant-test-3']);
  });

  it('fails over when it has no key, and refuses operations other than chat', () => {
    const provider = anthropicProvider({ id: 'anthropic' });
    expect(() => provider.buildRequest(call())).toThrow(
      expect.objectContaining({ code: 'provider_not_configured', fallback: true }),
    );
    const keyed = anthropicProvider({ id: 'anthropic', apiKey: 'sk-ant-test-4' });
    expect(() => keyed.buildRequest(call({ operation: 'embeddings' }))).toThrow(
      expect.objectContaining({ code: 'unsupported_operation' }),
    );
  });

  it('checks its options when the gateway is created', () => {
    expect(() => createGateway({ providers: { anthropic: { apiKey: 'k', thinking: 'always' as never } } })).toThrow(
      /providers\.anthropic\.thinking/,
    );
    expect(() => createGateway({ providers: { anthropic: { apiKey: 'k', anthropicVersion: 'latest' } } })).toThrow(
      /providers\.anthropic\.anthropicVersion: must be a date/,
    );
    expect(() => createGateway({ providers: { anthropic: { apiKey: 'k', defaultMaxTokens: 0 } } })).toThrow(
      /providers\.anthropic\.defaultMaxTokens/,
    );
    expect(() => createGateway({ providers: { anthropic: { apiKey: 'k', betaHeaders: ['bad header'] } } })).toThrow(
      /providers\.anthropic\.betaHeaders/,
    );
  });
});

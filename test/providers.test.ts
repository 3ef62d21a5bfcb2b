/**
 * OpenAI-compatible presets and Azure: the URL, auth header and body each upstream receives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../src/index.js';
import { createProviders } from '../src/providers/create-providers.js';
import { OPENAI_COMPATIBLE_PRESETS } from '../src/providers/openai-compatible/presets.js';
import type { ProviderCall } from '../src/providers/types.js';
import { CHAT, completion, post } from './helpers/handle.js';
import { json, startUpstream, type Upstream } from './helpers/upstream.js';

const call = (model: string, stream = false): ProviderCall => ({
  operation: 'chat',
  model,
  body: { ...CHAT, model, stream },
  stream,
  strictParams: false,
});

describe('OpenAI-compatible presets', () => {
  const EXPECTED_URLS: Record<string, string> = {
    openai: 'https://api.openai.com/v1/chat/completions',
    groq: 'https://api.groq.com/openai/v1/chat/completions',
    together: 'https://api.together.xyz/v1/chat/completions',
    fireworks: 'https://api.fireworks.ai/inference/v1/chat/completions',
    openrouter: 'https://openrouter.ai/api/v1/chat/completions',
    mistral: 'https://api.mistral.ai/v1/chat/completions',
    deepseek: 'https://api.deepseek.com/v1/chat/completions',
    xai: 'https://api.x.ai/v1/chat/completions',
    perplexity: 'https://api.perplexity.ai/chat/completions',
    cerebras: 'https://api.cerebras.ai/v1/chat/completions',
    ollama: 'http://127.0.0.1:11434/v1/chat/completions',
  };

  it('has a correct base URL and bearer auth for each preset', () => {
    expect(Object.keys(OPENAI_COMPATIBLE_PRESETS).sort()).toEqual(Object.keys(EXPECTED_URLS).sort());
    const providers = createProviders(
      Object.fromEntries(Object.keys(EXPECTED_URLS).map((id) => [id, { apiKey: `key-${id}` }])),
    );
    for (const [id, url] of Object.entries(EXPECTED_URLS)) {
      const request = providers.get(id)!.buildRequest(call('some-model'));
      expect(request.url, id).toBe(url);
      expect(request.headers.authorization, id).toBe(`Bearer key-${id}`);
      expect(JSON.parse(request.body!)).toEqual({ ...CHAT, model: 'some-model', stream: false });
    }
  });

  it('lets ollama run without a key, and asks for SSE when streaming', () => {
    const request = createProviders({ ollama: {} }).get('ollama')!.buildRequest(call('llama3.2', true));
    expect(request.headers.authorization).toBeUndefined();
    expect(request.headers.accept).toBe('text/event-stream');
  });

  it('sends configured extra headers (e.g. OpenRouter attribution)', () => {
    const request = createProviders({ openrouter: { apiKey: 'k', headers: { 'HTTP-Referer': 'https://example.com' } } })
      .get('openrouter')!
      .buildRequest(call('x'));
    expect(request.headers['HTTP-Referer']).toBe('https://example.com');
  });
});

describe('Azure OpenAI', () => {
  let upstream: Upstream;
  beforeAll(async () => {
    upstream = await startUpstream((_request, response) => json(response, 200, completion('from azure')));
  });
  afterAll(() => upstream.close());

  it('builds deployment URLs with api-version and the api-key header', () => {
    const azure = createProviders({
      azure: { resource: 'contoso', apiKey: 'az-key', deployments: { 'gpt-4o': 'prod 4o' } },
    }).get('azure')!;
    const request = azure.buildRequest(call('gpt-4o'));
    expect(request.url).toBe(
      'https://contoso.openai.azure.com/openai/deployments/prod%204o/chat/completions?api-version=2024-10-21',
    );
    expect(request.headers['api-key']).toBe('az-key');
    expect(request.headers.authorization).toBeUndefined();
    expect(azure.buildRequest(call('gpt-4o-mini')).url).toContain('/deployments/gpt-4o-mini/');
  });

  it('supports the v1 API, with the deployment as the body model', () => {
    const azure = createProviders({
      azure: {
        baseURL: 'https://contoso.openai.azure.com/openai',
        apiKey: 'k',
        apiVersion: 'v1',
        deployments: { 'gpt-4o': 'dep' },
      },
    }).get('azure')!;
    const request = azure.buildRequest(call('gpt-4o'));
    expect(request.url).toBe('https://contoso.openai.azure.com/openai/v1/chat/completions');
    expect(JSON.parse(request.body!).model).toBe('dep');
  });

  it('serves azure/gpt-4o end to end through the same OpenAI-shaped request', async () => {
    const gateway = createGateway({
      providers: {
        azure: {
          baseURL: upstream.origin,
          apiKey: 'az-test-key',
          deployments: { 'gpt-4o': 'my-4o' },
          apiVersion: '2025-01-01-preview',
        },
      },
    });
    const response = await post(gateway, { ...CHAT, model: 'azure/gpt-4o' });
    expect((response.body as any).choices[0].message.content).toBe('from azure');
    expect(upstream.requests[0].url).toBe('/openai/deployments/my-4o/chat/completions?api-version=2025-01-01-preview');
    expect(upstream.requests[0].headers['api-key']).toBe('az-test-key');
    await gateway.close();
  });
});

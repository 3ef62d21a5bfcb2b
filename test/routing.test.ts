import { describe, expect, it } from 'vitest';
import { createGateway, GatewayConfigError, type LogRecord, type Transport } from '../src/index.js';
import { createProviders } from '../src/providers/create-providers.js';
import { buildChain, type RoutingConfig } from '../src/routing/build-chain.js';
import { DeploymentTable } from '../src/routing/deployments.js';
import { ModelResolver } from '../src/routing/resolve-model.js';
import { familyKindOf } from '../src/routing/model-families.js';

const providers = createProviders({
  openai: { apiKey: 'sk-test-1' },
  groq: { apiKey: 'gsk-test-1' },
  azure: { resource: 'contoso', apiKey: 'az-test', deployments: { 'gpt-4o': 'prod-4o' } },
  local: { kind: 'openai-compatible', baseURL: 'http://127.0.0.1:8000/v1', models: ['qwen2.5'] },
});
const resolver = new ModelResolver(providers, {
  fast: { target: 'groq/llama-3.1-8b-instant', fallbacks: ['gpt-4o-mini'], params: { temperature: 0 } },
  smart: { target: 'fast' },
});

const routing = (globalFallbacks: string[]): RoutingConfig => ({
  resolver,
  deployments: new DeploymentTable({}, providers),
  groups: {},
  globalFallbacks,
  allowCustomerCredentials: false,
});

const route = (name: string) => {
  const target = resolver.resolve(name);
  return target && { provider: target.provider.id, model: target.model };
};

describe('model routing', () => {
  it('routes provider/model explicitly, keeping slashes in the model name', () => {
    expect(route('groq/llama-3.3-70b-versatile')).toEqual({ provider: 'groq', model: 'llama-3.3-70b-versatile' });
    expect(route('azure/gpt-4o')).toEqual({ provider: 'azure', model: 'gpt-4o' });
    expect(route('local/org/model-x')).toEqual({ provider: 'local', model: 'org/model-x' });
  });

  it('routes bare well-known names by family and names a provider lists', () => {
    expect(route('gpt-4o-mini')).toEqual({ provider: 'openai', model: 'gpt-4o-mini' });
    expect(route('o3-mini')).toEqual({ provider: 'openai', model: 'o3-mini' });
    expect(route('text-embedding-3-small')).toEqual({ provider: 'openai', model: 'text-embedding-3-small' });
    expect(familyKindOf('text-embedding-ada-002')).toBe('openai');
    // Google's embedding names end in a bare three-digit version; OpenAI's never do.
    for (const name of [
      'text-embedding-004',
      'embedding-001',
      'text-multilingual-embedding-002',
      'gemini-embedding-001',
    ])
      expect(familyKindOf(name)).toBe('google');
    expect(route('qwen2.5')).toEqual({ provider: 'local', model: 'qwen2.5' });
    expect(route('llama-3.1-8b-instant')).toBeUndefined();
  });

  it('resolves aliases, also aliases of aliases, with their defaults and fallbacks', () => {
    expect(resolver.resolve('smart')).toMatchObject({
      model: 'llama-3.1-8b-instant',
      alias: 'smart',
      params: { temperature: 0 },
      fallbacks: ['gpt-4o-mini'],
    });
  });

  it('lets Azure serve the OpenAI family when OpenAI is not configured', () => {
    const azureOnly = new ModelResolver(createProviders({ azure: { resource: 'contoso', apiKey: 'k' } }));
    expect(azureOnly.resolve('gpt-4o')?.provider.id).toBe('azure');
  });

  it('builds the chain: requested, request fallbacks, alias fallbacks, global fallbacks, duplicates skipped', () => {
    const { chain } = buildChain(routing(['gpt-4o-mini', 'azure/gpt-4o']), 'fast', {
      fallback_models: ['openai/gpt-4o-mini', 'local/qwen2.5'],
    });
    expect(chain.map((target) => `${target.provider.id}/${target.model}`)).toEqual([
      'groq/llama-3.1-8b-instant',
      'openai/gpt-4o-mini',
      'local/qwen2.5',
      'azure/gpt-4o',
    ]);
  });

  it('answers an unknown model with a 404 that says how to configure it', () => {
    expect(() => buildChain(routing([]), 'mystery-model', {})).toThrowError(
      /`mystery-model` is not available.*provider\/model.*openai, groq, azure, local.*`models`/,
    );
    expect(() => buildChain(routing([]), 'gpt-4o', { fallback_models: ['nope'] })).toThrowError(
      expect.objectContaining({ status: 404, param: 'fallback_models', code: 'model_not_found' }),
    );
  });
});

describe('createGateway options', () => {
  const invalid = (options: unknown) => {
    try {
      createGateway(options as never);
    } catch (error) {
      expect(error).toBeInstanceOf(GatewayConfigError);
      return (error as Error).message;
    }
    throw new Error('expected a GatewayConfigError');
  };

  it('names the path of every invalid option', () => {
    expect(invalid({})).toMatch(/providers:/);
    expect(invalid({ providers: { openai: { apiKey: 'k', baseURL: 'ftp://x' } } })).toMatch(
      /providers\.openai\.baseURL: must be an http\(s\) URL/,
    );
    expect(invalid({ providers: { openai: { apiKey: 'k', bogus: 1 } } })).toMatch(
      /providers\.openai: Unrecognized key: "bogus"/,
    );
    expect(invalid({ providers: { mine: { baseURL: 'http://127.0.0.1:1' } } })).toMatch(
      /providers\.mine\.kind: required/,
    );
    expect(invalid({ providers: { local: { kind: 'openai-compatible' } } })).toMatch(
      /providers\.local\.baseURL: required/,
    );
    expect(invalid({ providers: { azure: { apiKey: 'k' } } })).toMatch(/providers\.azure\.resource: Azure needs/);
    expect(invalid({ providers: { openai: {} }, retry: { maxRetries: -1 } })).toMatch(/retry\.maxRetries/);
    expect(invalid({ providers: { openai: {} }, onLog: 'file.jsonl' })).toMatch(/onLog: onLog must be a function/);
    expect(invalid({ providers: { openai: {} }, gatewayKeys: ['short'] })).toMatch(
      /gatewayKeys\.0: a gateway key must be at least 8 characters/,
    );
  });

  it('refuses an option that only another kind of provider reads, instead of ignoring it', () => {
    expect(invalid({ providers: { openai: { apiKey: 'k', resource: 'contoso' } } })).toMatch(
      /providers\.openai\.resource: applies to kind `azure` only/,
    );
    expect(invalid({ providers: { claude: { kind: 'anthropic', apiKey: 'k', region: 'us-east-1' } } })).toMatch(
      /providers\.claude\.region: applies to kind `bedrock` only; provider `claude` \(kind `anthropic`\) would ignore it/,
    );
    expect(invalid({ providers: { groq: { apiKey: 'k', defaultMaxTokens: 1000 } } })).toMatch(
      /providers\.groq\.defaultMaxTokens: applies to kind `anthropic` only/,
    );
    expect(invalid({ providers: { openai: { apiKey: 'k', apiVersion: '2024-10-21' } } })).toMatch(
      /providers\.openai\.apiVersion: applies to kind `azure` or `google` only/,
    );
    expect(
      invalid({ providers: { openai: { endpoints: [{ name: 'eu', apiKey: 'k', region: 'eu-west-1' }] } } }),
    ).toMatch(/providers\.openai\.endpoints\.0\.region: applies to kind `bedrock` only/);
    // Options of the provider's own kind stay accepted, on the provider and on its endpoints.
    expect(() =>
      createGateway({
        providers: { azure: { resource: 'contoso', apiKey: 'k', endpoints: [{ name: 'eu', resource: 'contoso-eu' }] } },
      }),
    ).not.toThrow();
    expect(() =>
      createGateway({
        providers: { bedrock: { region: 'us-east-1', apiKey: 'k', endpoints: [{ name: 'w', region: 'us-west-2' }] } },
      }),
    ).not.toThrow();
  });

  it('types the provider kind as the list of kinds, and explains missing Vertex AI credentials', () => {
    const misspelt: Parameters<typeof createGateway>[0] = {
      // @ts-expect-error a misspelt kind is a type error, not only a runtime one
      providers: { local: { kind: 'openai-compat', baseURL: 'http://127.0.0.1:1' } },
    };
    expect(invalid(misspelt)).toMatch(/providers\.local\.kind: Invalid option/);
    expect(invalid({ providers: { google: { vertex: { project: 'p' } } } })).toMatch(
      /providers\.google\.vertex\.credentials: required: the service-account key/,
    );
  });

  it('checks that aliases and fallbacks route somewhere', () => {
    const message = invalid({
      providers: { openai: { apiKey: 'k' } },
      models: { fast: { target: 'groq/llama', fallbacks: ['gpt-4o', 'claude-x'] } },
      fallbacks: ['nowhere'],
    });
    expect(message).toMatch(/models\.fast\.target: `groq\/llama` does not route/);
    expect(message).toMatch(/models\.fast\.fallbacks\.1: `claude-x` does not route/);
    expect(message).toMatch(/fallbacks\.0: `nowhere` does not route/);
  });

  it('routes the README example: its request falls back from an OpenAI without a key to the `fast` alias on Groq', async () => {
    // The README's providers call the vendors' own URLs: an in-process transport stands in for them
    // (no network), and records what the gateway sent where.
    const sent: Array<{ url: string; model: unknown }> = [];
    const completion = JSON.stringify({
      id: 'c1',
      object: 'chat.completion',
      created: 1,
      model: 'llama-3.1-8b-instant',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
    });
    const transport: Transport = {
      async send(request) {
        sent.push({ url: request.url, model: JSON.parse(request.body!).model });
        return {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: (async function* () {})(),
          text: async () => completion,
          cancel() {},
        };
      },
      async close() {},
    };
    const records: LogRecord[] = [];
    const gateway = createGateway({
      providers: {
        openai: { apiKey: process.env.MODELGATE_TEST_UNSET_KEY },
        groq: { apiKey: 'gsk-test' },
        local: { kind: 'openai-compatible', baseURL: 'http://127.0.0.1:8000/v1' },
      },
      models: { fast: { target: 'groq/llama-3.1-8b-instant', fallbacks: ['gpt-4o-mini'] } },
      transport,
      onLog: (record) => void records.push(record),
    });
    const request = {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hello' }],
      customer_identifier: 'user_123',
      fallback_models: ['fast'],
      metadata: { session_id: 'abc' },
      thread_identifier: 'conv_456',
      group_identifier: 'team_alpha',
    };
    const response = await gateway.handle({
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json' },
      body: request,
    });
    await gateway.close(); // once every log record reached the sink
    expect(response).toMatchObject({ status: 200, body: { choices: [{ message: { content: 'Hi' } }] } });
    expect(sent).toEqual([{ url: 'https://api.groq.com/openai/v1/chat/completions', model: 'llama-3.1-8b-instant' }]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      provider: 'groq',
      model: 'llama-3.1-8b-instant',
      fallback_used: true,
      customer_identifier: 'user_123',
      thread_identifier: 'conv_456',
    });
    expect(records[0].attempts.map((attempt) => [`${attempt.provider}/${attempt.model}`, attempt.error_code])).toEqual([
      ['openai/gpt-4o-mini', 'provider_not_configured'],
      ['groq/llama-3.1-8b-instant', null],
    ]);
  });
});

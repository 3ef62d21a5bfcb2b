/**
 * The options and gateway parameters of traffic management: invalid ones are refused with a
 * message that names the path.
 */
import { describe, expect, it } from 'vitest';
import { createGateway, GatewayConfigError } from '../src/index.js';
import { post } from './helpers/call.js';
import { chat } from './helpers/chat-upstream.js';

const providers = { openai: { apiKey: 'sk-test-options-0000001', baseURL: 'http://127.0.0.1:9/v1' } };

function configError(options: Record<string, unknown>): string {
  try {
    createGateway({ providers, ...options } as never);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a GatewayConfigError');
}

describe('traffic options', () => {
  it('names the offending path', () => {
    expect(configError({ store: {} })).toMatch(/store: must be a Store/);
    expect(configError({ onStoreError: 'maybe' })).toMatch(/onStoreError:/);
    expect(configError({ providers: { openai: { endpoints: [{ name: 'a b' }] } } })).toMatch(
      /providers\.openai\.endpoints\.0\.name: an endpoint name may only hold/,
    );
    expect(configError({ providers: { openai: { endpoints: [{ name: 'a', weight: 0 }] } } })).toMatch(
      /providers\.openai\.endpoints\.0\.weight/,
    );
    expect(configError({ customers: { acme: { budgetDuration: 'hourly' } } })).toMatch(
      /customers\.acme\.budgetDuration/,
    );
    expect(configError({ modelInfo: { 'gpt-4o': { contextWindow: -1 } } })).toMatch(/modelInfo\.gpt-4o\.contextWindow/);
    expect(configError({ budgetExceededStatus: 403 })).toMatch(/budgetExceededStatus/);
    expect(
      configError({
        models: { pool: { target: 'gpt-4o' } },
        loadBalanceGroups: { pool: { models: [{ model: 'gpt-4o' }] } },
      }),
    ).toMatch(/loadBalanceGroups\.pool: the name is also a model alias/);
  });
});

describe('traffic gateway parameters', () => {
  const gateway = createGateway({ providers, allowCustomerCredentials: true });

  it('refuses invalid ones with a 400 that names them', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ customer_params: { customer_identifier: 'c', budget_duration: 'hourly' } }, 'customer_params.budget_duration'],
      [{ customer_params: { customer_identifier: 'c', rate_limit: 1.5 } }, 'customer_params.rate_limit'],
      [{ customer_params: { rate_limit: 5 } }, 'customer_params.customer_identifier'],
      [{ cache_ttl: -1 }, 'cache_ttl'],
      [{ cache_options: { per_user: true } }, 'cache_options'],
      [{ load_balance_group: { models: [] } }, 'load_balance_group.group_id'],
      [{ exclude_providers: 'openai' }, 'exclude_providers'],
      [
        { customer_credentials: { openai: { api_key: 'sk-test-with\nnewline' } } },
        'customer_credentials.openai.api_key',
      ],
      [{ credential_override: { 'gpt-4o': { key: 'x' } } }, 'credential_override.gpt-4o.api_key'],
    ];
    for (const [extra, param] of cases) {
      const answer = await post(gateway, chat('gpt-4o-mini', extra));
      expect(answer.status, JSON.stringify(extra)).toBe(400);
      expect(answer.body.error.param, JSON.stringify(extra)).toBe(param);
    }
  });

  it('requires a model or a load balance group', async () => {
    const answer = await post(gateway, chat(undefined));
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('missing_model');
  });
});

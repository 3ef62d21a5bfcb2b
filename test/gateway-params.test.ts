import { describe, expect, it } from 'vitest';
import { GatewayError } from '../src/index.js';
import { readGatewayParams } from '../src/params/read-gateway-params.js';

const base = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

function expectBadRequest(fn: () => unknown, param: string, message: RegExp) {
  try {
    fn();
  } catch (error) {
    expect(GatewayError.isInstance(error)).toBe(true);
    const gatewayError = error as GatewayError;
    expect(gatewayError.status).toBe(400);
    expect(gatewayError.param).toBe(param);
    expect(gatewayError.message).toMatch(message);
    return;
  }
  throw new Error('expected a 400');
}

describe('gateway parameters', () => {
  it('reads them from the top level and removes them from the forwarded body', () => {
    const { params, body } = readGatewayParams(
      {
        ...base,
        temperature: 0.3,
        customer_identifier: 'u1',
        metadata: { a: 1 },
        fallback_models: ['x'],
        disable_log: true,
      },
      {},
    );
    expect(params).toEqual({
      customer_identifier: 'u1',
      metadata: { a: 1 },
      fallback_models: ['x'],
      disable_log: true,
    });
    expect(body).toEqual({ ...base, temperature: 0.3 });
  });

  it('follows the documented precedence: top level > extra_body > modelgate_params > keywordsai_params > headers', () => {
    const headers = {
      'x-modelgate-params': b64({
        customer_identifier: 'from-mg-header',
        thread_identifier: 't-mg-header',
        group_identifier: 'g-mg-header',
      }),
      'x-data-keywordsai-params': JSON.stringify({ group_identifier: 'g-kw-header', custom_identifier: 'c-kw-header' }),
    };
    const { params, body } = readGatewayParams(
      {
        ...base,
        customer_identifier: 'top',
        extra_body: { customer_identifier: 'extra', thread_identifier: 't-extra', top_k: 3 },
        modelgate_params: { thread_identifier: 't-mg', metadata: { from: 'mg' } },
        keywordsai_params: { metadata: { from: 'kw' }, request_breakdown: true },
      },
      headers,
    );
    expect(params).toEqual({
      customer_identifier: 'top',
      thread_identifier: 't-extra',
      metadata: { from: 'mg' },
      request_breakdown: true,
      group_identifier: 'g-mg-header',
      custom_identifier: 'c-kw-header',
    });
    // extra_body's other fields are request parameters, as the OpenAI SDKs would have sent them.
    expect(body).toEqual({ ...base, top_k: 3 });
  });

  it('accepts the params header as raw JSON or base64 (also URL-safe)', () => {
    expect(readGatewayParams(base, { 'x-modelgate-params': '{"customer_identifier":"raw"}' }).params).toEqual({
      customer_identifier: 'raw',
    });
    expect(readGatewayParams(base, { 'x-modelgate-params': b64({ customer_identifier: 'b64' }) }).params).toEqual({
      customer_identifier: 'b64',
    });
  });

  it('names the field and the problem for wrong types and long identifiers', () => {
    expectBadRequest(
      () => readGatewayParams({ ...base, customer_identifier: 42 }, {}),
      'customer_identifier',
      /must be a string/,
    );
    expectBadRequest(
      () => readGatewayParams({ ...base, thread_identifier: 'x'.repeat(121) }, {}),
      'thread_identifier',
      /at most 120/,
    );
    expectBadRequest(
      () => readGatewayParams({ ...base, fallback_models: 'gpt-4o' }, {}),
      'fallback_models',
      /list of model names/,
    );
    expectBadRequest(() => readGatewayParams({ ...base, metadata: [1] }, {}), 'metadata', /object/);
    expectBadRequest(
      () => readGatewayParams({ ...base, retry_params: { num_retries: 2.5 } }, {}),
      'retry_params.num_retries',
      /integer/,
    );
    expectBadRequest(
      () => readGatewayParams({ ...base, retry_params: { retries: 1 } }, {}),
      'retry_params',
      /Unrecognized key/,
    );
    expectBadRequest(() => readGatewayParams({ ...base, disable_log: 'yes' }, {}), 'disable_log', /boolean/);
    expectBadRequest(
      () => readGatewayParams({ ...base, modelgate_params: { customer_identifier: 1 } }, {}),
      'customer_identifier',
      /from modelgate_params/,
    );
  });

  it('rejects unknown keys in the nested objects and headers, and malformed headers', () => {
    expectBadRequest(
      () => readGatewayParams({ ...base, modelgate_params: { costumer_identifier: 'x' } }, {}),
      'modelgate_params',
      /Unknown gateway parameter `costumer_identifier`/,
    );
    expectBadRequest(
      () => readGatewayParams(base, { 'x-modelgate-params': 'not base64 !!' }),
      'x-modelgate-params',
      /JSON object/,
    );
    expectBadRequest(
      () => readGatewayParams(base, { 'x-modelgate-params': b64([1, 2]) }),
      'x-modelgate-params',
      /JSON object/,
    );
    expectBadRequest(
      () => readGatewayParams({ ...base, keywordsai_params: 'x' }, {}),
      'keywordsai_params',
      /must be an object/,
    );
  });

  it('refuses prototype keys instead of letting them reach an object', () => {
    const body = JSON.parse('{"model":"m","messages":[],"__proto__":{"stream":true}}');
    expectBadRequest(() => readGatewayParams(body, {}), '__proto__', /__proto__/);
    const metadata = JSON.parse('{"model":"m","messages":[],"metadata":{"__proto__":{"x":1}}}');
    expectBadRequest(() => readGatewayParams(metadata, {}), 'metadata', /__proto__/);
    expect(({} as Record<string, unknown>).stream).toBeUndefined();
  });
});

describe('gateway parameter range errors', () => {
  const longName = 'x'.repeat(201);
  const longKey = 'k'.repeat(129);
  // A value of the right type but out of range must not be reported as a wrong type.
  const cases: Array<[Record<string, unknown>, string, RegExp]> = [
    [{ deadline_ms: 0 }, 'deadline_ms', /must be at least 1/],
    [{ deadline_ms: 4_000_000 }, 'deadline_ms', /must be at most 3600000/],
    [{ retry_params: { num_retries: 11 } }, 'retry_params.num_retries', /must be at most 10/],
    [{ retry_params: { num_retries: -1 } }, 'retry_params.num_retries', /must not be negative/],
    [{ retry_params: { retry_after: 61 } }, 'retry_params.retry_after', /must be at most 60/],
    [{ cache_ttl: 1e12 }, 'cache_ttl', /must be at most 31536000/],
    [
      { customer_params: { customer_identifier: 'c', markup_percentage: -1 } },
      'customer_params.markup_percentage',
      /must not be negative/,
    ],
    [
      { customer_params: { customer_identifier: 'c', name: longName } },
      'customer_params.name',
      /must be at most 200 characters/,
    ],
    [
      { customer_params: { customer_identifier: 'c', period_budget: 2e9 } },
      'customer_params.period_budget',
      /must be at most 1000000000/,
    ],
    [
      { load_balance_models: [{ model: 'gpt-4o', weight: 2e6 }] },
      'load_balance_models.0.weight',
      /must be at most 1000000/,
    ],
    [{ load_balance_models: [{ model: '' }] }, 'load_balance_models.0.model', /must not be empty/],
    [{ customer_credentials: [] }, 'customer_credentials', /at least one/],
    [{ metadata: { [longKey]: 1 } }, `metadata.${longKey}`, /keys must be at most 128 characters/],
  ];
  it.each(cases.map(([extra, param, message]) => ({ extra, param, message, label: param.slice(0, 40) })))(
    'says what is wrong with $label',
    ({ extra, param, message }) => {
      expectBadRequest(() => readGatewayParams({ ...base, ...extra }, {}), param, message);
      expectBadRequest(() => readGatewayParams({ ...base, ...extra }, {}), param, /^(?!.*must be a (number|string))/);
    },
  );
});

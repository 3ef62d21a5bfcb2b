/**
 * Deployments, load balance groups, caller keys and exclusions, against real loopback upstreams.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/index.js';
import { createProviders } from '../src/providers/create-providers.js';
import { DeploymentTable } from '../src/routing/deployments.js';
import { chat, fail, reply } from './helpers/chat-upstream.js';
import { post } from './helpers/call.js';
import { logCollector } from './helpers/logs.js';
import { startUpstream, type Upstream } from './helpers/upstream.js';

let east: Upstream;
let west: Upstream;
const gateways: Gateway[] = [];
const logs = logCollector();

beforeAll(async () => {
  east = await startUpstream((request, response) => reply(request, response, { content: 'from east' }));
  west = await startUpstream((request, response) => reply(request, response, { content: 'from west' }));
});
afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.close()));
  await Promise.all([east.close(), west.close()]);
});
afterEach(async () => {
  await new Promise((resolve) => setTimeout(resolve, 20)); // records are emitted after the response
  east.requests.length = 0;
  west.requests.length = 0;
  logs.records.length = 0;
  east.handle((request, response) => reply(request, response, { content: 'from east' }));
  west.handle((request, response) => reply(request, response, { content: 'from west' }));
});

function gateway(options: Record<string, unknown> = {}): Gateway {
  const created = createGateway({
    providers: {
      openai: {
        endpoints: [
          { name: 'east', apiKey: 'sk-test-east-key-000000001', baseURL: east.baseURL, weight: 3 },
          { name: 'west', apiKey: 'sk-test-west-key-000000002', baseURL: west.baseURL, weight: 1 },
        ],
      },
      groq: { apiKey: 'sk-test-groq-key-000000003', baseURL: west.baseURL },
    },
    onLog: logs.sink,
    ...options,
  } as never);
  gateways.push(created);
  return created;
}

describe('deployments of one provider', () => {
  it('spreads requests by weight and names the deployment, never the key, in the log', async () => {
    const gw = gateway();
    const answers = await Promise.all(Array.from({ length: 200 }, () => post(gw, chat('gpt-4o-mini'))));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    // 3:1 weights: expect ~150 east; 200 draws give a standard deviation of ~6.
    expect(east.requests.length).toBeGreaterThan(120);
    expect(east.requests.length).toBeLessThan(180);
    expect(east.requests.length + west.requests.length).toBe(200);
    expect(east.requests[0].headers.authorization).toBe('Bearer sk-test-east-key-000000001');
    expect(west.requests[0].headers.authorization).toBe('Bearer sk-test-west-key-000000002');
    const records = await logs.waitFor(200);
    const deployments = new Set(records.map((record) => record.deployment));
    expect(deployments).toEqual(new Set(['openai/east', 'openai/west']));
    expect(records[0].attempts[0].deployment).toMatch(/^openai\/(east|west)$/);
    expect(JSON.stringify(records)).not.toContain('sk-test-');
  });

  it('moves to the next deployment at once when one fails, without calling it a fallback', async () => {
    east.handle((_request, response) => fail(response, 500));
    west.handle((_request, response) => fail(response, 500));
    const gw = gateway({ retry: { maxRetries: 1, initialDelayMs: 1 } });
    const failed = await post(gw, chat('gpt-4o-mini'));
    expect(failed.status).toBe(502);
    const [record] = await logs.waitFor(1);
    // One try on the first deployment, then the second with its retry.
    expect(record.attempts.map((attempt) => attempt.retry)).toEqual([0, 0, 1]);
    expect(new Set(record.attempts.map((attempt) => attempt.deployment))).toEqual(
      new Set(['openai/east', 'openai/west']),
    );

    logs.records.length = 0;
    east.handle((_request, response) => fail(response, 500));
    west.handle((request, response) => reply(request, response, { content: 'from west' }));
    for (let i = 0; i < 10; i++) {
      const answer = await post(gw, chat('gpt-4o-mini'));
      expect(answer.status).toBe(200);
      expect(answer.body.choices[0].message.content).toBe('from west');
      expect(answer.headers['x-modelgate-fallback']).toBe('false');
    }
    // After three failures the east deployment cools down and is skipped, not tried.
    const triedEast = east.requests.length;
    expect(triedEast).toBeLessThanOrEqual(4);
    logs.records.length = 0;
    await post(gw, chat('gpt-4o-mini'));
    expect(east.requests.length).toBe(triedEast);
    const [cooled] = await logs.waitFor(1);
    expect(cooled.attempts[0]).toMatchObject({ deployment: 'openai/east', skipped: 'cooldown' });
    expect(cooled.attempts[1]).toMatchObject({ deployment: 'openai/west', status_code: 200 });
  });

  it('refuses duplicate endpoint names at createGateway', () => {
    expect(() =>
      createGateway({
        providers: {
          openai: {
            endpoints: [
              { name: 'a', apiKey: 'sk-test-1' },
              { name: 'a', apiKey: 'sk-test-2' },
            ],
          },
        },
      }),
    ).toThrow(/providers\.openai\.endpoints: the name `a` is used twice/);
  });
});

describe('load balance groups', () => {
  const groups = {
    loadBalanceGroups: {
      pool: {
        models: [
          { model: 'openai/gpt-4o-mini', weight: 1 },
          { model: 'groq/llama-3.1-8b-instant', weight: 1 },
        ],
      },
    },
  };

  it('chooses from a named group when the request sends no model, and fails over inside it', async () => {
    const gw = gateway(groups);
    const answers = await Promise.all(
      Array.from({ length: 60 }, () => post(gw, chat(undefined, { load_balance_group: { group_id: 'pool' } }))),
    );
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    const models = answers.map((answer) => answer.headers['x-modelgate-model']);
    expect(models.filter((model) => model === 'gpt-4o-mini').length).toBeGreaterThan(15);
    expect(models.filter((model) => model === 'llama-3.1-8b-instant').length).toBeGreaterThan(15);
    const records = await logs.waitFor(60);
    expect(records.every((record) => record.load_balance_group === 'pool')).toBe(true);
  });

  it('accepts the group id as the model name, and lists it in GET /models', async () => {
    const gw = gateway(groups);
    const answer = await post(gw, chat('pool'));
    expect(answer.status).toBe(200);
    expect(['gpt-4o-mini', 'llama-3.1-8b-instant']).toContain(answer.headers['x-modelgate-model']);
    const list = await gw.handle({ method: 'GET', path: '/v1/models', headers: {} });
    expect((list.body as any).data).toContainEqual({ id: 'pool', object: 'model', created: 0, owned_by: 'modelgate' });
    const one = await gw.handle({ method: 'GET', path: '/v1/models/pool', headers: {} });
    expect(one.status).toBe(200);
  });

  it('takes the models sent with the request, and the deprecated load_balance_models', async () => {
    const gw = gateway();
    const sent = await post(
      gw,
      chat(undefined, {
        load_balance_group: { group_id: 'adhoc', models: [{ model: 'groq/llama-3.1-8b-instant', weight: 5 }] },
      }),
    );
    expect(sent.headers['x-modelgate-provider']).toBe('groq');
    const legacy = await post(
      gw,
      chat(undefined, { loadbalance_models: [{ model: 'groq/llama-3.1-8b-instant', weight: 1 }] }),
    );
    expect(legacy.status).toBe(200);
    expect(legacy.headers['x-modelgate-provider']).toBe('groq');
  });

  it('answers 404 for an unknown group and checks configured groups at startup', async () => {
    const gw = gateway();
    const answer = await post(gw, chat(undefined, { load_balance_group: { group_id: 'nope' } }));
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('load_balance_group_not_found');
    expect(() => gateway({ loadBalanceGroups: { bad: { models: [{ model: 'nowhere/x' }] } } })).toThrow(
      /loadBalanceGroups\.bad\.models\.0/,
    );
  });
});

describe('caller keys', () => {
  it('refuses customer_credentials unless the gateway allows them', async () => {
    const gw = gateway();
    const answer = await post(
      gw,
      chat('gpt-4o-mini', { customer_credentials: { openai: { api_key: 'sk-test-customer-own-key-1' } } }),
    );
    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('customer_credentials_not_allowed');
    expect(east.requests.length + west.requests.length).toBe(0);
  });

  it('uses customer_credentials and credential_override, and logs no key', async () => {
    const gw = gateway({ allowCustomerCredentials: true });
    const own = await post(
      gw,
      chat('gpt-4o-mini', { customer_credentials: { openai: { api_key: 'sk-test-customer-own-key-1' } } }),
    );
    expect(own.status).toBe(200);
    const first = [...east.requests, ...west.requests][0];
    expect(first.headers.authorization).toBe('Bearer sk-test-customer-own-key-1');

    const override = await post(
      gw,
      chat('gpt-4o-mini', {
        customer_credentials: { openai: { api_key: 'sk-test-customer-own-key-1' } },
        credential_override: { 'gpt-4o-mini': { api_key: 'sk-test-override-key-22' } },
      }),
    );
    expect(override.status).toBe(200);
    const second = [...east.requests, ...west.requests].find((request) => request !== first)!;
    expect(second.headers.authorization).toBe('Bearer sk-test-override-key-22');
    const records = await logs.waitFor(2);
    expect(records.map((record) => record.deployment)).toEqual(['openai/customer', 'openai/credential-override']);
    expect(JSON.stringify(records)).not.toContain('sk-test-');
  });

  it("answers 401 naming the caller's parameter when the upstream refuses the caller's key", async () => {
    const gw = gateway({ allowCustomerCredentials: true });
    const refuse = (_request: unknown, response: import('node:http').ServerResponse) => fail(response, 401);
    east.handle(refuse);
    west.handle(refuse);
    const answer = await post(
      gw,
      chat('gpt-4o-mini', { customer_credentials: { openai: { api_key: 'sk-test-customer-bad-key-1' } } }),
    );
    expect(answer.status).toBe(401);
    expect(answer.body.error).toMatchObject({ code: 'invalid_customer_credentials', param: 'customer_credentials' });
    expect(JSON.stringify(answer.body)).not.toContain('sk-test-customer-bad-key-1');
  });

  it("uses only the caller's key, never the operator's other credentials (Bedrock)", () => {
    const options = {
      bedrock: { region: 'us-east-1', accessKeyId: 'AKIDTESTOPERATOR', secretAccessKey: 'operator-secret-test' },
    };
    const providers = createProviders(options);
    const [deployment] = new DeploymentTable(options, providers).withKeys(providers.get('bedrock')!, [
      { apiKey: 'caller-bedrock-key-test', label: 'customer' },
    ]);
    expect(deployment.id).toBe('bedrock/customer');
    expect(deployment.provider.secrets).toEqual(['caller-bedrock-key-test']);
    const request = deployment.provider.buildRequest({
      operation: 'chat',
      model: 'anthropic.claude-3-haiku-20240307-v1:0',
      body: chat('x'),
      stream: false,
      strictParams: false,
    });
    expect(request.headers.authorization).toBe('Bearer caller-bedrock-key-test');
    expect(request.url).toMatch(/^https:\/\/bedrock-runtime\.us-east-1\.amazonaws\.com\//);
  });

  it("sends a caller's Gemini key to the Gemini API, not the operator's Vertex AI project", () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const credentials = {
      client_email: 'gateway@project-test.iam.gserviceaccount.com',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    };
    const options = { google: { vertex: { project: 'project-test', location: 'us-central1', credentials } } };
    const providers = createProviders(options);
    const [deployment] = new DeploymentTable(options, providers).withKeys(providers.get('google')!, [
      { apiKey: 'caller-gemini-key-test', label: 'customer' },
    ]);
    expect(deployment.provider.secrets).toEqual(['caller-gemini-key-test']);
    const request = deployment.provider.buildRequest({
      operation: 'chat',
      model: 'gemini-2.5-flash',
      body: chat('gemini-2.5-flash'),
      stream: false,
      strictParams: false,
    });
    expect(request.headers['x-goog-api-key']).toBe('caller-gemini-key-test');
    expect(request.url).toMatch(/^https:\/\/generativelanguage\.googleapis\.com\//);
  });

  it('spreads weighted customer deployments', async () => {
    const gw = gateway({ allowCustomerCredentials: true });
    const credentials = [
      { credentials: { openai: { api_key: 'sk-test-customer-a-000001' } }, weight: 1 },
      { credentials: { openai: { api_key: 'sk-test-customer-b-000002' } }, weight: 1 },
    ];
    await Promise.all(
      Array.from({ length: 40 }, () => post(gw, chat('gpt-4o-mini', { customer_credentials: credentials }))),
    );
    const keys = [...east.requests, ...west.requests].map((request) => request.headers.authorization);
    expect(keys.filter((key) => key === 'Bearer sk-test-customer-a-000001').length).toBeGreaterThan(8);
    expect(keys.filter((key) => key === 'Bearer sk-test-customer-b-000002').length).toBeGreaterThan(8);
  });
});

describe('exclusions', () => {
  it('leaves out excluded models and providers, and reports them in the attempts', async () => {
    const gw = gateway();
    const answer = await post(
      gw,
      chat('gpt-4o-mini', { fallback_models: ['groq/llama-3.1-8b-instant'], exclude_providers: ['openai'] }),
    );
    expect(answer.status).toBe(200);
    expect(answer.headers['x-modelgate-provider']).toBe('groq');
    expect(answer.headers['x-modelgate-attempts']).toBe('1');
    const [record] = await logs.waitFor(1);
    expect(record.attempts[0]).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini',
      skipped: 'excluded',
      status_code: null,
    });
    expect(record.attempts[1]).toMatchObject({ provider: 'groq', status_code: 200 });
    expect(record.fallback_used).toBe(true);
  });

  it('answers 400 naming the exclusions when nothing is left', async () => {
    const gw = gateway();
    const answer = await post(gw, chat('gpt-4o-mini', { exclude_models: ['gpt-4o-mini'] }));
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('no_model_available');
    expect(answer.body.error.message).toContain('openai/gpt-4o-mini is excluded by exclude_models');
  });
});

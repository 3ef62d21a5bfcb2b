/**
 * A model name from the request never chooses another upstream path. Wherever a name becomes a URL
 * path segment (an Azure deployment, a Bedrock model id or ARN, a Gemini or Vertex AI model) it is
 * percent-encoded, and `.`/`..` (also percent-encoded), `/` where one segment is built and `\` are
 * refused with a 400 before any upstream call. Names are looked up in configured maps as own
 * properties only: `azure/constructor` is a deployment named `constructor`, not the text of
 * `Object`'s constructor. Through a real host, against a loopback upstream that records every path.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/index.js';
import { startHost, type Host } from './helpers/hosts.js';
import { json, startUpstream, type Upstream } from './helpers/upstream.js';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const VERTEX_KEY = {
  type: 'service_account',
  project_id: 'test-project',
  private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  client_email: 'modelgate-test@test-project.iam.gserviceaccount.com',
};

let upstream: Upstream;
let gateway: Gateway;
let host: Host;

beforeAll(async () => {
  // Any path answers 404: a request that reaches the upstream at all is what the tests look for.
  upstream = await startUpstream((_request, response) =>
    json(response, 404, { error: { message: 'no such path', code: 'not_found' } }),
  );
  gateway = createGateway({
    providers: {
      azure: { apiKey: 'operator-azure-key-0001', baseURL: upstream.origin, deployments: { 'gpt-4o': 'gpt4o-prod' } },
      azurev1: {
        kind: 'azure',
        apiKey: 'operator-azure-key-0002',
        baseURL: upstream.origin,
        apiVersion: 'v1',
        deployments: { 'gpt-4o': 'gpt4o-prod' },
      },
      aws: { kind: 'bedrock', region: 'us-east-1', baseURL: upstream.origin, apiKey: 'operator-bedrock-key-0003' },
      google: { apiKey: 'operator-google-key-0004', baseURL: `${upstream.origin}/v1beta` },
      vertex: {
        kind: 'google',
        baseURL: `${upstream.origin}/v1beta1`,
        vertex: { project: 'test-project', location: 'us-central1', credentials: VERTEX_KEY },
      },
    },
    retry: { maxRetries: 0 },
    health: false,
  });
  host = await startHost('express', gateway);
});

afterAll(async () => {
  await host.close();
  await gateway.close();
  await upstream.close();
});

afterEach(() => upstream.reset());

async function chat(model: string, extra: Record<string, unknown> = {}) {
  const response = await fetch(`${host.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }], ...extra }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { error?: { code: string; param: string | null; message: string } },
  };
}

async function embed(model: string) {
  const response = await fetch(`${host.baseURL}/embeddings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, input: 'Hi' }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { error?: { code: string; param: string | null } },
  };
}

/** Names that are, or decode to, a dot segment, or that would split one segment into several. */
const DOT_SEGMENTS = ['.', '..', '%2e', '%2e%2e', '%2E%2E', '.%2e', '%252e%252e'];
const SPLITTING = ['a/../b', '../chat', 'x\\..\\y', 'gpt%2f..', 'deploy/extra'];

describe('names that would leave their path segment are refused before any upstream call', () => {
  const cases: Array<[provider: string, names: string[]]> = [
    ['azure', [...DOT_SEGMENTS, ...SPLITTING]],
    ['google', [...DOT_SEGMENTS, ...SPLITTING, 'models/..', 'tunedModels/%2e%2e', 'models/a/b']],
    ['vertex', [...DOT_SEGMENTS, ...SPLITTING, 'models/..']],
    // A Bedrock ARN holds slashes (percent-encoded into the one segment), but no dot segment between them.
    [
      'aws',
      [
        ...DOT_SEGMENTS,
        'a/../b',
        '../converse',
        'arn:aws:bedrock:us-east-1:123456789012:inference-profile/..',
        'x\\..\\y',
        'gpt%2f..',
      ],
    ],
  ];
  for (const [provider, names] of cases) {
    it(`${provider}: ${names.length} names, streaming and not`, async () => {
      for (const name of names) {
        for (const stream of [false, true]) {
          const { status, body } = await chat(`${provider}/${name}`, { stream });
          expect({ name, stream, status, code: body.error?.code, param: body.error?.param }).toEqual({
            name,
            stream,
            status: 400,
            code: 'invalid_model_name',
            param: 'model',
          });
        }
      }
      expect(upstream.requests.map((request) => request.url)).toEqual([]);
    });
  }

  it('the same for embeddings (Azure, Bedrock, Gemini)', async () => {
    // (`aws/..` names no embeddings model at all: refused as unsupported_model, also before any call.)
    for (const model of [
      'azure/..',
      'aws/amazon.titan-embed-text-v2:0/..',
      'aws/cohere.embed-english-v3/%2e%2e',
      'google/..',
      'google/%2e%2e',
    ]) {
      const { status, body } = await embed(model);
      expect({ model, status, code: body.error?.code }).toEqual({ model, status: 400, code: 'invalid_model_name' });
    }
    expect(upstream.requests).toEqual([]);
  });
});

describe('names that are fine reach the path they name, percent-encoded', () => {
  it('Azure: a configured deployment, an unconfigured name as itself, prototype names as plain names', async () => {
    for (const model of [
      'gpt-4o',
      'gpt-4o-mini',
      'constructor',
      '__proto__',
      'toString',
      'hasOwnProperty',
      'my.deployment',
      'a..b',
    ])
      await chat(`azure/${model}`);
    expect(upstream.requests.map((request) => request.url.replace(/\?.*$/, ''))).toEqual([
      '/openai/deployments/gpt4o-prod/chat/completions',
      '/openai/deployments/gpt-4o-mini/chat/completions',
      '/openai/deployments/constructor/chat/completions',
      '/openai/deployments/__proto__/chat/completions',
      '/openai/deployments/toString/chat/completions',
      '/openai/deployments/hasOwnProperty/chat/completions',
      '/openai/deployments/my.deployment/chat/completions',
      '/openai/deployments/a..b/chat/completions',
    ]);
    for (const request of upstream.requests) expect(request.headers['api-key']).toBe('operator-azure-key-0001');
  });

  it('Azure v1: the deployment in the body is an own entry of the map or the name itself', async () => {
    for (const model of ['gpt-4o', 'constructor', 'valueOf']) await chat(`azurev1/${model}`);
    expect(upstream.requests.map((request) => [request.url, request.body.model])).toEqual([
      ['/openai/v1/chat/completions', 'gpt4o-prod'],
      ['/openai/v1/chat/completions', 'constructor'],
      ['/openai/v1/chat/completions', 'valueOf'],
    ]);
  });

  it('Bedrock: model ids and ARNs as one encoded segment', async () => {
    await chat('aws/anthropic.claude-3-haiku-20240307-v1:0');
    await chat(
      'aws/arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20241022-v2:0',
    );
    expect(upstream.requests.map((request) => request.url)).toEqual([
      '/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse',
      '/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse',
    ]);
  });

  it('Gemini and Vertex AI: the model name as one encoded segment', async () => {
    await chat('google/gemini-2.5-flash');
    await chat('google/models/gemini-2.5-pro');
    await chat('google/tunedModels/my-model-123');
    await chat('google/constructor');
    await chat('vertex/gemini-2.5-flash');
    expect(upstream.requests.map((request) => request.url)).toEqual([
      '/v1beta/models/gemini-2.5-flash:generateContent',
      '/v1beta/models/gemini-2.5-pro:generateContent',
      '/v1beta/tunedModels/my-model-123:generateContent',
      '/v1beta/models/constructor:generateContent',
      '/v1beta1/projects/test-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent',
    ]);
  });
});

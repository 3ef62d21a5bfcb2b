/**
 * Keys never leave, whatever an upstream error says. For every provider kind (OpenAI-compatible,
 * Azure, Anthropic, Gemini, Gemini on Vertex AI, Bedrock) a loopback upstream answers with an error
 * that echoes the key it was sent (the operator's, or a caller's `customer_credentials` key) and
 * key-shaped strings of every vendor, in each field it has: message, code, param, type (as an HTTP
 * error, and as an in-stream error event after the first content reached the client). Neither the
 * client's status, headers and body (stream frames included) nor the log record may carry any of them.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/index.js';
import { recordedEvents, toWire } from './helpers/anthropic-recordings.js';
import { errorMessage, eventStreamBytes, exceptionMessage, writeEventStream } from './helpers/bedrock.js';
import { geminiFrame } from './helpers/gemini.js';
import { chunk } from './helpers/handle.js';
import { startHost, type Host } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { json, sleep, sse, startUpstream, type ReceivedRequest, type Upstream } from './helpers/upstream.js';

// Made-up values shaped like real keys: none of them was ever valid anywhere.
const KEY_SHAPED = [
  'sk-proj-Q7vNc2XkT9pLr4WmZ8bYh3JdF6sGa1Ue',
  'sk-ant-api03-Hx5Rk8Vp2Lm7Nq4Tw9Zc3Jb6Yd1Gf0Se-Pa2KcQ',
  'sk-svcacct-Wd4Kx9Pm2Tr7Vn5Lq8Zb3Hc6Jf1Gy0Ae',
  'AIzaSyD4kX9mP2tR7vN5qL8zB3hC6jF1gY0aE2w',
  'AKIAQX7NC2KT9PLR4WMZ',
  'ASIAZ8BYH3JDF6SGA1UE',
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZXN0LWNhbGxlci0wMDEifQ.Tm9UYVJlYWxTaWduYXR1cmVKdXN0QVRlc3Q',
  'ya29.a0AfB_byC4kX9mP2tR7vN5qL8zB3hC6jF1gY0aE2wQ7vNc2XkT9pLr4',
];
const BEARER_TOKEN = 'Pq7Lm2Xv9Kt4Rw8Zn3Bc6Hd1Jf5Gs0Ya';
const KEY_SHAPED_TEXT = [...KEY_SHAPED, `Bearer ${BEARER_TOKEN}`].join(' ');

const OPERATOR_KEYS = {
  openai: 'operator-openai-secret-4c1d9e7a2b',
  azure: 'operator-azure-secret-8f2e6a1c3d',
  anthropic: 'operator-anthropic-secret-5b9d2f7e1a',
  google: 'operator-google-secret-2a6c8e4f9b',
};
const AWS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'operator-aws-secret-access-key-7e3b1d5f9c2a',
  sessionToken: 'operator-aws-session-token-1f8d3b6e2c9a',
};
const BYOK_KEY = 'caller-byok-secret-6d2f9a1e7c3b';
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const VERTEX_KEY = {
  type: 'service_account',
  project_id: 'test-project',
  private_key_id: 'test-key-id-0001',
  private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  client_email: 'modelgate-test@test-project.iam.gserviceaccount.com',
};

type Wire = 'openai' | 'anthropic' | 'gemini' | 'bedrock';
interface Target {
  provider: string;
  model: string;
  wire: Wire;
  /** Whether the provider accepts a caller's key (Vertex AI takes a service account, not a key). */
  byok: boolean;
}
const TARGETS: Target[] = [
  { provider: 'openai', model: 'openai/gpt-4o-mini', wire: 'openai', byok: true },
  { provider: 'azure', model: 'azure/gpt-4o', wire: 'openai', byok: true },
  { provider: 'anthropic', model: 'anthropic/claude-sonnet-4-5', wire: 'anthropic', byok: true },
  { provider: 'google', model: 'google/gemini-2.5-flash', wire: 'gemini', byok: true },
  { provider: 'vertex', model: 'vertex/gemini-2.5-flash', wire: 'gemini', byok: false },
  { provider: 'aws', model: 'aws/anthropic.claude-3-haiku-20240307-v1:0', wire: 'bedrock', byok: true },
];

/** What the upstream does, and what goes into the error fields other than the message. */
interface Scenario {
  shape: 'http' | 'stream' | 'stream-unmodelled';
  fields: 'key' | 'key-shaped';
}
let scenario: Scenario = { shape: 'http', fields: 'key' };
/** Every secret the upstream echoed: none may come back. */
const echoed = new Set<string>();

const logs = logCollector();
let upstream: Upstream;
let gateway: Gateway;
let host: Host;

beforeAll(async () => {
  upstream = await startUpstream((request, response) => answer(request, response));
  gateway = createGateway({
    providers: {
      openai: { apiKey: OPERATOR_KEYS.openai, baseURL: upstream.baseURL },
      azure: { apiKey: OPERATOR_KEYS.azure, baseURL: upstream.origin },
      anthropic: { apiKey: OPERATOR_KEYS.anthropic, baseURL: upstream.baseURL },
      google: { apiKey: OPERATOR_KEYS.google, baseURL: `${upstream.origin}/v1beta` },
      vertex: {
        kind: 'google',
        baseURL: `${upstream.origin}/v1beta1`,
        vertex: { project: 'test-project', location: 'us-central1', credentials: VERTEX_KEY },
      },
      aws: { kind: 'bedrock', region: 'us-east-1', baseURL: upstream.origin, ...AWS },
    },
    allowCustomerCredentials: true,
    retry: { maxRetries: 0 },
    health: false,
    onLog: logs.sink,
  });
  host = await startHost('express', gateway);
});

afterAll(async () => {
  await host.close();
  await gateway.close();
  await upstream.close();
});

/** The secrets this request carried, as a careless upstream would quote them back. */
function secretsOf(request: ReceivedRequest): string[] {
  const headers = request.headers;
  const found: string[] = [];
  for (const name of ['api-key', 'x-api-key', 'x-goog-api-key', 'x-amz-security-token']) {
    const value = headers[name];
    if (typeof value === 'string') found.push(value);
  }
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization.startsWith('Bearer '))
    found.push(authorization.slice('Bearer '.length));
  // Secrets that never travel, quoted anyway: SigV4's secret key, the service account's private key.
  if (typeof authorization === 'string' && authorization.startsWith('AWS4-HMAC-SHA256'))
    found.push(AWS.secretAccessKey);
  if (request.url.startsWith('/v1beta1/projects/')) found.push(VERTEX_KEY.private_key);
  for (const secret of found) echoed.add(secret);
  return found;
}

function wireOf(url: string): Wire {
  if (url.startsWith('/v1/messages')) return 'anthropic';
  if (url.startsWith('/v1beta/') || url.startsWith('/v1beta1/')) return 'gemini';
  if (url.startsWith('/model/')) return 'bedrock';
  return 'openai';
}

async function answer(request: ReceivedRequest, response: ServerResponse): Promise<void> {
  const secrets = secretsOf(request);
  const message = `Incorrect API key provided: ${secrets.join(' ')}. Also seen: ${KEY_SHAPED_TEXT}.`;
  const field = scenario.fields === 'key' ? secrets.join(' ') : KEY_SHAPED_TEXT;
  const wire = wireOf(request.url);
  if (scenario.shape === 'http') {
    switch (wire) {
      case 'openai':
        return json(response, 400, { error: { message, type: field, param: field, code: field } });
      case 'anthropic':
        return json(response, 400, { type: 'error', error: { type: field, message } });
      case 'gemini':
        return json(response, 400, { error: { code: 400, message, status: field } });
      case 'bedrock':
        // A header value holds no line breaks: the type travels in the body then.
        return json(
          response,
          400,
          { message, __type: field, code: field },
          field.includes('\n') ? {} : { 'x-amzn-errortype': field },
        );
    }
  }
  switch (wire) {
    case 'openai':
      return sse(response, [chunk('Hello'), { error: { message, type: field, param: field, code: field } }], {
        delayMs: 30,
        done: false,
      });
    case 'anthropic': {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(ANTHROPIC_OPENING);
      await sleep(30);
      response.end(`event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: field, message } })}\n\n`);
      return;
    }
    case 'gemini': {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(
        geminiFrame({
          candidates: [{ content: { role: 'model', parts: [{ text: 'Hello' }] }, index: 0 }],
          modelVersion: 'gemini-2.5-flash',
        }),
      );
      await sleep(30);
      response.end(geminiFrame({ error: { code: 500, message, status: field } }));
      return;
    }
    case 'bedrock': {
      const opening = eventStreamBytes([
        ['messageStart', { role: 'assistant' }],
        ['contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hello' } }],
      ]);
      const failure = scenario.shape === 'stream' ? exceptionMessage(field, { message }) : errorMessage(field, message);
      const bytes = Buffer.concat([opening, failure]);
      return writeEventStream(response, bytes, [opening.byteLength], 30);
    }
  }
}

/** message_start through the first text delta: the client has content, the stream is committed. */
const ANTHROPIC_OPENING = (() => {
  const events = recordedEvents('anthropic-text.chunks.jsonl');
  return toWire(events.slice(0, events.findIndex((event) => event.data.includes('text_delta')) + 1));
})();

interface Outcome {
  status: number;
  headers: Record<string, string>;
  text: string;
}

async function send(target: Target, stream: boolean, byok: boolean): Promise<Outcome> {
  const body: Record<string, unknown> = { model: target.model, messages: [{ role: 'user', content: 'Hi' }], stream };
  if (byok) body.customer_credentials = { [target.provider]: { api_key: BYOK_KEY } };
  const response = await fetch(`${host.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: Object.fromEntries(response.headers), text: await response.text() };
}

/** Every secret, and a long middle piece of each, so that a half-scrubbed key fails too. */
function forbidden(): string[] {
  const whole = [
    ...echoed,
    ...KEY_SHAPED,
    BEARER_TOKEN,
    ...Object.values(OPERATOR_KEYS),
    AWS.secretAccessKey,
    AWS.sessionToken,
    BYOK_KEY,
    VERTEX_KEY.private_key,
  ];
  const pieces = whole.map((secret) =>
    secret.slice(Math.floor(secret.length / 2) - 8, Math.floor(secret.length / 2) + 8),
  );
  // The private key's base64 lines, each of which would give part of it away.
  const pemLines = VERTEX_KEY.private_key.split('\n').filter((line) => line.length >= 40);
  return [...whole, ...pieces, ...pemLines];
}

function expectNoSecret(what: string, text: string): void {
  for (const secret of forbidden()) {
    if (text.includes(secret))
      throw new Error(`${what} carries a secret (${secret.slice(0, 12)}…): ${text.slice(0, 2000)}`);
  }
}

async function check(
  target: Target,
  shape: Scenario['shape'],
  fields: Scenario['fields'],
  byok: boolean,
): Promise<void> {
  scenario = { shape, fields };
  logs.records.length = 0;
  const before = upstream.requests.length;
  const outcome = await send(target, shape !== 'http', byok);
  const [record] = await logs.settle(1);
  expect(upstream.requests.length - before).toBe(1);
  expect(echoed.size).toBeGreaterThan(0);
  if (byok) expect(echoed.has(BYOK_KEY)).toBe(true);

  expectNoSecret('the status and headers', JSON.stringify({ status: outcome.status, headers: outcome.headers }));
  expectNoSecret('the body', outcome.text);
  expectNoSecret('the log record', JSON.stringify(record));

  let error: { message: string; code: string | null; param: string | null; type: string };
  if (shape === 'http') {
    expect(outcome.status).toBeGreaterThanOrEqual(400);
    error = JSON.parse(outcome.text).error;
  } else {
    // The stream had started: the client got the content, then an OpenAI error frame.
    expect(outcome.status).toBe(200);
    expect(outcome.text).toContain('Hello');
    const frame = outcome.text.split('\n\n').find((part) => part.startsWith('data: {"error"'));
    expect(frame, outcome.text).toBeDefined();
    error = JSON.parse(frame!.slice('data: '.length)).error;
  }
  // The message still says what happened, without the keys.
  expect(error.message).toContain('[redacted]');
  expect(error.message.length).toBeLessThanOrEqual(700);
  for (const identifier of [
    error.code,
    error.param,
    error.type,
    record.error_code,
    ...record.attempts.map((attempt) => attempt.error_code),
  ]) {
    if (identifier !== null && identifier !== undefined) expect(identifier.length).toBeLessThanOrEqual(128);
  }
}

describe('an upstream error that quotes keys reaches no client, header or log', () => {
  for (const target of TARGETS) {
    describe(target.provider, () => {
      for (const fields of ['key', 'key-shaped'] as const) {
        it(`an HTTP error with the ${fields === 'key' ? 'operator key' : 'key-shaped strings'} in code, param and type`, () =>
          check(target, 'http', fields, false));
        it(`an in-stream error after the first content, ${fields === 'key' ? 'operator key' : 'key-shaped strings'} in its fields`, () =>
          check(target, 'stream', fields, false));
        if (target.wire === 'bedrock') {
          it(`an unmodelled in-stream error (:error-code), ${fields}`, () =>
            check(target, 'stream-unmodelled', fields, false));
        }
        if (target.byok) {
          it(`with the caller's key (customer_credentials): an HTTP error quoting it, ${fields}`, () =>
            check(target, 'http', fields, true));
          it(`with the caller's key (customer_credentials): an in-stream error quoting it, ${fields}`, () =>
            check(target, 'stream', fields, true));
        }
      }
    });
  }
});

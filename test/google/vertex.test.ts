/**
 * Gemini on Vertex AI: the self-signed JWT of https://google.aip.dev/auth/4111 (checked here with
 * the public half of a key made for the test), the endpoints per location, option errors, and one
 * streamed answer end to end through the openai SDK. The key pair is generated per run: no secret
 * is stored in the repository.
 */
import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createGateway, GatewayConfigError } from '../../src/index.js';
import { googleProvider, vertexBaseURL } from '../../src/providers/google/index.js';
import { fixtureText } from '../helpers/fixtures.js';
import { GEMINI_RECORDING } from '../helpers/gemini.js';
import { logCollector } from '../helpers/logs.js';
import { useSdkRig } from '../helpers/sdk-rig.js';
import { json } from '../helpers/upstream.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KEY = {
  type: 'service_account',
  project_id: 'test-project',
  private_key_id: 'test-key-id-0001',
  private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  client_email: 'modelgate-test@test-project.iam.gserviceaccount.com',
};

function decodeJwt(token: string) {
  const [header, claims, signature] = token.split('.');
  const valid = verify(
    'RSA-SHA256',
    Buffer.from(`${header}.${claims}`),
    publicKey,
    Buffer.from(signature, 'base64url'),
  );
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()),
    claims: JSON.parse(Buffer.from(claims, 'base64url').toString()),
    valid,
  };
}

const call = (model = 'gemini-2.5-flash', stream = false) => ({
  operation: 'chat' as const,
  model,
  body: { model, messages: [{ role: 'user', content: 'hi' }] },
  stream,
  strictParams: false,
});

describe('Vertex AI requests', () => {
  it('authenticates with a self-signed RS256 JWT for aiplatform, reused until five minutes before it expires', () => {
    let clock = Date.parse('2026-11-01T10:00:00Z');
    const provider = googleProvider({
      id: 'vertex',
      vertex: { project: 'test-project', location: 'us-central1', credentials: KEY },
      now: () => clock,
    });
    const first = provider.buildRequest(call());
    const token = first.headers.authorization.replace(/^Bearer /, '');
    const { header, claims, valid } = decodeJwt(token);
    expect(valid).toBe(true);
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'test-key-id-0001' });
    expect(claims).toEqual({
      iss: KEY.client_email,
      sub: KEY.client_email,
      aud: 'https://aiplatform.googleapis.com/',
      iat: clock / 1000,
      exp: clock / 1000 + 3600,
    });
    expect(first.headers['x-goog-api-key']).toBeUndefined();

    clock += 54 * 60_000;
    expect(provider.buildRequest(call()).headers.authorization).toBe(first.headers.authorization);
    clock += 2 * 60_000;
    const renewed = provider.buildRequest(call()).headers.authorization;
    expect(renewed).not.toBe(first.headers.authorization);
    expect(decodeJwt(renewed.replace(/^Bearer /, '')).claims.iat).toBe(clock / 1000);
    // Both the key and the live token are scrubbed from anything a client or a log may see.
    expect(provider.secrets).toEqual([KEY.private_key, renewed.replace(/^Bearer /, '')]);
  });

  it('calls the publisher model path on the host of its location', () => {
    const url = (location: string | undefined, stream = false) =>
      googleProvider({ id: 'vertex', vertex: { project: 'p-1', location, credentials: KEY } }).buildRequest(
        call('gemini-2.5-pro', stream),
      ).url;
    expect(url(undefined)).toBe(
      'https://aiplatform.googleapis.com/v1beta1/projects/p-1/locations/global/publishers/google/models/gemini-2.5-pro:generateContent',
    );
    expect(url('europe-west4', true)).toBe(
      'https://europe-west4-aiplatform.googleapis.com/v1beta1/projects/p-1/locations/europe-west4/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
    );
    expect(url('eu')).toBe(
      'https://aiplatform.eu.rep.googleapis.com/v1beta1/projects/p-1/locations/eu/publishers/google/models/gemini-2.5-pro:generateContent',
    );
    expect(vertexBaseURL('us-central1', 'v1')).toBe('https://us-central1-aiplatform.googleapis.com/v1');
  });

  it('names the offending option when the Vertex settings are wrong, at createGateway', () => {
    const attempt = (vertex: unknown) => () =>
      createGateway({ providers: { vertex: { kind: 'google', vertex } } } as never);
    expect(attempt({ credentials: '{not json' })).toThrow(
      /providers\.vertex\.vertex\.credentials: must be a service-account key/,
    );
    expect(attempt({ credentials: { client_email: 'a@b.c', private_key: 'not a pem' } })).toThrow(
      /providers\.vertex\.vertex\.project: required/,
    );
    expect(attempt({ project: 'p', credentials: { client_email: 'a@b.c', private_key: 'not a pem' } })).toThrow(
      /vertex\.credentials\.private_key: is not a PEM private key/,
    );
    expect(attempt({ project: 'p', location: 'US Central', credentials: KEY })).toThrow(GatewayConfigError);
    expect(() =>
      createGateway({ providers: { vertex: { kind: 'google', vertex: { credentials: JSON.stringify(KEY) } } } }),
    ).not.toThrow();
    // The documented Vertex AI example sets apiVersion, which Azure reads too.
    expect(() =>
      createGateway({
        providers: {
          vertex: { kind: 'google', apiVersion: 'v1', vertex: { credentials: KEY, location: 'us-central1' } },
        },
      }),
    ).not.toThrow();
  });
});

describe('Vertex AI end to end', () => {
  const logs = logCollector();

  const rig = useSdkRig(['upstream'], ({ upstream }) => ({
    providers: {
      vertex: {
        kind: 'google',
        baseURL: `${upstream.origin}/v1beta1`,
        vertex: { location: 'us-central1', credentials: JSON.stringify(KEY) },
      },
    },
    onLog: logs.sink,
  }));

  it("streams the recorded answer from the project's publisher model", async () => {
    rig.upstream.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(fixtureText(GEMINI_RECORDING));
    });
    const completion = await rig.client.chat.completions
      .stream({ model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'Capital of Wyoming?' }] })
      .finalChatCompletion();
    expect(completion.choices[0].message.content).toBe('The capital of Wyoming is **Cheyenne**.\n');
    const [request] = rig.upstream.requests;
    expect(request.url).toBe(
      '/v1beta1/projects/test-project/locations/us-central1/publishers/google/models/gemini-2.0-flash:streamGenerateContent?alt=sse',
    );
    expect(decodeJwt(String(request.headers.authorization).replace(/^Bearer /, '')).valid).toBe(true);
    expect(request.headers['x-goog-api-key']).toBeUndefined();
    expect(request.body.contents).toEqual([{ role: 'user', parts: [{ text: 'Capital of Wyoming?' }] }]);
  });

  it("treats a refused token as the gateway's own credentials and never shows the key or token", async () => {
    // google.rpc.Status for a bad credential: https://cloud.google.com/apis/design/errors
    rig.upstream.handle((request, response) =>
      json(response, 401, {
        error: {
          code: 401,
          message: `Request had invalid authentication credentials: ${String(request.headers.authorization)}`,
          status: 'UNAUTHENTICATED',
        },
      }),
    );
    const error = await rig.client.chat.completions
      .create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] })
      .catch((caught) => caught);
    expect(error).toMatchObject({ status: 502, code: 'upstream_auth_error' });
    // An error that quotes the token (here, on purpose) reaches the client scrubbed.
    rig.upstream.handle((request, response) =>
      json(response, 400, {
        error: {
          code: 400,
          message: `Bad request with ${String(request.headers.authorization)} and ${KEY.private_key}`,
          status: 'INVALID_ARGUMENT',
        },
      }),
    );
    const quoted = await rig.client.chat.completions
      .create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] })
      .catch((caught) => caught);
    expect(quoted).toMatchObject({ status: 400, code: 'invalid_argument' });
    expect(quoted.message).toContain('[redacted]');
    const records = await logs.settle(3);
    const everything = JSON.stringify([error.error, quoted.error, records]);
    expect(everything).not.toContain('BEGIN PRIVATE KEY');
    expect(everything).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}/);
  });
});

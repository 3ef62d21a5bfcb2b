/**
 * SigV4 for Bedrock. The test-side signer (test/helpers/bedrock.ts) is written from the AWS
 * documentation and first proven on vectors of the AWS SigV4 test suite (post-vanilla, get-utf8,
 * get-vanilla-with-session-token; published with AWS's documentation and shipped in botocore at
 * tests/unit/auth/aws4_testsuite/, credentials AKIDEXAMPLE / the documented example secret). It
 * then checks what the provider signs with aws4fetch, for model ids with `:` and for ARNs.
 */
import { describe, expect, it } from 'vitest';
import { bedrockProvider, encodeModelId } from '../../src/providers/bedrock/index.js';
import type { Provider, ProviderCall } from '../../src/providers/types.js';
import type { UpstreamRequest } from '../../src/transport/types.js';
import { canonicalRequest, signature, verifySigV4 } from '../helpers/bedrock.js';
import type { ReceivedRequest } from '../helpers/upstream.js';

// The AWS SigV4 test suite's documented example credentials (not a real key).
const SUITE = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SUITE_DATE = '20150830T123600Z';

describe('the test-side SigV4 signer, on the AWS SigV4 test suite', () => {
  it('post-vanilla', () => {
    const canonical = canonicalRequest({
      method: 'POST',
      rawPath: '/',
      headers: { host: 'example.amazonaws.com', 'x-amz-date': SUITE_DATE },
      signedHeaders: ['host', 'x-amz-date'],
      body: '',
    });
    expect(canonical).toBe(
      'POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(signature(canonical, SUITE.secretAccessKey, SUITE_DATE, 'us-east-1', 'service')).toBe(
      '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
    );
  });

  it('get-utf8 (a non-ASCII path segment, percent-encoded for signing)', () => {
    const canonical = canonicalRequest({
      method: 'GET',
      rawPath: '/\u1234', // the suite's request line holds the raw character
      headers: { host: 'example.amazonaws.com', 'x-amz-date': SUITE_DATE },
      signedHeaders: ['host', 'x-amz-date'],
      body: '',
    });
    expect(canonical.split('\n')[1]).toBe('/%E1%88%B4');
    expect(signature(canonical, SUITE.secretAccessKey, SUITE_DATE, 'us-east-1', 'service')).toBe(
      '8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85',
    );
  });

  it('get-vanilla-with-session-token', () => {
    const token = '6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267';
    const canonical = canonicalRequest({
      method: 'GET',
      rawPath: '/',
      headers: { host: 'example.amazonaws.com', 'x-amz-date': SUITE_DATE, 'x-amz-security-token': token },
      signedHeaders: ['host', 'x-amz-date', 'x-amz-security-token'],
      body: '',
    });
    expect(signature(canonical, SUITE.secretAccessKey, SUITE_DATE, 'us-east-1', 'service')).toBe(
      '07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8',
    );
  });
});

const FIXED_NOW = new Date('2026-03-14T15:09:26.535Z');
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-secret-key-not-real-000000000000000' };
const call = (model: string, stream = false): ProviderCall => ({
  operation: 'chat',
  model,
  body: { model, messages: [{ role: 'user', content: 'Hi ☃' }] },
  stream,
  strictParams: false,
});

/** Builds and signs, as the engine does before each attempt. */
async function built(provider: Provider, providerCall: ProviderCall): Promise<UpstreamRequest> {
  const request = provider.buildRequest(providerCall);
  return provider.signRequest ? provider.signRequest(request) : request;
}

/** What a server would receive for the request the provider built. */
function asReceived(request: {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}): ReceivedRequest {
  const url = new URL(request.url);
  return {
    method: request.method,
    url: url.pathname + url.search,
    headers: { ...request.headers, host: url.host },
    body: JSON.parse(request.body ?? 'null'),
    rawBody: request.body ?? '',
    closed: Promise.resolve(),
  };
}

describe('bedrockProvider signing', () => {
  const provider = bedrockProvider({ id: 'bedrock', region: 'us-west-2', ...CREDENTIALS, now: () => FIXED_NOW });

  it('percent-encodes a model id with ":" in the path and signs it encoded twice', async () => {
    const request = await built(provider, call('us.anthropic.claude-3-5-sonnet-20241022-v2:0'));
    expect(request.url).toBe(
      'https://bedrock-runtime.us-west-2.amazonaws.com/model/us.anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse',
    );
    const verified = verifySigV4(asReceived(request), CREDENTIALS, 'us-west-2');
    expect(verified.canonicalRequest.split('\n').slice(0, 3)).toEqual([
      'POST',
      '/model/us.anthropic.claude-3-5-sonnet-20241022-v2%253A0/converse',
      '',
    ]);
    expect(verified.credentialScope).toBe('20260314/us-west-2/bedrock/aws4_request');
    expect(request.headers['x-amz-date']).toBe('20260314T150926Z');
    expect(verified.signedHeaders).toEqual(['accept', 'host', 'x-amz-date']);
  });

  it('encodes an inference-profile ARN as one path segment, ":" and "/" included', async () => {
    const arn = 'arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/a1b2c3d4e5f6';
    const request = await built(provider, call(arn, true));
    expect(new URL(request.url).pathname).toBe(
      '/model/arn%3Aaws%3Abedrock%3Aus-west-2%3A123456789012%3Aapplication-inference-profile%2Fa1b2c3d4e5f6/converse-stream',
    );
    expect(encodeModelId("a'b(c)*!")).toBe('a%27b%28c%29%2A%21');
    const verified = verifySigV4(asReceived(request), CREDENTIALS, 'us-west-2');
    expect(verified.canonicalRequest.split('\n')[1]).toBe(
      '/model/arn%253Aaws%253Abedrock%253Aus-west-2%253A123456789012%253Aapplication-inference-profile%252Fa1b2c3d4e5f6/converse-stream',
    );
    expect(request.headers.accept).toBe('application/vnd.amazon.eventstream');
  });

  it('signs the body as sent, so a changed byte breaks the signature', async () => {
    const received = asReceived(await built(provider, call('amazon.nova-lite-v1:0')));
    expect(() => verifySigV4(received, CREDENTIALS, 'us-west-2')).not.toThrow();
    expect(() =>
      verifySigV4({ ...received, rawBody: received.rawBody.replace('Hi', 'Ho') }, CREDENTIALS, 'us-west-2'),
    ).toThrow(/signature mismatch/);
  });

  it('signs the session token of temporary credentials', async () => {
    const temporary = { ...CREDENTIALS, sessionToken: 'test-session-token-not-real' };
    const withToken = bedrockProvider({ id: 'bedrock', region: 'eu-central-1', ...temporary, now: () => FIXED_NOW });
    const request = await built(withToken, call('eu.amazon.nova-micro-v1:0'));
    expect(request.headers['x-amz-security-token']).toBe('test-session-token-not-real');
    expect(verifySigV4(asReceived(request), temporary, 'eu-central-1').signedHeaders).toContain('x-amz-security-token');
  });

  it('sends a Bedrock API key as a bearer token instead of signing', async () => {
    const withKey = bedrockProvider({ id: 'bedrock', region: 'us-east-1', apiKey: 'test-bedrock-api-key' });
    const request = await built(withKey, call('amazon.nova-lite-v1:0'));
    expect(request.headers.authorization).toBe('Bearer test-bedrock-api-key');
    expect(request.headers['x-amz-date']).toBeUndefined();
  });

  it('uses the China partition domain for cn- regions', async () => {
    const china = bedrockProvider({ id: 'bedrock', region: 'cn-north-1', ...CREDENTIALS, now: () => FIXED_NOW });
    expect((await built(china, call('amazon.nova-lite-v1:0'))).url).toMatch(
      /^https:\/\/bedrock-runtime\.cn-north-1\.amazonaws\.com\.cn\/model\//,
    );
  });

  it('fails over (502, fallback) when no credentials are configured, naming no secret', async () => {
    const bare = bedrockProvider({ id: 'aws', region: 'us-east-1' });
    expect(() => bare.buildRequest(call('amazon.nova-lite-v1:0'))).toThrow(
      expect.objectContaining({ status: 502, code: 'provider_not_configured', fallback: true }),
    );
  });
});

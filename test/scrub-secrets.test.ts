/**
 * The shared secret scrubber (src/providers/kit/scrub-secrets.ts): what it removes, what it must
 * leave alone (an error message stays useful), and how it bounds identifiers. End to end, every
 * provider's errors go through it: test/upstream-secrets.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../src/index.js';
import { scrubError, scrubErrorFields, scrubIdentifier, scrubSecrets } from '../src/providers/kit/scrub-secrets.js';

// Made-up values shaped like real credentials.
const SHAPED = {
  openai: 'sk-proj-Q7vNc2XkT9pLr4WmZ8bYh3JdF6sGa1Ue',
  openaiLowercase: 'sk-proj-abcdefghijklmnop',
  openaiMasked: 'sk-proj-********************************a1Ue',
  anthropic: 'sk-ant-api03-Hx5Rk8Vp2Lm7Nq4Tw9Zc3Jb6Yd1Gf0Se-Pa2KcQ',
  groq: 'gsk_Wd4Kx9Pm2Tr7Vn5Lq8Zb3Hc6Jf1Gy0Ae',
  google: 'AIzaSyD4kX9mP2tR7vN5qL8zB3hC6jF1gY0aE2w',
  awsAccessKeyId: 'AKIAQX7NC2KT9PLR4WMZ',
  awsTemporaryKeyId: 'ASIAZ8BYH3JDF6SGA1UE',
  awsSecretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz9Qv3Tq8L',
  jwt: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZXN0LWNhbGxlci0wMDEifQ.Tm9UYVJlYWxTaWduYXR1cmVKdXN0QVRlc3Q',
  googleOAuth: 'ya29.a0AfB_byC4kX9mP2tR7vN5qL8zB3hC6jF1gY0aE2wQ7vNc2XkT9pLr4',
};

describe('scrubSecrets', () => {
  it.each(Object.entries(SHAPED))('removes a key-shaped string (%s) wherever it stands', (_name, secret) => {
    for (const text of [secret, `key ${secret}.`, `"api_key":"${secret}"`, `key=${secret}&x=1`, `(${secret})`]) {
      const clean = scrubSecrets(text, []);
      expect(clean).not.toContain(secret);
      expect(clean).toContain('[redacted]');
    }
  });

  it('removes the configured secrets, whatever their shape, and keeps the scheme of a bearer value', () => {
    const configured = 'operator-secret-value-0001';
    expect(scrubSecrets(`Incorrect API key provided: ${configured}`, [configured])).toBe(
      'Incorrect API key provided: [redacted]',
    );
    expect(scrubSecrets('Authorization: Bearer Pq7Lm2Xv9Kt4Rw8Zn3Bc6Hd1Jf5Gs0Ya was refused', [])).toBe(
      'Authorization: Bearer [redacted] was refused',
    );
  });

  it('removes a configured secret from the whole text before cutting it, so no half of it survives', () => {
    const configured = 'operator-secret-value-0001';
    const text = `${'x'.repeat(495)}${configured}${'y'.repeat(20_000)}${configured}`;
    const clean = scrubSecrets(text, [configured]);
    expect(clean).toBe(`${'x'.repeat(495)}[reda…`);
    expect(clean).not.toContain('opera');
  });

  it('leaves error text that only looks technical alone', () => {
    const texts = [
      'fw_version_mismatch_detected for the task-management model',
      'Request req_011CSHoEeqs5C35K2UUqWcD4 failed; retry with msg_01QC4g3HwBThD4BaNtBckFDJ',
      'trace 3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f, commit 5d41402abc4b2a76b9719d911017c592aabbccdd',
      'The model `us.anthropic.claude-3-5-sonnet-20241022-v2:0` does not exist in projects/test-project/locations/us-central1.',
      'Desk-checking skipped: the risk-score is too high.',
    ];
    for (const text of texts) expect(scrubSecrets(text, [])).toBe(text);
  });

  it('cuts long text to its limit', () => {
    expect(scrubSecrets('a'.repeat(600), [])).toBe(`${'a'.repeat(500)}…`);
    expect(scrubSecrets('a'.repeat(600), [], 10)).toBe(`${'a'.repeat(10)}…`);
  });
});

describe('scrubIdentifier', () => {
  it('keeps a plain code, cut to its bound', () => {
    expect(scrubIdentifier('invalid_api_key', [])).toBe('invalid_api_key');
    expect(scrubIdentifier('x'.repeat(100), [])).toBe('x'.repeat(64));
    expect(scrubIdentifier('messages[3].content[0].image_url.url', [], 128)).toBe(
      'messages[3].content[0].image_url.url',
    );
  });

  it('drops a code that quotes a key or holds control characters, and anything not a string', () => {
    expect(scrubIdentifier('operator-secret-value-0001', ['operator-secret-value-0001'])).toBeNull();
    expect(scrubIdentifier(`invalid_key_${SHAPED.openai}`, [])).toBeNull();
    expect(scrubIdentifier(SHAPED.awsAccessKeyId, [])).toBeNull();
    expect(scrubIdentifier('bad\ncode', [])).toBeNull();
    expect(scrubIdentifier(429, [])).toBeNull();
    expect(scrubIdentifier('', [])).toBeNull();
  });
});

describe('scrubErrorFields and scrubError', () => {
  it('scrubs every field of what a provider read from an error body', () => {
    const secret = 'operator-secret-value-0001';
    expect(
      scrubErrorFields(
        { message: `bad key ${secret}`, code: secret, type: SHAPED.google, param: 'model', status: 401 },
        [secret],
      ),
    ).toEqual({
      message: 'bad key [redacted]',
      code: null,
      type: null,
      param: 'model',
      status: 401,
    });
  });

  it('returns a clean error as it is, and a scrubbed copy of one that quotes a key', () => {
    const clean = new GatewayError({ status: 502, code: 'upstream_error', message: 'Provider `x` failed.' });
    expect(scrubError(clean, ['operator-secret-value-0001'])).toBe(clean);
    const leaky = new GatewayError({
      status: 429,
      code: SHAPED.openai,
      message: `Provider \`x\` said: ${SHAPED.openai}`,
      retryable: true,
      retryAfterMs: 1000,
      upstreamStatus: 429,
    });
    const scrubbed = scrubError(leaky, []);
    expect(scrubbed.toJSON()).toEqual({
      error: {
        message: 'Provider `x` said: [redacted]',
        type: 'rate_limit_error',
        param: null,
        code: 'upstream_error',
      },
    });
    expect(scrubbed).toMatchObject({ status: 429, retryable: true, retryAfterMs: 1000, upstreamStatus: 429 });
  });
});

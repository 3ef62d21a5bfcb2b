/**
 * Bedrock HTTP errors through the engine's classification. Error shapes and statuses are those of
 * the Converse API reference (Errors section:
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_Errors);
 * the type travels as restJson1 says: X-Amzn-Errortype, or `__type` / `code` in the body
 * (https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html#operation-error-serialization).
 */
import { describe, expect, it } from 'vitest';
import { upstreamHttpError } from '../../src/engine/upstream-error.js';
import { errorShapeName, parseBedrockError } from '../../src/providers/bedrock/errors.js';
import { bedrockProvider } from '../../src/providers/bedrock/index.js';

const provider = bedrockProvider({
  id: 'aws',
  region: 'us-east-1',
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'test-secret-key-not-real-000000000000000',
});
const policy = { fallbackOnStatus: new Set<number>(), fallbackOnAuthError: true };
const typed = (type: string) => ({
  'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
});

function classify(status: number, type: string, message = 'details') {
  return upstreamHttpError(provider, status, typed(type), JSON.stringify({ message }), policy);
}

describe('Bedrock HTTP errors', () => {
  it('reads the error type the restJson1 ways', () => {
    for (const raw of [
      'ThrottlingException',
      'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/',
      'com.amazonaws.bedrockruntime#ThrottlingException',
      'com.amazonaws.bedrockruntime#ThrottlingException:http://x/',
    ]) {
      expect(errorShapeName(raw)).toBe('throttlingException');
    }
    expect(
      parseBedrockError(429, JSON.stringify({ __type: 'ThrottlingException', message: 'slow down' })),
    ).toMatchObject({ code: 'rate_limit_exceeded', message: 'ThrottlingException: slow down' });
    expect(parseBedrockError(429, JSON.stringify({ code: 'ThrottlingException', message: 'slow down' }))).toMatchObject(
      { code: 'rate_limit_exceeded' },
    );
    expect(parseBedrockError(502, '<html>Bad Gateway</html>')).toEqual({
      message: 'HTTP 502 from Bedrock.',
      code: null,
      type: null,
      serverFault: undefined,
    });
  });

  it.each([
    [400, 'ValidationException', 400, 'invalid_request', false, false],
    [404, 'ResourceNotFoundException', 404, 'model_not_found', false, false],
    [408, 'ModelTimeoutException', 504, 'upstream_timeout', true, true],
    [424, 'ModelErrorException', 502, 'model_error', true, true],
    [429, 'ThrottlingException', 429, 'rate_limit_exceeded', true, true],
    [429, 'ModelNotReadyException', 429, 'model_not_ready', true, true],
    [500, 'InternalServerException', 502, 'upstream_error', true, true],
    [503, 'ServiceUnavailableException', 502, 'service_unavailable', true, true],
  ] as const)('HTTP %i %s → %i %s', (status, type, clientStatus, code, retryable, fallback) => {
    const error = classify(status, type, `${type} happened`);
    expect(error).toMatchObject({ status: clientStatus, code, retryable, fallback, upstreamStatus: status });
    expect(error.message).toBe(`Provider \`aws\` answered HTTP ${status}: ${type}: ${type} happened`);
  });

  it('answers 502 for AccessDeniedException: the gateway credentials are at fault, not the caller', () => {
    expect(classify(403, 'AccessDeniedException')).toMatchObject({
      status: 502,
      code: 'upstream_auth_error',
      fallback: true,
    });
  });

  it('scrubs configured secrets out of Bedrock messages', () => {
    const error = classify(400, 'ValidationException', 'bad key test-secret-key-not-real-000000000000000 here');
    expect(error.message).not.toContain('test-secret-key-not-real');
    expect(error.message).toContain('[redacted]');
  });
});

import { createHash, timingSafeEqual } from 'node:crypto';
import type { GatewayRequest, HandleContext } from '../contract.js';
import { GatewayError } from '../errors.js';
import type { AuthorizeHook } from '../options.js';

export interface AuthResult {
  gatewayKey?: string;
  principal?: HandleContext['principal'];
  metadata?: Record<string, unknown>;
}

export type Authorizer = (request: GatewayRequest, path: string) => Promise<AuthResult>;

/**
 * Checks the optional static gateway keys (compared in constant time) and then the host's
 * `authorize` hook. With neither configured every caller is let in: the host's own middleware is
 * then the gate.
 */
export function createAuthorizer(
  keys: ReadonlyArray<string | { key: string; name: string }>,
  hook: AuthorizeHook | undefined,
): Authorizer {
  const digests = keys.map((entry, index) => {
    const key = typeof entry === 'string' ? entry : entry.key;
    return { digest: sha256(key), name: typeof entry === 'string' ? `key#${index + 1}` : entry.name };
  });

  return async (request, path) => {
    const result: AuthResult = {};
    if (digests.length) {
      const presented = presentedKey(request.headers);
      if (!presented) {
        throw new GatewayError({
          status: 401,
          code: 'missing_api_key',
          message: 'This gateway needs a key: send it as `Authorization: Bearer <key>` or `x-api-key: <key>`.',
        });
      }
      const digest = sha256(presented);
      const match = digests.find((entry) => timingSafeEqual(entry.digest, digest));
      if (!match)
        throw new GatewayError({ status: 401, code: 'invalid_api_key', message: 'The gateway key is not valid.' });
      result.gatewayKey = match.name;
    }
    if (hook) {
      const verdict = await hook({
        method: request.method,
        path,
        headers: request.headers,
        gatewayKey: result.gatewayKey,
      });
      if (verdict === false)
        throw new GatewayError({
          status: 403,
          code: 'forbidden',
          message: 'The caller is not allowed to use this gateway.',
        });
      if (typeof verdict === 'object' && verdict !== null) {
        result.principal = verdict.principal;
        result.metadata = verdict.metadata;
      }
    }
    return result;
  };
}

function presentedKey(headers: GatewayRequest['headers']): string | undefined {
  const authorization = headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match) return match[1].trim();
  }
  const apiKey = headers['x-api-key'] ?? headers['api-key'];
  return Array.isArray(apiKey) ? apiKey[0] : apiKey;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

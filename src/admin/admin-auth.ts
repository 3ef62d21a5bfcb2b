/** The admin key check: a constant-time comparison, so response times say nothing about the key. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../errors.js';

export const ADMIN_KEY_HEADER = 'x-modelgate-admin-key';

export function adminKeyCheck(key: string): (headers: IncomingHttpHeaders) => void {
  const expected = digest(key);
  return (headers) => {
    const given = presentedKey(headers);
    if (given === undefined)
      throw adminKeyError(
        `Missing admin key: send it in the \`${ADMIN_KEY_HEADER}\` header (or Authorization: Bearer).`,
      );
    if (!timingSafeEqual(digest(given), expected)) throw adminKeyError('Invalid admin key.');
  };
}

function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const own = headers[ADMIN_KEY_HEADER];
  if (typeof own === 'string' && own) return own;
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && /^bearer /i.test(authorization)) return authorization.slice(7).trim();
  return undefined;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function adminKeyError(message: string): GatewayError {
  return new GatewayError({
    status: 401,
    type: 'authentication_error',
    code: 'invalid_admin_key',
    headers: { 'www-authenticate': 'Bearer realm="modelgate admin"' },
    message,
  });
}

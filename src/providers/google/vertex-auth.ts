/**
 * Vertex AI service-account authentication without a token endpoint: a self-signed JWT used as the
 * bearer token (https://google.aip.dev/auth/4111, the default of Google's own Cloud client
 * libraries for service-account keys). Signed locally with node:crypto (RS256, the key's
 * `private_key_id` as `kid`), valid for exactly one hour, reused until five minutes before it
 * expires. No network call and no timer: the provider stays pure.
 */
import { createPrivateKey, createSign, type KeyObject } from 'node:crypto';

/** The fields of a service-account key file (the JSON Google Cloud lets you download) this needs. */
export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  project_id?: string;
}

export const VERTEX_AUDIENCE = 'https://aiplatform.googleapis.com/';
const LIFETIME_SECONDS = 3600;
const RENEW_BEFORE_SECONDS = 300;

export interface VertexTokenSource {
  /** A valid bearer token (a new one when the current one is within five minutes of expiring). */
  token(): string;
  /** The current token, for scrubbing it from messages; undefined before the first request. */
  current(): string | undefined;
}

/** Reads the key once (a malformed key fails here, at startup, not on the first request). */
export function vertexTokenSource(key: ServiceAccountKey, now: () => number = Date.now): VertexTokenSource {
  const privateKey: KeyObject = createPrivateKey(key.private_key);
  const header = base64url(
    JSON.stringify(
      key.private_key_id ? { alg: 'RS256', typ: 'JWT', kid: key.private_key_id } : { alg: 'RS256', typ: 'JWT' },
    ),
  );
  let cached: { token: string; expires: number } | undefined;
  return {
    token() {
      const seconds = Math.floor(now() / 1000);
      if (cached && seconds < cached.expires - RENEW_BEFORE_SECONDS) return cached.token;
      const expires = seconds + LIFETIME_SECONDS;
      const claims = base64url(
        JSON.stringify({
          iss: key.client_email,
          sub: key.client_email,
          aud: VERTEX_AUDIENCE,
          iat: seconds,
          exp: expires,
        }),
      );
      const signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(privateKey).toString('base64url');
      cached = { token: `${header}.${claims}.${signature}`, expires };
      return cached.token;
    },
    current: () => cached?.token,
  };
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

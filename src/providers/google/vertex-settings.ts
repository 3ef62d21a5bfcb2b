/**
 * `providers.<id>.vertex` → Vertex AI settings, with the service-account key read and checked at
 * `createGateway`, so that a malformed key is a startup error that names the option, not a failure
 * on the first request.
 */
import { GatewayConfigError } from '../../errors.js';
import type { VertexSettings } from './index.js';
import { vertexTokenSource, type ServiceAccountKey } from './vertex-auth.js';

/** The options `readVertexSettings` reads (the `google` provider's). */
export interface VertexOptions {
  apiVersion?: string;
  vertex?: { project?: string; location?: string; credentials: string | Record<string, unknown> };
}

export function readVertexSettings(id: string, config: VertexOptions): VertexSettings | undefined {
  if (!config.vertex) return undefined;
  const fail = (field: string, message: string): never => {
    throw new GatewayConfigError(`Invalid modelgate options:\n  - providers.${id}.vertex.${field}: ${message}`);
  };
  let credentials: unknown = config.vertex.credentials;
  if (typeof credentials === 'string') {
    try {
      credentials = JSON.parse(credentials);
    } catch {
      fail('credentials', 'must be a service-account key: the JSON object, or its text');
    }
  }
  const key = credentials as ServiceAccountKey;
  if (typeof key?.client_email !== 'string' || typeof key.private_key !== 'string')
    fail('credentials', 'needs client_email and private_key (a service-account key file)');
  const project = config.vertex.project ?? key.project_id;
  if (!project) return fail('project', 'required (or a project_id in the key file)');
  try {
    vertexTokenSource(key);
  } catch {
    fail('credentials.private_key', 'is not a PEM private key');
  }
  return { project, location: config.vertex.location, apiVersion: config.apiVersion, credentials: key };
}

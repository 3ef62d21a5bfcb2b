/**
 * Cache keys: a SHA-256 over the tenant scope, the operation, the serving provider/model and the
 * request in canonical form (gateway parameters already removed, `model`/`stream`/`stream_options`
 * left out, object keys sorted), so that the same question asked in another key order, streamed or
 * not, finds the same answer, and one tenant never sees another's.
 */
import { createHash } from 'node:crypto';

/** Request fields that change how an answer is delivered, not what it says. */
const DELIVERY_FIELDS = new Set(['model', 'stream', 'stream_options']);

export function cacheKey(scope: string, operation: string, provider: string, model: string, body: Record<string, unknown>): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([scope, operation, provider, model]));
  hash.update('\n');
  hash.update(canonicalJson(body, DELIVERY_FIELDS));
  return hash.digest('hex');
}

/** JSON with object keys in sorted order at every depth; `skip` applies to the top level only. */
export function canonicalJson(value: unknown, skip?: ReadonlySet<string>): string {
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const parts: string[] = [];
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined || skip?.has(key)) continue;
      parts.push(`${JSON.stringify(key)}:${canonicalJson(item)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The tenant a cached answer belongs to: the gateway key's name or the host's principal, plus the customer when asked. */
export function cacheScope(gatewayKey: string | null, principal: unknown, customer: string | undefined): string {
  const tenant = gatewayKey !== null ? `key:${gatewayKey}` : principal !== null && principal !== undefined ? `principal:${canonicalJson(principal)}` : 'public';
  return customer === undefined ? tenant : `${tenant}|customer:${customer}`;
}

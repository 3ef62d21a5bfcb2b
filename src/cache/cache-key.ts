/**
 * Cache keys: a SHA-256 over the scope (see cacheScope), the operation, the serving provider/model and the
 * request in canonical form (gateway parameters already removed, `model`/`stream`/`stream_options`
 * left out, object keys sorted), so that the same question asked in another key order, streamed or
 * not, finds the same answer, and one caller never sees another's unless the operator shares the cache.
 */
import { createHash } from 'node:crypto';

/** Request fields that change how an answer is delivered, not what it says. */
const DELIVERY_FIELDS = new Set(['model', 'stream', 'stream_options']);

export function cacheKey(
  scope: string,
  operation: string,
  provider: string,
  model: string,
  body: Record<string, unknown>,
): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([scope, operation, provider, model]));
  hash.update('\n');
  hash.update(canonicalJson(body, DELIVERY_FIELDS));
  return hash.digest('hex');
}

/** JSON with object keys in sorted order at every depth; `skip` applies to the top level only. */
export function canonicalJson(value: unknown, skip?: ReadonlySet<string>): string {
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
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

/** Who a cached answer may be served to, as cacheScope() reads it from the request. */
export interface ScopeFacts {
  gatewayKey: string | null;
  principal: unknown;
  /** `customer_params.customer_identifier`, else `customer_identifier`. */
  customer: string | undefined;
  /** The provider keys the caller brought, if any (hashed here, never kept). */
  credentials: unknown;
  /** The operator's `cache.shared`: answers cross callers. */
  shared: boolean;
  /** `cache_by_customer`: separate entries per customer even within a tenant. */
  byCustomer: boolean;
}

/**
 * The scope a cached answer belongs to. The tenant is the gateway key's name or the host's
 * principal; a gateway that knows neither knows its callers only by their customer, so the customer
 * is then part of the scope (and callers naming none share one scope). With `shared` (the
 * operator's choice) the tenant and that customer fall away. The caller's own provider keys are
 * always in it, as a SHA-256: a caller whose key the provider would refuse must not be served an
 * answer another key paid for.
 */
export function cacheScope(facts: ScopeFacts): string {
  const tenant = facts.shared
    ? 'shared'
    : facts.gatewayKey !== null
      ? `key:${facts.gatewayKey}`
      : facts.principal !== null && facts.principal !== undefined
        ? `principal:${canonicalJson(facts.principal)}`
        : undefined;
  let scope = tenant ?? 'anonymous';
  if (facts.byCustomer || tenant === undefined) scope += `|customer:${JSON.stringify(facts.customer ?? null)}`;
  if (facts.credentials !== undefined)
    scope += `|credentials:${createHash('sha256').update(canonicalJson(facts.credentials)).digest('hex')}`;
  return scope;
}

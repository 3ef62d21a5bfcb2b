/**
 * The response store: Responses answers kept in the gateway's `Store` (as documents) for
 * `previous_response_id` and the `/responses/{id}` routes. Each response is bound to its tenant
 * (the gateway key's name, or the host's principal): the tenant is part of its key, so another
 * tenant's lookup finds nothing, exactly as if the id did not exist.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../cache/cache-key.js';
import { GatewayError } from '../errors.js';
import type { LogRecord } from '../logging/log-record.js';
import { noteStoreError } from '../store/store-calls.js';
import { StoreUnavailableError, type Store } from '../store/store.js';
import { conversationItems, type Item, type ServedBy, type StoredResponse } from './stored-response.js';

export interface ResponseStoreSettings {
  ttlMs: number;
  /** Largest stored response (its JSON, in UTF-8 bytes); a larger one is not kept. */
  maxBytes: number;
}

/** Longest conversation kept (responses chained by `previous_response_id`). */
export const MAX_CHAIN = 1_000;

/** A conversation rebuilt from the store for `previous_response_id`. */
export interface Rebuilt {
  /** Every earlier input and output item, oldest first. */
  items: Item[];
  /** The ids of the conversation's responses, oldest first, the previous one last. */
  chain: string[];
  /** Who served the previous response. */
  served: ServedBy;
}

export class ResponseStore {
  /** Saves under way, by key: a continuation that arrives first waits for its response (in this process). */
  private readonly saving = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: Store,
    readonly settings: ResponseStoreSettings,
  ) {}

  /** One response, or undefined when this tenant has none by that id (expired, deleted, never made, another's). */
  async load(tenant: string, id: string, record: LogRecord): Promise<StoredResponse | undefined> {
    const key = keyOf(tenant, id);
    await this.saving.get(key)?.catch(() => {});
    const [text] = await this.call(record, (store) => store.getDocuments([key]));
    return parse(text);
  }

  /**
   * The conversation up to and including response `previousId`, or undefined when the tenant has no
   * such response. A response earlier in the chain that is gone (expired or deleted) is a 400: the
   * conversation cannot be rebuilt faithfully without it.
   */
  async rebuild(tenant: string, previousId: string, record: LogRecord): Promise<Rebuilt | undefined> {
    const previous = await this.load(tenant, previousId, record);
    if (!previous) return undefined;
    if (previous.chain.length + 1 >= MAX_CHAIN)
      throw new GatewayError({
        status: 400,
        code: 'invalid_request',
        param: 'previous_response_id',
        message: `The conversation of \`previous_response_id\` ${previousId.slice(0, 100)} is ${MAX_CHAIN} responses long, as long as the gateway's response store follows; start a new one with the whole conversation in \`input\`.`,
      });
    const ancestors = previous.chain.length
      ? await this.call(record, (store) => store.getDocuments(previous.chain.map((id) => keyOf(tenant, id))))
      : [];
    const items: Item[] = [];
    ancestors.forEach((text, index) => {
      const stored = parse(text);
      if (!stored) throw brokenChain(previousId, previous.chain[index]);
      items.push(...conversationItems(stored));
    });
    items.push(...conversationItems(previous));
    return { items, chain: [...previous.chain, previousId], served: previous.served };
  }

  /** Keeps a response for the TTL; false when it is larger than `maxBytes` (then it is not kept). */
  async save(tenant: string, stored: StoredResponse, record: LogRecord): Promise<boolean> {
    const text = JSON.stringify(stored);
    if (Buffer.byteLength(text) > this.settings.maxBytes) return false;
    const key = keyOf(tenant, String(stored.response.id));
    const saved = this.call(record, (store) => store.setDocument(key, text, this.settings.ttlMs));
    this.saving.set(key, saved);
    try {
      await saved;
    } finally {
      if (this.saving.get(key) === saved) this.saving.delete(key);
    }
    return true;
  }

  /** Deletes a response; false when the tenant had none by that id. */
  remove(tenant: string, id: string, record: LogRecord): Promise<boolean> {
    return this.call(record, (store) => store.deleteDocument(keyOf(tenant, id)));
  }

  /** A store call; a store that fails or hangs is a 503 (nothing can be answered without it). */
  private async call<T>(record: LogRecord, call: (store: Store) => Promise<T>): Promise<T> {
    try {
      return await call(this.store);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      noteStoreError(record, 'responses', error, 'closed');
      throw new GatewayError({
        status: 503,
        code: 'store_unavailable',
        headers: { 'retry-after': '1' },
        message: 'The gateway cannot reach its response store right now. Try again shortly.',
        cause: error,
      });
    }
  }
}

/**
 * The caller a response belongs to: the gateway key's name and the host's principal, whichever are
 * known (a host that tells its users apart under one key keeps them apart), else everyone (no auth).
 */
export function tenantOf(record: Pick<LogRecord, 'gateway_key' | 'principal'>): string {
  const parts: string[] = [];
  if (record.gateway_key) parts.push(`key:${record.gateway_key}`);
  if (record.principal !== null && record.principal !== undefined)
    parts.push(`principal:${canonicalJson(record.principal)}`);
  return parts.length ? parts.join('|') : 'anonymous';
}

/** The tenant is hashed into the key: ids never collide across tenants, and keys carry no principal. */
function keyOf(tenant: string, id: string): string {
  return `responses:${createHash('sha256').update(tenant).digest('hex').slice(0, 32)}:${id}`;
}

function parse(text: string | null | undefined): StoredResponse | undefined {
  if (!text) return undefined;
  try {
    const stored = JSON.parse(text) as StoredResponse;
    return typeof stored === 'object' && stored !== null && Array.isArray(stored.input) && Array.isArray(stored.chain)
      ? stored
      : undefined;
  } catch {
    return undefined;
  }
}

function brokenChain(previousId: string, missing: string | undefined): GatewayError {
  return new GatewayError({
    status: 400,
    code: 'previous_response_not_found',
    param: 'previous_response_id',
    message: `The conversation of \`previous_response_id\` ${previousId.slice(0, 100)} cannot be rebuilt: response ${String(missing).slice(0, 100)}, earlier in it, has expired or was deleted from the gateway's response store. Send the whole conversation in \`input\` instead.`,
  });
}

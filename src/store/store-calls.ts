/**
 * The `onStoreError` policy in one place. Governance (rate limits, budgets) follows the policy:
 * `open` lets the request pass unchecked, `closed` answers 503. Optimisations (cache, health) pass
 * either way. Every failure is noted in the request's log record.
 */
import { GatewayError } from '../errors.js';
import type { LogRecord } from '../logging/log-record.js';
import { StoreUnavailableError, type Store } from './store.js';

export type StoreErrorPolicy = 'open' | 'closed';

export class StoreCalls {
  constructor(
    readonly store: Store,
    readonly policy: StoreErrorPolicy,
  ) {}

  /** A rate-limit or budget call: undefined when the store failed and the policy is `open`. */
  async enforce<T>(feature: string, record: LogRecord, call: (store: Store) => Promise<T>): Promise<T | undefined> {
    try {
      return await call(this.store);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      noteStoreError(record, feature, error, this.policy === 'closed' ? 'closed' : 'open');
      if (this.policy === 'closed') {
        throw new GatewayError({
          status: 503,
          code: 'store_unavailable',
          headers: { 'retry-after': '1' },
          message: `The gateway cannot check ${feature === 'budget' ? 'budgets' : 'rate limits'} right now (its store is unavailable), so it does not serve this request. Try again shortly.`,
          cause: error,
        });
      }
      return undefined;
    }
  }

  /** A cache or health call: undefined when the store failed, whatever the policy. */
  async attempt<T>(feature: string, record: LogRecord, call: (store: Store) => Promise<T>): Promise<T | undefined> {
    try {
      return await call(this.store);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      noteStoreError(record, feature, error, 'skipped');
      return undefined;
    }
  }
}

export function noteStoreError(
  record: LogRecord,
  feature: string,
  error: unknown,
  outcome: 'open' | 'closed' | 'skipped',
): void {
  const message = error instanceof Error ? error.message : String(error);
  (record.store_errors ??= []).push(`${feature} (${outcome}): ${message}`);
}

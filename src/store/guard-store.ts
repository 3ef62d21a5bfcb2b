/**
 * Every store call gets a deadline: a store that hangs (a custom one, a Redis behind a dead
 * network) costs a request at most `timeoutMs`, never the request itself. Failures come out as
 * `StoreUnavailableError`, which the features turn into the `onStoreError` policy. The built-in
 * memory store answers within the same turn and cannot hang: it gets no timer (`timeoutMs`
 * undefined), only the failure mapping.
 */
import { STORE_CALLS, StoreUnavailableError, type Store } from './store.js';

export function guardStore(store: Store, timeoutMs: number | undefined): Store {
  const guarded: Record<string, unknown> = { kind: store.kind, close: () => store.close() };
  for (const name of STORE_CALLS) {
    const method = (store[name] as (...args: unknown[]) => Promise<unknown>).bind(store);
    const what = `${store.kind} store ${name}`;
    guarded[name] =
      timeoutMs === undefined
        ? (...args: unknown[]) => mapFailure(method, args, what)
        : (...args: unknown[]) => withTimeout(method, args, timeoutMs, what);
  }
  return guarded as unknown as Store;
}

function withTimeout<T>(
  method: (...args: unknown[]) => Promise<T>,
  args: unknown[],
  ms: number,
  what: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StoreUnavailableError(`${what} timed out after ${ms} ms`)), ms);
    let pending: Promise<T>;
    try {
      pending = method(...args);
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(unavailable(error, what));
      },
    );
  });
}

function mapFailure<T>(method: (...args: unknown[]) => Promise<T>, args: unknown[], what: string): Promise<T> {
  let pending: Promise<T>;
  try {
    pending = method(...args);
  } catch (error) {
    pending = Promise.reject(error);
  }
  return pending.catch((error: unknown) => {
    throw unavailable(error, what);
  });
}

function unavailable(error: unknown, what: string): StoreUnavailableError {
  return error instanceof StoreUnavailableError
    ? error
    : new StoreUnavailableError(`${what} failed: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}

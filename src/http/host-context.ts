import type { HandleContext } from '../contract.js';

/** Host-side context an adapter adds to every request (e.g. from the host's auth middleware). */
export type ContextProvider<Req> = (
  request: Req,
) => Omit<HandleContext, 'signal'> | undefined | Promise<Omit<HandleContext, 'signal'> | undefined>;

/**
 * Runs an adapter's `context` option. What it throws is not the host's problem to catch: it goes to
 * the gateway as `contextError`, which answers it (OpenAI-shaped) and logs the request like any other.
 */
export async function hostContext<Req>(
  provider: ContextProvider<Req> | undefined,
  request: Req,
): Promise<Omit<HandleContext, 'signal'> | undefined> {
  if (!provider) return undefined;
  try {
    return await provider(request);
  } catch (error) {
    return { contextError: error };
  }
}

/** The AbortSignal a Node host passes to `gateway.handle()`: it fires when the client goes away. */
import type { ServerResponse } from 'node:http';
import { adoptableClientSignal } from '../client-signal.js';

/**
 * An AbortSignal that fires when the client goes away before the response finished, for the one
 * `gateway.handle()` call that serves this response: the gateway takes it over as its request's own
 * signal (its deadline aborts it too), so a request needs one AbortController instead of two. The Node, Express and Koa adapters use it.
 */
export function requestSignal(response: ServerResponse): AbortSignal {
  const { signal, abortForClient } = adoptableClientSignal();
  response.once('close', () => {
    if (!response.writableFinished) abortForClient();
  });
  return signal;
}

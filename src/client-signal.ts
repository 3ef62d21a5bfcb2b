/**
 * A client's AbortSignal that the core may take over: part of the contract between a host and the
 * core (HandleContext.signal), below both. The host side makes it (`requestSignal` in src/node);
 * the request's scope (src/engine/request-scope.ts) adopts its controller instead of making a second
 * one and listening to this one: one AbortController and no listener per request.
 */
import { clientClosed } from './errors.js';

/** Marks a client signal whose controller a request's scope may take over. */
const ADOPTABLE = Symbol('modelgate.adoptableController');
type AdoptableSignal = AbortSignal & { [ADOPTABLE]?: AbortController };

/** A signal for one request's client: `abortForClient()` aborts it when the client leaves. */
export function adoptableClientSignal(): { signal: AbortSignal; abortForClient(): void } {
  const controller = new AbortController();
  const signal = controller.signal as AdoptableSignal;
  signal[ADOPTABLE] = controller;
  return {
    signal,
    abortForClient() {
      if (!signal.aborted) controller.abort(clientClosed());
    },
  };
}

/**
 * The controller behind an adoptable signal that has not aborted, taken once (one scope per
 * signal); undefined for any other signal, which the scope then listens to instead.
 */
export function adoptController(signal: AbortSignal | undefined): AbortController | undefined {
  const owner = (signal as AdoptableSignal | undefined)?.[ADOPTABLE];
  if (owner === undefined || signal!.aborted) return undefined;
  (signal as AdoptableSignal)[ADOPTABLE] = undefined;
  return owner;
}

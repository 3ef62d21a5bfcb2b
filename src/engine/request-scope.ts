/**
 * One request's lifetime: a single deadline for everything (retries and fallbacks included) and the
 * client's disconnect, folded into one AbortSignal that every upstream call and backoff wait obeys.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { adoptController } from '../client-signal.js';
import { clientClosed, GatewayError } from '../errors.js';
import type { RequestObservation } from '../observe/request-observation.js';

export class RequestScope {
  private readonly controller: AbortController;
  readonly signal: AbortSignal;
  private readonly deadlineAt: number;
  private readonly timer: NodeJS.Timeout;
  private readonly onClientAbort = () => this.end(clientClosed());
  /** Whether the controller is the client signal's own (adopted): no listener to remove then. */
  private readonly adopted: boolean;
  /** The request's listeners, when anybody listens: told of each attempt (run-chain, send-attempt). */
  observation?: RequestObservation;
  /** Set by `dispose`: how the scope ended, fixed from then on (an adopted signal may still abort later). */
  private settled?: { reason: GatewayError | undefined };

  constructor(
    readonly deadlineMs: number,
    private readonly clientSignal?: AbortSignal,
    /** Where the scope is listed while it lasts. */
    private readonly live?: Set<RequestScope>,
    /** When the request arrived (`performance.now()`): the deadline runs from there, the body read included. */
    startedAt = performance.now(),
  ) {
    live?.add(this);
    // A host's `requestSignal`: its controller becomes the scope's own (src/client-signal.ts).
    const owner = adoptController(clientSignal);
    this.adopted = owner !== undefined;
    if (owner) {
      this.controller = owner;
      this.signal = clientSignal!;
    } else {
      this.controller = new AbortController();
      this.signal = this.controller.signal;
    }
    this.deadlineAt = startedAt + deadlineMs;
    this.timer = setTimeout(
      () => this.end(deadlineExceeded(deadlineMs)),
      Math.max(0, this.deadlineAt - performance.now()),
    );
    this.timer.unref();
    if (this.adopted) return;
    if (clientSignal?.aborted) this.end(clientClosed());
    else clientSignal?.addEventListener('abort', this.onClientAbort, { once: true });
  }

  get clientAborted(): boolean {
    return this.endReason?.code === 'client_closed_request';
  }

  /** The GatewayError that ended the scope (deadline or disconnect), if it ended. */
  get endReason(): GatewayError | undefined {
    if (this.settled) return this.settled.reason;
    return this.signal.aborted ? (this.signal.reason as GatewayError) : undefined;
  }

  remainingMs(): number {
    return this.deadlineAt - performance.now();
  }

  /** Waits, unless the deadline or the client ends the request first. */
  async wait(ms: number): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: this.signal });
    } catch {
      throw this.signal.reason;
    }
  }

  dispose(): void {
    if (this.settled) return;
    this.live?.delete(this);
    this.settled = { reason: this.endReason };
    clearTimeout(this.timer);
    if (!this.adopted) this.clientSignal?.removeEventListener('abort', this.onClientAbort);
  }

  /** Ends the request: its deadline, its client leaving, or `gateway.close()` past its wait. */
  end(reason: GatewayError): void {
    if (!this.signal.aborted && !this.settled) this.controller.abort(reason);
  }
}

function deadlineExceeded(ms: number): GatewayError {
  return new GatewayError({
    status: 504,
    code: 'request_timeout',
    message: `The request exceeded its deadline of ${ms} ms.`,
  });
}

/**
 * One request's lifetime: a single deadline for everything (retries and fallbacks included) and the
 * client's disconnect, folded into one AbortSignal that every upstream call and backoff wait obeys.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { clientClosed, GatewayError } from '../errors.js';

export class RequestScope {
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  private readonly deadlineAt: number;
  private readonly timer: NodeJS.Timeout;
  private readonly onClientAbort = () => this.abort(clientClosed());

  constructor(
    readonly deadlineMs: number,
    private readonly clientSignal?: AbortSignal,
    /** Where the scope is listed while it lasts. */
    private readonly live?: Set<RequestScope>,
  ) {
    live?.add(this);
    this.deadlineAt = performance.now() + deadlineMs;
    this.timer = setTimeout(() => this.abort(deadlineExceeded(deadlineMs)), deadlineMs);
    this.timer.unref();
    if (clientSignal?.aborted) this.abort(clientClosed());
    else clientSignal?.addEventListener('abort', this.onClientAbort, { once: true });
  }

  get clientAborted(): boolean {
    return this.signal.aborted && (this.signal.reason as GatewayError).code === 'client_closed_request';
  }

  /** The GatewayError that ended the scope (deadline or disconnect), if it ended. */
  get endReason(): GatewayError | undefined {
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

  /** Ends the request from outside (`gateway.close()` past its wait), as the deadline would. */
  end(reason: GatewayError): void {
    this.abort(reason);
  }

  dispose(): void {
    this.live?.delete(this);
    clearTimeout(this.timer);
    this.clientSignal?.removeEventListener('abort', this.onClientAbort);
  }

  private abort(reason: GatewayError): void {
    if (!this.signal.aborted) this.controller.abort(reason);
  }
}

function deadlineExceeded(ms: number): GatewayError {
  return new GatewayError({ status: 504, code: 'request_timeout', message: `The request exceeded its deadline of ${ms} ms.` });
}


/**
 * The requests a gateway is serving, from `handle` until their log record reached the sink, so that
 * `gateway.close()` can wait for them before it closes the sink.
 */
export class InFlight {
  private count = 0;
  private idle: Array<() => void> = [];

  /** One more request; `end` once its record reached the sink (RequestLog calls it exactly once). */
  start(): void {
    this.count++;
  }

  readonly end = (): void => {
    if (--this.count === 0) for (const wake of this.idle.splice(0)) wake();
  };

  get size(): number {
    return this.count;
  }

  /** Resolves true once no request is in flight, or false after `timeoutMs`. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.idle = this.idle.filter((waiter) => waiter !== wake);
        resolve(false);
      }, timeoutMs);
      this.idle.push(wake);
    });
  }
}

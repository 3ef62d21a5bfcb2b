/**
 * A stream's way from the upstream to the client, in one object: the upstream body is pushed chunk
 * by chunk through the relay (synchronous) and out, either straight into a sink the host gave
 * (`pipeTo`: no promise per chunk) or to whoever iterates it (`next()`). It peeks before commit
 * (`open`, DESIGN.md §4), ends with the engine's trailer (`[DONE]` for chat) or an error frame, and
 * settles the request exactly once however it ends: upstream end or failure, deadline, client gone,
 * or a bug met on the way (the upstream is let go of then too, and the stream ends with an error).
 */
import type { SseSink } from '../contract.js';
import { GatewayError, toGatewayError } from '../errors.js';
import type { BodyFlow, BodyListener, UpstreamResponse } from '../transport/types.js';
import { pumpBody } from './pump-body.js';
import type { ChunkRelay } from './chunk-relay.js';
import type { RequestScope } from './request-scope.js';
import type { StreamEnding } from './stream-ending.js';

/** Text waiting for a reader beyond this many characters pauses the upstream. */
const PENDING_LIMIT = 64 * 1024;
const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

export class StreamResponse implements AsyncIterableIterator<string>, BodyListener {
  private flow?: BodyFlow;
  private paused = false;
  /** The upstream body ended or failed (nothing more will come), or was cancelled. */
  private upstreamOver = false;
  /** How the upstream ended, until the engine commits the stream. */
  private outcome?: { failed: boolean; failure: unknown };
  private peek?: { resolve(): void; reject(error: unknown): void };
  private ending?: StreamEnding;
  private settled?: Promise<void>;
  /** Text produced and not yet taken (before a reader came, or while it was busy). */
  private pending = '';
  private sink?: SseSink;
  private reader?: (result: IteratorResult<string>) => void;
  private onSettled?: { promise: Promise<void>; resolve(): void };
  /** A bug was met (`crash`): the stream is failing with it. */
  private crashed = false;

  constructor(
    private readonly response: UpstreamResponse,
    private readonly relay: ChunkRelay,
    private readonly scope: RequestScope,
  ) {}

  /**
   * Reads until the first text the client may see, then holds the upstream until the host reads.
   * Rejects (the upstream released) when the stream fails before that: the attempt failed.
   */
  open(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.peek = { resolve, reject };
      if (this.scope.signal.aborted) return this.onAbort();
      this.scope.signal.addEventListener('abort', this.onAbort);
      this.flow = this.response.listen ? this.response.listen(this) : pumpBody(this.response, this);
      if (this.paused) this.flow.pause();
    });
  }

  /** The engine took this stream: `ending` finishes it. */
  commit(ending: StreamEnding): void {
    this.ending = ending;
    if (this.outcome) this.finish();
  }

  /**
   * The engine could not hand this stream over (a failure between `open` and the response): the
   * upstream is let go of at once, and nothing settles here; the engine settles the request.
   */
  discard(): void {
    if (this.settled) return;
    this.settled = Promise.resolve();
    this.peek = undefined;
    this.scope.signal.removeEventListener('abort', this.onAbort);
    this.stopUpstream();
    try {
      this.relay.close();
    } catch {
      // the failure that brought the engine here is the one reported
    }
  }

  pipeTo(sink: SseSink): Promise<void> {
    this.sink = sink;
    if (this.pending) {
      const text = this.pending;
      this.pending = '';
      this.write(text);
    }
    this.resume();
    return this.whenSettled();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<string>> {
    if (this.pending) {
      const value = this.pending;
      this.pending = '';
      this.resume();
      return Promise.resolve({ value, done: false });
    }
    if (this.settled) return this.settled.then(() => DONE);
    return new Promise((resolve) => {
      this.reader = resolve;
      this.resume();
    });
  }

  /** The reader stopped: the client left. */
  return(): Promise<IteratorResult<string>> {
    this.cancel();
    return this.whenSettled().then(() => DONE);
  }

  // BodyListener: the upstream body.

  // Every entry from outside (the upstream body, the abort signal, the sink's drain) catches what
  // it throws: a bug there must not escape into the transport's callbacks and leave the upstream open.

  data(chunk: Uint8Array): void {
    if (this.upstreamOver || this.relay.finished) return;
    try {
      const text = this.relay.push(chunk);
      if (text) this.emit(text);
      if (this.relay.failed) {
        this.stopUpstream();
        this.upstreamEnded(true, this.relay.failure);
      }
    } catch (error) {
      this.crash(error);
    }
  }

  end(): void {
    if (this.upstreamOver) return;
    this.upstreamOver = true;
    try {
      const text = this.relay.end();
      if (text) this.emit(text);
      this.upstreamEnded(this.relay.failed, this.relay.failure);
    } catch (error) {
      this.crash(error);
    }
  }

  error(error: unknown): void {
    if (this.upstreamOver) return;
    this.upstreamOver = true;
    this.guarded(() => this.upstreamEnded(true, error));
  }

  private readonly onAbort = (): void => {
    if (this.settled || this.outcome) return;
    this.guarded(() => {
      this.stopUpstream();
      this.upstreamEnded(true, this.scope.endReason);
    });
  };

  /** Runs a step called from outside (not per chunk: `data` has its own try, without a closure). */
  private guarded(step: () => void): void {
    try {
      step();
    } catch (error) {
      this.crash(error);
    }
  }

  /**
   * A bug met on the way (in the relay, the ending, ...): the upstream goes at once and the request
   * fails with it, as an upstream failure would: before commit the attempt fails (the engine
   * reports it), after commit the stream ends with a 500 error frame.
   */
  private crash(error: unknown): void {
    if (this.settled || this.crashed) return;
    this.crashed = true;
    this.stopUpstream();
    if (this.peek || !this.ending) {
      this.outcome = undefined;
      return this.upstreamEnded(true, error);
    }
    this.outcome = { failed: true, failure: error };
    this.fail(error);
  }

  private emit(text: string): void {
    const peek = this.peek;
    if (peek) {
      this.peek = undefined;
      this.pending = text;
      this.pause(); // until the host reads
      peek.resolve();
    } else if (this.sink) {
      this.write(text);
    } else if (this.reader) {
      const reader = this.reader;
      this.reader = undefined;
      reader({ value: text, done: false });
    } else {
      this.pending += text;
      if (this.pending.length > PENDING_LIMIT) this.pause();
    }
  }

  private write(text: string): void {
    const sink = this.sink!;
    let accepted: boolean | undefined;
    try {
      if (!sink.closed) accepted = sink.write(text);
    } catch {
      // a sink that throws is as gone as a closed one
    }
    if (accepted === undefined) return this.cancel();
    if (!accepted) {
      this.pause();
      sink.onDrain(this.onDrain);
    }
  }

  private readonly onDrain = (): void => this.guarded(() => (this.sink!.closed ? this.cancel() : this.resume()));

  private upstreamEnded(failed: boolean, failure: unknown): void {
    const peek = this.peek;
    if (peek) {
      // Before the first text: the attempt failed, and the chain may try another.
      this.peek = undefined;
      this.scope.signal.removeEventListener('abort', this.onAbort);
      this.stopUpstream();
      this.closeRelay();
      peek.reject(
        failed
          ? failure
          : new GatewayError({
              status: 502,
              code: 'upstream_empty_stream',
              retryable: true,
              message: 'The upstream sent an empty stream.',
            }),
      );
      return;
    }
    if (this.outcome || this.settled) return;
    this.outcome = { failed, failure };
    if (this.ending) this.finish();
  }

  /** The upstream is over: the last frames, then settle. */
  private finish(): void {
    const { failed, failure } = this.outcome!;
    if (!failed) {
      let tail: string;
      try {
        tail = this.ending!.trailer();
      } catch (error) {
        return this.fail(error);
      }
      this.emit(tail);
      this.settle(true, undefined);
    } else {
      this.fail(failure);
    }
  }

  private fail(failure: unknown): void {
    // Upstream failures are GatewayErrors already; anything else is a bug (in a relay, a translator, the ending).
    if (!GatewayError.isInstance(failure)) this.ending!.bug(failure);
    const error = this.scope.endReason ?? toGatewayError(failure);
    if (!this.scope.clientAborted) this.emit(this.ending!.errorFrame(error));
    this.settle(false, error);
  }

  /** The client left or stopped reading. */
  private cancel(): void {
    if (this.settled) return;
    this.stopUpstream();
    this.settle(false, undefined);
  }

  private settle(completed: boolean, failure: GatewayError | undefined): void {
    if (this.settled) return;
    this.scope.signal.removeEventListener('abort', this.onAbort);
    this.closeRelay();
    const release = () => {
      const reader = this.reader;
      this.reader = undefined;
      reader?.(DONE);
      this.onSettled?.resolve();
    };
    // `settle` never rejects; if a bug made it, the host must still end its response.
    this.settled = this.ending!.settle(completed, failure).then(release, release);
  }

  /** Resolves once the request is settled (`pipeTo`, `return`). */
  private whenSettled(): Promise<void> {
    if (this.settled) return this.settled;
    if (!this.onSettled) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      this.onSettled = { promise, resolve };
    }
    return this.onSettled.promise;
  }

  /** The relay hands the tap what it knows; a bug there costs the usage, not the request's settling. */
  private closeRelay(): void {
    try {
      this.relay.close();
    } catch (error) {
      this.ending?.bug(error);
    }
  }

  private stopUpstream(): void {
    if (this.upstreamOver) return;
    this.upstreamOver = true;
    if (this.flow) this.flow.cancel();
    else this.response.cancel();
  }

  private pause(): void {
    if (this.paused || this.upstreamOver) return;
    this.paused = true;
    this.flow?.pause();
  }

  private resume(): void {
    if (!this.paused || this.upstreamOver) return;
    this.paused = false;
    this.flow?.resume();
  }
}

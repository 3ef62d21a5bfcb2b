/**
 * What the stream relays have in common: upstream network chunks in, client-bound SSE text out,
 * synchronously, one call per chunk. The driver around a relay (the engine's StreamResponse, or
 * `relayChunks` below) does the waiting; the relay itself never awaits anything.
 */
import { upstreamTooLarge } from '../errors.js';

export interface ChunkRelay {
  /**
   * The text for the client from one network chunk; '' while nothing may be sent yet (before the
   * first content, so that an early failure can still fall back). After a failure (`failed`), what
   * it returned must still reach the client before the error.
   */
  push(chunk: Uint8Array): string;
  /** At the end of the upstream body: the last text. May fail too (a cut or empty stream). */
  end(): string;
  /** Set once `push` or `end` met an upstream failure; nothing more is relayed then. */
  readonly failed: boolean;
  /** The failure (usually a GatewayError), when `failed`. */
  readonly failure: unknown;
  /** The relay wants no more of the body (after the format's end marker, `[DONE]`); the rest is read and dropped, so the connection can be reused. */
  readonly finished: boolean;
  /** The stream stopped, for whatever reason: the tap takes the usage known so far (DESIGN.md §4). */
  close(): void;
}

/** A relay over an async iterable body, one yield per network chunk (tests and the in-process bench use it). */
export async function* relayChunks(body: AsyncIterable<Uint8Array>, relay: ChunkRelay): AsyncGenerator<string> {
  try {
    for await (const chunk of body) {
      if (relay.finished) continue; // drain to the end so the connection can be reused
      const out = relay.push(chunk);
      if (out) yield out;
      if (relay.failed) throw relay.failure;
    }
    const out = relay.end();
    if (out) yield out;
    if (relay.failed) throw relay.failure;
  } finally {
    relay.close();
  }
}

/**
 * What a relay may not send yet: before its first content the response is not committed (an early
 * failure can still fall back), so text that came before it waits and goes out with that content.
 * Bounded: an upstream that sends nothing but keep-alives (or other frames without content) past
 * the limit fails, instead of growing the gateway's memory until its first content.
 */
export class HeldText {
  private held = '';

  constructor(private readonly limit = Infinity) {}

  /** The text for the client now: '' before commit (`out` is kept), else what was kept plus `out`. */
  pass(out: string, committed: boolean): string {
    if (!committed) {
      if (this.held.length + out.length > this.limit) {
        this.held = '';
        throw upstreamTooLarge('frames before its first content', this.limit);
      }
      this.held += out;
      return '';
    }
    if (!this.held) return out;
    const text = this.held + out;
    this.held = '';
    return text;
  }
}

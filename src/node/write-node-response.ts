/** A GatewayResponse written to a Node ServerResponse. */
import type { ServerResponse } from 'node:http';
import type { GatewayResponse, SseSink } from '../contract.js';
import { stillReceiving } from './node-request.js';

const CLOSE = { connection: 'close' };

/** Writes a GatewayResponse, honouring backpressure; stops (and cancels the stream) if the client leaves. */
export async function writeNodeResponse(response: ServerResponse, result: GatewayResponse): Promise<void> {
  try {
    if (result.kind === 'json') {
      const text = result.text ?? JSON.stringify(result.body);
      response.writeHead(result.status, {
        ...result.headers,
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
        ...(stillReceiving(response.req) ? CLOSE : undefined),
      });
      response.end(text);
      return;
    }
    response.writeHead(result.status, result.headers);
    // A compression middleware (Express's `compression`) holds writes back until flushed; without
    // this a stream would reach the client in one piece, at its end.
    const flush = (response as { flush?: () => void }).flush;
    if (result.pipeTo) {
      await result.pipeTo(nodeSink(response, typeof flush === 'function' ? flush : undefined));
      response.end();
      return;
    }
    for await (const piece of result.body) {
      if (response.destroyed) break;
      const accepted = response.write(piece);
      if (typeof flush === 'function') flush.call(response);
      if (!accepted) await drained(response);
    }
    response.end();
  } catch {
    // The stream reports its own failures in-band; anything else must not crash the host.
    response.destroy();
  }
}

/** A ServerResponse as the sink of `SseResponse.pipeTo`. */
function nodeSink(response: ServerResponse, flush: (() => void) | undefined): SseSink {
  return {
    get closed() {
      return response.destroyed;
    },
    write(piece) {
      const accepted = response.write(piece);
      if (flush) flush.call(response);
      return accepted;
    },
    onDrain: (resume) => onceDrained(response, resume),
  };
}

/** Calls `resume` once, when the response takes writes again or closed. */
function onceDrained(response: ServerResponse, resume: () => void): void {
  const done = () => {
    response.off('drain', done);
    response.off('close', done);
    resume();
  };
  response.on('drain', done);
  response.on('close', done);
}

function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => onceDrained(response, resolve));
}

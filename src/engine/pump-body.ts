/**
 * For transports without `UpstreamResponse.listen` (custom ones, the in-memory bench): the body's
 * async iteration, pushed into a listener, with the same pause, resume and cancel.
 */
import type { BodyFlow, BodyListener, UpstreamResponse } from '../transport/types.js';

export function pumpBody(response: UpstreamResponse, listener: BodyListener): BodyFlow {
  const iterator = response.body[Symbol.asyncIterator]();
  let paused = false;
  let running = false;
  let stopped = false;
  const run = async () => {
    running = true;
    try {
      while (!paused && !stopped) {
        const next = await iterator.next();
        if (stopped) return;
        if (next.done) {
          stopped = true;
          listener.end();
          return;
        }
        listener.data(next.value);
      }
    } catch (error) {
      if (!stopped) {
        stopped = true;
        listener.error(error);
      }
    } finally {
      running = false;
    }
  };
  void run();
  return {
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
      if (!running && !stopped) void run();
    },
    cancel: () => {
      if (stopped) return;
      stopped = true;
      response.cancel();
      iterator.return?.(undefined)?.catch(() => {});
    },
  };
}

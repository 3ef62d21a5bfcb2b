/** A route's answer, complete, told to whoever asked (the response store). */
import type { ErrorReporter } from '../logging/emit-log.js';
import type { ChainTarget } from '../routing/build-chain.js';

/**
 * Hears complete answers: `heard` is called once, with the answer in the route's JSON format and
 * the target that served it, after a successful JSON answer or at the end of a whole stream, never
 * for a failed or cut one. Synchronous: work that takes time goes through `RequestLog.track`, so
 * the record waits for it and the answer does not. A listener that throws is reported to `onError`.
 */
export interface AnswerListener {
  /** Whether answers from this target interest it: a stream keeps its payloads only then. */
  wants(target: ChainTarget): boolean;
  heard(answer: Record<string, unknown>, target: ChainTarget): void;
}

/** Tells a listener about an answer; its bug is reported, never the request's failure. */
export function tell(
  listener: AnswerListener,
  answer: Record<string, unknown>,
  target: ChainTarget,
  engine: { report: ErrorReporter },
): void {
  if (!listener.wants(target)) return;
  try {
    listener.heard(answer, target);
  } catch (error) {
    engine.report(error, 'onAnswer');
  }
}

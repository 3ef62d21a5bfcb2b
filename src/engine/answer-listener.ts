/** A route's answer, complete, told to whoever asked (the response store). */
import type { ErrorReporter } from '../logging/emit-log.js';
import type { ChainTarget } from '../routing/build-chain.js';

/**
 * Hears a complete answer in the route's JSON format and the target that served it; called once,
 * after a successful JSON answer or at the end of a whole stream, never for a failed or cut one.
 * Synchronous: work that takes time goes through `RequestLog.track`, so the record waits for it and
 * the answer does not. A listener that throws is reported to `onError`.
 */
export type AnswerListener = (answer: Record<string, unknown>, target: ChainTarget) => void;

/** Tells a listener about an answer; its bug is reported, never the request's failure. */
export function tell(
  listener: AnswerListener,
  answer: Record<string, unknown>,
  target: ChainTarget,
  engine: { report: ErrorReporter },
): void {
  try {
    listener(answer, target);
  } catch (error) {
    engine.report(error, 'onAnswer');
  }
}

/**
 * How the engine ends a committed stream (`StreamResponse` calls it): the request_breakdown frame
 * when asked and the route's end (`[DONE]`), or its error frame; then usage, cache, budget and the
 * log record, whatever happened on the way.
 */
import type { StreamFormat } from '../endpoints/index.js';
import type { GatewayError } from '../errors.js';
import type { ErrorReporter } from '../logging/emit-log.js';
import type { LogRecord } from '../logging/log-record.js';
import type { RequestLog } from '../logging/request-log.js';
import type { GatewayParams } from '../params/gateway-params.js';
import type { TrafficPlan } from '../traffic/plan-request.js';
import type { NormalizedUsage } from '../usage.js';
import { breakdown } from './request-breakdown.js';
import type { RequestScope } from './request-scope.js';
import type { ChainResult } from './run-chain.js';
import type { OpenedStream } from './send-attempt.js';
import { tell, type AnswerListener } from './answer-listener.js';

export interface StreamEnding {
  /** The text after the upstream's last content: the request_breakdown frame when asked, then the format's end (`[DONE]`). */
  trailer(): string;
  /** The frame that ends the stream with `error` (the client has had content already). */
  errorFrame(error: GatewayError): string;
  /**
   * Settles the request (usage, cache, budget, log). Not `completed` and no `failure`: the
   * client left (or stopped reading). Never rejects.
   */
  settle(completed: boolean, failure: GatewayError | undefined): Promise<void>;
  /** Hears a bug met in the stream after commit (it ends the stream as a 500 `internal_error`). */
  bug(error: unknown): void;
}

/** Records the stream's usage (and its cost) in the log record. */
export type UsageNote = (usage: NormalizedUsage | undefined) => void;

/** How a committed stream ends: the request_breakdown chunk when asked, then usage, cache, budget and the log. */
export function streamEnding(
  format: StreamFormat,
  served: ChainResult<OpenedStream>,
  scope: RequestScope,
  log: RequestLog,
  params: GatewayParams,
  noteUsage: UsageNote,
  plan: TrafficPlan,
  report: ErrorReporter,
  onAnswer?: AnswerListener,
): StreamEnding {
  const tap = served.value.tap;
  return {
    trailer() {
      if (!params.request_breakdown) return format.end;
      fillStreamOutcome(log.record, tap, params, noteUsage);
      return format.breakdownFrame(tap.firstPayload, breakdown(log.record, log)) + format.end;
    },
    errorFrame: (error) => format.errorFrame(error, tap.lastPayload),
    bug(error) {
      report(error, 'stream');
    },
    async settle(completed, failure) {
      scope.dispose();
      const ok = completed && failure === undefined;
      let answer: Record<string, unknown> | undefined;
      try {
        fillStreamOutcome(log.record, tap, params, noteUsage);
        if (ok && (plan.cacheSettings || onAnswer?.wants(served.target)) && tap.payloads)
          answer = format.answerFromStream(tap.payloads, tap.firstPayload, tap.usage);
      } catch (error) {
        // A bug in the bookkeeping: the client's outcome stands, the budget and the log still settle.
        report(error, 'stream');
      }
      // Told first: the client has the whole answer and may already be asking about it.
      if (onAnswer && answer) tell(onAnswer, answer, served.target, { report });
      await plan.finish({ ok, committed: true, target: served.target, usage: tap.usage, body: answer });
      const clientAborted = scope.clientAborted || (!completed && failure === undefined);
      if (clientAborted) log.finish(499, scope.endReason, true);
      else if (failure) log.finish(failure.status, failure);
      else log.finish(200);
    },
  };
}

function fillStreamOutcome(
  record: LogRecord,
  tap: OpenedStream['tap'],
  params: GatewayParams,
  noteUsage: UsageNote,
): void {
  noteUsage(tap.usage);
  if (!params.disable_log && tap.output) record.output = tap.output.value();
}

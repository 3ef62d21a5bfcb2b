import { randomUUID } from 'node:crypto';
import type { GatewayError } from '../errors.js';
import { emitLog, type ErrorReporter } from './emit-log.js';
import type { LogRecord, LogSink } from './log-record.js';

/** Collects one request's log record as the request goes, and emits it exactly once. */
export class RequestLog {
  readonly id = randomUUID();
  readonly startedAt = performance.now();
  readonly record: LogRecord;
  private finished = false;
  private omitted = false;
  /** Work beside the request whose outcome belongs in the record (see `track`). */
  private pending?: Promise<unknown>[];
  /**
   * Set when somebody listens (src/observe/): hears the final record when the sink does, also when
   * the record is left out of the log (`logged` false).
   */
  onFinal?: (record: LogRecord, logged: boolean) => void;

  constructor(
    method: string,
    path: string,
    private readonly sink: LogSink | undefined,
    private readonly report: ErrorReporter,
    /** Runs once the record reached the sink (or was left out): the request is over for the gateway. */
    private readonly settled?: () => void,
  ) {
    this.record = {
      id: this.id,
      start_time: new Date().toISOString(),
      end_time: '',
      latency_ms: 0,
      ttft_ms: null,
      gateway_overhead_ms: null,
      method,
      path,
      endpoint: null,
      bytes_in: null,
      bytes_out: null,
      status_code: 0,
      status: 'success',
      error_message: null,
      error_code: null,
      client_aborted: false,
      stream: false,
      requested_model: null,
      model: null,
      provider: null,
      fallback_used: false,
      deployment: null,
      load_balance_group: null,
      attempts: [],
      dropped_params: null,
      usage: null,
      cost_usd: null,
      cost: null,
      cost_unavailable_reason: null,
      customer_identifier: null,
      custom_identifier: null,
      thread_identifier: null,
      group_identifier: null,
      metadata: null,
      principal: null,
      host_metadata: null,
      gateway_key: null,
      cache: null,
      customer: null,
      store_errors: null,
      params: null,
      input: null,
      output: null,
    };
  }

  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** Leaves this request without a log record (`cache_options.omit_log` on a cache hit). */
  omit(): void {
    this.omitted = true;
  }

  /**
   * Work that runs beside the request and may still write into the record (health bookkeeping):
   * the record waits for it before it goes to the sink, so that it is final once emitted.
   */
  track(work: Promise<unknown>): void {
    if (this.finished) throw new Error('RequestLog.track() after finish(): the record may already be with the sink');
    (this.pending ??= []).push(work);
  }

  /** Completes the record; later calls are ignored, so a request can never log twice. */
  finish(statusCode: number, error?: GatewayError, clientAborted = false): void {
    if (this.finished) return;
    this.finished = true;
    const record = this.record;
    record.end_time = new Date().toISOString();
    record.latency_ms = round(this.elapsedMs());
    record.status_code = statusCode;
    record.client_aborted = clientAborted;
    record.status = clientAborted ? 'aborted' : error ? 'error' : 'success';
    if (error) {
      record.error_message = error.message;
      record.error_code = error.code;
    }
    const sink = this.onFinal ? observed(this.onFinal, this.omitted ? undefined : this.sink, !this.omitted) : this.sink;
    if (this.omitted && !this.onFinal) this.settled?.();
    else if (this.pending)
      void Promise.allSettled(this.pending).then(() => emitLog(sink, record, this.report, this.settled));
    else emitLog(sink, record, this.report, this.settled);
  }
}

/** The sink, with the listeners told first (they never throw: RequestObservation catches). */
function observed(
  onFinal: (record: LogRecord, logged: boolean) => void,
  sink: LogSink | undefined,
  logged: boolean,
): LogSink {
  return (record) => {
    onFinal(record, logged);
    return sink?.(record);
  };
}

export function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

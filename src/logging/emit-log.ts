import type { LogRecord, LogSink } from './log-record.js';

export type ErrorReporter = (error: unknown, where: string) => void;

/** Records waiting for the end of the current I/O turn, as (sink, record, report, done) in a row. */
let waiting: unknown[] = [];

/**
 * Hands the record to the sink after the current I/O turn, so a slow or throwing sink never
 * delays or breaks the response it describes. `done` runs once the sink has it (and has settled
 * the promise it returned, if any). The records of one turn share one `setImmediate`.
 */
export function emitLog(
  sink: LogSink | undefined,
  record: LogRecord,
  report: ErrorReporter,
  done: () => void = noop,
): void {
  if (!sink) return done();
  if (waiting.length === 0) setImmediate(deliverWaiting);
  waiting.push(sink, record, report, done);
}

function deliverWaiting(): void {
  const batch = waiting;
  waiting = [];
  for (let i = 0; i < batch.length; i += 4) {
    deliver(batch[i] as LogSink, batch[i + 1] as LogRecord, batch[i + 2] as ErrorReporter, batch[i + 3] as () => void);
  }
}

function deliver(sink: LogSink, record: LogRecord, report: ErrorReporter, done: () => void): void {
  try {
    const result = sink(record);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      (result as Promise<unknown>).then(done, (error) => {
        report(error, 'onLog');
        done();
      });
      return;
    }
  } catch (error) {
    report(error, 'onLog');
  }
  done();
}

function noop(): void {}

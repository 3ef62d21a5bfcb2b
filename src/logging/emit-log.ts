import type { LogRecord, LogSink } from './log-record.js';

export type ErrorReporter = (error: unknown, where: string) => void;

/**
 * Hands the record to the sink after the current I/O turn, so a slow or throwing sink never
 * delays or breaks the response it describes. `done` runs once the sink has it (and has settled
 * the promise it returned, if any).
 */
export function emitLog(sink: LogSink | undefined, record: LogRecord, report: ErrorReporter, done: () => void = noop): void {
  if (!sink) return done();
  setImmediate(() => {
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
  });
}

function noop(): void {}

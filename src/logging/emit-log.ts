import type { LogRecord, LogSink } from './log-record.js';

export type ErrorReporter = (error: unknown, where: string) => void;

/**
 * Hands the record to the sink after the current I/O turn, so a slow or throwing sink never
 * delays or breaks the response it describes.
 */
export function emitLog(sink: LogSink | undefined, record: LogRecord, report: ErrorReporter): void {
  if (!sink) return;
  setImmediate(() => {
    try {
      const result = sink(record);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        (result as Promise<unknown>).then(undefined, (error) => report(error, 'onLog'));
      }
    } catch (error) {
      report(error, 'onLog');
    }
  });
}

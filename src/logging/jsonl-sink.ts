import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { LogRecord } from './log-record.js';

export interface JsonlSink {
  (record: LogRecord): void;
  /** Flushes and closes the file; `gateway.close()` calls it. */
  close(): Promise<void>;
}

/** Appends one JSON line per request to `path` (directories are created on first write). */
export function jsonlSink(path: string): JsonlSink {
  let stream: WriteStream | undefined;
  let failed: unknown;
  const sink = ((record: LogRecord) => {
    if (failed) throw failed;
    if (!stream) {
      mkdirSync(dirname(path), { recursive: true });
      stream = createWriteStream(path, { flags: 'a' });
      stream.on('error', (error) => {
        failed = error;
      });
    }
    stream.write(`${JSON.stringify(record)}\n`);
  }) as JsonlSink;
  sink.close = () =>
    new Promise<void>((resolve) => {
      if (!stream) return resolve();
      stream.end(() => resolve());
      stream = undefined;
    });
  return sink;
}

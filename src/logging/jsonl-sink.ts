import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { LogRecord } from './log-record.js';

export interface JsonlSink {
  (record: LogRecord): void;
  /** Flushes and closes the file; `gateway.close()` calls it. Records after it are refused. */
  close(): Promise<void>;
}

export interface JsonlSinkOptions {
  /**
   * Most bytes waiting for the disk (default 16 MiB). Past it a record is refused rather than held
   * in memory without bound; the gateway's `onError` hears about it.
   */
  maxPendingBytes?: number;
}

/**
 * Appends one JSON line per request to `path` (directories are created on first write). A write
 * error is reported for the record that met it and the file is opened again for the next one.
 */
export function jsonlSink(path: string, options: JsonlSinkOptions = {}): JsonlSink {
  const maxPending = options.maxPendingBytes ?? 16 * 1024 * 1024;
  let stream: WriteStream | undefined;
  let failure: unknown;
  let closed = false;

  const open = (): WriteStream => {
    mkdirSync(dirname(path), { recursive: true });
    const opened = createWriteStream(path, { flags: 'a' });
    opened.on('error', (error) => {
      failure = error;
      if (stream === opened) stream = undefined;
    });
    return opened;
  };

  const sink = ((record: LogRecord) => {
    if (closed) throw new Error(`jsonlSink(${path}) is closed; the record ${record.id} was not written.`);
    if (failure !== undefined) {
      const error = failure;
      failure = undefined;
      throw error;
    }
    stream ??= open();
    if (stream.writableLength > maxPending) {
      throw new Error(
        `jsonlSink(${path}) has ${stream.writableLength} bytes waiting for the disk; the record ${record.id} was not written.`,
      );
    }
    stream.write(`${JSON.stringify(record)}\n`);
  }) as JsonlSink;

  sink.close = () =>
    new Promise<void>((resolve) => {
      closed = true;
      const current = stream;
      stream = undefined;
      if (!current) return resolve();
      current.end(() => resolve());
    });
  return sink;
}

import type { Readable } from 'node:stream';

/** A Node readable stream (an IncomingMessage, undici's response body), as opposed to any async iterable. */
export function isNodeReadable(value: unknown): value is Readable {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Readable).on === 'function' &&
    typeof (value as Readable).resume === 'function'
  );
}

const ignore = () => {};

/** How long a read may take, and the error it fails with after that. */
export interface ReadTimeout {
  ms: number;
  error: () => Error;
}

/**
 * Reads a whole Node stream within `limitBytes` (and `timeout`, when given), with plain listeners:
 * no async iterator, so less work and garbage per request than `for await`. Rejects with the
 * stream's own error (or a premature-close error), with `tooLarge()` past the limit, or with
 * `timeout.error()` when it took too long; after those two the rest of the stream is left unread
 * (the caller destroys it, or lets Node discard it).
 */
export function collectStream(
  stream: Readable,
  limitBytes: number,
  tooLarge: () => Error,
  timeout?: ReadTimeout,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (timer !== undefined) clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      stream.on('error', ignore); // an error after we stopped listening must not crash the process
    };
    const onData = (part: Buffer) => {
      size += part.length;
      if (size > limitBytes) {
        stop();
        reject(tooLarge());
      } else {
        parts.push(part);
      }
    };
    const onEnd = () => {
      stop();
      resolve(parts.length === 1 ? parts[0] : Buffer.concat(parts, size));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    const onClose = () => {
      if (!stream.readableEnded)
        onError(Object.assign(new Error('The stream closed before its end.'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    };
    if (stream.readableEnded || stream.destroyed) return onClose();
    if (timeout) {
      timer = setTimeout(
        () => {
          stop();
          reject(timeout.error());
        },
        Math.max(0, timeout.ms),
      );
    }
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/**
 * The only file that imports undici (DESIGN.md §2). It sends upstream requests and turns socket,
 * timeout and protocol failures into retryable GatewayErrors, once, here at the boundary.
 */
import { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { GatewayError, upstreamTooLarge } from '../errors.js';
import type { UpstreamRequest } from './types.js';
import { collectStream } from '../util/collect-stream.js';
import type { SendOptions, Transport, UpstreamResponse } from './types.js';

export interface UndiciTransportOptions {
  /** Bring your own undici dispatcher (a proxy agent, or a MockAgent in tests). */
  dispatcher?: Dispatcher;
  /** Connections per upstream origin (default 256). */
  connectionsPerOrigin?: number;
}

export function createUndiciTransport(options: UndiciTransportOptions = {}): Transport {
  const owned = options.dispatcher === undefined;
  const dispatcher =
    options.dispatcher ??
    new Agent({
      connections: options.connectionsPerOrigin ?? 256,
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
    });

  return {
    async send(upstream: UpstreamRequest, sendOptions: SendOptions): Promise<UpstreamResponse> {
      let response: Dispatcher.ResponseData;
      try {
        response = await request(upstream.url, {
          dispatcher,
          method: upstream.method,
          headers: upstream.headers,
          body: upstream.bodyStream ? Readable.from(upstream.bodyStream, { objectMode: false }) : upstream.body,
          signal: sendOptions.signal,
          headersTimeout: sendOptions.firstByteTimeoutMs,
          bodyTimeout: sendOptions.idleTimeoutMs,
        });
      } catch (error) {
        throw classifyTransportError(error, sendOptions.signal);
      }
      return wrapResponse(response, sendOptions.signal);
    },
    async close() {
      if (owned) await dispatcher.close();
    },
  };
}

function wrapResponse(response: Dispatcher.ResponseData, signal: AbortSignal): UpstreamResponse {
  const source = response.body;
  async function* body(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of source) yield chunk as Uint8Array;
    } catch (error) {
      throw classifyTransportError(error, signal);
    } finally {
      if (!source.destroyed) source.destroy();
    }
  }
  let iterated: AsyncGenerator<Uint8Array> | undefined;
  return {
    status: response.statusCode,
    headers: response.headers,
    // Made when first asked for: a JSON response is read with text() and never needs it.
    get body() {
      return (iterated ??= body());
    },
    async text(limitBytes: number) {
      const tooLarge = () => upstreamTooLarge('a response', limitBytes);
      try {
        return (await collectStream(source, limitBytes, tooLarge)).toString('utf8');
      } catch (error) {
        if (!source.destroyed) source.destroy();
        throw classifyTransportError(error, signal);
      }
    },
    cancel() {
      if (!source.destroyed) source.destroy();
    },
    listen(listener) {
      let over = false;
      const fail = (error: unknown) => {
        if (over) return;
        over = true;
        listener.error(classifyTransportError(error, signal));
      };
      source.on('data', (chunk: Uint8Array) => {
        if (!over) listener.data(chunk);
      });
      source.on('end', () => {
        if (over) return;
        over = true;
        listener.end();
      });
      source.on('error', fail);
      source.on('close', () => {
        if (!source.readableEnded)
          fail(
            Object.assign(new Error('The upstream body closed before its end.'), {
              code: 'ERR_STREAM_PREMATURE_CLOSE',
            }),
          );
      });
      return {
        pause: () => source.pause(),
        resume: () => source.resume(),
        cancel: () => {
          over = true;
          if (!source.destroyed) source.destroy();
        },
      };
    },
  };
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'HPE_INVALID_CHUNK_SIZE',
  'HPE_INVALID_CONSTANT',
  'UND_ERR_INFO',
]);

/** Maps what undici throws to a GatewayError. Aborts by our own signal pass through untouched. */
export function classifyTransportError(error: unknown, signal: AbortSignal): unknown {
  if (GatewayError.isInstance(error)) return error;
  if (signal.aborted) return signal.reason ?? error;
  const code = errorCode(error);
  if (code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new GatewayError({
      status: 504,
      code: 'upstream_timeout',
      retryable: true,
      message: 'The upstream sent no response in time (first-byte timeout).',
      cause: error,
    });
  }
  if (code === 'UND_ERR_BODY_TIMEOUT') {
    return new GatewayError({
      status: 504,
      code: 'upstream_timeout',
      retryable: true,
      message: 'The upstream stalled between two chunks (idle timeout).',
      cause: error,
    });
  }
  const known = code !== undefined && (CONNECTION_CODES.has(code) || code.startsWith('HPE_'));
  return new GatewayError({
    status: 502,
    code: 'upstream_connection_error',
    retryable: true,
    message: `The connection to the upstream failed${known ? ` (${code})` : ''}.`,
    cause: error,
  });
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

import type { GatewayRequest } from '../contract.js';
import { GatewayError } from '../errors.js';
import { hostParserError } from './host-parser-error.js';

/** A request body streamed on as it arrives, counted against the body limit. */
export interface CountedBody {
  /** The bytes, in order; past `limitBytes` the iteration fails with a 413 (and `overLimit` turns true). */
  stream: AsyncIterable<Uint8Array>;
  /** Bytes that passed so far. */
  bytes(): number;
  overLimit(): boolean;
}

/**
 * The raw request body (a multipart upload, say) for the pass-through, never held whole: the
 * Content-Length is checked first, then the bytes are counted as they pass. A compressed body is
 * counted as sent (the upstream inflates it). Undefined when the request has no body.
 */
export function streamRequestBody(request: GatewayRequest, limitBytes: number): CountedBody | undefined {
  if (request.bodyError !== undefined) throw hostParserError(request.bodyError);
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw requestTooLarge(limitBytes);
  const source = request.rawBody ?? (request.body instanceof Uint8Array ? request.body : undefined);
  if (source === undefined) return undefined;
  let bytes = 0;
  let over = false;
  async function* counted(): AsyncGenerator<Uint8Array> {
    const chunks: AsyncIterable<Uint8Array> | Uint8Array[] =
      typeof source === 'string' ? [Buffer.from(source)] : source instanceof Uint8Array ? [source] : source!;
    for await (const chunk of chunks) {
      bytes += chunk.byteLength;
      if (bytes > limitBytes) {
        over = true;
        throw requestTooLarge(limitBytes);
      }
      yield chunk;
    }
  }
  return { stream: counted(), bytes: () => bytes, overLimit: () => over };
}

export function requestTooLarge(limitBytes: number): GatewayError {
  return new GatewayError({
    status: 413,
    code: 'request_too_large',
    message: `The request body exceeds the limit of ${limitBytes} bytes.`,
  });
}

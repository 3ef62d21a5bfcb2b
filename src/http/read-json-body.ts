import type { GatewayRequest } from '../contract.js';
import { clientClosed, GatewayError, invalidRequest } from '../errors.js';
import { collectStream, isNodeReadable, type ReadTimeout } from '../util/collect-stream.js';
import { assertUtf8, decompressBody, decompressorFor, type Decompressor } from './decode-body.js';
import { hostParserError } from './host-parser-error.js';
import { assertNesting } from './validate-request-body.js';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export interface BodyLimits {
  /** Largest body, in bytes once inflated, whoever read it. */
  limitBytes: number;
  /** How long reading the body from the client may take (the gateway's own reads only). */
  readTimeoutMs: number;
}

/**
 * The request body as a JSON object: taken as is when the host already parsed it, otherwise read
 * within the size and time limits and parsed. Every failure is a clear 4xx.
 */
export async function readJsonBody(request: GatewayRequest, limits: BodyLimits): Promise<Record<string, unknown>> {
  if (request.bodyError !== undefined) throw hostParserError(request.bodyError);
  const { limitBytes } = limits;
  const contentType = request.headers['content-type'];
  // Checked even when the host parsed the body already: its parser may allow more than we do.
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  let value: unknown = request.body;
  const raw = request.rawBody ?? (typeof value === 'string' || value instanceof Uint8Array ? value : undefined);
  if (raw !== undefined) {
    if (contentType !== undefined && !JSON_TYPE.test(contentType)) {
      throw new GatewayError({
        status: 415,
        code: 'unsupported_media_type',
        message: `The request body must be JSON (Content-Type: application/json), not \`${contentType.slice(0, 100)}\`.`,
      });
    }
    assertUtf8(contentType);
    const text = await readText(raw, limits, decompressorFor(request.headers['content-encoding']));
    if (text.trim() === '')
      throw invalidRequest('The request body is empty; it must be a JSON object.', null, 'missing_body');
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw invalidRequest(`The request body is not valid JSON: ${(error as Error).message}`, null, 'invalid_json');
    }
  }
  if (value === undefined) throw invalidRequest('The request needs a JSON body.', null, 'missing_body');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidRequest('The request body must be a JSON object.', null, 'invalid_body');
  }
  assertNesting(value as Record<string, unknown>);
  if (raw === undefined) assertParsedWithinLimit(request, value, Number.isFinite(declared), limitBytes);
  return value as Record<string, unknown>;
}

/**
 * A body the host parsed counts against the limit too. Its size is what the host says it read
 * (`bodyBytes`); else an uncompressed body's Content-Length, which Node's HTTP parser holds the
 * body to; else (chunked, or compressed: the limit is on the inflated size) the body serialised
 * as JSON again, which is within a few bytes of what the parser read for a body as clients send
 * it (it can only be smaller by the whitespace and escapes the client put in).
 */
function assertParsedWithinLimit(request: GatewayRequest, body: object, declared: boolean, limitBytes: number): void {
  let size = request.bodyBytes;
  if (size === undefined) {
    const encoding = request.headers['content-encoding'];
    if (declared && (encoding === undefined || encoding === '' || String(encoding).toLowerCase() === 'identity'))
      return;
    try {
      size = Buffer.byteLength(JSON.stringify(body));
    } catch {
      return; // not serialisable (a host parser's own types): what sends it upstream will say so
    }
  }
  if (size > limitBytes) throw tooLarge(limitBytes);
}

/** A string body was decoded by the host already; bytes may still be compressed. */
async function readText(
  raw: NonNullable<GatewayRequest['rawBody']>,
  limits: BodyLimits,
  decompress: Decompressor | undefined,
): Promise<string> {
  const { limitBytes } = limits;
  if (typeof raw === 'string') {
    if (Buffer.byteLength(raw) > limitBytes) throw tooLarge(limitBytes);
    return raw;
  }
  let bytes = await readBytes(raw, limits);
  if (decompress) bytes = await decompressBody(bytes, decompress, limitBytes, () => tooLarge(limitBytes));
  return bytes.toString('utf8');
}

async function readBytes(
  raw: Uint8Array | AsyncIterable<Uint8Array>,
  { limitBytes, readTimeoutMs }: BodyLimits,
): Promise<Buffer> {
  if (raw instanceof Uint8Array) {
    if (raw.byteLength > limitBytes) throw tooLarge(limitBytes);
    return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  }
  const timeout: ReadTimeout = { ms: readTimeoutMs, error: () => bodyTimeout(readTimeoutMs) };
  if (isNodeReadable(raw)) {
    try {
      // A request Node received whole (`complete`, most small bodies) is read from memory: no timer needed.
      return await collectStream(
        raw,
        limitBytes,
        () => tooLarge(limitBytes),
        (raw as { complete?: boolean }).complete === true ? undefined : timeout,
      );
    } catch (error) {
      // The body stream fails when the client goes away while sending it: not a gateway bug.
      throw GatewayError.isInstance(error) ? error : clientClosed();
    }
  }
  return readIterable(raw, limitBytes, timeout);
}

/** Any other async iterable (a web ReadableStream from the fetch adapter), read the same way. */
async function readIterable(raw: AsyncIterable<Uint8Array>, limitBytes: number, timeout: ReadTimeout): Promise<Buffer> {
  const iterator = raw[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(timeout.error()), Math.max(0, timeout.ms));
  });
  timedOut.catch(() => undefined);
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), timedOut]);
      if (next.done) break;
      size += next.value.byteLength;
      if (size > limitBytes) throw tooLarge(limitBytes);
      parts.push(next.value);
    }
  } catch (error) {
    stopIterating(iterator);
    // The body stream fails when the client goes away while sending it: not a gateway bug.
    throw GatewayError.isInstance(error) ? error : clientClosed();
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(parts, size);
}

/** Tells the body's source we read no more, without waiting (a read may still be pending). */
function stopIterating(iterator: AsyncIterator<Uint8Array>): void {
  try {
    Promise.resolve(iterator.return?.()).catch(() => undefined);
  } catch {
    // a source that cannot stop is left to the host, which closes the connection
  }
}

function tooLarge(limitBytes: number): GatewayError {
  return new GatewayError({
    status: 413,
    code: 'request_too_large',
    message: `The request body exceeds the limit of ${limitBytes} bytes.`,
  });
}

function bodyTimeout(ms: number): GatewayError {
  return new GatewayError({
    status: 408,
    code: 'request_body_timeout',
    message: `The request body did not arrive within ${Math.max(0, Math.round(ms))} ms.`,
  });
}

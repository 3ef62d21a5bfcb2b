import type { GatewayRequest } from '../contract.js';
import { clientClosed, GatewayError, invalidRequest } from '../errors.js';
import { collectStream, isNodeReadable } from '../util/collect-stream.js';
import { assertUtf8, decompressBody, decompressorFor, type Decompressor } from './decode-body.js';
import { assertNesting } from './validate-request-body.js';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * The request body as a JSON object: taken as is when the host already parsed it, otherwise read
 * within the size limit and parsed. Every failure is a clear 4xx.
 */
export async function readJsonBody(request: GatewayRequest, limitBytes: number): Promise<Record<string, unknown>> {
  if (request.bodyError !== undefined) throw hostParserError(request.bodyError);
  const contentType = request.headers['content-type'];
  // Checked even when the host parsed the body already: its parser may allow more than we do.
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  let value: unknown = request.body;
  const raw = request.rawBody ?? (typeof value === 'string' || value instanceof Uint8Array ? value : undefined);
  if (raw !== undefined) {
    if (contentType !== undefined && !JSON_TYPE.test(contentType)) {
      throw new GatewayError({ status: 415, code: 'unsupported_media_type', message: `The request body must be JSON (Content-Type: application/json), not \`${contentType.slice(0, 100)}\`.` });
    }
    assertUtf8(contentType);
    const text = await readText(raw, limitBytes, decompressorFor(request.headers['content-encoding']));
    if (text.trim() === '') throw invalidRequest('The request body is empty; it must be a JSON object.', null, 'missing_body');
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
  return value as Record<string, unknown>;
}

/** A string body was decoded by the host already; bytes may still be compressed. */
async function readText(raw: NonNullable<GatewayRequest['rawBody']>, limitBytes: number, decompress: Decompressor | undefined): Promise<string> {
  if (typeof raw === 'string') {
    if (Buffer.byteLength(raw) > limitBytes) throw tooLarge(limitBytes);
    return raw;
  }
  let bytes = await readBytes(raw, limitBytes);
  if (decompress) bytes = await decompressBody(bytes, decompress, limitBytes, () => tooLarge(limitBytes));
  return bytes.toString('utf8');
}

async function readBytes(raw: Uint8Array | AsyncIterable<Uint8Array>, limitBytes: number): Promise<Buffer> {
  if (raw instanceof Uint8Array) {
    if (raw.byteLength > limitBytes) throw tooLarge(limitBytes);
    return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  }
  if (isNodeReadable(raw)) {
    try {
      return await collectStream(raw, limitBytes, () => tooLarge(limitBytes));
    } catch (error) {
      // The body stream fails when the client goes away while sending it: not a gateway bug.
      throw GatewayError.isInstance(error) ? error : clientClosed();
    }
  }
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const part of raw) {
      size += part.byteLength;
      if (size > limitBytes) throw tooLarge(limitBytes);
      parts.push(part);
    }
  } catch (error) {
    // The body stream fails when the client goes away while sending it: not a gateway bug.
    throw GatewayError.isInstance(error) ? error : clientClosed();
  }
  return Buffer.concat(parts);
}

function tooLarge(limitBytes: number): GatewayError {
  return new GatewayError({ status: 413, code: 'request_too_large', message: `The request body exceeds the limit of ${limitBytes} bytes.` });
}

const PARSER_ERROR_TYPES: Record<string, { status: number; code: string }> = {
  'entity.parse.failed': { status: 400, code: 'invalid_json' },
  'entity.verify.failed': { status: 400, code: 'invalid_body' },
  'entity.too.large': { status: 413, code: 'request_too_large' },
  'encoding.unsupported': { status: 415, code: 'unsupported_content_encoding' },
  'charset.unsupported': { status: 415, code: 'unsupported_media_type' },
  'request.size.invalid': { status: 400, code: 'invalid_body' },
  'request.aborted': { status: 400, code: 'invalid_body' },
};

/** What co-body (Koa's parsers) throws, through `inflation`, for an encoding it cannot inflate: no `type`. */
const INFLATION_UNSUPPORTED = /^Unsupported Content-Encoding: /;

interface ParserErrorFields {
  type?: unknown;
  status?: unknown;
  message?: unknown;
}

/** The status and code for an error a host body parser marked as its own, if it is one of those. */
function knownParserError({ type, status, message }: ParserErrorFields): { status: number; code: string } | undefined {
  if (status === 415 && typeof message === 'string' && INFLATION_UNSUPPORTED.test(message)) return PARSER_ERROR_TYPES['encoding.unsupported'];
  return typeof type === 'string' && Object.hasOwn(PARSER_ERROR_TYPES, type) ? PARSER_ERROR_TYPES[type] : undefined;
}

/**
 * Whether an error came from a host body parser reading the request (Express's body-parser, Koa's
 * co-body, both built on raw-body, mark theirs with a `type` and a 4xx `status`).
 */
export function isBodyParserError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  return knownParserError(error) !== undefined || (error instanceof SyntaxError && (error as ParserErrorFields).status === 400);
}

function hostParserError(error: unknown): GatewayError {
  const fields: ParserErrorFields = typeof error === 'object' && error !== null ? error : {};
  const { status, message } = fields;
  const known = knownParserError(fields);
  const httpStatus = known?.status ?? (typeof status === 'number' && status >= 400 && status < 500 ? status : 400);
  const code = known?.code ?? (httpStatus === 400 ? 'invalid_json' : 'invalid_body');
  const detail = typeof message === 'string' ? message.slice(0, 200) : 'unreadable body';
  return new GatewayError({ status: httpStatus, code, message: `The host's body parser refused the request body: ${detail}.` });
}

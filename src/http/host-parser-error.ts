/**
 * What a host body parser (Express's body-parser, Koa's co-body, both built on raw-body) throws
 * while reading a request, told apart from the host's other errors and answered like the gateway
 * answers the same problem when it reads the body itself.
 */
import { GatewayError } from '../errors.js';

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

/**
 * A compressed body that does not inflate: both parsers pass zlib's own error on (body-parser adds
 * `status: 400`, co-body nothing). zlib names it `Z_DATA_ERROR`, `Z_BUF_ERROR` (cut short), ...;
 * brotli `ERR__ERROR_FORMAT_PADDING_1` and the like (its `BROTLI_DECODER_ERROR_*` names).
 */
const INFLATE_ERROR_CODE = /^(?:Z_[A-Z_]+|ERR__ERROR_[A-Z0-9_]+)$/;

interface ParserErrorFields {
  type?: unknown;
  status?: unknown;
  message?: unknown;
  code?: unknown;
  errno?: unknown;
}

const NOT_INFLATABLE = { status: 400, code: 'invalid_body' };

/** The status and code for an error a host body parser marked as its own, if it is one of those. */
function knownParserError({
  type,
  status,
  message,
  code,
  errno,
}: ParserErrorFields): { status: number; code: string } | undefined {
  if (status === 415 && typeof message === 'string' && INFLATION_UNSUPPORTED.test(message))
    return PARSER_ERROR_TYPES['encoding.unsupported'];
  if (typeof code === 'string' && typeof errno === 'number' && INFLATE_ERROR_CODE.test(code)) return NOT_INFLATABLE;
  return typeof type === 'string' && Object.hasOwn(PARSER_ERROR_TYPES, type) ? PARSER_ERROR_TYPES[type] : undefined;
}

/**
 * Whether an error came from a host body parser reading the request: raw-body's errors carry a
 * `type` and a 4xx `status`, a parse error is a SyntaxError with status 400, a body that does not
 * inflate is zlib's error.
 */
export function isBodyParserError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  return (
    knownParserError(error) !== undefined ||
    (error instanceof SyntaxError && (error as ParserErrorFields).status === 400)
  );
}

/** A host parser's error as the GatewayError the gateway answers for the same problem. */
export function hostParserError(error: unknown): GatewayError {
  const fields: ParserErrorFields = typeof error === 'object' && error !== null ? error : {};
  const { status, message } = fields;
  const known = knownParserError(fields);
  const detail = typeof message === 'string' ? message.slice(0, 200) : 'unreadable body';
  // The same words as when the gateway inflates the body itself (decode-body.ts).
  if (known === NOT_INFLATABLE)
    return new GatewayError({
      status: 400,
      code: 'invalid_body',
      message: `The request body could not be decompressed: ${detail}`,
    });
  const httpStatus = known?.status ?? (typeof status === 'number' && status >= 400 && status < 500 ? status : 400);
  const code = known?.code ?? (httpStatus === 400 ? 'invalid_json' : 'invalid_body');
  return new GatewayError({
    status: httpStatus,
    code,
    message: `The host's body parser refused the request body: ${detail}.`,
  });
}

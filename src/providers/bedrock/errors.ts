/**
 * Bedrock errors → modelgate's classification. HTTP errors name their type in `X-Amzn-Errortype`
 * (or a body `__type` / `code`), e.g. `ValidationException:http://internal.amazon.com/coral/...`,
 * with `{ "message": ... }` as the body (restJson1:
 * https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html#operation-error-serialization).
 * Inside a ConverseStream, errors arrive as event-stream messages of `:message-type` `exception`
 * (modelled, `:exception-type` names the union member) or `error` (unmodelled, `:error-code` and
 * `:error-message` headers): https://smithy.io/2.0/aws/amazon-eventstream.html
 */
import type { ErrorCode } from '../../errors.js';
import { UpstreamErrorEvent } from '../kit/upstream-error-event.js';
import type { UpstreamErrorInfo } from '../types.js';

interface ErrorClass {
  /** The HTTP status Bedrock answers this error with: what the exception stands for inside a stream. */
  status: number;
  /** The gateway's name for the condition (ErrorCode); the engine decides retry and fallback from the status. */
  code: ErrorCode;
  /** A 4xx that is the upstream's fault (424 ModelErrorException). */
  serverFault?: boolean;
}

/** Keyed by the error shape name, lower-cased first letter (stream members are camelCase). */
const ERROR_CLASSES: Readonly<Record<string, ErrorClass>> = {
  throttlingException: { status: 429, code: 'rate_limit_exceeded' },
  modelNotReadyException: { status: 429, code: 'model_not_ready' },
  serviceUnavailableException: { status: 503, code: 'service_unavailable' },
  internalServerException: { status: 500, code: 'upstream_error' },
  modelTimeoutException: { status: 408, code: 'upstream_timeout' },
  modelErrorException: { status: 424, code: 'model_error', serverFault: true },
  modelStreamErrorException: { status: 424, code: 'model_stream_error', serverFault: true },
  validationException: { status: 400, code: 'invalid_request' },
  accessDeniedException: { status: 403, code: 'upstream_auth_error' },
  resourceNotFoundException: { status: 404, code: 'model_not_found' },
};

/** `aws.protocoltests#FooError:http://...` → `FooError`, per the restJson1 sanitising rules (case kept). */
function typeName(raw: string): string {
  let name = raw;
  const colon = name.indexOf(':');
  if (colon >= 0) name = name.slice(0, colon);
  const hash = name.indexOf('#');
  if (hash >= 0) name = name.slice(hash + 1);
  return name.trim();
}

/** `aws.protocoltests#FooError:http://...` → `fooError`: the key of the error classes. */
export function errorShapeName(raw: string): string {
  const name = typeName(raw);
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function classOf(name: string): ErrorClass | undefined {
  return Object.hasOwn(ERROR_CLASSES, name) ? ERROR_CLASSES[name] : undefined;
}

function headerValue(
  headers: Readonly<Record<string, string | string[] | undefined>> | undefined,
  name: string,
): string | undefined {
  const value = headers?.[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads a Bedrock HTTP error: `{ "message": ... }` plus the type from the header or the body. */
export function parseBedrockError(
  status: number,
  bodyText: string,
  headers?: Readonly<Record<string, string | string[] | undefined>>,
): UpstreamErrorInfo {
  let body: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(bodyText) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      body = parsed as Record<string, unknown>;
  } catch {
    // not JSON: keep the status as the message
  }
  const rawType =
    headerValue(headers, 'x-amzn-errortype') ??
    (typeof body.__type === 'string' ? body.__type : undefined) ??
    (typeof body.code === 'string' ? body.code : undefined);
  const name = rawType ? errorShapeName(rawType) : undefined;
  const errorClass = name ? classOf(name) : undefined;
  const text =
    typeof body.message === 'string'
      ? body.message
      : typeof body.Message === 'string'
        ? body.Message
        : `HTTP ${status} from Bedrock.`;
  // The type as the upstream wrote it: changing its case would hide a key it quotes from the scrubber.
  const shown = rawType ? typeName(rawType) : undefined;
  return {
    message: shown ? `${shown}: ${text}` : text,
    code: errorClass?.code ?? null,
    type: shown ?? null,
    serverFault: errorClass?.serverFault,
  };
}

/**
 * An exception or error message inside a ConverseStream, described for the engine with the HTTP
 * status Bedrock gives that exception; an unmodelled one stands for a failure on its side (500).
 */
export function bedrockErrorEvent(exceptionType: string, message: string | undefined): UpstreamErrorEvent {
  const errorClass = classOf(errorShapeName(exceptionType));
  // The name as sent: an unmodelled `:error-code` is anything, and the engine scrubs it with the message.
  return new UpstreamErrorEvent({
    status: errorClass?.status ?? 500,
    message: `${typeName(exceptionType)}: ${message ?? 'no message'}`,
    code: errorClass?.code ?? null,
    type: typeName(exceptionType),
    serverFault: errorClass?.serverFault,
  });
}

/**
 * Bedrock errors → modelgate's classification. HTTP errors name their type in `X-Amzn-Errortype`
 * (or a body `__type` / `code`), e.g. `ValidationException:http://internal.amazon.com/coral/...`,
 * with `{ "message": ... }` as the body (restJson1:
 * https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html#operation-error-serialization).
 * Inside a ConverseStream, errors arrive as event-stream messages of `:message-type` `exception`
 * (modelled, `:exception-type` names the union member) or `error` (unmodelled, `:error-code` and
 * `:error-message` headers): https://smithy.io/2.0/aws/amazon-eventstream.html
 */
import { GatewayError } from '../../errors.js';
import { scrubIdentifier, scrubSecrets } from '../kit/scrub-secrets.js';
import type { UpstreamErrorInfo } from '../types.js';

interface ErrorClass {
  /** The status the client sees for an in-stream exception (HTTP errors keep the engine's rules). */
  status: number;
  code: string;
  retryable: boolean;
  /** A 4xx that is the upstream's fault (424 ModelErrorException). */
  serverFault?: boolean;
}

/** Keyed by the error shape name, lower-cased first letter (stream members are camelCase). */
const ERROR_CLASSES: Readonly<Record<string, ErrorClass>> = {
  throttlingException: { status: 429, code: 'rate_limit_exceeded', retryable: true },
  modelNotReadyException: { status: 429, code: 'model_not_ready', retryable: true },
  serviceUnavailableException: { status: 502, code: 'service_unavailable', retryable: true },
  internalServerException: { status: 502, code: 'upstream_error', retryable: true },
  modelTimeoutException: { status: 504, code: 'upstream_timeout', retryable: true },
  modelErrorException: { status: 502, code: 'model_error', retryable: true, serverFault: true },
  modelStreamErrorException: { status: 502, code: 'model_stream_error', retryable: true, serverFault: true },
  validationException: { status: 400, code: 'invalid_request', retryable: false },
  accessDeniedException: { status: 502, code: 'upstream_auth_error', retryable: false },
  resourceNotFoundException: { status: 404, code: 'model_not_found', retryable: false },
};

const UNKNOWN_STREAM_ERROR: ErrorClass = { status: 502, code: 'upstream_stream_error', retryable: true };

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

function headerValue(headers: Readonly<Record<string, string | string[] | undefined>> | undefined, name: string): string | undefined {
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
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    // not JSON: keep the status as the message
  }
  const rawType = headerValue(headers, 'x-amzn-errortype') ?? (typeof body.__type === 'string' ? body.__type : undefined) ?? (typeof body.code === 'string' ? body.code : undefined);
  const name = rawType ? errorShapeName(rawType) : undefined;
  const errorClass = name ? classOf(name) : undefined;
  const text = typeof body.message === 'string' ? body.message : typeof body.Message === 'string' ? body.Message : `HTTP ${status} from Bedrock.`;
  // The type as the upstream wrote it: changing its case would hide a key it quotes from the scrubber.
  const shown = rawType ? typeName(rawType) : undefined;
  return {
    message: shown ? `${shown}: ${text}` : text,
    code: errorClass?.code ?? null,
    type: shown ?? null,
    serverFault: errorClass?.serverFault,
  };
}

/** An exception or error message inside a ConverseStream → the GatewayError to retry, fall back or relay. */
export function streamExceptionError(
  providerId: string,
  exceptionType: string,
  message: string | undefined,
  secrets: readonly string[],
): GatewayError {
  const name = errorShapeName(exceptionType);
  const errorClass = classOf(name) ?? UNKNOWN_STREAM_ERROR;
  // The exception's name is upstream text too (an unmodelled `:error-code` is anything), checked as sent.
  const shownName = scrubIdentifier(typeName(exceptionType), secrets) ?? 'an exception';
  const detail = scrubSecrets(message ?? 'no message', secrets);
  return new GatewayError({
    status: errorClass.status,
    code: errorClass.code,
    retryable: errorClass.retryable,
    // An access or lookup failure may still be served by another target, as over HTTP.
    fallback: errorClass.retryable || errorClass.status !== 400,
    upstreamStatus: 200,
    message: `Provider \`${providerId}\` sent ${shownName} in its stream: ${detail}`,
  });
}

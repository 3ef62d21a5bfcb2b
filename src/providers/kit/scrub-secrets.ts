/**
 * The one secret scrubber of modelgate (DESIGN.md §5, §10): every piece of upstream text that may
 * reach a client or a log — an error's message, code, param and type, from an HTTP error body or an
 * in-stream error event, of every provider — goes through here. It removes two things:
 *
 * - the secrets of the request: the provider's configured key, a caller's own key
 *   (`customer_credentials`, `credential_override`), Bedrock's secret key and session token, Vertex
 *   AI's private key and live token (`Provider.secrets`);
 * - anything shaped like a credential, whoever it belongs to: `sk-…`/`sk-proj-…`/`sk-ant-…` and other
 *   vendor-prefixed keys, Google `AIza…` keys, AWS access key ids, JWTs, Google OAuth tokens,
 *   `Bearer …` values and long opaque tokens (AWS secret keys, session tokens, lines of a PEM key).
 *
 * Pure and synchronous: providers import it without breaking their no-I/O rule.
 */
import { GatewayError } from '../../errors.js';

export const REDACTED = '[redacted]';

/** What a message quotes of the upstream's text at most (the rest is cut with `…`). */
export const MAX_UPSTREAM_MESSAGE = 500;
/** An error `code` or `type` is an identifier; an upstream's longer value is cut to this. */
export const MAX_UPSTREAM_CODE = 64;
/** A `param` names a request field, possibly a nested path (`messages[3].content[0].image_url`). */
export const MAX_UPSTREAM_PARAM = 128;

/** Configured values shorter than this are not searched for: splitting text on them would only mangle it. */
const MIN_SECRET_LENGTH = 4;
/**
 * Key shapes are searched in this much of the text only (after the configured secrets, which are
 * removed from all of it): what a message keeps is far shorter, and the patterns stay linear-time.
 */
const SHAPE_SCAN_LIMIT = 8 * 1024;

interface KeyShape {
  pattern: RegExp;
  /** Replaces a match, or keeps it (returns it unchanged) when it is only word-like. */
  replace: (match: string, ...groups: string[]) => string;
}

const redact = () => REDACTED;

/** A random tail has digits, mixed case or a mask (`sk-proj-****abcd`); `fw_version_mismatch` does not. */
function redactRandomTail(match: string): string {
  return /[0-9*]/.test(match) || (/[a-z]/.test(match) && /[A-Z]/.test(match)) ? REDACTED : match;
}

/** Upper case, lower case and digits together: what a random token looks like, not a word or a path. */
function redactOpaque(match: string): string {
  return /[0-9]/.test(match) && /[a-z]/.test(match) && /[A-Z]/.test(match) ? REDACTED : match;
}

const KEY_SHAPES: readonly KeyShape[] = [
  // OpenAI (sk-, sk-proj-, sk-svcacct-), Anthropic (sk-ant-), and vendors with the same convention:
  // a prefix, a separator, a long tail. These prefixes name keys and nothing else.
  {
    pattern:
      /(?<![A-Za-z0-9])(?:sk|gsk|xai|csk|pplx|nvapi|ghp|gho|ghs|ghu|github_pat|glpat|xox[abpr])[-_][A-Za-z0-9*._-]{12,}/g,
    replace: redact,
  },
  // Shorter prefixes that words also start with (`fw_version_mismatch`): only with a random-looking tail.
  { pattern: /(?<![A-Za-z0-9])(?:pk|rk|fw|hf|r8)[-_][A-Za-z0-9*._-]{12,}/g, replace: redactRandomTail },
  // Google API keys.
  { pattern: /(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{20,}/g, replace: redact },
  // AWS access key ids (long-term AKIA…, temporary ASIA…, and the other documented prefixes).
  {
    pattern:
      /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|AKPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
    replace: redact,
  },
  // JWTs (Vertex AI's self-signed tokens, OIDC tokens): base64url JSON header and claims, then a
  // signature. It starts where a base64url run starts, so a run without the dots is tried once (linear).
  { pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*/g, replace: redact },
  // Google OAuth access tokens.
  { pattern: /(?<![A-Za-z0-9])ya29\.[A-Za-z0-9_-]{20,}/g, replace: redact },
  // The value of an Authorization header, whatever its shape.
  {
    pattern: /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{16,}/gi,
    replace: (_match, scheme) => `${scheme} ${REDACTED}`,
  },
  // Long opaque tokens: AWS secret keys (40 characters), session tokens, base64 lines of a PEM key.
  { pattern: /[A-Za-z0-9+/=_-]{40,}/g, replace: redactOpaque },
];

/**
 * Removes the secrets and anything key-shaped from `text`, then cuts it to `maxLength` characters.
 * Use it for every message that quotes an upstream.
 */
export function scrubSecrets(text: string, secrets: readonly string[], maxLength = MAX_UPSTREAM_MESSAGE): string {
  let clean = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH && clean.includes(secret)) clean = clean.split(secret).join(REDACTED);
  }
  if (clean.length > SHAPE_SCAN_LIMIT) clean = clean.slice(0, SHAPE_SCAN_LIMIT);
  for (const shape of KEY_SHAPES) clean = clean.replace(shape.pattern, shape.replace);
  return clean.length > maxLength ? `${clean.slice(0, maxLength)}…` : clean;
}

/**
 * An upstream's error `code`, `type` or `param`: a short identifier, or null. A value that held a
 * secret or a key-shaped string says nothing a client needs and is dropped whole (the caller's
 * default code applies); control characters are not part of an identifier either.
 */
export function scrubIdentifier(
  value: unknown,
  secrets: readonly string[],
  maxLength = MAX_UPSTREAM_CODE,
): string | null {
  if (typeof value !== 'string' || value === '' || value.length > SHAPE_SCAN_LIMIT) return null;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return null;
  if (scrubSecrets(value, secrets, Number.POSITIVE_INFINITY) !== value) return null;
  return value.length > maxLength ? value.slice(0, maxLength) : value;
}

/** The fields of an upstream error as a provider read them, each scrubbed and bounded. */
export function scrubErrorFields<
  T extends { message: string; code?: string | null; type?: string | null; param?: string | null },
>(info: T, secrets: readonly string[]): T {
  return {
    ...info,
    message: scrubSecrets(info.message, secrets),
    code: info.code == null ? info.code : scrubIdentifier(info.code, secrets),
    type: info.type == null ? info.type : scrubIdentifier(info.type, secrets),
    param: info.param == null ? info.param : scrubIdentifier(info.param, secrets, MAX_UPSTREAM_PARAM),
  };
}

/**
 * The last line of defence for an error built anywhere on an upstream's path (a stream decoder, a
 * translator): the same error when it is clean, else a copy with its message, code and param scrubbed.
 * The message keeps its length (it was bounded where it was built); only secrets go.
 */
export function scrubError(error: GatewayError, secrets: readonly string[]): GatewayError {
  const message = scrubSecrets(error.message, secrets, Number.POSITIVE_INFINITY);
  const code = error.code === null ? null : scrubIdentifier(error.code, secrets);
  const param = error.param === null ? null : scrubIdentifier(error.param, secrets, MAX_UPSTREAM_PARAM);
  if (message === error.message && code === error.code && param === error.param) return error;
  return new GatewayError({
    status: error.status,
    type: error.type,
    message,
    code: code ?? 'upstream_error',
    param,
    retryable: error.retryable,
    fallback: error.fallback,
    headers: error.headers,
    retryAfterMs: error.retryAfterMs,
    upstreamStatus: error.upstreamStatus,
    cause: error.cause,
  });
}

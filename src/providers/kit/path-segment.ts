/**
 * A name from the request as one segment of an upstream URL (an Azure deployment, a Bedrock model id
 * or ARN, a Gemini or Vertex AI model). Percent-encoding alone is not enough: `..` encodes to itself,
 * and `new URL()` (and many servers and proxies after a decode) resolve dot segments, so `azure/..`
 * would send the operator's key to `/openai/chat/completions`. A name that is, or decodes to, a dot
 * segment, or that would split its segment (`/`, `\`), is refused with a 400 before any upstream call.
 */
import { GatewayError, quoted } from '../../errors.js';

export interface SegmentOptions {
  /** Named in the refusal. */
  providerId: string;
  /**
   * Bedrock model ARNs hold `/` (`…:inference-profile/us.anthropic…`), percent-encoded into the one
   * segment as AWS expects; then no part between slashes may be a dot segment either.
   */
  slashInside?: boolean;
}

/** How many rounds of percent-decoding are checked (`%252e%252e` is `..` after two). */
const DECODE_ROUNDS = 3;

/** The name percent-encoded as one path segment (RFC 3986: everything but unreserved characters). */
export function encodePathSegment(name: string): string {
  return encodeURIComponent(name).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Checks `name` and returns it encoded as one path segment; throws a 400 `invalid_model_name` when it cannot be one. */
export function pathSegment(name: string, options: SegmentOptions): string {
  const problem = segmentProblem(name, options.slashInside === true);
  if (problem) {
    throw new GatewayError({
      status: 400,
      code: 'invalid_model_name',
      param: 'model',
      message: `The model name \`${quoted(name)}\` cannot be sent to provider \`${options.providerId}\`: ${problem}.`,
    });
  }
  return encodePathSegment(name);
}

/** Why a name cannot be one path segment, or undefined when it can. */
export function segmentProblem(name: string, slashInside = false): string | undefined {
  let form = name;
  for (let round = 0; round <= DECODE_ROUNDS; round++) {
    const problem = formProblem(form, slashInside);
    if (problem) return round === 0 ? problem : `${problem} once percent-decoded`;
    const decoded = decodeOnce(form);
    if (decoded === form) return undefined;
    form = decoded;
  }
  return 'it is percent-encoded too many times';
}

function formProblem(form: string, slashInside: boolean): string | undefined {
  if (form === '') return 'it is empty';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(form)) return 'it holds control characters';
  if (form.includes('\\')) return 'it holds a backslash';
  if (!slashInside && form.includes('/')) return 'it holds a slash';
  const parts = slashInside ? form.split('/') : [form];
  if (parts.some((part) => part === '.' || part === '..')) return 'it is a dot segment (`.` or `..`)';
  return undefined;
}

function decodeOnce(form: string): string {
  if (!form.includes('%')) return form;
  try {
    return decodeURIComponent(form);
  } catch {
    return form; // not valid percent-encoding: it is sent encoded as it is
  }
}

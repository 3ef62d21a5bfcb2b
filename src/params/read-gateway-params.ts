/**
 * Collects gateway parameters from every place a client may put them. Precedence, highest first:
 *   1. top-level body fields
 *   2. a literal `extra_body` object (the Python SDK's argument written into raw JSON)
 *   3. `modelgate_params`, then `keywordsai_params` nested objects
 *   4. the `X-Modelgate-Params`, then `X-Data-Keywordsai-Params` headers (base64 JSON or raw JSON)
 * A parameter is taken whole from the highest source that sets it.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { invalidRequest, quoted } from '../errors.js';
import { assertNesting } from '../http/validate-request-body.js';
import {
  acceptsAsIs,
  gatewayParamShapes,
  isGatewayParam,
  GATEWAY_PARAM_NAMES,
  type GatewayParams,
  type GatewayParamName,
} from './gateway-params.js';

const NESTED_KEYS = ['modelgate_params', 'keywordsai_params'] as const;
const NONE: readonly string[] = [];
const HEADER_KEYS = ['x-modelgate-params', 'x-data-keywordsai-params'] as const;

export interface ReadParamsResult {
  params: GatewayParams;
  /** The body to forward: gateway fields, `extra_body` and the nested objects removed. */
  body: Record<string, unknown>;
}

/**
 * `apiFields`: gateway parameter names that are the API's own fields on this route (`metadata` on
 * OpenAI's stored objects): in the body and `extra_body` they stay request fields, forwarded; the
 * gateway reads them only from the nested objects and the headers.
 */
export function readGatewayParams(
  body: Record<string, unknown>,
  headers: IncomingHttpHeaders,
  apiFields: readonly string[] = NONE,
): ReadParamsResult {
  const raw: Partial<Record<GatewayParamName, unknown>> = {};
  const origin: Partial<Record<GatewayParamName, string>> = {};
  // Most routes have no such fields: the plain check then, without a closure per request.
  const isOurs =
    apiFields.length === 0
      ? isGatewayParam
      : (key: string): key is GatewayParamName => isGatewayParam(key) && !apiFields.includes(key);
  const take = (source: Record<string, unknown>, label: string, strict: boolean) => {
    const ours = strict ? isGatewayParam : isOurs;
    for (const key of Object.keys(source)) {
      if (ours(key)) {
        if (!(key in raw)) {
          raw[key] = source[key];
          origin[key] = label;
        }
      } else if (strict) {
        throw invalidRequest(
          `Unknown gateway parameter \`${quoted(key)}\` in ${label}. Known: ${GATEWAY_PARAM_NAMES.join(', ')}.`,
          label,
          'unknown_gateway_parameter',
        );
      }
    }
  };

  const forward: Record<string, unknown> = {};
  for (const key of Object.keys(body)) {
    if (key === '__proto__') throw invalidRequest('The request body must not contain a `__proto__` key.', '__proto__');
    if (isOurs(key)) {
      raw[key] = body[key];
      origin[key] = key;
    } else if (key !== 'extra_body' && key !== 'modelgate_params' && key !== 'keywordsai_params') {
      forward[key] = body[key];
    }
  }

  const extraBody = objectField(body, 'extra_body');
  if (extraBody) {
    take(extraBody, 'extra_body', false);
    // The rest of extra_body are request parameters, as the OpenAI SDKs would have sent them.
    for (const key of Object.keys(extraBody)) {
      if (key === '__proto__') throw invalidRequest('`extra_body` must not contain a `__proto__` key.', 'extra_body');
      if (!isOurs(key) && !NESTED_KEYS.includes(key as never) && !Object.hasOwn(forward, key))
        forward[key] = extraBody[key];
    }
    for (const nested of NESTED_KEYS) {
      const inner = objectField(extraBody, nested, `extra_body.${nested}`);
      if (inner) take(inner, `extra_body.${nested}`, true);
    }
  }
  for (const nested of NESTED_KEYS) {
    const inner = objectField(body, nested);
    if (inner) take(inner, nested, true);
  }
  for (const header of HEADER_KEYS) {
    const value = headers[header];
    if (value !== undefined) take(decodeHeader(header, Array.isArray(value) ? value[0] : value), header, true);
  }

  const params: GatewayParams = {};
  for (const key of Object.keys(raw) as GatewayParamName[]) {
    if (raw[key] === undefined || raw[key] === null) continue;
    if (holdsPrototypeKey(raw[key])) {
      throw invalidRequest(
        `Invalid gateway parameter \`${key}\`: must not contain a \`__proto__\` key.`,
        key,
        'invalid_gateway_parameter',
      );
    }
    if (acceptsAsIs[key]?.(raw[key])) {
      (params as Record<string, unknown>)[key] = raw[key];
      continue;
    }
    const result = gatewayParamShapes[key].safeParse(raw[key]);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = quoted(issue.path.length ? `${key}.${issue.path.join('.')}` : key);
      const from = origin[key] === key ? '' : ` (from ${origin[key]})`;
      throw invalidRequest(
        `Invalid gateway parameter \`${where}\`${from}: ${issue.message}.`,
        where,
        'invalid_gateway_parameter',
      );
    }
    (params as Record<string, unknown>)[key] = result.data;
  }
  return { params, body: forward };
}

/** `__proto__` in parsed JSON is an own key; copying it naively would replace an object's prototype. */
function holdsPrototypeKey(value: unknown, depth = 0): boolean {
  if (typeof value !== 'object' || value === null || depth > 32) return false;
  for (const key of Object.keys(value)) {
    if (key === '__proto__' || holdsPrototypeKey((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

function objectField(source: Record<string, unknown>, key: string, label = key): Record<string, unknown> | undefined {
  const value = source[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidRequest(`\`${label}\` must be an object.`, label);
  return value as Record<string, unknown>;
}

function decodeHeader(name: string, value: string): Record<string, unknown> {
  const trimmed = value.trim();
  const json = trimmed.startsWith('{') ? trimmed : decodeBase64(trimmed);
  let parsed: unknown;
  try {
    parsed = json === undefined ? undefined : JSON.parse(json);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest(
      `The \`${name}\` header must hold a JSON object, raw or base64-encoded.`,
      name,
      'invalid_gateway_parameter',
    );
  }
  assertNesting(parsed as Record<string, unknown>);
  return parsed as Record<string, unknown>;
}

function decodeBase64(text: string): string | undefined {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return undefined;
  return Buffer.from(text, 'base64').toString('utf8');
}

/**
 * The cheapest checks that give a clear 400 before anything goes upstream. Everything else is the
 * upstream's to judge: parameters pass through unchecked so that new OpenAI parameters keep working.
 */
import { invalidRequest, quoted } from '../errors.js';
import { isWellFormed } from '../util/well-formed.js';

/** The checks every model route shares (`model`, parameter names); each route adds its own (`ModelEndpoint.validate`). */
export function validateRequestBody(body: Record<string, unknown>, modelOptional = false): void {
  const model = body.model;
  const absent = model === undefined || model === null || model === '';
  if (!(modelOptional && absent) && (typeof model !== 'string' || model.trim() === '')) {
    throw invalidRequest('You must provide a model parameter (a non-empty string).', 'model', 'missing_model');
  }
  if (typeof model === 'string' && !isModelName(model)) {
    throw invalidRequest(
      `\`model\` must be a model name: at most ${MAX_MODEL_NAME} characters, without control characters or lone UTF-16 surrogates.`,
      'model',
      'invalid_model',
    );
  }
  assertParameterNames(body);
}

const MAX_MODEL_NAME = 256;

/**
 * A parameter name may come back in a response header (`x-modelgate-dropped-params`) and in the
 * log: a lone UTF-16 surrogate there is not Unicode, and no header can carry it.
 */
function assertParameterNames(body: Record<string, unknown>): void {
  for (const key in body) {
    if (!isWellFormed(key))
      throw invalidRequest(
        `The parameter name \`${quoted(key)}\` is not well-formed Unicode (it holds a lone UTF-16 surrogate).`,
        quoted(key),
        'invalid_parameter_name',
      );
  }
}

/** C0 controls and DEL: line breaks, tabs, NUL, escape sequences. */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * A model name travels into the upstream URL or body and back in a response header: no control
 * characters (a CR LF there is a header injection attempt), no lone surrogate (not Unicode: it
 * cannot be percent-encoded into the URL or the header) and a sane length.
 */
export function isModelName(name: string): boolean {
  return name.length <= MAX_MODEL_NAME && !hasControlCharacter(name) && isWellFormed(name);
}

/** Deeper than any real request nests (a tool schema 40 levels deep is far from it). */
export const MAX_NESTING = 128;

/**
 * A body nested thousands of levels deep parses, but breaks every recursive step after it (the
 * upstream request's and the log record's serialisation): a 400 naming the field instead. An
 * iterative walk, so that the check itself cannot overflow the stack.
 */
export function assertNesting(body: Record<string, unknown>, max = MAX_NESTING): void {
  for (const key of Object.keys(body)) {
    const value = body[key];
    if (typeof value === 'object' && value !== null && nestsDeeperThan(value, max - 1)) {
      throw invalidRequest(
        `\`${quoted(key)}\` is nested more than ${max} levels deep.`,
        quoted(key),
        'nesting_too_deep',
      );
    }
  }
}

function nestsDeeperThan(root: object, limit: number): boolean {
  const values: object[] = [root];
  const depths: number[] = [1];
  while (values.length) {
    const value = values.pop() as Record<string, unknown>;
    const depth = depths.pop()!;
    if (depth > limit) return true;
    for (const key in value) {
      const item = value[key];
      if (typeof item === 'object' && item !== null) {
        values.push(item);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

import type { UpstreamErrorInfo } from '../types.js';

/** Reads `{ "error": { message, type, code, param } }` and the looser shapes some vendors send. */
export function parseOpenAIError(status: number, bodyText: string): UpstreamErrorInfo {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return { message: `HTTP ${status} from the upstream.` };
  }
  const root = (parsed ?? {}) as Record<string, unknown>;
  const error = (typeof root.error === 'object' && root.error !== null ? root.error : root) as Record<string, unknown>;
  const message =
    typeof error.message === 'string'
      ? error.message
      : typeof root.error === 'string'
        ? root.error
        : `HTTP ${status} from the upstream.`;
  return {
    message,
    code: typeof error.code === 'string' ? error.code : null,
    type: typeof error.type === 'string' ? error.type : null,
    param: typeof error.param === 'string' ? error.param : null,
  };
}

/**
 * Validates against the Anthropic Messages spec, strictly: unknown fields fail at every level the
 * spec closes, and at the top level too (test/specs/README.md). Requests the gateway sends to
 * Anthropic; answers, stream events, model lists, token counts and errors the Anthropic route returns.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

const spec = JSON.parse(readFileSync(new URL('../specs/anthropic-openapi.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema(spec, 'anthropic');
const strict = (schema: string) =>
  ajv.compile({ $ref: `anthropic#/components/schemas/${schema}`, unevaluatedProperties: false });
const validators = {
  request: strict('CreateMessageParams'),
  message: strict('Message'),
  event: strict('MessageStreamEvent'),
  ping: strict('Ping'),
  models: strict('ListResponse_ModelInfo_'),
  count: strict('CountMessageTokensResponse'),
  error: strict('ErrorResponse'),
};

function check(kind: keyof typeof validators, body: unknown, what: string): void {
  const validate = validators[kind];
  if (!validate(body)) {
    throw new Error(
      `${what} violates the Anthropic Messages spec: ${JSON.stringify(validate.errors?.slice(0, 5))}\n${JSON.stringify(body).slice(0, 800)}`,
    );
  }
}

export function assertValidAnthropicRequest(body: unknown): void {
  check('request', body, 'request');
}

export function assertValidAnthropicMessage(body: unknown): void {
  check('message', body, 'message');
}

/** A stream event (`ping` is in the spec's components, not in the event union). */
export function assertValidAnthropicEvent(event: unknown): void {
  check((event as { type?: unknown } | null)?.type === 'ping' ? 'ping' : 'event', event, 'stream event');
}

export function assertValidAnthropicModelList(body: unknown): void {
  check('models', body, 'model list');
}

export function assertValidAnthropicTokenCount(body: unknown): void {
  check('count', body, 'token count');
}

/**
 * An error body. The spec's union lacks `request_too_large` (413), which Anthropic's error page
 * lists (https://docs.anthropic.com/en/api/errors): that one is checked by shape.
 */
export function assertValidAnthropicError(body: unknown, options: { inStream?: boolean } = {}): void {
  // An `error` event inside a stream has no request_id (the response's headers carry it).
  if (options.inStream) {
    expect((body as Record<string, unknown>).request_id).toBeUndefined();
    body = { ...(body as object), request_id: null };
  }
  const error = (body as { error?: { type?: unknown } } | null)?.error;
  if (error?.type === 'request_too_large') {
    const ok =
      Object.keys(body as object).every((key) => key === 'type' || key === 'error' || key === 'request_id') &&
      typeof (error as { message?: unknown }).message === 'string';
    if (!ok) throw new Error(`error violates Anthropic's shape: ${JSON.stringify(body)}`);
    return;
  }
  check('error', body, 'error');
}

/**
 * Validates what the gateway sends upstream against the OpenAI OpenAPI spec, strictly: an unknown
 * top-level field (a leaked gateway parameter) fails, as the real API would answer 400.
 */
import { openAIAjv as ajv } from './openai-spec-document.js';

const strict = (schema: string) =>
  ajv.compile({ $ref: `openai#/components/schemas/${schema}`, unevaluatedProperties: false });
const validators = {
  chat: strict('CreateChatCompletionRequest'),
  embeddings: strict('CreateEmbeddingRequest'),
  responses: strict('CreateResponse'),
};

export function assertValidOpenAIRequest(kind: keyof typeof validators, body: unknown): void {
  const validate = validators[kind];
  if (!validate(body)) {
    throw new Error(
      `upstream ${kind} request violates the OpenAI spec: ${JSON.stringify(validate.errors?.slice(0, 5))}\n${JSON.stringify(body).slice(0, 500)}`,
    );
  }
}

/**
 * What the real API would answer 400 to, in OpenAI's style: the offending parameter and a message
 * that names it; undefined for a valid request. For test upstreams that validate like OpenAI does.
 */
export function openAIRequestProblem(
  kind: keyof typeof validators,
  body: unknown,
): { message: string; param: string | null } | undefined {
  const validate = validators[kind];
  if (validate(body)) return undefined;
  const errors = validate.errors ?? [];
  const unknown = errors.find((error) => error.keyword === 'unevaluatedProperties');
  const located = errors.find((error) => error.instancePath !== '');
  if (located) {
    const param = located.instancePath
      .slice(1)
      .replace(/\/(\d+)(?=\/|$)/g, '[$1]')
      .replace(/\//g, '.');
    return { message: `Invalid value for '${param}': ${located.message}.`, param };
  }
  if (unknown) {
    const name = String(unknown.params.unevaluatedProperty);
    return { message: `Unrecognized request argument supplied: ${name}`, param: null };
  }
  return { message: `Invalid request: ${errors[0]?.message ?? 'does not match the schema'}.`, param: null };
}

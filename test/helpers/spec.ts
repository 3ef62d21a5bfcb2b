/**
 * Validates what the gateway sends upstream against the OpenAI OpenAPI spec, strictly: an unknown
 * top-level field (a leaked gateway parameter) fails, as the real API would answer 400.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';

const spec = JSON.parse(readFileSync(new URL('../specs/openai-openapi.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema(spec, 'openai');

const strict = (schema: string) => ajv.compile({ $ref: `openai#/components/schemas/${schema}`, unevaluatedProperties: false });
const validators = {
  chat: strict('CreateChatCompletionRequest'),
  embeddings: strict('CreateEmbeddingRequest'),
};

export function assertValidOpenAIRequest(kind: keyof typeof validators, body: unknown): void {
  const validate = validators[kind];
  if (!validate(body)) {
    throw new Error(`upstream ${kind} request violates the OpenAI spec: ${JSON.stringify(validate.errors?.slice(0, 5))}\n${JSON.stringify(body).slice(0, 500)}`);
  }
}

/**
 * Validates what the gateway sends to Anthropic against the Messages spec, strictly: unknown fields
 * fail at every level the spec closes, and at the top level too (test/specs/README.md).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';

const spec = JSON.parse(readFileSync(new URL('../specs/anthropic-openapi.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema(spec, 'anthropic');
const validate = ajv.compile({
  $ref: 'anthropic#/components/schemas/CreateMessageParams',
  unevaluatedProperties: false,
});

export function assertValidAnthropicRequest(body: unknown): void {
  if (!validate(body)) {
    throw new Error(
      `request violates the Anthropic Messages spec: ${JSON.stringify(validate.errors?.slice(0, 5))}\n${JSON.stringify(body).slice(0, 800)}`,
    );
  }
}

/**
 * OpenAI's OpenAPI spec (test/specs) loaded once into an Ajv instance as `openai`, for the helpers
 * that validate against it. Two adjustments make it say what the API accepts: `oneOf` is read as
 * `anyOf` (the spec's unions overlap: a `{role, content: [input_text]}` input item is both an
 * `EasyInputMessage` and an `InputMessage`, which the API takes), and the few draft-4 boolean
 * `exclusiveMinimum`/`exclusiveMaximum` become 2020-12 bounds (Ajv refuses to compile them). And
 * one field the spec requires and the API does not (below).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';

export const openAISpec = normalise(
  JSON.parse(readFileSync(new URL('../specs/openai-openapi.json', import.meta.url), 'utf8')),
);
// The spec lists a Responses function tool's `strict` as required; the API defaults it (to true),
// and clients such as the AI SDK leave it out.
openAISpec.components.schemas.FunctionTool.required = openAISpec.components.schemas.FunctionTool.required.filter(
  (name: string) => name !== 'strict',
);

export const openAIAjv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
openAIAjv.addSchema(openAISpec, 'openai');

function normalise(node: any): any {
  if (Array.isArray(node)) node.forEach(normalise);
  else if (node && typeof node === 'object') {
    if (Array.isArray(node.oneOf)) {
      node.anyOf = node.oneOf;
      delete node.oneOf;
    }
    for (const [flag, bound] of [
      ['exclusiveMinimum', 'minimum'],
      ['exclusiveMaximum', 'maximum'],
    ] as const) {
      if (typeof node[flag] !== 'boolean') continue;
      if (node[flag] && typeof node[bound] === 'number') {
        node[flag] = node[bound];
        delete node[bound];
      } else delete node[flag];
    }
    Object.values(node).forEach(normalise);
  }
  return node;
}

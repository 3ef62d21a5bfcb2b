/**
 * Checks what the gateway returns against OpenAI's response schemas (a completion and a stream
 * chunk; a Responses answer and stream event). Providers' extra fields (reasoning_content, thinking_blocks) are allowed, as the spec does.
 */
import { openAIAjv as ajv, openAISpec as spec } from './openai-spec-document.js';

const validators = {
  completion: ajv.compile({ $ref: 'openai#/components/schemas/CreateChatCompletionResponse' }),
  chunk: ajv.compile({ $ref: 'openai#/components/schemas/CreateChatCompletionStreamResponse' }),
  /** A Responses API answer (`POST /responses` JSON, and every snapshot in a stream). */
  response: ajv.compile({ $ref: 'openai#/components/schemas/Response' }),
};

/** Each Responses stream event type's own schema (the union's members, found by their `type` enum). */
const EVENT_SCHEMAS = new Map<string, string>(
  (spec.components.schemas.ResponseStreamEvent.anyOf as Array<{ $ref: string }>).flatMap(({ $ref }) => {
    const name = $ref.split('/').at(-1)!;
    const values: unknown = spec.components.schemas[name]?.properties?.type?.enum;
    return Array.isArray(values) ? values.map((type) => [String(type), name] as [string, string]) : [];
  }),
);
const eventValidators = new Map<string, ReturnType<typeof ajv.compile>>();

/** One Responses stream event, against the schema of its own type (an unknown type fails). */
export function assertValidResponsesEvent(event: { type?: unknown }): void {
  const name = EVENT_SCHEMAS.get(String(event.type));
  if (!name) throw new Error(`a Responses stream event of unknown type ${JSON.stringify(event.type)}`);
  let validate = eventValidators.get(name);
  if (!validate) eventValidators.set(name, (validate = ajv.compile({ $ref: `openai#/components/schemas/${name}` })));
  if (!validate(event))
    throw new Error(
      `${name} violates the OpenAI spec: ${JSON.stringify(validate.errors?.slice(0, 5))}\n${JSON.stringify(event).slice(0, 500)}`,
    );
}

export function assertValidOpenAIResponse(kind: keyof typeof validators, body: unknown): void {
  const validate = validators[kind];
  if (!validate(body))
    throw new Error(
      `${kind} violates the OpenAI spec: ${JSON.stringify(validate.errors?.slice(0, 5))}\n${JSON.stringify(body).slice(0, 500)}`,
    );
}

/**
 * Checks what the gateway returns against OpenAI's response schemas (a completion and a stream
 * chunk). Providers' extra fields (reasoning_content, thinking_blocks) are allowed, as the spec does.
 */
import { openAIAjv as ajv } from './openai-spec-document.js';
const validators = {
  completion: ajv.compile({ $ref: 'openai#/components/schemas/CreateChatCompletionResponse' }),
  chunk: ajv.compile({ $ref: 'openai#/components/schemas/CreateChatCompletionStreamResponse' }),
};

export function assertValidOpenAIResponse(kind: keyof typeof validators, body: unknown): void {
  const validate = validators[kind];
  if (!validate(body))
    throw new Error(
      `${kind} violates the OpenAI spec: ${JSON.stringify(validate.errors?.slice(0, 5))}\n${JSON.stringify(body).slice(0, 500)}`,
    );
}

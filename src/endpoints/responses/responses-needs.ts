/**
 * `POST /responses`: the route's own 400s (the cheapest, everything else is the upstream's to judge)
 * and what a request needs from a model: tools, images, structured output, prompt size.
 */
import { invalidRequest } from '../../errors.js';
import { textLength, type RequestNeeds } from '../../routing/request-needs.js';

export function validateResponsesBody(body: Record<string, unknown>): void {
  const input = body.input;
  // `input` may be absent (a stored `prompt`, `previous_response_id`, `conversation` supply it).
  if (input !== undefined && input !== null && typeof input !== 'string' && !Array.isArray(input))
    throw invalidRequest('`input` must be a string or an array of input items.', 'input');
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean')
    throw invalidRequest('`stream` must be a boolean.', 'stream');
}

export function responsesNeeds(body: Record<string, unknown>): RequestNeeds {
  const items = Array.isArray(body.input) ? body.input : [];
  const tools = Array.isArray(body.tools) && body.tools.length > 0;
  const format = (body.text as { format?: { type?: unknown } } | undefined)?.format;
  const max = body.max_output_tokens;
  return {
    tools,
    images: items.some(hasImage),
    jsonSchema: format?.type === 'json_schema',
    promptChars:
      textLength(body.input) + textLength(body.instructions) + (tools ? JSON.stringify(body.tools).length : 0),
    messages: Array.isArray(body.input) ? items.length : 1,
    maxOutputTokens: typeof max === 'number' && max > 0 ? max : undefined,
    choices: 1,
  };
}

/** An input message with an `input_image` part. */
function hasImage(item: unknown): boolean {
  const content = (item as { content?: unknown } | null)?.content;
  return Array.isArray(content) && content.some((part) => (part as { type?: unknown } | null)?.type === 'input_image');
}

/**
 * What a chat request needs from a model: tools, images, structured outputs, and the size of its
 * prompt (messages and tool definitions) and output, read once per request.
 */
import { textLength, type RequestNeeds } from '../../routing/request-needs.js';

export function chatNeeds(body: Record<string, unknown>): RequestNeeds {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  let images = false;
  for (const message of messages) {
    const content = (message as { content?: unknown })?.content;
    if (Array.isArray(content) && content.some((part) => (part as { type?: unknown })?.type === 'image_url')) {
      images = true;
      break;
    }
  }
  const tools =
    (Array.isArray(body.tools) && body.tools.length > 0) ||
    (Array.isArray(body.functions) && body.functions.length > 0);
  const format = body.response_format as { type?: unknown } | undefined;
  const max = body.max_completion_tokens ?? body.max_tokens;
  return {
    tools,
    images,
    jsonSchema: format?.type === 'json_schema',
    promptChars: textLength(messages) + (tools ? JSON.stringify(body.tools ?? body.functions).length : 0),
    messages: messages.length,
    maxOutputTokens: typeof max === 'number' && max > 0 ? max : undefined,
    choices: typeof body.n === 'number' && body.n > 1 ? Math.ceil(body.n) : 1,
  };
}

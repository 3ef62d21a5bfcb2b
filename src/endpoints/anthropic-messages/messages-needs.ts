/**
 * `POST /anthropic/v1/messages`: the route's own 400s (the cheapest that give a clear message; the
 * rest is the upstream's to judge), what a request needs from a model, and its prompt's size in
 * tokens as estimated without a tokenizer (for budgets, `message_start` on a bridged stream, and
 * `count_tokens` where the provider has no count of its own).
 */
import { invalidRequest } from '../../errors.js';
import { textLength, type RequestNeeds } from '../../routing/request-needs.js';

type Json = Record<string, any>;

export function validateMessagesBody(body: Json): void {
  if (!Array.isArray(body.messages)) throw invalidRequest('`messages` must be an array of messages.', 'messages');
  body.messages.forEach((message: unknown, i: number) => {
    const at = `messages[${i}]`;
    const fields = message as Json | null;
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields))
      throw invalidRequest(`\`${at}\` must be an object with a role and content.`, at);
    // `system` inside `messages` joined the API on 2026-05-28 (mid-conversation instructions).
    if (fields.role !== 'user' && fields.role !== 'assistant' && fields.role !== 'system')
      throw invalidRequest(`\`${at}.role\` must be "user", "assistant" or "system".`, `${at}.role`);
    const content = fields.content;
    if (typeof content !== 'string' && !Array.isArray(content))
      throw invalidRequest(`\`${at}.content\` must be a string or an array of content blocks.`, `${at}.content`);
    if (Array.isArray(content))
      content.forEach((block: unknown, j: number) => {
        if (typeof (block as Json | null)?.type !== 'string')
          throw invalidRequest(`\`${at}.content[${j}].type\` must name the block's type.`, `${at}.content[${j}].type`);
      });
  });
  const system = body.system;
  if (system !== undefined && typeof system !== 'string' && !Array.isArray(system))
    throw invalidRequest('`system` must be a string or an array of text blocks.', 'system');
  if (body.max_tokens !== undefined && (!Number.isInteger(body.max_tokens) || body.max_tokens < 1))
    throw invalidRequest('`max_tokens` must be a positive integer.', 'max_tokens');
  if (body.stream !== undefined && typeof body.stream !== 'boolean')
    throw invalidRequest('`stream` must be a boolean.', 'stream');
  if (body.tools !== undefined && !Array.isArray(body.tools))
    throw invalidRequest('`tools` must be an array of tools.', 'tools');
  const metadata = body.metadata;
  if (metadata !== undefined && metadata !== null && (typeof metadata !== 'object' || Array.isArray(metadata)))
    throw invalidRequest("`metadata` must be an object (Anthropic's `metadata.user_id`).", 'metadata');
}

/** `count_tokens` takes the same body without `max_tokens` and `stream`. */
export function validateCountTokensBody(body: Json): void {
  validateMessagesBody(body);
}

export function messagesNeeds(body: Json): RequestNeeds {
  const messages: unknown[] = Array.isArray(body.messages) ? body.messages : [];
  const tools = Array.isArray(body.tools) && body.tools.length > 0;
  return {
    tools,
    images: messages.some(hasImage),
    jsonSchema: false,
    promptChars: promptChars(body),
    messages: messages.length,
    maxOutputTokens: typeof body.max_tokens === 'number' && body.max_tokens > 0 ? body.max_tokens : undefined,
    choices: 1,
  };
}

/** The prompt's text: messages, system and tool definitions, base64 payloads left out. */
function promptChars(body: Json): number {
  const tools = Array.isArray(body.tools) ? JSON.stringify(body.tools).length : 0;
  return textLength(withoutBlobs(body.messages)) + textLength(withoutBlobs(body.system)) + tools;
}

/**
 * Prompt tokens at 4 characters a token plus a few per message, the same rule of thumb as the
 * gateway's budget estimates; images count a flat 1,600 (Anthropic's size for a ~1.15 MP image).
 */
export function estimateInputTokens(body: Json): number {
  const messages: unknown[] = Array.isArray(body.messages) ? body.messages : [];
  let images = 0;
  for (const message of messages) images += countImages(message);
  return Math.ceil(promptChars(body) / 4) + 3 * messages.length + 1600 * images;
}

function withoutBlobs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutBlobs);
  if (typeof value !== 'object' || value === null) return value;
  const fields = value as Json;
  if (fields.type === 'base64' || fields.type === 'url') return undefined;
  const copy: Json = {};
  for (const key of Object.keys(fields)) if (key !== 'signature') copy[key] = withoutBlobs(fields[key]);
  return copy;
}

function hasImage(message: unknown): boolean {
  return countImages(message) > 0;
}

function countImages(message: unknown): number {
  const content = (message as Json | null)?.content;
  if (!Array.isArray(content)) return 0;
  let images = 0;
  for (const block of content) {
    if (block?.type === 'image') images++;
    else if (block?.type === 'tool_result' && Array.isArray(block.content))
      images += block.content.filter((part: Json) => part?.type === 'image').length;
  }
  return images;
}

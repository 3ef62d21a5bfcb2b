/**
 * The cheapest checks that give a clear 400 before anything goes upstream. Everything else is the
 * upstream's to judge: parameters pass through unchecked so that new OpenAI parameters keep working.
 */
import { invalidRequest } from '../errors.js';
import type { Operation } from '../providers/types.js';

export function validateRequestBody(operation: Operation, body: Record<string, unknown>, modelOptional = false): void {
  const model = body.model;
  const absent = model === undefined || model === null || model === '';
  if (!(modelOptional && absent) && (typeof model !== 'string' || model.trim() === '')) {
    throw invalidRequest('You must provide a model parameter (a non-empty string).', 'model', 'missing_model');
  }
  if (operation === 'embeddings') {
    const input = body.input;
    const valid = typeof input === 'string' || (Array.isArray(input) && input.length > 0);
    if (!valid) throw invalidRequest('`input` must be a string or a non-empty array.', 'input');
    return;
  }
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    throw invalidRequest('`messages` must be a non-empty array.', 'messages');
  }
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as { role?: unknown } | null;
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      throw invalidRequest(`\`messages[${i}]\` must be an object.`, `messages[${i}]`);
    }
    if (typeof message.role !== 'string') throw invalidRequest(`\`messages[${i}].role\` must be a string.`, `messages[${i}].role`);
  }
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    throw invalidRequest('`stream` must be a boolean.', 'stream');
  }
  const streamOptions = body.stream_options;
  if (streamOptions !== undefined && streamOptions !== null && (typeof streamOptions !== 'object' || Array.isArray(streamOptions))) {
    throw invalidRequest('`stream_options` must be an object.', 'stream_options');
  }
}

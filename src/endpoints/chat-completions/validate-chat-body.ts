/**
 * `POST /chat/completions`: the cheapest checks that give a clear 400 (after the common ones in
 * `validateRequestBody`). Everything else is the upstream's to judge.
 */
import { invalidRequest } from '../../errors.js';

export function validateChatBody(body: Record<string, unknown>): void {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    throw invalidRequest('`messages` must be a non-empty array.', 'messages');
  }
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as { role?: unknown } | null;
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      throw invalidRequest(`\`messages[${i}]\` must be an object.`, `messages[${i}]`);
    }
    if (typeof message.role !== 'string')
      throw invalidRequest(`\`messages[${i}].role\` must be a string.`, `messages[${i}].role`);
  }
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    throw invalidRequest('`stream` must be a boolean.', 'stream');
  }
  const streamOptions = body.stream_options;
  if (
    streamOptions !== undefined &&
    streamOptions !== null &&
    (typeof streamOptions !== 'object' || Array.isArray(streamOptions))
  ) {
    throw invalidRequest('`stream_options` must be an object.', 'stream_options');
  }
}

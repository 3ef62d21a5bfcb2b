/** `POST /chat/completions`: OpenAI's chat completions, streamed or not. */
import type { ModelEndpoint } from '../endpoint.js';
import { openAIErrorIn, openAIUsageOf } from '../openai-json.js';
import { chatNeeds } from './chat-needs.js';
import { chatStream } from './chat-stream.js';
import { validateChatBody } from './validate-chat-body.js';

export const chatCompletions = {
  kind: 'model',
  id: 'chat.completions',
  method: 'POST',
  path: '/chat/completions',
  operation: 'chat',
  validate: validateChatBody,
  inputField: 'messages',
  needs: chatNeeds,
  checksCapabilities: true,
  cacheable: true,
  errorIn: openAIErrorIn,
  usageOf: openAIUsageOf,
  logOutput: (answer) => answer.choices ?? null,
  stream: chatStream,
  // Their stream translators emit chat completion chunks (`StreamTranslator`).
} as const satisfies ModelEndpoint;

/**
 * `POST /responses` for providers that do not serve the Responses API (Anthropic, Gemini, Bedrock,
 * OpenAI-compatible servers without it): the request as chat completions, chat's answer (JSON or
 * stream) as the Responses API's. docs/responses.md says what is translated and what is refused.
 */
import type { ChatBridge } from '../endpoint.js';
import { fromChatCompletion } from './from-chat-completion.js';
import { ResponsesStreamWriter } from './responses-stream-writer.js';
import { toChatRequest } from './to-chat-request.js';

export const responsesBridge: ChatBridge = {
  toChat: toChatRequest,
  fromChat: fromChatCompletion,
  createStream: (request, target) => new ResponsesStreamWriter(request, target),
};

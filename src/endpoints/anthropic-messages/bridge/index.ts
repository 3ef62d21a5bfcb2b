/**
 * The Messages API's converter pair around the engine (DESIGN.md §10): providers that do not speak
 * Anthropic's wire format get the request as chat completions, and their answer — JSON or stream —
 * comes back as Anthropic's.
 */
import type { ChatBridge } from '../../endpoint.js';
import { estimateInputTokens } from '../messages-needs.js';
import { ChatStreamToEvents } from './chat-stream-to-events.js';
import { chatToMessage } from './chat-to-message.js';
import { messagesToChat } from './messages-to-chat.js';

export const messagesBridge: ChatBridge = {
  toChat: messagesToChat,
  fromChat: chatToMessage,
  createStream: (request, target) => new ChatStreamToEvents(request, target, estimateInputTokens(request)),
};

/**
 * count_tokens through the providers that count a chat request (`chat_tokens`: Gemini's
 * countTokens): the same request translation, the provider's count back as `input_tokens`.
 */
export const countTokensBridge: ChatBridge = {
  operation: 'chat_tokens',
  toChat: (body, target) => {
    const chat = messagesToChat(body, target);
    delete chat.max_tokens;
    return chat;
  },
  fromChat: (completion) => ({
    input_tokens: (completion.usage as { prompt_tokens?: number } | undefined)?.prompt_tokens ?? 0,
  }),
  createStream: () => {
    throw new Error('count_tokens does not stream');
  },
};

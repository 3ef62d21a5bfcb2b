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

/**
 * A non-streaming Anthropic message → an OpenAI chat completion. Thinking appears twice: as text in
 * `reasoning_content`, and as the signed blocks in `thinking_blocks`, which a client sends back
 * unchanged in the assistant turn so that Anthropic accepts the next (tool) turn.
 */
import { upstreamInvalidResponse } from '../../errors.js';
import type { ConvertedResponse } from '../types.js';
import type { MessagesResponse, SignedThinkingBlock } from './anthropic-types.js';
import { mapFinishReason } from './map-finish-reason.js';
import { toOpenAIUsage } from '../../usage.js';
import { fromAnthropicUsage } from './usage.js';

export interface ResponseOptions {
  /** Seconds since the epoch for `created` (Anthropic messages carry no time). */
  created: number;
  /** The answer is the input of the forced `json` tool (a json_object request). */
  jsonTool: boolean;
}

export function convertResponse(json: Record<string, unknown>, options: ResponseOptions): ConvertedResponse {
  const message = json as unknown as MessagesResponse;
  if (!Array.isArray(message.content) || typeof message.usage !== 'object' || message.usage === null) {
    throw upstreamInvalidResponse('Anthropic sent a response that is not a message.');
  }
  let text = '';
  let reasoning = '';
  const thinkingBlocks: SignedThinkingBlock[] = [];
  const toolCalls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> = [];
  for (const block of message.content) {
    switch (block.type) {
      case 'text':
        text += block.text;
        break;
      case 'tool_use':
        if (options.jsonTool) text += JSON.stringify(block.input ?? {});
        else
          toolCalls.push({
            id: block.id,
            type: 'function',
            function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
          });
        break;
      case 'thinking':
        reasoning += block.thinking;
        thinkingBlocks.push({ type: 'thinking', thinking: block.thinking, signature: block.signature });
        break;
      case 'redacted_thinking':
        thinkingBlocks.push({ type: 'redacted_thinking', data: block.data });
        break;
      default:
        // Server-tool blocks: never requested through this route, nothing to show an OpenAI client.
        break;
    }
  }

  const finishReason = mapFinishReason(message.stop_reason, options.jsonTool);
  const refusal = finishReason === 'content_filter' ? (message.stop_details?.explanation ?? null) : null;
  const usage = fromAnthropicUsage(message.usage);
  const reply: Record<string, unknown> = {
    role: 'assistant',
    content: text === '' && (toolCalls.length || refusal) ? null : text,
    refusal,
  };
  if (toolCalls.length) reply.tool_calls = toolCalls;
  if (reasoning) reply.reasoning_content = reasoning;
  if (thinkingBlocks.length) reply.thinking_blocks = thinkingBlocks;
  return {
    body: {
      id: message.id,
      object: 'chat.completion',
      created: options.created,
      model: message.model,
      choices: [{ index: 0, message: reply, finish_reason: finishReason, logprobs: null }],
      usage: toOpenAIUsage(usage),
    },
    usage,
  };
}

/**
 * ConverseStream events → OpenAI chat.completion.chunk objects. One translator per request,
 * synchronous. Tool calls get OpenAI indexes 0, 1, 2, ... in the order their blocks start (Bedrock
 * numbers all content blocks, text included), and their arguments stay the JSON strings Bedrock
 * streams. Usage arrives in the `metadata` event and leaves as the last chunk, with empty choices.
 * Reasoning streams as `reasoning_content`; the finish chunk carries the signed blocks, complete,
 * in `thinking_blocks` for the client to send back (as the Anthropic provider does).
 */
import { upstreamStreamTruncated } from '../../errors.js';
import type { ChatCompletionChunk, ChatDelta } from '../openai-types.js';
import type { StreamTranslator } from '../types.js';
import { toOpenAIUsage, type NormalizedUsage } from '../../usage.js';
import { newIdentity, thinkingBlockOf, type ResponseIdentity, type ThinkingBlock } from './convert-response.js';
import { mapFinishReason } from './map-finish-reason.js';
import type { ContentBlockDelta, ConverseStreamEvent } from './types.js';
import { fromBedrockUsage } from './usage.js';

const NOTHING: ChatCompletionChunk[] = [];

interface ToolBlock {
  index: number;
  sawArguments: boolean;
}

interface ReasoningBlock {
  text: string;
  signature?: string;
  redactedContent?: string;
}

export function createBedrockStreamTranslator(
  providerId: string,
  model: string,
  identity: ResponseIdentity = newIdentity(),
): StreamTranslator<ConverseStreamEvent> {
  const { id, created } = identity;
  const tools = new Map<number, ToolBlock>();
  const reasoning = new Map<number, ReasoningBlock>();
  const signedBlocks: ThinkingBlock[] = [];
  let roleSent = false;
  let stopped = false;
  let usage: NormalizedUsage | undefined;

  const chunk = (delta: ChatDelta, finishReason: string | null = null): ChatCompletionChunk[] => {
    if (!roleSent) {
      delta.role = 'assistant';
      roleSent = true;
    }
    return [
      {
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [{ index: 0, delta, finish_reason: finishReason }],
      },
    ];
  };

  function onDelta(blockIndex: number, delta: ContentBlockDelta): ChatCompletionChunk[] {
    if (typeof delta.text === 'string') return delta.text === '' ? NOTHING : chunk({ content: delta.text });
    if (delta.toolUse) {
      const tool = tools.get(blockIndex);
      if (!tool || typeof delta.toolUse.input !== 'string' || delta.toolUse.input === '') return NOTHING;
      tool.sawArguments = true;
      return chunk({ tool_calls: [{ index: tool.index, function: { arguments: delta.toolUse.input } }] });
    }
    if (delta.reasoningContent) {
      const { text, signature, redactedContent } = delta.reasoningContent;
      let block = reasoning.get(blockIndex);
      if (!block) reasoning.set(blockIndex, (block = { text: '' }));
      if (typeof signature === 'string') block.signature = signature;
      if (typeof redactedContent === 'string') block.redactedContent = redactedContent;
      if (typeof text !== 'string' || text === '') return NOTHING;
      block.text += text;
      return chunk({ reasoning_content: text });
    }
    return NOTHING; // citations, images and server-side tool results have no chunk shape
  }

  function onStop(blockIndex: number): ChatCompletionChunk[] {
    const tool = tools.get(blockIndex);
    // A call without arguments still needs valid JSON for the client to parse.
    if (tool && !tool.sawArguments)
      return chunk({ tool_calls: [{ index: tool.index, function: { arguments: '{}' } }] });
    const block = reasoning.get(blockIndex);
    if (!block) return NOTHING;
    reasoning.delete(blockIndex);
    const signed = thinkingBlockOf({
      reasoningText: { text: block.text, signature: block.signature },
      redactedContent: block.redactedContent,
    });
    if (signed) signedBlocks.push(signed);
    return NOTHING;
  }

  return {
    push(event: ConverseStreamEvent): ChatCompletionChunk[] {
      switch (event.eventType) {
        case 'messageStart':
          return roleSent ? NOTHING : chunk({ content: '' });
        case 'contentBlockStart': {
          const toolUse = event.payload.start?.toolUse;
          if (!toolUse || toolUse.type === 'server_tool_use') return NOTHING;
          const index = tools.size;
          tools.set(event.payload.contentBlockIndex, { index, sawArguments: false });
          return chunk({
            tool_calls: [
              { index, id: toolUse.toolUseId, type: 'function', function: { name: toolUse.name, arguments: '' } },
            ],
          });
        }
        case 'contentBlockDelta':
          return event.payload.delta ? onDelta(event.payload.contentBlockIndex, event.payload.delta) : NOTHING;
        case 'contentBlockStop':
          return onStop(event.payload.contentBlockIndex);
        case 'messageStop': {
          stopped = true;
          const delta: ChatDelta = {};
          if (signedBlocks.length) delta.thinking_blocks = signedBlocks;
          return chunk(delta, mapFinishReason(event.payload.stopReason));
        }
        case 'metadata':
          if (event.payload.usage) usage = fromBedrockUsage(event.payload.usage);
          return NOTHING;
        default: {
          const unknown: never = event; // an event type added to the API later: nothing to relay
          void unknown;
          return NOTHING;
        }
      }
    },
    end(): ChatCompletionChunk[] {
      if (!stopped) {
        throw upstreamStreamTruncated(providerId, 'messageStop');
      }
      if (!usage) return NOTHING;
      return [{ id, object: 'chat.completion.chunk', created, model, choices: [], usage: toOpenAIUsage(usage) }];
    },
    usage: () => usage,
  };
}

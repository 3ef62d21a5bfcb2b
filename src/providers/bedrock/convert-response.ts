/**
 * A Converse response → an OpenAI chat completion. Reasoning text becomes `reasoning_content`;
 * signed or redacted reasoning is also kept as `thinking_blocks` (Anthropic's block shape), which a
 * client sends back on the assistant message so that the next tool turn reaches Claude intact.
 */
import { randomUUID } from 'node:crypto';
import { upstreamInvalidResponse } from '../../errors.js';
import type { ConvertedResponse } from '../types.js';
import { mapFinishReason } from './map-finish-reason.js';
import type { ConverseResponse, ReasoningContent } from './types.js';
import { toOpenAIUsage } from '../../usage.js';
import { fromBedrockUsage } from './usage.js';

/** A reasoning block as the client sees and returns it. */
export type ThinkingBlock =
  { type: 'thinking'; thinking: string; signature: string } | { type: 'redacted_thinking'; data: string };

export interface ResponseIdentity {
  id: string;
  created: number;
}

export function newIdentity(): ResponseIdentity {
  return { id: `chatcmpl-${randomUUID()}`, created: Math.floor(Date.now() / 1000) };
}

/** Signed or redacted reasoning worth sending back; plain reasoning text needs no block. */
export function thinkingBlockOf(reasoning: ReasoningContent): ThinkingBlock | undefined {
  if (typeof reasoning.redactedContent === 'string')
    return { type: 'redacted_thinking', data: reasoning.redactedContent };
  const text = reasoning.reasoningText;
  if (text && typeof text.signature === 'string')
    return { type: 'thinking', thinking: text.text ?? '', signature: text.signature };
  return undefined;
}

export function convertResponse(
  providerId: string,
  model: string,
  json: Record<string, unknown>,
  identity: ResponseIdentity = newIdentity(),
): ConvertedResponse {
  const response = json as ConverseResponse;
  const blocks = response.output?.message?.content;
  if (!Array.isArray(blocks)) {
    throw upstreamInvalidResponse(
      `Provider \`${providerId}\` sent a Converse response without output.message.content.`,
    );
  }
  let content: string | null = null;
  let reasoning: string | undefined;
  const thinkingBlocks: ThinkingBlock[] = [];
  const toolCalls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> = [];
  for (const block of blocks) {
    if (typeof block.text === 'string') {
      content = (content ?? '') + block.text;
    } else if (block.toolUse && block.toolUse.type !== 'server_tool_use') {
      const { toolUseId, name, input } = block.toolUse;
      toolCalls.push({ id: toolUseId, type: 'function', function: { name, arguments: JSON.stringify(input ?? {}) } });
    } else if (block.reasoningContent) {
      const text = block.reasoningContent.reasoningText?.text;
      if (typeof text === 'string') reasoning = (reasoning ?? '') + text;
      const thinking = thinkingBlockOf(block.reasoningContent);
      if (thinking) thinkingBlocks.push(thinking);
    }
    // citationsContent, images and server-side tool results have no chat-completions shape.
  }
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: content ?? (toolCalls.length ? null : ''),
    refusal: null,
  };
  if (reasoning !== undefined) message.reasoning_content = reasoning;
  if (thinkingBlocks.length) message.thinking_blocks = thinkingBlocks;
  if (toolCalls.length) message.tool_calls = toolCalls;

  const usage = response.usage ? fromBedrockUsage(response.usage) : undefined;
  const body: Record<string, unknown> = {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: mapFinishReason(response.stopReason) }],
  };
  if (usage) body.usage = toOpenAIUsage(usage);
  return { body, usage };
}

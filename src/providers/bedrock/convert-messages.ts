/**
 * OpenAI `messages` → Converse `system` + `messages`. Converse wants strictly alternating user and
 * assistant turns, so consecutive messages of one side merge into one turn: the results of parallel
 * tool calls (OpenAI `tool` messages) become toolResult blocks of a single user turn.
 */
import { invalidRequest, unsupported } from '../../errors.js';
import {
  cachePointFor,
  contentBlocks,
  toolResultContent,
  toolUseIdFor,
  type ContentContext,
} from './convert-content.js';
import type { BedrockMessage, ContentBlock, SystemBlock } from './types.js';

export interface ConvertedMessages {
  system: SystemBlock[];
  messages: BedrockMessage[];
  /** Names of the tools the conversation already called (Converse needs them declared). */
  toolNamesUsed: Set<string>;
  /** Whether the conversation holds toolUse or toolResult blocks. */
  hasToolHistory: boolean;
}

interface OpenAIMessage {
  role?: unknown;
  content?: unknown;
  name?: unknown;
  tool_calls?: unknown;
  tool_call_id?: unknown;
  function_call?: unknown;
  cache_control?: unknown;
  /** Signed reasoning a client sends back (see convert-response.ts). */
  thinking_blocks?: unknown;
}

export function convertMessages(messages: readonly unknown[], context: ContentContext): ConvertedMessages {
  const out: ConvertedMessages = { system: [], messages: [], toolNamesUsed: new Set(), hasToolHistory: false };
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as OpenAIMessage;
    const param = `messages[${i}]`;
    if (message.name !== undefined)
      context.report.drop('messages[].name', 'Converse messages carry no participant name');
    switch (message.role) {
      case 'system':
      case 'developer': {
        const blocks = contentBlocks(message.content, `${param}.content`, context);
        for (const block of blocks) {
          if ('text' in block || 'cachePoint' in block) out.system.push(block);
          else
            throw invalidRequest(
              `\`${param}\` may only hold text: Converse system prompts are text.`,
              `${param}.content`,
            );
        }
        const cachePoint = cachePointFor(message.cache_control, `${param}.cache_control`);
        if (cachePoint && blocks.length) out.system.push(cachePoint);
        break;
      }
      case 'user':
        pushTurn(out.messages, 'user', contentBlocks(message.content, `${param}.content`, context), message, param);
        break;
      case 'assistant':
        pushTurn(out.messages, 'assistant', assistantBlocks(message, param, context, out), message, param);
        break;
      case 'tool': {
        if (typeof message.tool_call_id !== 'string' || message.tool_call_id === '') {
          throw invalidRequest(`\`${param}.tool_call_id\` must be a non-empty string.`, `${param}.tool_call_id`);
        }
        out.hasToolHistory = true;
        const { content, cachePoint } = toolResultContent(message.content, `${param}.content`, context);
        const blocks: ContentBlock[] = [{ toolResult: { toolUseId: toolUseIdFor(message.tool_call_id), content } }];
        if (cachePoint) blocks.push(cachePoint);
        pushTurn(out.messages, 'user', blocks, message, param);
        break;
      }
      case 'function':
        throw unsupported(
          'unsupported_parameter',
          `Provider \`${context.providerId}\` (AWS Bedrock): the deprecated \`function\` role has no Converse counterpart (\`${param}\`). Use tool messages.`,
          `${param}.role`,
        );
      default:
        throw invalidRequest(
          `\`${param}.role\` ${JSON.stringify(message.role)} is not a chat message role.`,
          `${param}.role`,
        );
    }
  }
  return out;
}

function assistantBlocks(
  message: OpenAIMessage,
  param: string,
  context: ContentContext,
  out: ConvertedMessages,
): ContentBlock[] {
  if (message.function_call !== undefined && message.function_call !== null) {
    throw unsupported(
      'unsupported_parameter',
      `Provider \`${context.providerId}\` (AWS Bedrock): the deprecated \`function_call\` has no Converse counterpart (\`${param}\`). Use tool_calls.`,
      `${param}.function_call`,
    );
  }
  const blocks: ContentBlock[] = reasoningBlocks(message.thinking_blocks, `${param}.thinking_blocks`);
  blocks.push(...contentBlocks(message.content, `${param}.content`, context));
  const calls = message.tool_calls;
  if (calls === undefined || calls === null) return blocks;
  if (!Array.isArray(calls)) throw invalidRequest(`\`${param}.tool_calls\` must be an array.`, `${param}.tool_calls`);
  for (let j = 0; j < calls.length; j++) {
    const call = calls[j] as { id?: unknown; type?: unknown; function?: { name?: unknown; arguments?: unknown } };
    const where = `${param}.tool_calls[${j}]`;
    if (typeof call?.id !== 'string' || call.id === '')
      throw invalidRequest(`\`${where}.id\` must be a non-empty string.`, `${where}.id`);
    const name = call.function?.name;
    if (typeof name !== 'string' || name === '')
      throw invalidRequest(`\`${where}.function.name\` must be a non-empty string.`, `${where}.function.name`);
    blocks.push({
      toolUse: {
        toolUseId: toolUseIdFor(call.id),
        name,
        input: parseArguments(call.function?.arguments, `${where}.function.arguments`),
      },
    });
    out.toolNamesUsed.add(name);
    out.hasToolHistory = true;
  }
  return blocks;
}

/** Tool arguments are a JSON string in OpenAI's format and a JSON document in Converse. */
function parseArguments(value: unknown, param: string): unknown {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return {};
  if (typeof value !== 'string') throw invalidRequest(`\`${param}\` must be a string of JSON.`, param);
  try {
    return JSON.parse(value);
  } catch {
    throw invalidRequest(`\`${param}\` is not valid JSON.`, param);
  }
}

/** Signed reasoning sent back by the client → reasoningContent blocks, first in the turn as Claude requires. */
function reasoningBlocks(value: unknown, param: string): ContentBlock[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidRequest(`\`${param}\` must be an array.`, param);
  const blocks: ContentBlock[] = [];
  for (const block of value as Array<{ type?: unknown; thinking?: unknown; signature?: unknown; data?: unknown }>) {
    if (block?.type === 'thinking' && typeof block.thinking === 'string') {
      const reasoningText =
        typeof block.signature === 'string'
          ? { text: block.thinking, signature: block.signature }
          : { text: block.thinking };
      blocks.push({ reasoningContent: { reasoningText } });
    } else if (block?.type === 'redacted_thinking' && typeof block.data === 'string') {
      blocks.push({ reasoningContent: { redactedContent: block.data } });
    } else {
      throw invalidRequest(`\`${param}\` holds a block that is neither thinking nor redacted_thinking.`, param);
    }
  }
  return blocks;
}

/** Appends a turn, merging it into the previous one when the same side speaks twice. */
function pushTurn(
  turns: BedrockMessage[],
  role: 'user' | 'assistant',
  blocks: ContentBlock[],
  message: OpenAIMessage,
  param: string,
): void {
  const cachePoint = cachePointFor(message.cache_control, `${param}.cache_control`);
  if (blocks.length === 0) return; // an empty message says nothing, and Bedrock refuses empty content
  if (cachePoint) blocks.push(cachePoint);
  const last = turns[turns.length - 1];
  if (last?.role === role) last.content.push(...blocks);
  else turns.push({ role, content: blocks });
}

/**
 * OpenAI `messages` → Anthropic `system` + `messages`:
 * - system and developer messages, wherever they stand, become the `system` blocks, in order;
 * - assistant `tool_calls` become `tool_use` blocks with their arguments parsed (invalid JSON: 400),
 *   and `thinking_blocks` (the signed reasoning this gateway returned) go back first, unchanged;
 * - `tool` messages become `tool_result` blocks; consecutive turns of one role merge into one, and
 *   in a user turn the tool results come first, as Anthropic requires.
 */
import { invalidRequest } from '../../errors.js';
import type {
  AssistantContentBlock,
  MessageParam,
  SignedThinkingBlock,
  TextBlockParam,
  ToolResultBlockParam,
  UserContentBlock,
} from './anthropic-types.js';
import { readCacheControl, textBlocks, userBlocks, withCache, type Part } from './convert-content.js';

export interface ConvertedMessages {
  system: TextBlockParam[];
  messages: MessageParam[];
}

export function convertMessages(input: ReadonlyArray<Record<string, any>>): ConvertedMessages {
  const system: TextBlockParam[] = [];
  const messages: MessageParam[] = [];
  const push = (role: 'user' | 'assistant', blocks: Array<UserContentBlock | AssistantContentBlock>) => {
    const last = messages[messages.length - 1];
    if (last?.role === role) (last.content as unknown[]).push(...blocks);
    else messages.push({ role, content: blocks } as MessageParam);
  };

  input.forEach((message, i) => {
    const at = `messages[${i}]`;
    const cache = readCacheControl(message, at);
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...markLast(textBlocks(message.content, `${at}.content`), cache));
        break;
      case 'user': {
        const blocks = markLast(userBlocks(message.content, `${at}.content`), cache);
        if (blocks.length === 0)
          throw invalidRequest(
            `\`${at}.content\` is empty; Anthropic needs content in every user turn.`,
            `${at}.content`,
          );
        push('user', blocks);
        break;
      }
      case 'assistant': {
        const blocks = markLast(assistantBlocks(message, at), cache);
        // An empty assistant turn carries nothing and Anthropic refuses empty content.
        if (blocks.length > 0) push('assistant', blocks);
        break;
      }
      case 'tool':
        push('user', [toolResult(message, at, cache)]);
        break;
      default:
        throw invalidRequest(
          `\`${at}.role\` \`${String(message.role)}\` is not supported for Anthropic (system, developer, user, assistant, tool).`,
          `${at}.role`,
        );
    }
  });

  for (const message of messages) if (message.role === 'user') toolResultsFirst(message.content);
  return { system, messages };
}

function assistantBlocks(message: Record<string, any>, at: string): AssistantContentBlock[] {
  const blocks: AssistantContentBlock[] = [...signedThinking(message.thinking_blocks, `${at}.thinking_blocks`)];
  blocks.push(...textBlocks(message.content, `${at}.content`, true));
  const calls = message.tool_calls;
  if (calls === undefined || calls === null) return blocks;
  if (!Array.isArray(calls)) throw invalidRequest(`\`${at}.tool_calls\` must be an array.`, `${at}.tool_calls`);
  calls.forEach((call: Part, j) => {
    const where = `${at}.tool_calls[${j}]`;
    if (call?.type !== undefined && call.type !== 'function')
      throw invalidRequest(`\`${where}.type\` must be "function" for Anthropic.`, `${where}.type`);
    if (typeof call?.id !== 'string' || typeof call.function?.name !== 'string') {
      throw invalidRequest(`\`${where}\` needs an id and a function name.`, where);
    }
    blocks.push(
      withCache<AssistantContentBlock>(
        {
          type: 'tool_use',
          id: call.id,
          name: call.function.name,
          input: parseArguments(call.function.arguments, `${where}.function.arguments`),
        },
        readCacheControl(call, where),
      ),
    );
  });
  return blocks;
}

/** Tool-call arguments are a JSON object in a string; "" (a call without arguments) reads as {}. */
function parseArguments(args: unknown, at: string): Record<string, unknown> {
  if (args === undefined || args === null || args === '') return {};
  if (typeof args === 'object' && !Array.isArray(args)) return args as Record<string, unknown>;
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(args));
  } catch {
    throw invalidRequest(
      `\`${at}\` is not valid JSON; Anthropic needs the tool call's input as a JSON object.`,
      at,
      'invalid_tool_arguments',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest(
      `\`${at}\` must be a JSON object; Anthropic takes tool input as an object.`,
      at,
      'invalid_tool_arguments',
    );
  }
  return parsed as Record<string, unknown>;
}

/** The `thinking_blocks` field of an assistant message, checked and copied field by field. */
function signedThinking(value: unknown, at: string): SignedThinkingBlock[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidRequest(`\`${at}\` must be an array of thinking blocks.`, at);
  return value.map((block: Part, k) => {
    if (block?.type === 'thinking' && typeof block.thinking === 'string' && typeof block.signature === 'string') {
      return { type: 'thinking', thinking: block.thinking, signature: block.signature };
    }
    if (block?.type === 'redacted_thinking' && typeof block.data === 'string')
      return { type: 'redacted_thinking', data: block.data };
    throw invalidRequest(
      `\`${at}[${k}]\` must be a signed thinking block ({type:"thinking", thinking, signature}) or {type:"redacted_thinking", data}, as returned.`,
      `${at}[${k}]`,
    );
  });
}

function toolResult(
  message: Record<string, any>,
  at: string,
  cache: ReturnType<typeof readCacheControl>,
): ToolResultBlockParam {
  if (typeof message.tool_call_id !== 'string' || message.tool_call_id === '') {
    throw invalidRequest(`\`${at}.tool_call_id\` must name the tool call this result answers.`, `${at}.tool_call_id`);
  }
  const content = typeof message.content === 'string' ? message.content : textBlocks(message.content, `${at}.content`);
  return withCache<ToolResultBlockParam>({ type: 'tool_result', tool_use_id: message.tool_call_id, content }, cache);
}

/** A message-level cache_control marks the end of that message: its last block. */
function markLast<T extends { type: string }>(blocks: T[], cache: ReturnType<typeof readCacheControl>): T[] {
  const last = blocks[blocks.length - 1];
  // Thinking blocks take no breakpoint (and are never last in a turn that has content after them).
  if (cache && last && last.type !== 'thinking' && last.type !== 'redacted_thinking') withCache(last, cache);
  return blocks;
}

function toolResultsFirst(content: UserContentBlock[]): void {
  const firstOther = content.findIndex((block) => block.type !== 'tool_result');
  if (firstOther === -1 || !content.slice(firstOther).some((block) => block.type === 'tool_result')) return;
  const results = content.filter((block) => block.type === 'tool_result');
  const others = content.filter((block) => block.type !== 'tool_result');
  content.splice(0, content.length, ...results, ...others);
}

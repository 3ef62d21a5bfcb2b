/**
 * A Messages API request as a chat completions request, for providers that do not speak Anthropic's
 * wire format (the bridge's request half):
 * - `system` (string or text blocks) → one system message, as are `system` turns inside `messages`;
 *   `cache_control` is Anthropic's alone and dropped;
 * - user blocks: text, image (base64 or url) → image_url parts, document (PDF base64, plain text) →
 *   file or text parts; `tool_result` → a `tool` message (before the rest of the turn), its images
 *   in a user message after it; `is_error` results are marked in their text;
 * - assistant blocks: text, `tool_use` → `tool_calls`; thinking blocks only when they carry this
 *   provider's own envelope (reasoning-envelope.ts), restored as `reasoning_content`, Gemini's
 *   `extra_content` and signed `thinking_blocks` (Claude on Bedrock); Anthropic's signed thinking and other providers' envelopes are dropped;
 * - tools (`input_schema` → `parameters`), `tool_choice` (auto, any → required, tool → function,
 *   none), `disable_parallel_tool_use` → `parallel_tool_calls: false`;
 * - `thinking` and `top_k` as they are for providers that translate chat themselves (Gemini,
 *   Bedrock read them as extensions); for upstreams taking chat as is, `thinking.budget_tokens` →
 *   `reasoning_effort` and `top_k` is dropped (chat has no such field);
 * - `stop_sequences` → `stop`; `temperature`, `top_p`, `max_tokens` as they are;
 *   `metadata.user_id` → `user`; Anthropic-only fields (`service_tier`, `container`,
 *   `mcp_servers`, ...) are dropped.
 * Empty text blocks are left out (Bedrock refuses blank text); tool names OpenAI would refuse are
 * shortened (tool-names.ts) and restored in the answer.
 */
import { invalidRequest, unsupported } from '../../../errors.js';
import { openEnvelope, type ReasoningEnvelope } from '../../../util/reasoning-envelope.js';
import type { BridgeTarget } from '../../endpoint.js';
import { chatToolName } from './tool-names.js';

type Json = Record<string, any>;
type ChatMessage = Record<string, unknown>;

export function messagesToChat(body: Json, target: BridgeTarget): Json {
  const messages: ChatMessage[] = [];
  const system = systemText(body.system);
  if (system) messages.push({ role: 'system', content: system });
  (body.messages as unknown[]).forEach((message, i) => {
    const at = `messages[${i}]`;
    const { role, content } = message as Json;
    if (role === 'user') messages.push(...userMessages(content, at));
    else if (role === 'system') messages.push({ role: 'system', content: systemText(content) });
    else messages.push(assistantMessage(content, at, target));
  });
  const chat: Json = { messages };
  if (body.max_tokens !== undefined) chat.max_tokens = body.max_tokens;
  if (body.temperature !== undefined) chat.temperature = body.temperature;
  if (body.top_p !== undefined) chat.top_p = body.top_p;
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.length) chat.stop = body.stop_sequences;
  const user = body.metadata?.user_id;
  if (typeof user === 'string' && user) chat.user = user;
  if (target.translatesChat) {
    // A translating provider takes Anthropic's thinking (its exact budget) and top_k as extensions.
    if (body.thinking !== undefined) chat.thinking = body.thinking;
    if (body.top_k !== undefined) chat.top_k = body.top_k;
  } else {
    const effort = reasoningEffort(body.thinking);
    if (effort) chat.reasoning_effort = effort;
  }
  if (Array.isArray(body.tools) && body.tools.length) chat.tools = body.tools.map(chatTool);
  const choice = body.tool_choice as Json | undefined;
  if (choice) {
    const mapped = toolChoice(choice);
    // Without tools, a tool choice means nothing to chat upstreams (OpenAI refuses it).
    if (mapped !== undefined && chat.tools) chat.tool_choice = mapped;
    if (choice.disable_parallel_tool_use === true && chat.tools) chat.parallel_tool_calls = false;
  }
  return chat;
}

function systemText(system: unknown): string {
  if (typeof system === 'string') return system;
  if (!Array.isArray(system)) return '';
  return system
    .map((block: Json) => (block?.type === 'text' && typeof block.text === 'string' ? block.text : ''))
    .filter((text) => text !== '')
    .join('\n\n');
}

function userMessages(content: unknown, at: string): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  const tools: ChatMessage[] = [];
  const parts: Json[] = [];
  (content as Json[]).forEach((block, j) => {
    const where = `${at}.content[${j}]`;
    if (block.type === 'tool_result') {
      const { text, images } = toolResult(block, where);
      tools.push({ role: 'tool', tool_call_id: block.tool_use_id, content: text });
      parts.push(...images);
    } else {
      const part = userPart(block, where);
      if (part) parts.push(part);
    }
  });
  // Tool results answer the assistant's calls: they come first, the rest of the turn after them.
  if (parts.length) tools.push({ role: 'user', content: onlyText(parts) ?? parts });
  return tools;
}

/** Plain text when every part is text (the form every chat upstream takes), else undefined. */
function onlyText(parts: Json[]): string | undefined {
  return parts.every((part) => part.type === 'text') ? parts.map((part) => part.text).join('\n') : undefined;
}

function userPart(block: Json, at: string): Json | undefined {
  switch (block.type) {
    case 'text':
      return block.text ? { type: 'text', text: block.text } : undefined;
    case 'image':
      return imagePart(block.source, at);
    case 'document':
      return documentPart(block, at);
    case 'thinking':
    case 'redacted_thinking':
      return undefined;
    default:
      throw unsupported(
        'unsupported_content',
        `\`${at}.type\` \`${String(block.type).slice(0, 60)}\` cannot be sent to a provider that does not speak the Messages API.`,
        `${at}.type`,
      );
  }
}

function imagePart(source: Json | undefined, at: string): Json {
  if (source?.type === 'base64')
    return { type: 'image_url', image_url: { url: `data:${source.media_type};base64,${source.data}` } };
  if (source?.type === 'url') return { type: 'image_url', image_url: { url: source.url } };
  throw unsupported(
    'unsupported_content',
    `\`${at}.source\` must be a base64 or url image source here.`,
    `${at}.source`,
  );
}

function documentPart(block: Json, at: string): Json {
  const source = block.source as Json | undefined;
  if (source?.type === 'text') return { type: 'text', text: String(source.data ?? '') };
  if (source?.type === 'base64') {
    const filename = typeof block.title === 'string' && block.title ? block.title : 'document.pdf';
    return { type: 'file', file: { filename, file_data: `data:${source.media_type};base64,${source.data}` } };
  }
  throw unsupported(
    'unsupported_content',
    `\`${at}.source.type\` \`${String(source?.type)}\`: only base64 and text documents can be sent to a provider that does not speak the Messages API.`,
    `${at}.source`,
  );
}

/** A tool result's text (images go to a user message after the tool messages: chat's tool messages hold text only). */
function toolResult(block: Json, at: string): { text: string; images: Json[] } {
  const images: Json[] = [];
  let text = '';
  if (typeof block.content === 'string') text = block.content;
  else if (Array.isArray(block.content)) {
    const texts: string[] = [];
    block.content.forEach((part: Json, k: number) => {
      if (part?.type === 'text') texts.push(String(part.text ?? ''));
      else if (part?.type === 'image') images.push(imagePart(part.source, `${at}.content[${k}]`));
      else if (part?.type === 'document') texts.push(JSON.stringify(documentPart(part, `${at}.content[${k}]`)));
    });
    text = texts.join('\n');
  }
  if (block.is_error === true) text = `Error: ${text}`;
  return { text, images };
}

function assistantMessage(content: unknown, at: string, target: BridgeTarget): ChatMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  const texts: string[] = [];
  const calls: Json[] = [];
  const reasoning: string[] = [];
  const envelopes: ReasoningEnvelope[] = [];
  (content as Json[]).forEach((block, j) => {
    const where = `${at}.content[${j}]`;
    if (block.type === 'text') {
      if (block.text) texts.push(block.text);
    } else if (block.type === 'tool_use') {
      calls.push({
        id: block.id,
        type: 'function',
        function: { name: chatToolName(String(block.name)), arguments: JSON.stringify(block.input ?? {}) },
      });
    } else if (block.type === 'thinking') {
      // Only this provider kind's own reasoning goes back; Anthropic's signed thinking and other
      // providers' envelopes mean nothing here (and must not leak to another vendor).
      const envelope = openEnvelope(block.signature);
      if (envelope?.kind !== target.providerKind) return;
      envelopes.push(envelope);
      if (block.thinking) reasoning.push(block.thinking);
    } else if (block.type !== 'redacted_thinking') {
      throw unsupported(
        'unsupported_content',
        `\`${where}.type\` \`${String(block.type).slice(0, 60)}\` cannot be sent to a provider that does not speak the Messages API.`,
        `${where}.type`,
      );
    }
  });
  const message: ChatMessage = { role: 'assistant', content: texts.length ? texts.join('') : null };
  if (reasoning.length) message.reasoning_content = reasoning.join('');
  // Signatures are bound to the model that made them: restored for it only.
  const own = envelopes.filter((envelope) => envelope.model === target.model);
  const signature = own.find((envelope) => envelope.message)?.message;
  if (signature) message.extra_content = { google: { thought_signature: signature } };
  const blocks = own.flatMap((envelope) => envelope.blocks ?? []);
  if (blocks.length) message.thinking_blocks = blocks;
  if (calls.length) {
    for (const call of calls) {
      const callSignature = own.find((envelope) => envelope.calls?.[call.id])?.calls?.[call.id];
      if (callSignature) call.extra_content = { google: { thought_signature: callSignature } };
    }
    message.tool_calls = calls;
  }
  if (message.content === null && !calls.length) message.content = '';
  return message;
}

function chatTool(tool: Json, i: number): Json {
  if (tool.type !== undefined && tool.type !== 'custom')
    throw unsupported(
      'unsupported_tool',
      `\`tools[${i}]\` is Anthropic's built-in tool \`${String(tool.type).slice(0, 60)}\`, which this provider does not have.`,
      `tools[${i}].type`,
    );
  if (typeof tool.name !== 'string') throw invalidRequest(`\`tools[${i}].name\` must be a string.`, `tools[${i}].name`);
  const fn: Json = {
    name: chatToolName(tool.name),
    parameters: tool.input_schema ?? { type: 'object', properties: {} },
  };
  if (typeof tool.description === 'string') fn.description = tool.description;
  return { type: 'function', function: fn };
}

function toolChoice(choice: Json): unknown {
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return { type: 'function', function: { name: chatToolName(String(choice.name)) } };
    default:
      return undefined;
  }
}

/** An Anthropic thinking budget as a reasoning effort (what chat upstreams understand). */
export function reasoningEffort(thinking: unknown): 'low' | 'medium' | 'high' | undefined {
  const config = thinking as Json | undefined;
  if (config?.type === 'adaptive') return 'medium';
  if (config?.type !== 'enabled') return undefined;
  const budget = typeof config.budget_tokens === 'number' ? config.budget_tokens : 0;
  if (budget < 4096) return 'low';
  return budget < 16384 ? 'medium' : 'high';
}

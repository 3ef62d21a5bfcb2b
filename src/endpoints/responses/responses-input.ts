/**
 * The Responses `instructions` and `input` as chat messages, for the chat bridge.
 *
 * - `instructions` become the first system message; system and developer messages stay system
 *   messages (developer is OpenAI's newer name, not every chat server knows it).
 * - A run of assistant-side items (assistant messages, `function_call`s, `reasoning`) becomes ONE
 *   assistant message: its text, its tool calls in order, and the provider reasoning state of its
 *   reasoning items (reasoning-envelope.ts), so that parallel calls stay one turn as the providers
 *   require. A reasoning item of another provider kind is dropped; its summary is never sent.
 * - `function_call_output` becomes a `tool` message.
 * - Items chat cannot carry (built-in tools' calls, `item_reference`, ...) are a 400 naming the item
 *   and its index, which falls back to a model that serves the Responses API natively.
 */
import { invalidRequest, unsupported } from '../../errors.js';
import type { BridgeTarget } from '../endpoint.js';
import { emptyReasoningState, hasReasoningState, mergeReasoningState, openReasoning } from './reasoning-envelope.js';

type Json = Record<string, any>;
type ChatMessage = Json;

/** The chat messages for a Responses body's `instructions` and `input`. */
export function inputToMessages(body: Json, target: BridgeTarget): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const instructions = body.instructions;
  if (typeof instructions === 'string') {
    if (instructions !== '') messages.push({ role: 'system', content: instructions });
  } else if (Array.isArray(instructions)) {
    messages.push(...itemsToMessages(instructions, 'instructions', target));
  } else if (instructions !== undefined && instructions !== null) {
    throw invalidRequest('`instructions` must be a string or an array of input items.', 'instructions');
  }
  const input = body.input;
  if (typeof input === 'string') messages.push({ role: 'user', content: input });
  else if (Array.isArray(input)) messages.push(...itemsToMessages(input, 'input', target));
  return messages;
}

function itemsToMessages(items: readonly unknown[], field: string, target: BridgeTarget): ChatMessage[] {
  const messages: ChatMessage[] = [];
  let turn: AssistantTurn | undefined;
  const flush = () => {
    if (turn) {
      const message = turn.message();
      if (message) messages.push(message);
      turn = undefined;
    }
  };
  items.forEach((raw, index) => {
    const at = `${field}[${index}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw invalidRequest(`\`${at}\` must be an input item object.`, at);
    const item = raw as Json;
    const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
    switch (type) {
      case 'message':
        if (item.role === 'assistant') {
          (turn ??= new AssistantTurn(target)).text(assistantText(item.content, at));
          return;
        }
        flush();
        messages.push(inputMessage(item, at));
        return;
      case 'function_call':
        (turn ??= new AssistantTurn(target)).call(item, at);
        return;
      case 'reasoning':
        (turn ??= new AssistantTurn(target)).reasoning(item);
        return;
      case 'function_call_output':
        flush();
        messages.push(toolMessage(item, at));
        return;
      case undefined:
        throw invalidRequest(`\`${at}\` has no \`type\` (and no \`role\` that would make it a message).`, `${at}.type`);
      case 'item_reference':
        // The AI SDK sends these for earlier output when `store` is on (its default).
        throw unsupported(
          'unsupported_input',
          `\`${at}\` is an \`item_reference\`, an item stored at OpenAI, which \`${target.providerId}\` (reached through chat completions) cannot read: send the items themselves (the AI SDK does with providerOptions.openai.store = false).`,
          `${at}.type`,
        );
      default:
        throw unsupported(
          'unsupported_input',
          `\`${at}\` is a \`${String(type)}\` item, which only models that serve the Responses API natively take (this request goes to \`${target.providerId}\` through chat completions).`,
          `${at}.type`,
        );
    }
  });
  flush();
  return messages;
}

/** One assistant turn built from consecutive assistant-side items. */
class AssistantTurn {
  private readonly texts: string[] = [];
  private readonly calls: Json[] = [];
  private readonly state = emptyReasoningState();

  constructor(private readonly target: BridgeTarget) {}

  text(text: string): void {
    if (text !== '') this.texts.push(text);
  }

  call(item: Json, at: string): void {
    const { call_id: id, name, arguments: args } = item;
    if (typeof id !== 'string' || id === '')
      throw invalidRequest(`\`${at}.call_id\` must be a non-empty string.`, `${at}.call_id`);
    if (typeof name !== 'string' || name === '')
      throw invalidRequest(`\`${at}.name\` must be a non-empty string.`, `${at}.name`);
    if (args !== undefined && typeof args !== 'string')
      throw invalidRequest(`\`${at}.arguments\` must be a JSON string.`, `${at}.arguments`);
    this.calls.push({
      id,
      type: 'function',
      function: { name, arguments: args === undefined || args === '' ? '{}' : args },
    });
  }

  reasoning(item: Json): void {
    const state = openReasoning(item.encrypted_content, this.target.providerKind);
    if (state) mergeReasoningState(this.state, state);
  }

  /** The chat message, or undefined when the run held nothing to send (reasoning of another provider). */
  message(): ChatMessage | undefined {
    if (this.texts.length === 0 && this.calls.length === 0) return undefined;
    const message: ChatMessage = { role: 'assistant', content: this.texts.length ? this.texts.join('\n\n') : null };
    if (this.calls.length) {
      message.tool_calls = this.calls.map((call) => {
        const extra = this.state.calls[call.id];
        return extra ? { ...call, ...extra } : call;
      });
    }
    if (hasReasoningState(this.state)) Object.assign(message, this.state.message);
    return message;
  }
}

/** A user, system or developer message; its content parts in chat's shape. */
function inputMessage(item: Json, at: string): ChatMessage {
  const role = item.role;
  if (role !== 'user' && role !== 'system' && role !== 'developer')
    throw invalidRequest(
      `\`${at}.role\` must be one of user, system, developer, assistant (got ${JSON.stringify(role)}).`,
      `${at}.role`,
    );
  const content = item.content;
  if (typeof content === 'string') return { role: role === 'developer' ? 'system' : role, content };
  if (!Array.isArray(content))
    throw invalidRequest(`\`${at}.content\` must be a string or an array of content parts.`, `${at}.content`);
  if (role !== 'user') return { role: 'system', content: textOf(content, `${at}.content`) };
  return { role: 'user', content: content.map((part, k) => userPart(part, `${at}.content[${k}]`)) };
}

function userPart(part: Json, at: string): Json {
  switch (part?.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: stringField(part, 'text', at) };
    case 'input_image': {
      if (typeof part.image_url !== 'string' || part.image_url === '') {
        if (part.file_id)
          throw unsupported(
            'unsupported_file_id',
            `\`${at}.file_id\`: OpenAI file ids can only be read by OpenAI; send the image as \`image_url\` (a URL or a data URL).`,
            `${at}.file_id`,
          );
        throw invalidRequest(`\`${at}.image_url\` must be a URL or a data URL.`, `${at}.image_url`);
      }
      const imageURL: Json = { url: part.image_url };
      if (typeof part.detail === 'string') imageURL.detail = part.detail;
      return { type: 'image_url', image_url: imageURL };
    }
    case 'input_file': {
      if (typeof part.file_url === 'string' && part.file_data === undefined)
        throw unsupported(
          'unsupported_input',
          `\`${at}.file_url\` is fetched by OpenAI only; send the file as \`file_data\` (a base64 data URL).`,
          `${at}.file_url`,
        );
      const file: Json = {};
      for (const key of ['file_data', 'file_id', 'filename'] as const)
        if (part[key] !== undefined) file[key] = part[key];
      return { type: 'file', file };
    }
    default:
      throw invalidRequest(
        `\`${at}.type\` \`${String(part?.type)}\` is not an input content part (input_text, input_image, input_file).`,
        `${at}.type`,
      );
  }
}

/** An assistant message's text: its output_text (and refusal) parts, joined. */
function assistantText(content: unknown, at: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content))
    throw invalidRequest(`\`${at}.content\` must be a string or an array of content parts.`, `${at}.content`);
  return content
    .map((part: Json, k) => {
      const where = `${at}.content[${k}]`;
      if (part?.type === 'output_text' || part?.type === 'input_text') return stringField(part, 'text', where);
      if (part?.type === 'refusal') return stringField(part, 'refusal', where);
      throw invalidRequest(
        `\`${where}.type\` \`${String(part?.type)}\` is not an assistant content part (output_text, refusal).`,
        `${where}.type`,
      );
    })
    .join('');
}

/** The text parts of a system or developer message (chat's system messages take text only). */
function textOf(content: readonly Json[], at: string): string {
  return content
    .map((part, k) => {
      if (part?.type === 'input_text' || part?.type === 'output_text') return stringField(part, 'text', `${at}[${k}]`);
      throw invalidRequest(
        `\`${at}[${k}]\` must be an input_text part (system messages take text only).`,
        `${at}[${k}]`,
      );
    })
    .join('\n\n');
}

function toolMessage(item: Json, at: string): ChatMessage {
  if (typeof item.call_id !== 'string' || item.call_id === '')
    throw invalidRequest(`\`${at}.call_id\` must be a non-empty string.`, `${at}.call_id`);
  const output = item.output;
  if (typeof output === 'string') return { role: 'tool', tool_call_id: item.call_id, content: output };
  if (!Array.isArray(output))
    throw invalidRequest(`\`${at}.output\` must be a string or an array of content parts.`, `${at}.output`);
  const parts = output.map((part: Json, k) => {
    if (part?.type === 'input_text') return { type: 'text', text: stringField(part, 'text', `${at}.output[${k}]`) };
    throw unsupported(
      'unsupported_content',
      `\`${at}.output[${k}]\` is \`${String(part?.type)}\`: a function call output reaches this provider through chat completions, whose tool messages hold text only.`,
      `${at}.output[${k}].type`,
    );
  });
  return { role: 'tool', tool_call_id: item.call_id, content: parts };
}

function stringField(part: Json, key: string, at: string): string {
  const value = part[key];
  if (typeof value !== 'string') throw invalidRequest(`\`${at}.${key}\` must be a string.`, `${at}.${key}`);
  return value;
}

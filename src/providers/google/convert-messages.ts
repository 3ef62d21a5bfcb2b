/**
 * OpenAI `messages` → Gemini `systemInstruction` + `contents` (https://ai.google.dev/api/caching#Content):
 * - system and developer messages, wherever they are, join `systemInstruction` in order;
 * - user → `user` parts (text, images, audio, files); assistant → `model` parts (text, then one
 *   `functionCall` per tool call with its arguments parsed; invalid JSON is a 400 naming it);
 * - tool → a `functionResponse` in a `user` turn, named after the assistant tool call it answers
 *   (OpenAI tool messages carry only the id; Gemini matches results by name and order);
 * - consecutive turns of one role are merged (parallel results go back together, as Gemini wants);
 * - thought signatures go back where they came from (see thought-signatures.ts).
 * Tool-call ids are not sent to Gemini: they may come from another provider, Gemini matches by order.
 */
import { invalidRequest } from '../../errors.js';
import { audioPart, filePart, imagePart } from './convert-media.js';
import type { GeminiContent, GeminiPart } from './gemini-types.js';
import type { ParamReport } from '../kit/param-policy.js';
import { readSignature, SKIP_SIGNATURE_VALIDATOR } from './thought-signatures.js';

export interface ConvertedMessages {
  systemInstruction?: { parts: GeminiPart[] };
  contents: GeminiContent[];
}

type Message = Record<string, any>;

export function convertMessages(
  messages: readonly unknown[],
  report: ParamReport,
  options: { injectSkipSignature: boolean },
): ConvertedMessages {
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  const toolNames = new Map<string, string>();
  const push = (role: GeminiContent['role'], parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  messages.forEach((raw, i) => {
    const message = raw as Message;
    const where = `messages[${i}]`;
    if (message.name !== undefined && message.name !== null && message.role !== 'tool')
      report.drop(`${where}.name`, 'Gemini turns carry no participant names');
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...textParts(message.content, where));
        break;
      case 'user':
        push('user', userParts(message.content, where, report));
        break;
      case 'assistant':
        push('model', assistantParts(message, where, toolNames, options.injectSkipSignature));
        break;
      case 'tool':
        push('user', [toolResultPart(message, where, toolNames)]);
        break;
      case 'function':
        throw invalidRequest(
          `\`${where}\`: \`function\` messages (the deprecated functions API) are not translated for Google Gemini; use \`tool\` messages.`,
          `${where}.role`,
        );
      default:
        throw invalidRequest(
          `\`${where}.role\` \`${String(message.role)}\` is not a chat message role.`,
          `${where}.role`,
        );
    }
  });

  // Gemini needs at least one turn: a conversation of system messages alone becomes the user turn.
  if (contents.length === 0 && system.length) return { contents: [{ role: 'user', parts: system }] };
  return system.length ? { systemInstruction: { parts: system }, contents } : { contents };
}

function textParts(content: unknown, where: string): GeminiPart[] {
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  if (!Array.isArray(content)) {
    if (content === null || content === undefined) return [];
    throw invalidRequest(`\`${where}.content\` must be a string or an array of content parts.`, `${where}.content`);
  }
  const parts: GeminiPart[] = [];
  content.forEach((part: Message, j) => {
    const text = part?.type === 'text' ? part.text : part?.type === 'refusal' ? part.refusal : undefined;
    if (typeof text !== 'string')
      throw invalidRequest(`\`${where}.content[${j}]\` must be a text part here.`, `${where}.content[${j}]`);
    if (text) parts.push({ text });
  });
  return parts;
}

function userParts(content: unknown, where: string, report: ParamReport): GeminiPart[] {
  if (!Array.isArray(content)) return textParts(content, where);
  const parts: GeminiPart[] = [];
  content.forEach((part: Message, j) => {
    const at = `${where}.content[${j}]`;
    switch (part?.type) {
      case 'text':
        if (typeof part.text !== 'string') throw invalidRequest(`\`${at}.text\` must be a string.`, `${at}.text`);
        if (part.text) parts.push({ text: part.text });
        break;
      case 'image_url':
        parts.push(imagePart(part.image_url, at, report));
        break;
      case 'input_audio':
        parts.push(audioPart(part.input_audio, at));
        break;
      case 'file':
        parts.push(filePart(part.file, at));
        break;
      default:
        throw invalidRequest(
          `\`${at}.type\` \`${String(part?.type)}\` is not a content part Google Gemini accepts.`,
          `${at}.type`,
        );
    }
  });
  return parts;
}

function assistantParts(
  message: Message,
  where: string,
  toolNames: Map<string, string>,
  injectSkipSignature: boolean,
): GeminiPart[] {
  const parts = textParts(message.content, where);
  const signature = readSignature(message);
  if (signature) {
    // A signature from a text or thought part goes back on the last text part of the turn.
    const lastText = parts[parts.length - 1];
    if (lastText) lastText.thoughtSignature = signature;
    else parts.push({ text: '', thoughtSignature: signature });
  }
  const calls: unknown[] = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  calls.forEach((raw, j) => {
    const call = raw as Message;
    const at = `${where}.tool_calls[${j}]`;
    const name = call?.function?.name;
    if (typeof name !== 'string' || !name)
      throw invalidRequest(`\`${at}.function.name\` must be a non-empty string.`, `${at}.function.name`);
    if (typeof call.id === 'string') toolNames.set(call.id, name);
    const part: GeminiPart = {
      functionCall: { name, args: parseArguments(call.function.arguments, `${at}.function.arguments`) },
    };
    const callSignature = readSignature(call);
    if (callSignature) part.thoughtSignature = callSignature;
    // Gemini 3 wants a signature on the first call of each step; history from elsewhere has none.
    else if (j === 0 && injectSkipSignature) part.thoughtSignature = SKIP_SIGNATURE_VALIDATOR;
    parts.push(part);
  });
  return parts;
}

function parseArguments(value: unknown, param: string): Record<string, unknown> {
  if (value === undefined || value === null || value === '') return {};
  if (typeof value !== 'string') throw invalidRequest(`\`${param}\` must be a JSON string.`, param);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidRequest(`\`${param}\` is not valid JSON; Google Gemini needs the arguments as an object.`, param);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest(
      `\`${param}\` must be a JSON object; Google Gemini takes function arguments as an object.`,
      param,
    );
  }
  return parsed as Record<string, unknown>;
}

/** A tool result: a JSON object goes as the response itself, anything else under `output`. */
function toolResultPart(message: Message, where: string, toolNames: Map<string, string>): GeminiPart {
  const id = message.tool_call_id;
  const name = typeof id === 'string' ? toolNames.get(id) : undefined;
  if (!name) {
    throw invalidRequest(
      `\`${where}.tool_call_id\` does not match a tool call of an earlier assistant message; Google Gemini needs the function name it answers.`,
      `${where}.tool_call_id`,
    );
  }
  const text = Array.isArray(message.content)
    ? textParts(message.content, where)
        .map((part) => part.text)
        .join('')
    : typeof message.content === 'string'
      ? message.content
      : '';
  let response: Record<string, unknown> = { output: text };
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
        response = parsed as Record<string, unknown>;
    } catch {
      // not JSON: keep it as text
    }
  }
  return { functionResponse: { name, response } };
}

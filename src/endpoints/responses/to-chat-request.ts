/**
 * A Responses request as a chat completions body, for providers that do not serve the Responses
 * API (the engine sets `model`, `stream` and `stream_options`). What chat cannot honour:
 * - `truncation: "auto"` is accepted but nothing is dropped from the conversation (the provider
 *   answers an overflow with its own 400), as with `"disabled"`;
 * - `text.verbosity`, `max_tool_calls`, `top_logprobs`, `service_tier`, `prompt_cache_key`,
 *   `safety_identifier`, `include` and `store` are accepted and echoed, not sent (the answer's
 *   reasoning items always carry the provider's reasoning state in `encrypted_content`);
 * - `background`, `conversation` and stored `prompt`s need OpenAI's server-side state: a 400 that
 *   falls back to a model that serves the Responses API natively;
 * - `previous_response_id` is expanded before the bridge (by the response store) and never sent.
 */
import { invalidRequest, unsupported } from '../../errors.js';
import type { BridgeTarget } from '../endpoint.js';
import { inputToMessages } from './responses-input.js';
import { toolsToChat } from './responses-tools.js';

type Json = Record<string, any>;

/** Fields copied under the same name. */
const SAME = ['temperature', 'top_p', 'user', 'parallel_tool_calls'] as const;
/** Fields only OpenAI's own server state can serve. */
const STATEFUL = ['background', 'conversation', 'prompt'] as const;

/** The chat body for a Responses body (gateway parameters removed); throws a 400 GatewayError naming what it cannot carry. */
export function toChatRequest(body: Json, target: BridgeTarget): Json {
  for (const field of STATEFUL) {
    const value = body[field];
    if (value !== undefined && value !== null && value !== false)
      throw unsupported(
        'unsupported_parameter',
        `\`${field}\` needs OpenAI's server-side state; \`${target.providerId}\` (${target.providerKind}) is reached through chat completions. Send the whole conversation in \`input\` instead.`,
        field,
      );
  }
  for (const field of ['text', 'reasoning'] as const) {
    const value = body[field];
    if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value)))
      throw invalidRequest(`\`${field}\` must be an object.`, field);
  }
  const chat: Json = { messages: inputToMessages(body, target) };
  if (chat.messages.length === 0)
    throw invalidRequest('`input` is required: a string or a non-empty array of input items.', 'input');
  for (const field of SAME) if (body[field] !== undefined && body[field] !== null) chat[field] = body[field];
  if (body.max_output_tokens !== undefined && body.max_output_tokens !== null)
    chat.max_completion_tokens = body.max_output_tokens;
  Object.assign(chat, toolsToChat(body, target));
  if (chat.tools === undefined) delete chat.parallel_tool_calls;
  const effort = body.reasoning?.effort;
  if (effort !== undefined && effort !== null) chat.reasoning_effort = effort;
  const format = responseFormat(body.text?.format);
  if (format) chat.response_format = format;
  if (
    body.truncation !== undefined &&
    body.truncation !== null &&
    body.truncation !== 'auto' &&
    body.truncation !== 'disabled'
  )
    throw invalidRequest('`truncation` must be "auto" or "disabled".', 'truncation');
  return chat;
}

/** `text.format` → chat's `response_format` (none for plain text). */
function responseFormat(format: unknown): Json | undefined {
  if (format === undefined || format === null) return undefined;
  const f = format as Json;
  switch (f.type) {
    case 'text':
      return undefined;
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      if (typeof f.name !== 'string' || f.name === '')
        throw invalidRequest('`text.format.name` must be a non-empty string.', 'text.format.name');
      if (typeof f.schema !== 'object' || f.schema === null)
        throw invalidRequest('`text.format.schema` must be a JSON schema object.', 'text.format.schema');
      const schema: Json = { name: f.name, schema: f.schema };
      if (typeof f.description === 'string') schema.description = f.description;
      if (typeof f.strict === 'boolean') schema.strict = f.strict;
      return { type: 'json_schema', json_schema: schema };
    }
    default:
      throw invalidRequest(
        `\`text.format.type\` \`${String(f.type)}\` is not one of text, json_object, json_schema.`,
        'text.format.type',
      );
  }
}

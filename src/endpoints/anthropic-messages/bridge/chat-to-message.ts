/**
 * A chat completion as a Messages API answer (the bridge's JSON half): reasoning and the provider's
 * signatures → one thinking block first (its signature an envelope, reasoning-envelope.ts), the text,
 * a refusal as text, tool calls → `tool_use` blocks with their input parsed; `finish_reason` →
 * `stop_reason`; usage with Anthropic's disjoint input counts.
 */
import { sealEnvelope } from '../../../util/reasoning-envelope.js';
import type { BridgeTarget } from '../../endpoint.js';
import { messageId, toolUseId } from './message-ids.js';
import { originalToolNames } from './tool-names.js';

type Json = Record<string, any>;

export function chatToMessage(completion: Json, request: Json, target: BridgeTarget): Json {
  const choice = (completion.choices?.[0] ?? {}) as Json;
  const message = (choice.message ?? {}) as Json;
  const content: Json[] = [];
  const calls: Record<string, string> = {};
  const toolUses: Json[] = [];
  const names = originalToolNames(request);
  for (const call of Array.isArray(message.tool_calls) ? (message.tool_calls as Json[]) : []) {
    const id = typeof call.id === 'string' && call.id ? call.id : toolUseId();
    const signature = call.extra_content?.google?.thought_signature;
    if (typeof signature === 'string' && signature) calls[id] = signature;
    toolUses.push({
      type: 'tool_use',
      id,
      name: names.get(call.function?.name) ?? call.function?.name ?? '',
      input: parseInput(call.function?.arguments),
      caller: { type: 'direct' },
    });
  }
  const messageSignature = message.extra_content?.google?.thought_signature;
  const reasoning = typeof message.reasoning_content === 'string' ? message.reasoning_content : '';
  const signed = typeof messageSignature === 'string' && messageSignature !== '';
  const blocks = Array.isArray(message.thinking_blocks) ? (message.thinking_blocks as unknown[]) : [];
  if (reasoning || signed || Object.keys(calls).length || blocks.length) {
    const signature = sealEnvelope({
      kind: target.providerKind,
      model: target.model,
      message: signed ? messageSignature : undefined,
      calls,
      blocks,
    });
    content.push({ type: 'thinking', thinking: reasoning, signature });
  }
  if (typeof message.content === 'string' && message.content)
    content.push({ type: 'text', text: message.content, citations: null });
  if (typeof message.refusal === 'string' && message.refusal)
    content.push({ type: 'text', text: message.refusal, citations: null });
  content.push(...toolUses);
  const { stopReason, stopSequence } = stopReasonOf(choice, request, toolUses.length > 0, Boolean(message.refusal));
  return {
    id: messageId(completion.id),
    type: 'message',
    role: 'assistant',
    model: typeof request.model === 'string' ? request.model : target.model,
    content,
    stop_reason: stopReason,
    stop_sequence: stopSequence,
    stop_details: null,
    container: null,
    usage: { ...messagesUsage(completion.usage), cache_creation: null, inference_geo: null, service_tier: null },
  };
}

/** Tool arguments as the object Anthropic's `input` is; arguments that are not a JSON object become `{}`. */
export function parseInput(args: unknown): Json {
  if (typeof args !== 'string' || args.trim() === '') return {};
  try {
    const parsed = JSON.parse(args);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/**
 * `finish_reason` → `stop_reason`. A stop sequence is named when the upstream says which one ended
 * the answer (vLLM and others put it in `stop_reason`); a turn with tool calls is `tool_use`
 * whatever the upstream said, so that agents run their tools (claude-code#16785).
 */
export function stopReasonOf(
  choice: Json,
  request: Json,
  hasToolUse: boolean,
  refused: boolean,
): { stopReason: string; stopSequence: string | null } {
  const finish = choice.finish_reason;
  const sequences: unknown[] = Array.isArray(request.stop_sequences) ? request.stop_sequences : [];
  if (finish === 'length') return { stopReason: 'max_tokens', stopSequence: null };
  if (hasToolUse || finish === 'tool_calls' || finish === 'function_call')
    return { stopReason: 'tool_use', stopSequence: null };
  if (finish === 'content_filter' || refused) return { stopReason: 'refusal', stopSequence: null };
  if (typeof choice.stop_reason === 'string' && sequences.includes(choice.stop_reason))
    return { stopReason: 'stop_sequence', stopSequence: choice.stop_reason };
  return { stopReason: 'end_turn', stopSequence: null };
}

const count = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;

/**
 * OpenAI's usage (`prompt_tokens` includes cached and cache-written tokens) as Anthropic's, whose
 * `input_tokens` excludes both.
 */
export function messagesUsage(usage: unknown): Json {
  const u = (usage ?? {}) as Json;
  const details = (u.prompt_tokens_details ?? {}) as Json;
  const read = count(details.cached_tokens) || count(u.prompt_cache_hit_tokens);
  const written = count(details.cache_write_tokens) || count(details.cache_creation_tokens);
  const prompt = count(u.prompt_tokens);
  const completion = count(u.completion_tokens);
  // xAI counts reasoning on top of completion_tokens (its total says so); Anthropic's output includes thinking.
  const reasoning = count(u.completion_tokens_details?.reasoning_tokens);
  const onTop = reasoning > 0 && count(u.total_tokens) === prompt + completion + reasoning;
  return {
    input_tokens: Math.max(0, prompt - read - written),
    output_tokens: onTop ? completion + reasoning : completion,
    cache_creation_input_tokens: written,
    cache_read_input_tokens: read,
    server_tool_use: null,
  };
}

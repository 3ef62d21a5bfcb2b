/**
 * Provider reasoning state in a reasoning item's `encrypted_content`, so that it comes back intact
 * on the next turn and goes only to the kind of provider that made it.
 *
 * Chat completions carry that state in two fields the provider converters read back:
 * - `thinking_blocks` on the assistant message: Anthropic's (and Bedrock's) signed thinking blocks,
 *   which Claude requires back in the assistant turn of a tool loop;
 * - `extra_content` (`{ google: { thought_signature } }`) on the message and on each tool call:
 *   Gemini's thought signatures, which Gemini 3 requires back on the function calls;
 * - `reasoning_content` on the assistant message, for chat servers whose reasoning has no
 *   signature (DeepSeek's thinking mode, served by vLLM and others, wants it back in a tool loop).
 *
 * The envelope is base64 of `{"v":1,"provider":<provider kind>,"message":{...},"calls":{<call_id>:{...}}}`.
 * It is not encrypted: it holds what the client already saw (the thinking text) and signatures only
 * the provider can check. One whose `provider` is not the target's kind, of another version, or not
 * ours at all (OpenAI's own encrypted reasoning) is dropped, never sent to the wrong provider.
 */

/** The chat fields that carry reasoning state, on the assistant message and on its tool calls. */
export interface ReasoningState {
  message: { thinking_blocks?: unknown[]; extra_content?: Record<string, unknown>; reasoning_content?: string };
  /** By tool call id (the Responses `call_id`). */
  calls: Record<string, { extra_content: Record<string, unknown> }>;
}

const VERSION = 1;

export function emptyReasoningState(): ReasoningState {
  // Call ids come from the client and the upstream: a map without a prototype, where `__proto__` is a key like any other.
  return { message: {}, calls: Object.create(null) as ReasoningState['calls'] };
}

export function hasReasoningState(state: ReasoningState): boolean {
  return Object.keys(state.message).length > 0 || Object.keys(state.calls).length > 0;
}

/** The `encrypted_content` for a provider kind's reasoning state. */
export function sealReasoning(providerKind: string, state: ReasoningState): string {
  const envelope = { v: VERSION, provider: providerKind, message: state.message, calls: state.calls };
  return Buffer.from(JSON.stringify(envelope), 'utf8').toString('base64');
}

/** The reasoning state in `encrypted_content` when it is ours and made by `providerKind`; undefined otherwise. */
export function openReasoning(encrypted: unknown, providerKind: string): ReasoningState | undefined {
  if (typeof encrypted !== 'string' || encrypted === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted)) return undefined;
  let envelope: any;
  try {
    envelope = JSON.parse(Buffer.from(encrypted, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof envelope !== 'object' || envelope === null) return undefined;
  if (envelope.v !== VERSION || envelope.provider !== providerKind) return undefined;
  const state = emptyReasoningState();
  const message = isObject(envelope.message) ? envelope.message : {};
  if (Array.isArray(message.thinking_blocks)) state.message.thinking_blocks = message.thinking_blocks;
  if (isObject(message.extra_content)) state.message.extra_content = message.extra_content;
  if (typeof message.reasoning_content === 'string') state.message.reasoning_content = message.reasoning_content;
  if (isObject(envelope.calls)) {
    for (const [id, call] of Object.entries(envelope.calls)) {
      if (isObject(call) && isObject(call.extra_content)) state.calls[id] = { extra_content: call.extra_content };
    }
  }
  return state;
}

/** Adds `from` to `into`: thinking blocks and reasoning text in order, the latest message extra_content, every call's. */
export function mergeReasoningState(into: ReasoningState, from: ReasoningState): void {
  if (from.message.thinking_blocks)
    into.message.thinking_blocks = [...(into.message.thinking_blocks ?? []), ...from.message.thinking_blocks];
  if (from.message.extra_content) into.message.extra_content = from.message.extra_content;
  if (from.message.reasoning_content !== undefined)
    into.message.reasoning_content = (into.message.reasoning_content ?? '') + from.message.reasoning_content;
  Object.assign(into.calls, from.calls);
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

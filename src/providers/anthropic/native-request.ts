/**
 * The gateway's Anthropic route to Anthropic itself: the client's Messages API body goes upstream as
 * it came (the engine already put the target's model in it and took the gateway parameters out),
 * and the answer comes back untouched. Claude Code's contract: `anthropic-version` and
 * `anthropic-beta` are the client's (https://code.claude.com/docs/en/llm-gateway-protocol), merged
 * with the provider's configured betas. One change to the body: thinking blocks whose signature is
 * another provider's envelope (reasoning-envelope.ts, a conversation that began on Gemini) are
 * removed, since Anthropic refuses a signature it did not make.
 */
import type { UpstreamRequest } from '../../transport/types.js';
import { ENVELOPE_PREFIX, isEnvelope } from '../../util/reasoning-envelope.js';
import type { ProviderCall } from '../types.js';

export interface NativeTarget {
  /** `{baseURL}/messages`. */
  url: string;
  /** The provider's own headers: its key, the configured `anthropic-version`, content type. */
  headers: Record<string, string>;
  /** Betas the provider is configured with (`betaHeaders`). */
  betas: readonly string[];
}

export function nativeRequest(call: ProviderCall, target: NativeTarget): UpstreamRequest {
  const headers: Record<string, string> = { ...target.headers };
  const version = call.headers?.['anthropic-version'];
  if (version) headers['anthropic-version'] = version;
  const betas = new Set(target.betas);
  for (const beta of (call.headers?.['anthropic-beta'] ?? '').split(',')) if (beta.trim()) betas.add(beta.trim());
  if (betas.size) headers['anthropic-beta'] = [...betas].join(',');
  else delete headers['anthropic-beta'];
  if (call.stream) headers.accept = 'text/event-stream';
  const url = call.operation === 'count_tokens' ? `${target.url}/count_tokens` : target.url;
  const text = JSON.stringify(call.body);
  // The common case costs one search of the text already built.
  const body = text.includes(ENVELOPE_PREFIX) ? JSON.stringify(withoutForeignThinking(call.body)) : text;
  return { url, method: 'POST', headers, body };
}

/** A copy of the body without the thinking blocks other providers signed. */
function withoutForeignThinking(body: Record<string, unknown>): Record<string, unknown> {
  const messages = body.messages;
  if (!Array.isArray(messages)) return body;
  return {
    ...body,
    messages: messages.map((message: { role?: unknown; content?: unknown }) => {
      if (message?.role !== 'assistant' || !Array.isArray(message.content)) return message;
      const content = message.content.filter(
        (block: { type?: unknown; signature?: unknown }) =>
          !(block?.type === 'thinking' && isEnvelope(block.signature)),
      );
      // Anthropic refuses an empty turn and empty text: a turn that held nothing else says so.
      return { ...message, content: content.length ? content : [{ type: 'text', text: '(reasoning omitted)' }] };
    }),
  };
}

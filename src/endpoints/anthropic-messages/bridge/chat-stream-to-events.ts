/**
 * Chat completion chunks in, the Messages API's stream out (the bridge's stream half), in
 * Anthropic's exact event order: `message_start` (its usage an estimate of the prompt, never zeros:
 * Claude Code reads it, LiteLLM#24176), `ping`, then per block `content_block_start` /
 * `content_block_delta` (`thinking_delta` + `signature_delta`, `text_delta`, `input_json_delta`) /
 * `content_block_stop` with consecutive indexes and every block stopped, and at the end
 * `message_delta` (stop_reason, the real usage) and `message_stop`. A provider's signatures (Gemini's
 * thought signatures, Bedrock's signed `thinking_blocks`) arrive scattered over the chunks; they leave in one signature-only thinking block before
 * `message_delta`, as an envelope the next request restores.
 */
import type { ChatCompletionChunk } from '../../../providers/openai-types.js';
import { sealEnvelope } from '../../../util/reasoning-envelope.js';
import type { BridgeStream, BridgeTarget, StreamFrame } from '../../endpoint.js';
import { messagesUsage, stopReasonOf } from './chat-to-message.js';
import { messageId, toolUseId } from './message-ids.js';
import { originalToolNames } from './tool-names.js';

type Json = Record<string, any>;
type BlockKind = 'thinking' | 'text' | 'tool_use';

const frame = (event: string, payload: Json): StreamFrame => ({ event, data: JSON.stringify(payload) });

export class ChatStreamToEvents implements BridgeStream {
  private started = false;
  /** The open block's index and kind; -1 when none is open. */
  private index = -1;
  private kind: BlockKind | undefined;
  private nextIndex = 0;
  /** Content block index of each tool call, by the chunk's tool call index. */
  private readonly toolBlocks = new Map<number, number>();
  private finish: Json = {};
  private usage: unknown;
  private messageSignature: string | undefined;
  private readonly callSignatures: Record<string, string> = {};
  private signedBlocks: unknown[] = [];
  private sawToolUse = false;
  private refused = false;
  /** Upstream tool name → the client's, for names shortened on the way up. */
  private readonly toolNames: ReadonlyMap<string, string>;

  constructor(
    private readonly request: Json,
    private readonly target: BridgeTarget,
    /** The prompt's size as estimated before the answer (message_start's input_tokens). */
    private readonly estimatedInputTokens: number,
  ) {
    this.toolNames = originalToolNames(request);
  }

  push(chunk: ChatCompletionChunk): StreamFrame[] {
    const out: StreamFrame[] = [];
    if (!this.started) this.start(chunk, out);
    // The usage chunk comes last with empty choices; some servers put it on the last choice chunk.
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) return out;
    const delta = choice.delta ?? {};
    if (typeof delta.reasoning_content === 'string' && delta.reasoning_content) {
      this.open('thinking', { type: 'thinking', thinking: '', signature: '' }, out);
      out.push(this.delta({ type: 'thinking_delta', thinking: delta.reasoning_content }));
    }
    const signature = (delta.extra_content as Json | undefined)?.google?.thought_signature;
    if (typeof signature === 'string' && signature) this.messageSignature = signature;
    if (Array.isArray(delta.thinking_blocks)) this.signedBlocks = delta.thinking_blocks;
    for (const text of [delta.content, delta.refusal]) {
      if (typeof text !== 'string' || text === '') continue;
      if (text === delta.refusal) this.refused = true;
      this.open('text', { type: 'text', text: '', citations: null }, out);
      out.push(this.delta({ type: 'text_delta', text }));
    }
    if (delta.tool_calls) for (const call of delta.tool_calls) this.toolCall(call as Json, out);
    if (choice.finish_reason) {
      this.finish = choice;
      this.close(out);
    }
    return out;
  }

  end(): StreamFrame[] {
    const out: StreamFrame[] = [];
    if (!this.started) this.start(undefined, out);
    this.close(out);
    if (this.messageSignature || Object.keys(this.callSignatures).length || this.signedBlocks.length) {
      const signature = this.envelope();
      const index = this.nextIndex++;
      out.push(
        frame('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'thinking', thinking: '', signature: '' },
        }),
      );
      out.push(
        frame('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'signature_delta', signature },
        }),
      );
      out.push(frame('content_block_stop', { type: 'content_block_stop', index }));
    }
    const { stopReason, stopSequence } = stopReasonOf(this.finish, this.request, this.sawToolUse, this.refused);
    const usage = messagesUsage(this.usage);
    out.push(
      frame('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: stopReason, stop_sequence: stopSequence, stop_details: null, container: null },
        usage,
      }),
    );
    out.push(frame('message_stop', { type: 'message_stop' }));
    return out;
  }

  private start(chunk: ChatCompletionChunk | undefined, out: StreamFrame[]): void {
    this.started = true;
    const model = typeof this.request.model === 'string' ? this.request.model : this.target.model;
    const message = {
      id: messageId(chunk?.id),
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      stop_details: null,
      container: null,
      usage: {
        input_tokens: Math.max(1, this.estimatedInputTokens),
        output_tokens: 1,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        cache_creation: null,
        inference_geo: null,
        server_tool_use: null,
        service_tier: null,
      },
    };
    out.push(frame('message_start', { type: 'message_start', message }));
    out.push(frame('ping', { type: 'ping' }));
  }

  private toolCall(call: Json, out: StreamFrame[]): void {
    const position = typeof call.index === 'number' ? call.index : 0;
    let index = this.toolBlocks.get(position);
    if (index === undefined) {
      const id = typeof call.id === 'string' && call.id ? call.id : toolUseId();
      const signature = call.extra_content?.google?.thought_signature;
      if (typeof signature === 'string' && signature) this.callSignatures[id] = signature;
      this.sawToolUse = true;
      const upstreamName = call.function?.name ?? '';
      const name = this.toolNames.get(upstreamName) ?? upstreamName;
      index = this.open('tool_use', { type: 'tool_use', id, name, input: {}, caller: { type: 'direct' } }, out, true);
      this.toolBlocks.set(position, index);
    }
    const args = call.function?.arguments;
    // Deltas of a call whose block is no longer the open one (interleaved parallel calls) still name its index.
    if (typeof args === 'string' && args !== '')
      out.push(
        frame('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: args },
        }),
      );
  }

  /** Opens a block of `kind` unless one is open already (a new tool call always opens its own); returns its index. */
  private open(kind: BlockKind, block: Json, out: StreamFrame[], always = false): number {
    if (this.kind === kind && !always) return this.index;
    this.close(out);
    this.index = this.nextIndex++;
    this.kind = kind;
    out.push(frame('content_block_start', { type: 'content_block_start', index: this.index, content_block: block }));
    return this.index;
  }

  private close(out: StreamFrame[]): void {
    if (this.kind === undefined) return;
    // A thinking block is signed before it stops, as Anthropic does: the envelope names who thought it.
    if (this.kind === 'thinking')
      out.push(
        this.delta({
          type: 'signature_delta',
          signature: sealEnvelope({ kind: this.target.providerKind, model: this.target.model }),
        }),
      );
    out.push(frame('content_block_stop', { type: 'content_block_stop', index: this.index }));
    this.kind = undefined;
  }

  private delta(delta: Json): StreamFrame {
    return frame('content_block_delta', { type: 'content_block_delta', index: this.index, delta });
  }

  private envelope(): string {
    return sealEnvelope({
      kind: this.target.providerKind,
      model: this.target.model,
      message: this.messageSignature,
      calls: this.callSignatures,
      blocks: this.signedBlocks,
    });
  }
}

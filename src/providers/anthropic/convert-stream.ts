/**
 * Anthropic stream events → OpenAI chat chunks, one translator per request, synchronous.
 *
 * - Tool calls get OpenAI indexes of their own (0, 1, 2, ... in order of appearance), not
 *   Anthropic's block indexes, which also count text and thinking blocks. Arguments are always
 *   strings; a call that streamed no argument text gets `"{}"`.
 * - Thinking streams as `reasoning_content`; the finish chunk carries the signed blocks in
 *   `thinking_blocks`, complete, for the client to send back.
 * - `ping` is dropped; an `error` event throws an UpstreamErrorEvent, which the engine classifies
 *   (before the first content it falls back invisibly; after it the client gets an OpenAI error frame). A stream that ends
 *   without its `message_delta` throws too, rather than closing as if complete.
 * - `end()` always returns a usage chunk (empty choices); the engine removes it unless asked for.
 */
import { upstreamInvalidStream, upstreamStreamTruncated } from '../../errors.js';
import type { SseEvent } from '../../sse/sse-frames.js';
import type { NormalizedUsage } from '../../usage.js';
import type { ChatCompletionChunk, ChatDelta } from '../openai-types.js';
import type { StreamTranslator } from '../types.js';
import type { AnthropicUsage, SignedThinkingBlock, StreamEvent } from './anthropic-types.js';
import { anthropicErrorEvent } from './errors.js';
import { mapFinishReason } from './map-finish-reason.js';
import { JSON_TOOL } from './convert-request.js';
import { toOpenAIUsage } from '../../usage.js';
import { fromAnthropicUsage, mergeAnthropicUsage } from './usage.js';

export interface StreamOptions {
  providerId: string;
  /** The model asked for; the one in `message_start` replaces it. */
  model: string;
  /** Seconds since the epoch for every chunk's `created`. */
  created: number;
  /** The answer streams as the input of the forced `json` tool (a json_object request). */
  jsonTool: boolean;
}

interface Block {
  kind: 'text' | 'tool' | 'json' | 'thinking' | 'redacted' | 'other';
  /** The OpenAI tool-call index (kind `tool`). */
  toolIndex: number;
  /** Whether argument text was sent (kind `tool`/`json`). */
  argsSent: boolean;
  /** The tool input of content_block_start, sent when no argument text streams. */
  input: unknown;
  thinking: string;
  signature: string;
}

const NONE: ChatCompletionChunk[] = [];

export class AnthropicStreamTranslator implements StreamTranslator<SseEvent> {
  private id = '';
  private model: string;
  private readonly blocks: Block[] = [];
  private readonly thinkingBlocks: SignedThinkingBlock[] = [];
  private readonly usageSoFar: AnthropicUsage = {};
  private started = false;
  private finished = false;
  private toolCount = 0;

  constructor(private readonly options: StreamOptions) {
    this.model = options.model;
  }

  push(raw: SseEvent): ChatCompletionChunk[] {
    const event = this.parse(raw);
    switch (event.type) {
      case 'message_start': {
        const message = event.message ?? {};
        this.id = message.id ?? this.id;
        this.model = message.model ?? this.model;
        if (message.usage) mergeAnthropicUsage(this.usageSoFar, message.usage);
        this.started = true;
        return [this.chunk({ role: 'assistant', content: '' })];
      }
      case 'content_block_start':
        return this.startBlock(event.index, event.content_block);
      case 'content_block_delta':
        return this.delta(event);
      case 'content_block_stop':
        return this.stopBlock(event.index);
      case 'message_delta': {
        if (event.usage) mergeAnthropicUsage(this.usageSoFar, event.usage);
        const reason = mapFinishReason(event.delta?.stop_reason, this.options.jsonTool);
        const delta: ChatDelta = {};
        const explanation = event.delta?.stop_details?.explanation;
        if (reason === 'content_filter' && explanation) delta.refusal = explanation;
        if (this.thinkingBlocks.length) delta.thinking_blocks = this.thinkingBlocks;
        this.finished = true;
        return [this.chunk(delta, reason)];
      }
      case 'message_stop':
      case 'ping':
        return NONE;
      case 'error':
        throw anthropicErrorEvent(event.error);
      default: {
        // A future event type: read past it, as Anthropic's versioning policy asks of clients.
        const unknown: never = event;
        void unknown;
        return NONE;
      }
    }
  }

  end(): ChatCompletionChunk[] {
    if (!this.finished) {
      throw upstreamStreamTruncated(this.options.providerId, 'the message was complete');
    }
    return [
      {
        id: this.id,
        object: 'chat.completion.chunk',
        created: this.options.created,
        model: this.model,
        choices: [],
        usage: toOpenAIUsage(fromAnthropicUsage(this.usageSoFar)),
      },
    ];
  }

  usage(): NormalizedUsage | undefined {
    return this.started ? fromAnthropicUsage(this.usageSoFar) : undefined;
  }

  private startBlock(index: number, start: Record<string, any>): ChatCompletionChunk[] {
    const block: Block = {
      kind: 'other',
      toolIndex: -1,
      argsSent: false,
      input: undefined,
      thinking: '',
      signature: '',
    };
    this.blocks[index] = block;
    switch (start?.type) {
      case 'text':
        block.kind = 'text';
        return start.text ? [this.chunk({ content: start.text })] : NONE;
      case 'tool_use':
        block.input = start.input;
        if (this.options.jsonTool && start.name === JSON_TOOL.name) {
          block.kind = 'json';
          return NONE;
        }
        block.kind = 'tool';
        block.toolIndex = this.toolCount++;
        return [
          this.chunk({
            tool_calls: [
              { index: block.toolIndex, id: start.id, type: 'function', function: { name: start.name, arguments: '' } },
            ],
          }),
        ];
      case 'thinking':
        block.kind = 'thinking';
        block.thinking = start.thinking ?? '';
        block.signature = start.signature ?? '';
        return block.thinking ? [this.chunk({ reasoning_content: block.thinking })] : NONE;
      case 'redacted_thinking':
        block.kind = 'redacted';
        block.thinking = start.data ?? '';
        return NONE;
      default:
        return NONE;
    }
  }

  private delta(event: Extract<StreamEvent, { type: 'content_block_delta' }>): ChatCompletionChunk[] {
    const block = this.blocks[event.index];
    const delta = event.delta;
    if (!block || !delta) return NONE;
    switch (delta.type) {
      case 'text_delta':
        return delta.text ? [this.chunk({ content: delta.text })] : NONE;
      case 'input_json_delta':
        if (!delta.partial_json) return NONE;
        block.argsSent = true;
        if (block.kind === 'json') return [this.chunk({ content: delta.partial_json })];
        if (block.kind !== 'tool') return NONE;
        return [this.chunk({ tool_calls: [{ index: block.toolIndex, function: { arguments: delta.partial_json } }] })];
      case 'thinking_delta':
        if (!delta.thinking) return NONE;
        block.thinking += delta.thinking;
        return [this.chunk({ reasoning_content: delta.thinking })];
      case 'signature_delta':
        block.signature += delta.signature ?? '';
        return NONE;
      case 'citations_delta':
        return NONE;
      default: {
        const unknown: never = delta;
        void unknown;
        return NONE;
      }
    }
  }

  private stopBlock(index: number): ChatCompletionChunk[] {
    const block = this.blocks[index];
    if (!block) return NONE;
    if (block.kind === 'thinking')
      this.thinkingBlocks.push({ type: 'thinking', thinking: block.thinking, signature: block.signature });
    else if (block.kind === 'redacted') this.thinkingBlocks.push({ type: 'redacted_thinking', data: block.thinking });
    else if (!block.argsSent && (block.kind === 'tool' || block.kind === 'json')) {
      const args = JSON.stringify(block.input ?? {});
      return [
        this.chunk(
          block.kind === 'json'
            ? { content: args }
            : { tool_calls: [{ index: block.toolIndex, function: { arguments: args } }] },
        ),
      ];
    }
    return NONE;
  }

  private chunk(delta: ChatDelta, finishReason: string | null = null): ChatCompletionChunk {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.options.created,
      model: this.model,
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    };
  }

  private parse(raw: SseEvent): StreamEvent {
    let event: StreamEvent;
    try {
      event = JSON.parse(raw.data ?? '');
    } catch {
      throw upstreamInvalidStream(`Provider \`${this.options.providerId}\` sent a stream event that is not JSON.`);
    }
    if (typeof event !== 'object' || event === null) {
      throw upstreamInvalidStream(`Provider \`${this.options.providerId}\` sent a stream event that is not an object.`);
    }
    // The payload's `type` names the event; the SSE `event:` line says the same.
    if (typeof event.type !== 'string' && raw.event) (event as { type: string }).type = raw.event;
    return event;
  }
}

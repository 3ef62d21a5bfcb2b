/**
 * Chat completion chunks → the Responses API's stream events, in OpenAI's order, every event
 * numbered from 0 (`sequence_number`):
 * `response.created`, `response.in_progress`, then per output item, one after the other, each with
 * its own id and `output_index`: `response.output_item.added` → (message: `content_part.added`,
 * `output_text.delta`* | `refusal.delta`*, `…done`, `content_part.done` | function call:
 * `function_call_arguments.delta`*, `.done` | reasoning: `reasoning_summary_part.added`,
 * `reasoning_summary_text.delta`*, `.done`, `reasoning_summary_part.done`) → `response.output_item.done`;
 * and at `end()` exactly one terminal event, `response.completed` or `response.incomplete`
 * (`max_output_tokens` for finish reason `length`, `content_filter`), holding the whole response.
 *
 * Reasoning state (signatures) goes into `encrypted_content` (reasoning-envelope.ts): of the reasoning
 * item under way when it arrives, or else of one more reasoning item, without summary, before the
 * terminal event (Anthropic's signatures come with the finish chunk, Gemini's with the tool calls).
 * Reasoning text that came without any signature is kept there too, as `reasoning_content`, for
 * the chat servers that want it back in a tool loop.
 */
import type { ChatCompletionChunk, ChatDelta } from '../../providers/openai-types.js';
import type { BridgeStream, BridgeTarget, StreamFrame } from '../endpoint.js';
import { emptyReasoningState, hasReasoningState, sealReasoning, type ReasoningState } from './reasoning-envelope.js';
import { newId, newResponseSnapshot, toResponsesUsage } from './response-snapshot.js';

type Json = Record<string, any>;

/** The output item under way. */
interface Open {
  kind: 'message' | 'reasoning' | 'function_call';
  index: number;
  item: Json;
  /** Message: the content part under way (`output_text` or `refusal`), and its index. */
  part?: { type: 'output_text' | 'refusal'; index: number; text: string };
  /** Message: the parts done. Reasoning: the summary text. */
  parts: Json[];
  summary: string;
  /** Function call: chat's tool call index. */
  toolIndex?: number;
}

export class ResponsesStreamWriter implements BridgeStream {
  private sequence = 0;
  private frames: StreamFrame[] = [];
  private response: Json | undefined;
  private open: Open | undefined;
  private readonly output: Json[] = [];
  private finishReason: string | null = null;
  private usage: unknown;
  private state: ReasoningState = emptyReasoningState();
  /** All the reasoning text of the answer. */
  private reasoning = '';
  /** Whether signed state (thinking blocks, signatures) came: then the reasoning text need not go back. */
  private signed = false;
  /** Chat tool call indexes whose items are done. */
  private readonly doneCalls = new Set<number>();

  constructor(
    private readonly request: Json,
    private readonly target: BridgeTarget,
    private readonly createdAt = Math.floor(Date.now() / 1000),
  ) {}

  push(chunk: ChatCompletionChunk): StreamFrame[] {
    this.frames = [];
    if (!this.response) this.start(typeof chunk.model === 'string' && chunk.model ? chunk.model : this.target.model);
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices?.find((candidate) => candidate.index === 0) ?? chunk.choices?.[0];
    if (choice) {
      this.onDelta(choice.delta ?? {});
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
    return this.frames;
  }

  end(): StreamFrame[] {
    this.frames = [];
    if (!this.response) this.start(this.target.model);
    // Unsigned reasoning goes back as text: in the reasoning item still open, else in one more.
    if (this.reasoning !== '' && !this.signed) this.state.message.reasoning_content = this.reasoning;
    this.close();
    if (hasReasoningState(this.state)) {
      const item = { id: newId('rs'), type: 'reasoning', summary: [], encrypted_content: this.seal() };
      const index = this.output.length;
      this.output.push(item);
      this.emit('response.output_item.added', { output_index: index, item });
      this.emit('response.output_item.done', { output_index: index, item });
    }
    const response = this.response!;
    const reason =
      this.finishReason === 'length'
        ? 'max_output_tokens'
        : this.finishReason === 'content_filter'
          ? 'content_filter'
          : null;
    response.status = reason ? 'incomplete' : 'completed';
    response.incomplete_details = reason ? { reason } : null;
    response.completed_at = reason ? null : Math.floor(Date.now() / 1000);
    response.output = this.output;
    const usage = toResponsesUsage(this.usage);
    if (usage) response.usage = usage;
    this.emit(reason ? 'response.incomplete' : 'response.completed', { response });
    return this.frames;
  }

  /** The final response (after `end()`): the JSON answer of a non-streamed request. */
  finalResponse(): Json {
    return this.response ?? {};
  }

  private start(model: string): void {
    this.response = newResponseSnapshot(this.request, model, this.createdAt, this.target.kept === true);
    this.emit('response.created', { response: this.response });
    this.emit('response.in_progress', { response: this.response });
  }

  private onDelta(delta: ChatDelta): void {
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === 'string' && reasoning !== '') this.reasoningText(reasoning);
    // Collected before text opens a message, so that state sent with the reasoning stays with it.
    if (Array.isArray(delta.thinking_blocks)) {
      this.state.message.thinking_blocks = delta.thinking_blocks;
      this.signed = true;
    }
    if (isObject(delta.extra_content)) {
      this.state.message.extra_content = delta.extra_content;
      this.signed = true;
    }
    if (typeof delta.content === 'string' && delta.content !== '') this.text('output_text', delta.content);
    if (typeof delta.refusal === 'string' && delta.refusal !== '') this.text('refusal', delta.refusal);
    if (Array.isArray(delta.tool_calls)) for (const call of delta.tool_calls) this.toolCall(call as Json);
  }

  private reasoningText(text: string): void {
    let open = this.open;
    if (open?.kind !== 'reasoning') {
      open = this.begin('reasoning', { id: newId('rs'), type: 'reasoning', summary: [] });
      this.emit('response.reasoning_summary_part.added', {
        ...this.at(open),
        summary_index: 0,
        part: { type: 'summary_text', text: '' },
      });
    }
    open.summary += text;
    this.reasoning += text;
    this.emit('response.reasoning_summary_text.delta', { ...this.at(open), summary_index: 0, delta: text });
  }

  private text(type: 'output_text' | 'refusal', text: string): void {
    let open = this.open;
    if (open?.kind !== 'message')
      open = this.begin('message', {
        id: newId('msg'),
        type: 'message',
        status: 'in_progress',
        content: [],
        role: 'assistant',
      });
    if (open.part?.type !== type) {
      this.closePart(open);
      open.part = { type, index: open.parts.length, text: '' };
      this.emit('response.content_part.added', {
        ...this.at(open),
        content_index: open.part.index,
        part: contentPart(type, ''),
      });
    }
    open.part.text += text;
    const at = { ...this.at(open), content_index: open.part.index, delta: text };
    if (type === 'output_text') this.emit('response.output_text.delta', { ...at, logprobs: [] });
    else this.emit('response.refusal.delta', at);
  }

  private toolCall(call: Json): void {
    const index = typeof call.index === 'number' ? call.index : 0;
    const id = typeof call.id === 'string' && call.id ? call.id : undefined;
    // A new id starts a new call even at the same index (some servers number every call 0).
    const current = this.open;
    let open: Open;
    if (
      current?.kind === 'function_call' &&
      current.toolIndex === index &&
      (id === undefined || id === current.item.call_id)
    ) {
      open = current;
    } else {
      // A late piece of a call already done is dropped: chat servers send calls one after the other.
      if (id === undefined && this.doneCalls.has(index)) return;
      open = this.begin('function_call', {
        id: newId('fc'),
        type: 'function_call',
        status: 'in_progress',
        arguments: '',
        call_id: id ?? newId('call'),
        name: typeof call.function?.name === 'string' ? call.function.name : '',
      });
      open.toolIndex = index;
    }
    if (isObject(call.extra_content)) {
      this.state.calls[open.item.call_id] = { extra_content: call.extra_content };
      this.signed = true;
    }
    const args = call.function?.arguments;
    if (typeof args === 'string' && args !== '') {
      open.item.arguments += args;
      this.emit('response.function_call_arguments.delta', { ...this.at(open), delta: args });
    }
  }

  /** Closes the item under way and opens one of `kind` at the next output index. */
  private begin(kind: Open['kind'], item: Json): Open {
    this.close();
    const open: Open = { kind, index: this.output.length, item, parts: [], summary: '' };
    this.output.push(item);
    this.open = open;
    this.emit('response.output_item.added', { output_index: open.index, item });
    return open;
  }

  private close(): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    let done: Json;
    if (open.kind === 'reasoning') {
      const at = { ...this.at(open), summary_index: 0 };
      this.emit('response.reasoning_summary_text.done', { ...at, text: open.summary });
      this.emit('response.reasoning_summary_part.done', { ...at, part: { type: 'summary_text', text: open.summary } });
      done = { ...open.item, summary: [{ type: 'summary_text', text: open.summary }] };
      if (hasReasoningState(this.state)) done.encrypted_content = this.seal();
    } else if (open.kind === 'message') {
      this.closePart(open);
      const cut = this.finishReason === 'length' || this.finishReason === 'content_filter';
      done = { ...open.item, status: cut ? 'incomplete' : 'completed', content: open.parts };
    } else {
      const args = open.item.arguments === '' ? '{}' : (open.item.arguments as string);
      this.emit('response.function_call_arguments.done', { ...this.at(open), name: open.item.name, arguments: args });
      done = { ...open.item, status: 'completed', arguments: args };
    }
    this.output[open.index] = done;
    if (open.toolIndex !== undefined) this.doneCalls.add(open.toolIndex);
    this.emit('response.output_item.done', { output_index: open.index, item: done });
  }

  private closePart(open: Open): void {
    const part = open.part;
    if (!part) return;
    open.part = undefined;
    const at = { ...this.at(open), content_index: part.index };
    if (part.type === 'output_text') this.emit('response.output_text.done', { ...at, text: part.text, logprobs: [] });
    else this.emit('response.refusal.done', { ...at, refusal: part.text });
    const done = contentPart(part.type, part.text);
    open.parts.push(done);
    this.emit('response.content_part.done', { ...at, part: done });
  }

  private seal(): string {
    const sealed = sealReasoning(this.target.providerKind, this.state);
    this.state = emptyReasoningState();
    return sealed;
  }

  private at(open: Open): { item_id: string; output_index: number } {
    return { item_id: open.item.id, output_index: open.index };
  }

  /** `type` first (readers match it there), then `sequence_number` (the error frame numbers after it). */
  private emit(type: string, fields: Json): void {
    const payload = { type, sequence_number: this.sequence++, ...fields };
    this.frames.push({ event: type, data: JSON.stringify(payload) });
  }
}

function contentPart(type: 'output_text' | 'refusal', text: string): Json {
  return type === 'output_text' ? { type, annotations: [], logprobs: [], text } : { type, refusal: text };
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

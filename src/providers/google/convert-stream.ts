/**
 * `streamGenerateContent?alt=sse` → OpenAI chat chunks. Each SSE event is a whole
 * `GenerateContentResponse` holding the new parts of each candidate (text arrives in pieces,
 * a function call whole), the usage so far, and on the last event the `finishReason`
 * (https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent). An event may
 * also be a `google.rpc.Status` error; before the first content the engine then falls back.
 *
 * Synchronous and stateful, one per request: `push` per event, `end` once.
 * Per choice: the first chunk carries `role`; content, reasoning and tool-call deltas follow (each
 * tool call with its own index, id, name and complete arguments); the finish comes in a chunk of
 * its own, as OpenAI sends it; `end` adds the usage chunk (empty `choices`), which the engine strips
 * when the client did not ask for it.
 */
import { upstreamInvalidStream, upstreamStreamTruncated } from '../../errors.js';
import type { ChatCompletionChunk, ChatDelta, ChatToolCallDelta } from '../openai-types.js';
import type { StreamTranslator } from '../types.js';
import { toOpenAIUsage, type NormalizedUsage } from '../../usage.js';
import { geminiErrorEvent, malformedFunctionCall } from './errors.js';
import type {
  GeminiCandidate,
  GeminiFunctionCall,
  GeminiResponse,
  GeminiStatus,
  GeminiUsageMetadata,
} from './gemini-types.js';
import { isFailedCandidate, mapFinishReason } from './map-finish-reason.js';
import { argumentsJson, partKind, toOpenAILogprobs, toolCallId } from './read-parts.js';
import type { GeminiSseEvent } from './stream-decoder.js';
import { signatureCarrier } from './thought-signatures.js';
import { fromGeminiUsage } from './usage.js';

export interface StreamContext {
  providerId: string;
  model: string;
  newId: () => string;
  now: () => number;
}

type StreamMessage = { kind: 'response'; response: GeminiResponse } | { kind: 'error'; error: GeminiStatus };

interface ChoiceState {
  started: boolean;
  finished: boolean;
  produced: boolean;
  toolCalls: number;
}

type Choice = ChatCompletionChunk['choices'][number];

export function createGeminiStreamTranslator(context: StreamContext): StreamTranslator<GeminiSseEvent> {
  return new GeminiStreamTranslator(context);
}

class GeminiStreamTranslator implements StreamTranslator<GeminiSseEvent> {
  private id = '';
  private base = '';
  private model: string;
  private readonly created: number;
  private readonly choices: ChoiceState[] = [];
  private usageMetadata: GeminiUsageMetadata | undefined;

  constructor(private readonly context: StreamContext) {
    this.model = context.model;
    this.created = context.now();
  }

  push(event: GeminiSseEvent): ChatCompletionChunk[] {
    const message = readMessage(event.data, this.context.providerId);
    switch (message.kind) {
      case 'error':
        throw geminiErrorEvent(message.error);
      case 'response':
        return this.onResponse(message.response);
      default:
        return assertNever(message);
    }
  }

  end(): ChatCompletionChunk[] {
    if (this.choices.some((choice) => choice.started && !choice.finished)) {
      throw upstreamStreamTruncated(this.context.providerId, 'the answer was finished');
    }
    if (!this.usageMetadata || !this.id) return [];
    return [
      {
        id: this.id,
        object: 'chat.completion.chunk',
        created: this.created,
        model: this.model,
        choices: [],
        usage: toOpenAIUsage(fromGeminiUsage(this.usageMetadata)),
      },
    ];
  }

  usage(): NormalizedUsage | undefined {
    return this.usageMetadata ? fromGeminiUsage(this.usageMetadata) : undefined;
  }

  private onResponse(response: GeminiResponse): ChatCompletionChunk[] {
    if (!this.id) {
      this.base =
        typeof response.responseId === 'string' && response.responseId ? response.responseId : this.context.newId();
      this.id = `chatcmpl-${this.base}`;
      if (response.modelVersion) this.model = response.modelVersion;
    }
    if (response.usageMetadata) this.usageMetadata = response.usageMetadata;
    const chunks: ChatCompletionChunk[] = [];
    const candidates = response.candidates;
    if (!candidates?.length) {
      const first = this.choices[0];
      if (response.promptFeedback?.blockReason && !first?.finished) {
        // The prompt was blocked: say so the way OpenAI's content filter does (also after some text).
        chunks.push(
          this.chunk({
            index: 0,
            delta: first?.started ? {} : { role: 'assistant', content: null },
            finish_reason: 'content_filter',
          }),
        );
        this.choices[0] = {
          started: true,
          finished: true,
          produced: first?.produced ?? false,
          toolCalls: first?.toolCalls ?? 0,
        };
      }
      return chunks;
    }
    for (let position = 0; position < candidates.length; position++)
      this.onCandidate(candidates[position], position, candidates.length, chunks);
    return chunks;
  }

  private onCandidate(
    candidate: GeminiCandidate,
    position: number,
    count: number,
    chunks: ChatCompletionChunk[],
  ): void {
    const index = typeof candidate.index === 'number' ? candidate.index : position;
    const state = (this.choices[index] ??= { started: false, finished: false, produced: false, toolCalls: 0 });
    if (state.finished) return;
    // The delta is created on the first thing to say; the first delta of a choice carries the role.
    let delta: ChatDelta | undefined;
    const parts = candidate.content?.parts;
    if (parts) {
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i];
        const kind = partKind(part);
        switch (kind) {
          case 'text':
            if (part.text) {
              delta ??= this.openDelta(state);
              delta.content = delta.content ? delta.content + part.text : part.text;
              state.produced = true;
            }
            break;
          case 'thought':
            if (part.text) {
              delta ??= this.openDelta(state);
              delta.reasoning_content = delta.reasoning_content ? delta.reasoning_content + part.text : part.text;
            }
            break;
          case 'functionCall': {
            delta ??= this.openDelta(state);
            (delta.tool_calls ??= []).push(this.toolCall(part.functionCall!, part.thoughtSignature, index, state));
            continue;
          }
          case 'other':
            break;
          default:
            assertNever(kind);
        }
        if (part.thoughtSignature) {
          delta ??= this.openDelta(state);
          delta.extra_content = signatureCarrier(part.thoughtSignature);
        }
      }
    }
    const reason = candidate.finishReason;
    if (reason && count === 1 && isFailedCandidate(reason, state.produced)) {
      throw malformedFunctionCall(this.context.providerId);
    }
    if (delta) {
      const choice: Choice = { index, delta, finish_reason: null };
      if (candidate.logprobsResult)
        (choice as { logprobs?: unknown }).logprobs = toOpenAILogprobs(candidate.logprobsResult);
      chunks.push(this.chunk(choice));
    }
    if (reason) {
      state.finished = true;
      const finishDelta: ChatDelta = state.started ? {} : { role: 'assistant', content: '' };
      state.started = true;
      chunks.push(
        this.chunk({ index, delta: finishDelta, finish_reason: mapFinishReason(reason, state.toolCalls > 0) }),
      );
    }
  }

  private openDelta(state: ChoiceState): ChatDelta {
    if (state.started) return {};
    state.started = true;
    return { role: 'assistant' };
  }

  private toolCall(
    call: GeminiFunctionCall,
    signature: string | undefined,
    index: number,
    state: ChoiceState,
  ): ChatToolCallDelta {
    const toolCall: ChatToolCallDelta & { extra_content?: unknown } = {
      index: state.toolCalls,
      id: toolCallId(call, this.base, index, state.toolCalls),
      type: 'function',
      function: { name: call.name ?? '', arguments: argumentsJson(call) },
    };
    if (signature) toolCall.extra_content = signatureCarrier(signature);
    state.toolCalls++;
    state.produced = true;
    return toolCall;
  }

  private chunk(choice: Choice): ChatCompletionChunk {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [choice],
    };
  }
}

function readMessage(data: string, providerId: string): StreamMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw upstreamInvalidStream(`Provider \`${providerId}\` sent a stream event that is not a JSON object.`);
  }
  const error = (parsed as { error?: unknown }).error;
  if (typeof error === 'object' && error !== null) return { kind: 'error', error: error as GeminiStatus };
  return { kind: 'response', response: parsed as GeminiResponse };
}

function assertNever(value: never): never {
  throw new Error(`unhandled Gemini stream case: ${JSON.stringify(value)}`);
}

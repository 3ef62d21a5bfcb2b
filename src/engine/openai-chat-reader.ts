/**
 * Reads an upstream's chat completions stream (OpenAI's wire format) as chunks, for a route that
 * reaches the upstream through chat (a bridge): the same role a provider's stream translator plays
 * for its own events. An error payload fails the stream as the pass-through relay would.
 */
import { chatCompletions } from '../endpoints/chat-completions/index.js';
import { GatewayError, upstreamStreamTruncated } from '../errors.js';
import type { ChatCompletionChunk } from '../providers/openai-types.js';
import type { Provider, StreamTranslator } from '../providers/types.js';
import type { SseEvent } from '../sse/sse-frames.js';
import { fromOpenAIUsage, type NormalizedUsage } from '../usage.js';
import { upstreamStreamError, type UpstreamErrorPolicy } from './upstream-error.js';

const rules = chatCompletions.stream.passthrough;

export class OpenAIChatReader implements StreamTranslator<SseEvent> {
  private usageSeen: NormalizedUsage | undefined;
  private done = false;
  private finished = false;

  constructor(
    private readonly provider: Provider,
    private readonly errorPolicy?: UpstreamErrorPolicy,
  ) {}

  push(event: SseEvent): ChatCompletionChunk[] {
    const data = event.data;
    if (data === undefined || this.done) return [];
    if (data === rules.endMarker) {
      this.done = true;
      return [];
    }
    const isErrorEvent = event.event === 'error';
    if (isErrorEvent || data.includes(rules.errorHint)) {
      const error = rules.errorIn(data, isErrorEvent);
      if (error !== undefined) throw upstreamStreamError(this.provider, error, this.errorPolicy);
    }
    let chunk: ChatCompletionChunk;
    try {
      chunk = JSON.parse(data) as ChatCompletionChunk;
    } catch {
      throw invalidChunk(this.provider.id);
    }
    if (typeof chunk !== 'object' || chunk === null || !Array.isArray(chunk.choices))
      throw invalidChunk(this.provider.id);
    if (chunk.usage) this.usageSeen = fromOpenAIUsage(chunk.usage) ?? this.usageSeen;
    for (const choice of chunk.choices) if (choice.finish_reason) this.finished = true;
    return [chunk];
  }

  end(): ChatCompletionChunk[] {
    if (!this.done && !this.finished) throw upstreamStreamTruncated(this.provider.id, 'it was complete');
    return [];
  }

  usage(): NormalizedUsage | undefined {
    return this.usageSeen;
  }
}

function invalidChunk(providerId: string): GatewayError {
  return new GatewayError({
    status: 502,
    code: 'upstream_invalid_response',
    retryable: true,
    message: `Provider \`${providerId}\` sent a stream event that is not a chat completion chunk.`,
  });
}

/**
 * Relays a stream that needs translation (Anthropic, Gemini, Bedrock): decode the provider's events,
 * translate each synchronously to OpenAI chunks, and yield once per network chunk. Nothing is
 * yielded before the first content, so an error right after the stream opened can still fall back.
 */
import { GatewayError } from '../errors.js';
import type { ChatCompletionChunk } from '../providers/openai-types.js';
import type { Provider, ProviderCall } from '../providers/types.js';
import { sseEventDecoder } from '../sse/sse-event-decoder.js';
import type { PassthroughOptions, StreamTap } from './passthrough-stream.js';

export async function* translatedStream(
  body: AsyncIterable<Uint8Array>,
  provider: Provider,
  call: ProviderCall,
  options: PassthroughOptions,
  tap: StreamTap,
): AsyncGenerator<string> {
  const decoder = provider.createStreamDecoder?.() ?? sseEventDecoder(options.maxEventBytes);
  const translator = provider.createStreamTranslator!(call);
  if (options.keepPayloads) tap.payloads = [];
  let committed = false;
  let held = '';

  const serialise = (chunks: ChatCompletionChunk[]): string => {
    let out = '';
    for (const chunk of chunks) {
      if (options.stripUsage && chunk.usage && chunk.choices.length === 0) continue;
      if (!committed && carriesContent(chunk)) committed = true;
      const data = JSON.stringify(chunk);
      tap.firstPayload ??= data;
      tap.payloads?.push(data);
      out += `data: ${data}\n\n`;
    }
    return out;
  };

  try {
    for await (const bytes of body) {
      const wasCommitted = committed;
      let out = '';
      try {
        for (const event of decoder.push(bytes)) out += serialise(translator.push(event));
      } catch (error) {
        // Once the client has content, what the upstream sent before its error is the client's too.
        if (wasCommitted && (held || out)) yield held + out;
        throw error;
      }
      if (!committed) {
        held += out;
      } else if (held || out) {
        yield held + out;
        held = '';
      }
    }
    let out = '';
    for (const event of decoder.end()) out += serialise(translator.push(event));
    out += serialise(translator.end());
    if (!committed && !tap.firstPayload) {
      throw new GatewayError({ status: 502, code: 'upstream_empty_stream', retryable: true, message: `Provider \`${provider.id}\` ended its stream without sending any data.` });
    }
    if (held || out) yield held + out;
  } finally {
    // Also after an error or a client abort: the log keeps the usage known so far (DESIGN.md §4).
    tap.usage = translator.usage();
  }
}

function carriesContent(chunk: ChatCompletionChunk): boolean {
  for (const choice of chunk.choices) {
    const delta = choice.delta;
    if (choice.finish_reason || delta.content || delta.tool_calls?.length || delta.reasoning_content || delta.refusal) return true;
  }
  return false;
}

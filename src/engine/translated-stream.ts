/**
 * Relays a stream that needs translation (Anthropic, Gemini, Bedrock): decode the provider's events,
 * translate each synchronously to OpenAI chunks, and serialise them, per network chunk. Nothing is
 * relayed before the first content, so an error right after the stream opened can still fall back.
 * Translators speak chat completion chunks (`StreamTranslator`): they go out as chat completions,
 * or, for a route bridged through chat (`BridgedRoute`), as that route's frames.
 */
import { ChoicesAccumulator } from '../endpoints/chat-completions/accumulate-choices.js';
import type { BridgeStream, StreamFormat, StreamFrame } from '../endpoints/endpoint.js';
import { GatewayError, upstreamEmptyStream } from '../errors.js';
import { scrubError } from '../providers/kit/scrub-secrets.js';
import { UpstreamErrorEvent } from '../providers/kit/upstream-error-event.js';
import type { ChatCompletionChunk } from '../providers/openai-types.js';
import type { Provider, ProviderCall, StreamDecoder, StreamTranslator } from '../providers/types.js';
import { sseEventDecoder } from '../sse/sse-event-decoder.js';
import { HeldText, relayChunks, type ChunkRelay } from './chunk-relay.js';
import { ChunkSerialiser } from './chunk-serialiser.js';
import type { PassthroughOptions, StreamTap } from './passthrough-stream.js';
import { upstreamEventError } from './upstream-error.js';

/** Relays a translated body as an async iterable, one yield per network chunk. */
export function translatedStream(
  body: AsyncIterable<Uint8Array>,
  provider: Provider,
  call: ProviderCall,
  options: PassthroughOptions,
  tap: StreamTap,
): AsyncGenerator<string> {
  return relayChunks(body, new TranslatedRelay(provider, call, options, tap));
}

/** A route that reaches the provider through chat completions: its bridge turns the chunks into its frames. */
export interface BridgedRoute {
  /** The chunks' source when the provider has no translator of its own (an upstream speaking chat's wire format). */
  translator?: StreamTranslator;
  bridge: BridgeStream;
  /** The route's stream format (its output log). */
  format: StreamFormat;
}

export class TranslatedRelay implements ChunkRelay {
  failed = false;
  failure: unknown = undefined;
  readonly finished = false;
  private readonly decoder: StreamDecoder;
  private readonly translator: StreamTranslator;
  private readonly serialiser = new ChunkSerialiser();
  private committed = false;
  private sawChunk = false;
  private readonly held: HeldText;
  private readonly bridge: BridgeStream | undefined;

  constructor(
    private readonly provider: Provider,
    call: ProviderCall,
    private readonly options: PassthroughOptions,
    private readonly tap: StreamTap,
    route?: BridgedRoute,
  ) {
    const ownTranslator = route?.translator === undefined;
    this.decoder =
      (ownTranslator ? provider.createStreamDecoder?.({ maxEventBytes: options.maxEventBytes }) : undefined) ??
      sseEventDecoder(options.maxEventBytes);
    this.held = new HeldText(options.maxEventBytes);
    this.translator = route?.translator ?? provider.createStreamTranslator!(call);
    this.bridge = route?.bridge;
    if (options.keepPayloads) tap.payloads = [];
    if (options.keepOutput) tap.output = route ? route.format.createOutputLog() : new ChoicesAccumulator();
  }

  push(chunk: Uint8Array): string {
    const wasCommitted = this.committed;
    let out = '';
    try {
      const events = this.decoder.push(chunk);
      for (let i = 0; i < events.length; i++) out += this.serialise(this.translator.push(events[i]));
      return this.held.pass(out, this.committed);
    } catch (error) {
      this.fail(error);
      // Once the client has content, what the upstream sent before its error is the client's too.
      return wasCommitted ? out : '';
    }
  }

  end(): string {
    let out = '';
    try {
      for (const event of this.decoder.end()) out += this.serialise(this.translator.push(event));
      out += this.serialise(this.translator.end());
      if (this.bridge && this.sawChunk) out += this.frames(this.bridge.end());
    } catch (error) {
      this.fail(error);
      return '';
    }
    if (!this.committed && !this.sawChunk) {
      this.fail(upstreamEmptyStream(this.provider.id));
      return '';
    }
    return this.held.pass(out, true);
  }

  close(): void {
    // Also after an error or a client abort: the log keeps the usage known so far (DESIGN.md §4).
    this.tap.usage = this.translator.usage();
  }

  private fail(error: unknown): void {
    this.failed = true;
    if (error instanceof UpstreamErrorEvent) {
      // The upstream's own error event: classified as the HTTP error it stands for would be.
      this.failure = upstreamEventError(this.provider, error, this.options.errorPolicy);
    } else {
      // Decoders and translators quote upstream text in their errors: whatever they built, no key leaves.
      this.failure = GatewayError.isInstance(error) ? scrubError(error, this.provider.secrets) : error;
    }
  }

  private serialise(chunks: ChatCompletionChunk[]): string {
    let out = '';
    const tap = this.tap;
    for (let i = 0; i < chunks.length; i++) {
      const chunk = chunks[i];
      if (this.options.stripUsage && chunk.usage && chunk.choices.length === 0) continue;
      this.sawChunk = true;
      if (!this.committed && carriesContent(chunk)) this.committed = true;
      if (this.bridge) {
        out += this.frames(this.bridge.push(chunk));
        continue;
      }
      const data = this.serialiser.serialise(chunk);
      tap.firstPayload ??= data;
      tap.payloads?.push(data);
      tap.output?.push(data);
      out += `data: ${data}\n\n`;
    }
    return out;
  }

  /** Writes a bridged route's frames, and taps their data as the route's own payloads. */
  private frames(frames: StreamFrame[]): string {
    let out = '';
    const tap = this.tap;
    for (let i = 0; i < frames.length; i++) {
      const { event, data } = frames[i];
      tap.firstPayload ??= data;
      tap.lastPayload = data;
      tap.payloads?.push(data);
      tap.output?.push(data);
      out += event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
    }
    return out;
  }
}

function carriesContent(chunk: ChatCompletionChunk): boolean {
  for (const choice of chunk.choices) {
    const delta = choice.delta;
    if (choice.finish_reason || delta.content || delta.tool_calls?.length || delta.reasoning_content || delta.refusal)
      return true;
  }
  return false;
}

/**
 * What every provider implements. Providers are pure: they build upstream requests, read upstream
 * responses and classify upstream errors; they never touch the network (DESIGN.md §2, §6).
 */
import type { UpstreamRequest } from '../transport/types.js';
import type { NormalizedUsage } from '../usage.js';
import type { ChatCompletionChunk } from './openai-types.js';

/**
 * What a provider is asked to do, one per route: OpenAI's chat completions, Responses and
 * embeddings; Anthropic's Messages API and its token count (`messages`, `count_tokens`); and
 * `chat_tokens`, the prompt tokens of a chat completions request (a bridged token count: the
 * provider answers `{ usage: { prompt_tokens } }`).
 */
export type Operation = 'chat' | 'responses' | 'embeddings' | 'messages' | 'count_tokens' | 'chat_tokens';

/** The operations in OpenAI's wire format: what an OpenAI-compatible upstream takes as is. */
export const OPENAI_OPERATIONS: readonly Operation[] = ['chat', 'responses', 'embeddings'];

/** A non-streaming upstream response in OpenAI's shape, with its usage in disjoint buckets. */
export interface ConvertedResponse {
  body: Record<string, unknown>;
  usage?: NormalizedUsage;
  /** Why `usage` is absent, when the provider knows (e.g. the upstream never reports token counts); goes to the log record. */
  usageUnavailableReason?: string;
}

/**
 * A call the upstream cannot take in one request (Titan embeds one text per call), as several calls
 * sent within one attempt, and how their converted responses become one.
 */
export interface SplitCall {
  calls: ProviderCall[];
  join(parts: ConvertedResponse[]): ConvertedResponse;
}

/**
 * Turns one provider's stream events into OpenAI chunks. One per request, synchronous, stateful.
 * Throws an `UpstreamErrorEvent` for an error event (the engine classifies it; before the first
 * content it falls back invisibly), a GatewayError for a stream it cannot read or that ends early.
 */
export interface StreamTranslator<Event = unknown> {
  push(event: Event): ChatCompletionChunk[];
  /** At the end of the upstream stream: the last chunks, including a usage chunk with empty choices. */
  end(): ChatCompletionChunk[];
  usage(): NormalizedUsage | undefined;
}

export interface StreamDecoderOptions {
  /** The largest single event buffered (`responseLimitBytes`); an event that grows past it fails the stream. */
  maxEventBytes?: number;
}

/** Cuts the upstream body into the provider's events (SSE frames, AWS event-stream messages, ...). Linear in the bytes it is given. */
export interface StreamDecoder<Event = unknown> {
  push(bytes: Uint8Array): Event[];
  end(): Event[];
}

export interface ProviderCall {
  operation: Operation;
  /** The model name as the provider knows it (no `provider/` prefix). */
  model: string;
  /** The OpenAI-shaped request body: gateway parameters removed, `model` already set. */
  body: Record<string, unknown>;
  stream: boolean;
  /** Refuse (400) rather than drop a parameter the provider cannot honour (`options.strictParams`). */
  strictParams: boolean;
  /**
   * Headers of the client's request that its route forwards to an upstream taking the route's own
   * wire format (`ModelEndpoint.forwardHeaders`: `anthropic-version`, `anthropic-beta`), lower-case
   * names; only on native calls. The provider decides what of them it sends.
   */
  headers?: Readonly<Record<string, string>>;
}

/**
 * What a provider learned from an upstream error — an HTTP error response, or an error event inside
 * a stream (then thrown as an `UpstreamErrorEvent`, see kit/upstream-error-event.ts). The provider
 * only describes; the engine decides retry, fallback, status and code, the same way for both.
 */
export interface UpstreamErrorInfo {
  message: string;
  code?: string | null;
  type?: string | null;
  param?: string | null;
  /**
   * The upstream says the failure is on its side whatever the status (e.g. Bedrock's 424
   * `ModelErrorException`): classify it like a 5xx, retryable and able to fall back.
   */
  serverFault?: boolean;
  /** How long the provider asked to wait, when it says so in the body rather than a header. */
  retryAfterMs?: number;
  /**
   * The HTTP status this error stands for: when the provider uses another (Gemini: a bad key is a
   * 400), and always for an error inside a stream (Anthropic's `overloaded_error` is a 529).
   */
  status?: number;
}

export interface Provider {
  /** The id under `options.providers`, e.g. `openai` or `local`. */
  readonly id: string;
  /** The preset or kind, e.g. `groq`, `azure`, `openai-compatible`. */
  readonly kind: string;
  /** Models this provider announces in `GET /models` and claims for bare-name routing. */
  readonly models: readonly string[];
  /**
   * How usage reaches a stream: `request` (ask with `stream_options.include_usage`), `always` (the
   * provider sends it unasked) or `never`.
   */
  readonly streamUsage: 'request' | 'always' | 'never';
  /**
   * The operations whose request the upstream takes in the route's own wire format, as is. Default:
   * every operation for a provider without converters (OpenAI's wire format), none for one with.
   * An OpenAI-compatible server without the Responses API lists `['chat', 'embeddings']`.
   */
  readonly native?: readonly Operation[];
  /**
   * The routes a translating provider (one with converters) serves, by their operation; others are
   * refused before a request is built. Providers that speak OpenAI's wire format serve every route as is.
   */
  readonly translates?: readonly Operation[];
  /** Builds the upstream HTTP request; throws a GatewayError when it cannot (e.g. no API key). */
  buildRequest(call: ProviderCall): UpstreamRequest;
  /**
   * Signs a built request, for providers whose signature is computed asynchronously without I/O
   * (AWS SigV4 hashes with WebCrypto). Runs before every attempt, so a retry carries a fresh one.
   */
  signRequest?(request: UpstreamRequest): Promise<UpstreamRequest>;
  /** Splits a call into several upstream requests (non-streaming only); undefined when one request serves it. */
  splitCall?(call: ProviderCall): SplitCall | undefined;
  /** Reads an upstream error body (already size-capped text); some providers name the error in a header. */
  parseError(
    status: number,
    bodyText: string,
    headers?: Readonly<Record<string, string | string[] | undefined>>,
  ): UpstreamErrorInfo;
  /** Converts a successful non-streaming body; absent for OpenAI-compatible providers (used as is). */
  convertResponse?(call: ProviderCall, json: Record<string, unknown>): ConvertedResponse;
  /**
   * Stream translation; absent for OpenAI-compatible providers, whose SSE bytes pass through.
   * `createStreamDecoder` defaults to SSE frames parsed into `{ event, data }`.
   */
  createStreamTranslator?(call: ProviderCall): StreamTranslator;
  /** `maxEventBytes`: the largest event it may buffer (`responseLimitBytes`); past it, `upstreamTooLarge`. */
  createStreamDecoder?(options: StreamDecoderOptions): StreamDecoder;
  /**
   * Where a passed-through request for `path` (below `/v1`, query included) goes, with the provider's
   * auth headers; absent when the provider does not speak OpenAI's API at its usual paths.
   */
  passthroughTarget?(path: string): { url: string; headers: Record<string, string> };
  /** Secrets to scrub from any message that may reach a client or a log. */
  readonly secrets: readonly string[];
  /** `caller` when the key came with the request (`customer_credentials`, `credential_override`). */
  readonly credentials?: 'caller';
}

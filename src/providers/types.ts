/**
 * What every provider implements. Providers are pure: they build upstream requests, read upstream
 * responses and classify upstream errors; they never touch the network (DESIGN.md §2, §6).
 */
import type { Transport } from '../transport/types.js';

export type Operation = 'chat' | 'embeddings';

export interface UpstreamRequest {
  url: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: string;
}

export interface ProviderCall {
  operation: Operation;
  /** The model name as the provider knows it (no `provider/` prefix). */
  model: string;
  /** The OpenAI-shaped request body: gateway parameters removed, `model` already set. */
  body: Record<string, unknown>;
  stream: boolean;
}

/** What a provider learned from an upstream error response. */
export interface UpstreamErrorInfo {
  message: string;
  code?: string | null;
  type?: string | null;
  param?: string | null;
}

export interface Provider {
  /** The id under `options.providers`, e.g. `openai` or `local`. */
  readonly id: string;
  /** The preset or kind, e.g. `groq`, `azure`, `openai-compatible`. */
  readonly kind: string;
  /** Models this provider announces in `GET /models` and claims for bare-name routing. */
  readonly models: readonly string[];
  /** Whether this provider forwards OpenAI SSE bytes as they come (no translation). */
  readonly passthroughStream: boolean;
  /**
   * How usage reaches a stream: `request` (ask with `stream_options.include_usage`), `always` (the
   * provider sends it unasked) or `never`.
   */
  readonly streamUsage: 'request' | 'always' | 'never';
  /** Builds the upstream HTTP request; throws a GatewayError when it cannot (e.g. no API key). */
  buildRequest(call: ProviderCall): UpstreamRequest;
  /** Reads an upstream error body (already size-capped text). */
  parseError(status: number, bodyText: string): UpstreamErrorInfo;
  /** An in-process transport (the demo provider); the shared HTTP transport otherwise. */
  readonly transport?: Transport;
  /** Secrets to scrub from any message that may reach a client or a log. */
  readonly secrets: readonly string[];
}

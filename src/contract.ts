/**
 * The framework-agnostic contract between the core and every adapter (DESIGN.md §3). Plain objects,
 * not web Request/Response, so a host that already parsed the body hands it over as is.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface GatewayRequest {
  method: string;
  /** Path relative to the mount point, e.g. `/chat/completions` or `/v1/models` (or the whole path, with `mount`). */
  path: string;
  /**
   * The prefix the host serves the gateway under, when `path` is the request's whole path (the node
   * and fetch adapters' `basePath`): the gateway strips it, and a path outside it is a 404.
   */
  mount?: string;
  /** Lower-case header names, as Node's `IncomingMessage.headers`. */
  headers: IncomingHttpHeaders;
  /** The body when the host already parsed it (e.g. `express.json()`). */
  body?: unknown;
  /**
   * With `body`: how many bytes the host's parser read for it (once inflated), when the host
   * knows (the Koa adapter takes `@koa/bodyparser`'s `ctx.request.rawBody`). Checked against
   * `bodyLimitBytes`. Without it the gateway trusts the Content-Length of an uncompressed body and
   * otherwise measures `body` serialised as JSON.
   */
  bodyBytes?: number;
  /** The raw body when nobody parsed it yet; the core enforces the size limit while reading. */
  rawBody?: AsyncIterable<Uint8Array> | Uint8Array | string;
  /**
   * What the host's own body parser threw (malformed JSON, over its limit, ...): the gateway answers
   * it as an OpenAI-shaped 4xx and logs the request, as for a body it read itself.
   */
  bodyError?: unknown;
}

export interface HandleContext {
  /** Aborts when the client went away; the gateway aborts its upstream request with it. */
  signal?: AbortSignal;
  /** Who the host's own auth says the caller is; copied into the log record. */
  principal?: string | Record<string, unknown>;
  /** Extra host-side metadata for the log record. */
  metadata?: Record<string, unknown>;
  /**
   * What the host's context provider threw (adapters catch it, see `hostContext`): answered like a
   * failing `authorize` (a GatewayError as it is, anything else a 500 reported to `onError`) and logged.
   */
  contextError?: unknown;
}

export type ResponseHeaders = Record<string, string>;

export interface JsonResponse {
  kind: 'json';
  status: number;
  headers: ResponseHeaders;
  body: unknown;
  /**
   * `body` already serialised, when the gateway has it (an upstream's JSON passed on unchanged):
   * send these characters instead of serialising `body` again.
   */
  text?: string;
}

export interface SseResponse {
  kind: 'sse';
  status: 200;
  headers: ResponseHeaders;
  /** Each item is one or more complete SSE frames. Stop iterating (or call `return()`) to cancel. */
  body: AsyncIterable<string | Uint8Array>;
  /**
   * Optional, instead of iterating `body` (never both): writes the same pieces straight to `sink`
   * as they arrive, without a promise per piece. Resolves once the stream ended and the request
   * is settled; the host then ends its response. `writeNodeResponse` uses it.
   */
  pipeTo?(sink: SseSink): Promise<void>;
}

/** Where `SseResponse.pipeTo` writes (a Node `ServerResponse` fits in three lines, see `writeNodeResponse`). */
export interface SseSink {
  /** Writes one piece; `false` asks for a pause until `onDrain` calls back (Node's writable convention). */
  write(piece: string): boolean;
  /** Calls `resume` once, when the sink takes writes again or closed. */
  onDrain(resume: () => void): void;
  /** The client is gone: nothing more can be written (the stream is cancelled as a client abort). */
  readonly closed: boolean;
}

/**
 * A body passed through as it arrives (a file download, generated audio): any status, the upstream's
 * content headers, the bytes never held whole. Hosts write it like an SSE body.
 */
export interface StreamResponse {
  kind: 'stream';
  status: number;
  headers: ResponseHeaders;
  /** Stop iterating (or call `return()`) to cancel. */
  body: AsyncIterable<Uint8Array>;
  pipeTo?: undefined;
}

export type GatewayResponse = JsonResponse | SseResponse | StreamResponse;

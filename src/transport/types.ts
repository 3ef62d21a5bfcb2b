/** The HTTP request a provider built for its upstream: what the transport sends. */
export interface UpstreamRequest {
  url: string;
  method: 'POST' | 'GET' | 'DELETE' | 'PUT' | 'PATCH';
  headers: Record<string, string>;
  body?: string;
  /** Instead of `body` (pass-through of uploads): the client's body streamed as it arrives, never held whole. */
  bodyStream?: AsyncIterable<Uint8Array>;
  /** OpenAI parameters this provider cannot honour and left out (reported in a header and the log). */
  droppedParams?: string[];
}

export interface SendOptions {
  signal: AbortSignal;
  /** Time allowed until the response headers arrive. */
  firstByteTimeoutMs: number;
  /** Time allowed between two body chunks. */
  idleTimeoutMs: number;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as it arrives; errors thrown while iterating are already GatewayErrors. */
  body: AsyncIterable<Uint8Array>;
  /** Reads the whole body as text, failing past `limitBytes`. */
  text(limitBytes: number): Promise<string>;
  /** Stops reading and releases the connection. */
  cancel(): void;
  /**
   * Optional: delivers the body by callbacks instead of through `body`, without a promise per
   * chunk (the engine falls back to iterating `body` when absent). Called at most once, instead
   * of reading `body` or `text()`. Errors reach `listener.error` already as GatewayErrors.
   */
  listen?(listener: BodyListener): BodyFlow;
}

/** Receives an upstream body pushed chunk by chunk (`UpstreamResponse.listen`). */
export interface BodyListener {
  data(chunk: Uint8Array): void;
  end(): void;
  error(error: unknown): void;
}

/** Controls a pushed body: `pause` holds the chunks back (backpressure), `cancel` stops and releases it. */
export interface BodyFlow {
  pause(): void;
  resume(): void;
  cancel(): void;
}

/** The one I/O boundary of the core: everything upstream goes through `send`. */
export interface Transport {
  send(request: UpstreamRequest, options: SendOptions): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

/**
 * The lifecycle events exporters listen to (DESIGN.md §10: exporters listen; they do not reach in).
 * A listener is a plain object with any of the methods below; `createGateway({ listeners })` calls
 * them in the order given. They are called synchronously and must be quick: a listener that
 * throws is reported to `onError` (where `listener`) and never breaks the request.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AttemptRecord, LogRecord } from '../logging/log-record.js';

/** A request arrived and the gateway knows which route it is for (its start time is the arrival). */
export interface RequestStartEvent {
  /** The request's id: the log record's `id`, the `x-request-id` header. Also on its other events. */
  readonly id: string;
  readonly method: string;
  /** The path below the mount, normalised (`/chat/completions`). */
  readonly path: string;
  /** The route; null when the path or method matched none (the request ends as a 404/405 then). */
  readonly endpoint: LogRecord['endpoint'];
  /** Arrival, in milliseconds since the epoch (sub-millisecond precision). */
  readonly startTime: number;
  /**
   * The inbound headers (lower-case names), to read trace context (`traceparent`) from; the
   * caller's credentials (`authorization`, `x-api-key`, `api-key`, `cookie`, ...) left out.
   */
  readonly headers: Readonly<IncomingHttpHeaders>;
  /**
   * Adds a header to every upstream attempt of this request (trace context: `traceparent`,
   * `tracestate`, `baggage`). Credentials and framing headers are refused (reported to `onError`);
   * a header the provider sets itself wins.
   */
  setUpstreamHeader(name: string, value: string): void;
}

/** An upstream attempt is about to be sent. */
export interface AttemptStartEvent {
  readonly requestId: string;
  /** The provider id of the options (`openai`, `my-azure`). */
  readonly provider: string;
  /** Its kind (`openai`, `azure`, `anthropic`, `google`, `bedrock`, `openai-compatible`, a preset). */
  readonly providerKind: string;
  readonly model: string;
  readonly deployment: string | null;
  /** What the provider is asked to do: `chat`, `embeddings`, `responses`. */
  readonly operation: string;
  /** 0 for the first try of this target, 1 for its first retry, ... */
  readonly retry: number;
  /** Position of the target in the request's chain: above 0 is a fallback (or another deployment). */
  readonly targetIndex: number;
  /** The half-open probe of a deployment that was cooling down. */
  readonly probe: boolean;
  readonly startTime: number;
  /** As `RequestStartEvent.setUpstreamHeader`, for this attempt only (a span per attempt: its own `traceparent`). */
  setUpstreamHeader(name: string, value: string): void;
}

/** An upstream attempt ended, or a target was left out without a request (`skipped`). */
export interface AttemptEndEvent {
  readonly requestId: string;
  /** The attempt as the log record lists it. */
  readonly attempt: Readonly<AttemptRecord>;
  readonly providerKind: string | null;
  /**
   * `success`; `error` (the engine then retried, fell back or gave up: the next event or the
   * record says which); `skipped` (cooldown, capability, exclusion: `attempt.skipped` says why).
   */
  readonly outcome: 'success' | 'error' | 'skipped';
  /** Skipped targets: the time they were left out. */
  readonly startTime: number;
  readonly endTime: number;
}

/** The request is over and its record final: a stream's when it ended or was cut. */
export interface RequestEndEvent {
  readonly id: string;
  /** The final log record (the same object `onLog` receives). Read it; do not change it. */
  readonly record: Readonly<LogRecord>;
  /** The served provider's kind, when a provider served. */
  readonly providerKind: string | null;
  /** False when the record was left out of the log (`cache_options.omit_log`). */
  readonly logged: boolean;
  readonly startTime: number;
  readonly endTime: number;
}

/** What an exporter implements; every method is optional. */
export interface GatewayListener {
  requestStart?(event: RequestStartEvent): void;
  attemptStart?(event: AttemptStartEvent): void;
  attemptEnd?(event: AttemptEndEvent): void;
  /** Called after the I/O turn the request ended in (as `onLog`), so that it never delays a response. */
  requestEnd?(event: RequestEndEvent): void;
  /** `gateway.close()` calls it once every request's `requestEnd` was delivered (flush, shut down). */
  close?(): void | Promise<void>;
}

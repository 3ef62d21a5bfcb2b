/**
 * One request's lifecycle told to the listeners (and the `modelgate:request` channel). Only made
 * when somebody listens: a gateway without listeners and without channel subscribers creates none,
 * and the engine's hooks are a single `undefined` check.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AttemptRecord, LogRecord } from '../logging/log-record.js';
import type { GatewayListener, RequestStartEvent } from './gateway-listener.js';
import { publishEnd, publishStart, requestChannel, type RequestChannelContext } from './request-channel.js';

/** `onError`, wrapped by the gateway. */
type ErrorReporter = (error: unknown, where: string) => void;

/** Headers a listener may never set upstream: credentials, routing and framing. */
const REFUSED_HEADERS =
  /^(authorization|proxy-authorization|x-api-key|api-key|x-goog-api-key|cookie|host|content-length|content-type|content-encoding|transfer-encoding|connection|upgrade|te|trailer|expect|anthropic-version|x-amz-.*)$/i;
/** Inbound headers listeners and the channel never see: the caller's credentials. */
const CREDENTIALS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'cookie']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/i;
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

/** What the observation needs to know about the request when it starts. */
export interface ObservedRequest {
  id: string;
  method: string;
  path: string;
  headers: Readonly<IncomingHttpHeaders>;
  /** `performance.now()` at arrival. */
  startedAt: number;
  record: LogRecord;
}

/** A target of the chain as the attempt hooks see it. */
export interface ObservedTarget {
  provider: { id: string; kind: string };
  model: string;
  deployment: string | null;
}

export class RequestObservation {
  private started = false;
  private channel?: RequestChannelContext;
  private requestHeaders?: Record<string, string>;
  private attemptHeaders?: Record<string, string>;
  private attemptStartedAt = 0;
  /** What the providers are asked to do (`chat`, `embeddings`, `responses`): set by the engine. */
  operation = '';

  constructor(
    private readonly listeners: readonly GatewayListener[],
    private readonly report: ErrorReporter,
    private readonly request: ObservedRequest,
    /** The kind of a provider id (`openai`, `anthropic`, ...). */
    private readonly kindOf: (providerId: string) => string | undefined,
  ) {}

  /** Whether anybody listens: listeners were configured, or an APM agent subscribed to the channel. */
  static wanted(listeners: readonly GatewayListener[]): boolean {
    return listeners.length > 0 || requestChannel.hasSubscribers;
  }

  /** The request's route is known (or the request ends before it is). Once. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const { id, method, path, startedAt, record } = this.request;
    const headers = withoutCredentials(this.request.headers);
    if (requestChannel.hasSubscribers) {
      this.channel = { id, method, path, endpoint: record.endpoint, headers };
      this.call('channel', () => publishStart(this.channel!));
    }
    const event: RequestStartEvent = {
      id,
      method,
      path,
      endpoint: record.endpoint,
      startTime: epochMs(startedAt),
      headers,
      setUpstreamHeader: (name, value) => {
        if (this.checkHeader(name, value)) (this.requestHeaders ??= {})[name.toLowerCase()] = value;
      },
    };
    for (const listener of this.listeners)
      if (listener.requestStart) this.call('listener', () => listener.requestStart!(event));
  }

  attemptStart(target: ObservedTarget, retry: number, targetIndex: number, probe: boolean): void {
    this.attemptHeaders = undefined;
    this.attemptStartedAt = performance.now();
    const event = {
      requestId: this.request.id,
      provider: target.provider.id,
      providerKind: target.provider.kind,
      model: target.model,
      deployment: target.deployment,
      operation: this.operation,
      retry,
      targetIndex,
      probe,
      startTime: epochMs(this.attemptStartedAt),
      setUpstreamHeader: (name: string, value: string) => {
        if (this.checkHeader(name, value)) (this.attemptHeaders ??= {})[name.toLowerCase()] = value;
      },
    };
    for (const listener of this.listeners)
      if (listener.attemptStart) this.call('listener', () => listener.attemptStart!(event));
  }

  /** An attempt ended (after `attemptStart`), or a target was skipped (no `attemptStart` then). */
  attemptEnd(attempt: AttemptRecord): void {
    const now = performance.now();
    const event = {
      requestId: this.request.id,
      attempt,
      providerKind: this.kindOf(attempt.provider) ?? null,
      outcome: attempt.skipped ? 'skipped' : attempt.error_code === null ? 'success' : 'error',
      startTime: epochMs(attempt.skipped ? now : this.attemptStartedAt),
      endTime: epochMs(now),
    } as const;
    for (const listener of this.listeners)
      if (listener.attemptEnd) this.call('listener', () => listener.attemptEnd!(event));
  }

  /** Headers the listeners asked to add to the attempt being sent; undefined when none. */
  upstreamHeaders(): Record<string, string> | undefined {
    if (!this.attemptHeaders) return this.requestHeaders;
    return this.requestHeaders ? { ...this.requestHeaders, ...this.attemptHeaders } : this.attemptHeaders;
  }

  /** The record is final (called after the I/O turn, as the log sink is). */
  end(record: LogRecord, logged: boolean): void {
    this.start(); // a request refused before its route was known starts here
    if (this.channel) this.call('channel', () => publishEnd(this.channel!, record));
    const event = {
      id: record.id,
      record,
      providerKind: record.provider === null ? null : (this.kindOf(record.provider) ?? null),
      logged,
      startTime: epochMs(this.request.startedAt),
      endTime: epochMs(this.request.startedAt + record.latency_ms),
    };
    for (const listener of this.listeners)
      if (listener.requestEnd) this.call('listener', () => listener.requestEnd!(event));
  }

  private checkHeader(name: string, value: string): boolean {
    if (
      typeof name === 'string' &&
      TOKEN.test(name) &&
      !REFUSED_HEADERS.test(name) &&
      typeof value === 'string' &&
      HEADER_VALUE.test(value)
    )
      return true;
    this.report(
      new Error(
        `setUpstreamHeader: refused \`${String(name).slice(0, 60)}\` (a credential, framing or malformed header)`,
      ),
      'listener',
    );
    return false;
  }

  private call(where: string, run: () => unknown): void {
    try {
      const result = run();
      if (result && typeof (result as Promise<unknown>).then === 'function')
        (result as Promise<unknown>).then(undefined, (error: unknown) => this.report(error, where));
    } catch (error) {
      this.report(error, where);
    }
  }
}

function withoutCredentials(headers: Readonly<IncomingHttpHeaders>): Readonly<IncomingHttpHeaders> {
  const kept: IncomingHttpHeaders = {};
  for (const name of Object.keys(headers)) if (!CREDENTIALS.has(name)) kept[name] = headers[name];
  return kept;
}

function epochMs(performanceNow: number): number {
  return performance.timeOrigin + performanceNow;
}

/**
 * `httpLogSink()`: an `onLog` sink that POSTs the records in batches to a collector of yours (a log
 * pipeline, a hosted LLM observability service). Batches go out when `maxBatch` records or
 * `maxBatchBytes` are waiting, or `flushIntervalMs` after the first; one batch at a time, in order.
 * 429, 5xx and network errors are retried (after `retry-after`, else with backoff) for as long as
 * the sink is open; other statuses drop the batch. The queue is bounded (`maxQueue` records,
 * `maxQueueBytes`): a record beyond it is dropped, counted in `stats()` and reported to `onError`,
 * never silently. `gateway.close()` flushes it (up to `closeTimeoutMs`). Delivery is at least once
 * (a batch whose answer was lost is sent again): the records' `id` tells duplicates apart.
 */
import { createHmac } from 'node:crypto';
import type { LogRecord } from '../logging/log-record.js';
import type { RequestEndEvent } from '../observe/gateway-listener.js';
import { batchRetryDelayMs, DEFAULT_BATCH_RETRY, retryableStatus, type BatchRetryPolicy } from './batch-retry.js';

export interface HttpLogSinkOptions {
  url: string;
  /** Sent with every POST (an API key of the collector: `authorization`, ...). */
  headers?: Record<string, string>;
  /** Records per POST (default 100). */
  maxBatch?: number;
  /** Bytes of records per POST (default 1 MiB; a single larger record goes alone). */
  maxBatchBytes?: number;
  /** Longest time a record waits for its batch to fill (default 1000 ms). */
  flushIntervalMs?: number;
  /** Records held at most, sent or waiting (default 10 000). */
  maxQueue?: number;
  /** Bytes held at most (default 64 MiB). */
  maxQueueBytes?: number;
  /** Time allowed for one POST (default 10 s). */
  timeoutMs?: number;
  retry?: Partial<BatchRetryPolicy>;
  /** Longest time `close()` keeps trying to deliver what is queued (default 10 s); the rest is dropped and reported. */
  closeTimeoutMs?: number;
  /** The body of a batch from the records' JSON texts; default a JSON array. Sets the content type too. */
  encode?: (records: readonly string[]) => { body: string; contentType: string };
  /** Signs each body: the hex HMAC-SHA256 of the body with `secret`, in `header` (default `X-Keywordsai-Signature`). */
  sign?: { secret: string; header?: string };
  /** Hears dropped records and failed POSTs (default: a process warning). */
  onError?: (error: Error) => void;
  /** Default the global `fetch`. */
  fetch?: typeof fetch;
}

export interface HttpLogSinkStats {
  /** Records waiting or being sent. */
  queued: number;
  /** Records the collector accepted. */
  delivered: number;
  /** Records dropped: queue full, sink closed, refused by the collector, or left at close. */
  dropped: number;
  /** POSTs tried again. */
  retries: number;
  /** POSTs that failed (each retry that failed counts). */
  failedPosts: number;
}

export interface HttpLogSink {
  (record: LogRecord): void;
  /** The same sink as a listener (`createGateway({ listeners: [sink] })`), leaving `onLog` free. Use one, not both. */
  requestEnd(event: RequestEndEvent): void;
  /** Sends what is queued now, waiting for it (retries included). */
  flush(): Promise<void>;
  /** Flushes, then refuses new records; `gateway.close()` calls it. */
  close(): Promise<void>;
  stats(): HttpLogSinkStats;
}

const jsonArray = (records: readonly string[]) => ({
  body: `[${records.join(',')}]`,
  contentType: 'application/json',
});

export function httpLogSink(options: HttpLogSinkOptions): HttpLogSink {
  const maxBatch = options.maxBatch ?? 100;
  const maxBatchBytes = options.maxBatchBytes ?? 1024 * 1024;
  const flushIntervalMs = options.flushIntervalMs ?? 1000;
  const maxQueue = options.maxQueue ?? 10_000;
  const maxQueueBytes = options.maxQueueBytes ?? 64 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const policy = { ...DEFAULT_BATCH_RETRY, ...options.retry };
  const encode = options.encode ?? jsonArray;
  const post = options.fetch ?? fetch;
  const report =
    options.onError ?? ((error: Error) => process.emitWarning(error.message, { code: 'MODELGATE_LOG_EXPORT' }));

  /** Records' JSON texts, oldest first (the batch being sent is the head). */
  const queue: string[] = [];
  const sizes: number[] = [];
  let queuedBytes = 0;
  /** A partial batch may go: the interval elapsed, or a flush or close asked. */
  let due = false;
  let closed = false;
  /** `close()` waited `closeTimeoutMs`: stop retrying, abort the POST under way. */
  const giveUp = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let draining: Promise<void> | undefined;
  let wakeBackoff: (() => void) | undefined;
  let closing: Promise<void> | undefined;
  const stats = { delivered: 0, dropped: 0, retries: 0, failedPosts: 0 };

  function drop(count: number, why: string): void {
    stats.dropped += count;
    report(new Error(`httpLogSink: dropped ${count} log record(s): ${why} (${stats.dropped} dropped in all)`));
  }

  const full = () => queue.length >= maxBatch || queuedBytes >= maxBatchBytes;

  const sink = ((record: LogRecord) => {
    if (closed) return drop(1, 'the sink is closed');
    const text = JSON.stringify(record);
    const bytes = Buffer.byteLength(text);
    if (queue.length >= maxQueue || queuedBytes + bytes > maxQueueBytes)
      return drop(1, `the queue is full (${queue.length} records, ${queuedBytes} bytes)`);
    queue.push(text);
    sizes.push(bytes);
    queuedBytes += bytes;
    if (full()) kick();
    else arm();
  }) as HttpLogSink;

  function kick(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    draining ??= drain().finally(() => {
      draining = undefined;
      if (queue.length > 0 && !giveUp.signal.aborted) arm();
    });
  }

  /** The interval starts with the first record waiting while nothing is being sent. */
  function arm(): void {
    if (timer || draining) return;
    timer = setTimeout(() => {
      timer = undefined;
      due = true;
      kick();
    }, flushIntervalMs);
    timer.unref();
  }

  async function drain(): Promise<void> {
    while (queue.length > 0 && (due || full())) if (!(await deliverHead())) return;
    due = false;
  }

  /** Sends the head batch until the collector takes or refuses it; false once `close()` gave up. */
  async function deliverHead(): Promise<boolean> {
    let count = 0;
    let bytes = 0;
    while (count < queue.length && count < maxBatch && (count === 0 || bytes + sizes[count] <= maxBatchBytes))
      bytes += sizes[count++];
    const { body, contentType } = encode(queue.slice(0, count));
    const headers: Record<string, string> = { ...options.headers, 'content-type': contentType };
    if (options.sign)
      headers[options.sign.header ?? 'X-Keywordsai-Signature'] = createHmac('sha256', options.sign.secret)
        .update(body)
        .digest('hex');
    for (let failures = 1; ; failures++) {
      let retryAfter: string | null = null;
      try {
        const response = await post(options.url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), giveUp.signal]),
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok || !retryableStatus(response.status)) {
          queue.splice(0, count);
          sizes.splice(0, count);
          queuedBytes -= bytes;
          if (response.ok) stats.delivered += count;
          else {
            stats.failedPosts++;
            drop(count, `the collector refused the batch with ${response.status}`);
          }
          return true;
        }
        stats.failedPosts++;
        retryAfter = response.headers.get('retry-after');
        report(new Error(`httpLogSink: the collector answered ${response.status}; retrying`));
      } catch (error) {
        stats.failedPosts++;
        if (!giveUp.signal.aborted)
          report(new Error(`httpLogSink: POST failed (${(error as Error).message}); retrying`));
      }
      if (giveUp.signal.aborted) return false;
      stats.retries++;
      await backoff(batchRetryDelayMs(failures, retryAfter, policy));
      if (giveUp.signal.aborted) return false;
    }
  }

  /** A backoff wait; a flush or close asks for an early try, and `close()` giving up ends it. */
  function backoff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(wait);
        wakeBackoff = undefined;
        resolve();
      };
      const wait = setTimeout(done, ms);
      wait.unref();
      wakeBackoff = done;
    });
  }

  async function settle(): Promise<void> {
    due = true;
    kick();
    while (draining) await draining;
  }

  sink.requestEnd = (event) => {
    if (event.logged) sink(event.record as LogRecord);
  };
  sink.stats = () => ({ queued: queue.length, ...stats });
  sink.flush = settle;
  sink.close = () => {
    closing ??= (async () => {
      closed = true;
      const deadline = setTimeout(() => {
        giveUp.abort();
        wakeBackoff?.();
      }, options.closeTimeoutMs ?? 10_000);
      try {
        await settle();
      } finally {
        clearTimeout(deadline);
      }
      if (queue.length > 0) {
        const left = queue.length;
        queue.length = 0;
        sizes.length = 0;
        queuedBytes = 0;
        drop(left, 'still undelivered when the sink closed');
      }
    })();
    return closing;
  };

  return sink;
}

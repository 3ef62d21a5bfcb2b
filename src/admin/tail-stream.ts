/**
 * `GET {mount}/admin/logs/tail`: the records matching a filter as they are added, over SSE
 * (`event: log`, data the record without input/output/params). A client that reads too slowly
 * loses records beyond a bounded queue and is told how many (`event: dropped`); a comment line
 * every 15 s keeps proxies from closing an idle stream.
 */
import type { SseResponse } from '../contract.js';
import type { LogRecord } from '../logging/log-record.js';
import { matchesFilter, type LogFilter } from '../log-store/log-filter.js';
import type { LogStore } from '../log-store/log-store.js';
import { slimRecord } from './slim-record.js';

const HEARTBEAT_MS = 15_000;
const MAX_QUEUED = 1_000;

/** `tails` holds a way to end each open tail, so that `gateway.close()` can end them. */
export function tailResponse(store: LogStore, filter: LogFilter, tails: Set<() => void>): SseResponse {
  return {
    kind: 'sse',
    status: 200,
    // As every SSE response of the gateway: no caching, no transformation (compression would buffer it).
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store, no-transform',
      'x-accel-buffering': 'no',
    },
    body: frames(store, filter, tails),
  };
}

async function* frames(store: LogStore, filter: LogFilter, tails: Set<() => void>): AsyncGenerator<string> {
  const queue: LogRecord[] = [];
  let dropped = 0;
  let ended = false;
  let wake: (() => void) | undefined;
  const unsubscribe = store.subscribe((record) => {
    if (!matchesFilter(record, filter)) return;
    if (queue.length < MAX_QUEUED) queue.push(record);
    else dropped++;
    wake?.();
  });
  const end = () => {
    ended = true;
    wake?.();
  };
  tails.add(end);
  let timer: NodeJS.Timeout | undefined;
  try {
    await store.listening?.();
    yield 'retry: 3000\nevent: ready\ndata: {}\n\n';
    while (!ended) {
      if (dropped) {
        yield `event: dropped\ndata: ${JSON.stringify({ count: dropped })}\n\n`;
        dropped = 0;
      }
      const record = queue.shift();
      if (record) {
        yield `event: log\nid: ${record.id}\ndata: ${JSON.stringify(slimRecord(record))}\n\n`;
        continue;
      }
      const woke = await new Promise<boolean>((resolve) => {
        wake = () => resolve(true);
        timer = setTimeout(() => resolve(false), HEARTBEAT_MS);
      });
      clearTimeout(timer);
      wake = undefined;
      if (!woke) yield ': heartbeat\n\n';
    }
  } finally {
    clearTimeout(timer);
    unsubscribe();
    tails.delete(end);
  }
}

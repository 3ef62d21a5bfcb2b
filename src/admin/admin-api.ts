/**
 * The admin side of the gateway (docs/dashboard.md): the logs API under `{mount}/admin/` and the
 * dashboard page at `{mount}/dashboard`, both only when the `admin` option is set. `gateway.handle`
 * hands these paths over before anything else, so admin requests leave no record in the LLM log.
 * Every data route needs the admin key; the page's own files hold no data and need none.
 */
import type { GatewayRequest, GatewayResponse, JsonResponse } from '../contract.js';
import { GatewayError, invalidRequest, toGatewayError } from '../errors.js';
import type { ErrorReporter } from '../logging/emit-log.js';
import type { LogRecord } from '../logging/log-record.js';
import type { GatewayListener } from '../observe/gateway-listener.js';
import { dashboardResponse } from '../dashboard/serve-dashboard.js';
import type { LogFilter } from '../log-store/log-filter.js';
import type { LogStore } from '../log-store/log-store.js';
import { memoryLogStore } from '../log-store/memory-log-store.js';
import type { CustomerOptions } from '../traffic/traffic-options.js';
import { adminKeyCheck } from './admin-auth.js';
import type { AdminOptions } from './admin-options.js';
import { customersView } from './customers-view.js';
import { queryOf, readFilter, readGrouping, readPage } from './log-query.js';
import { summarise } from './log-summary.js';
import { slimRecord } from './slim-record.js';
import { tailResponse } from './tail-stream.js';

export interface Admin {
  /** Whether `path` (below the mount, query stripped) is the admin side's. */
  owns(path: string): boolean;
  handle(request: GatewayRequest, path: string): Promise<GatewayResponse>;
  /**
   * A listener (src/observe/) like every exporter: it keeps each logged record in the store, and
   * at `gateway.close()` ends live tails and closes the store.
   */
  listener: GatewayListener;
}

const DEFAULT_SUMMARY_RECORDS = 50_000;
const CUSTOMER_RECORDS = 20_000;

export function createAdmin(
  admin: AdminOptions,
  logStore: LogStore | undefined,
  customers: Readonly<Record<string, CustomerOptions>>,
  report: ErrorReporter,
): Admin {
  const store = logStore ?? memoryLogStore();
  const checkKey = adminKeyCheck(admin.key);
  const serveDashboard = admin.dashboard ?? true;
  const maxSummary = admin.maxSummaryRecords ?? DEFAULT_SUMMARY_RECORDS;
  const tails = new Set<() => void>();
  /**
   * Scans under way, by filter: the Usage page asks for five summaries of the same records at once,
   * and they share one read of the store.
   */
  const scans = new Map<string, Promise<LogRecord[]>>();
  const scan = (filter: LogFilter, max: number) => {
    const key = JSON.stringify([filter, max]);
    let running = scans.get(key);
    if (!running) {
      running = store.scan(filter, max);
      scans.set(key, running);
      const forget = () => scans.delete(key);
      running.then(forget, forget);
    }
    return running;
  };
  /** Records on their way into the store, which `close` waits for. */
  const adding = new Set<Promise<void>>();

  async function api(method: string, path: string, query: URLSearchParams): Promise<GatewayResponse> {
    if (method !== 'GET') throw notAllowed(method, path);
    if (path === '/admin/logs') {
      const page = await store.list(readFilter(query), readPage(query));
      return ok({ object: 'list', data: page.records.map(slimRecord), next_cursor: page.next_cursor });
    }
    if (path === '/admin/logs/summary') {
      const { groupBy, bucketMs } = readGrouping(query);
      const records = await scan(readFilter(query), maxSummary + 1);
      const truncated = records.length > maxSummary;
      return ok(summarise(truncated ? records.slice(0, maxSummary) : records, groupBy, bucketMs, truncated));
    }
    if (path === '/admin/logs/tail') return tailResponse(store, readFilter(query), tails);
    if (path.startsWith('/admin/logs/')) {
      const id = decodeId(path.slice('/admin/logs/'.length));
      const record = await store.get(id);
      if (!record)
        throw notFound(`No log record \`${id.slice(0, 100)}\` is kept (it may be older than the store keeps).`);
      return ok(record);
    }
    if (path === '/admin/customers') {
      const records = await scan({}, CUSTOMER_RECORDS);
      return ok({ object: 'list', data: customersView(customers, records) });
    }
    if (path === '/admin/status') return ok({ log_store: store.kind, dashboard: serveDashboard });
    throw notFound(`Unknown admin path \`${path.slice(0, 200)}\`.`, 'unknown_url');
  }

  return {
    owns: (path) =>
      path === '/admin' ||
      path.startsWith('/admin/') ||
      (serveDashboard && (path === '/dashboard' || path.startsWith('/dashboard/'))),
    async handle(request, path) {
      try {
        if (path === '/dashboard' || path.startsWith('/dashboard/')) {
          if (request.method !== 'GET' && request.method !== 'HEAD') throw notAllowed(request.method, path);
          return await dashboardResponse(request, path);
        }
        checkKey(request.headers);
        return await api(request.method.toUpperCase(), path, queryOf(request.path));
      } catch (thrown) {
        // A store failure is the operator's to read in onError; the response names no detail of it.
        const error = GatewayError.isInstance(thrown) ? toGatewayError(thrown) : storeUnavailable();
        if (!GatewayError.isInstance(thrown)) report(thrown, 'admin');
        return {
          kind: 'json',
          status: error.status,
          headers: { ...error.headers, 'cache-control': 'no-store' },
          body: error.toJSON(),
        };
      }
    },
    listener: {
      requestEnd({ record, logged }) {
        if (!logged) return; // `cache_options.omit_log`: out of the log, out of its store
        const added = store.add(record as LogRecord).catch((error: unknown) => report(error, 'logStore'));
        adding.add(added);
        void added.finally(() => adding.delete(added));
      },
      async close() {
        for (const end of [...tails]) end();
        await Promise.allSettled([...adding]);
        await store.close().catch((error: unknown) => report(error, 'logStore'));
      },
    },
  };
}

function decodeId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalidRequest('The record id in the path is not valid percent-encoding.', 'id');
  }
}

function storeUnavailable(): GatewayError {
  return new GatewayError({
    status: 503,
    code: 'log_store_unavailable',
    headers: { 'retry-after': '1' },
    message: 'The log store did not answer; try again shortly (the cause went to the gateway’s onError).',
  });
}

function ok(body: unknown): JsonResponse {
  return { kind: 'json', status: 200, headers: { 'cache-control': 'no-store' }, body };
}

function notFound(message: string, code: 'log_record_not_found' | 'unknown_url' = 'log_record_not_found') {
  return new GatewayError({ status: 404, code, message });
}

function notAllowed(method: string, path: string): GatewayError {
  return new GatewayError({
    status: 405,
    code: 'method_not_allowed',
    headers: { allow: 'GET' },
    message: `${method.slice(0, 20)} is not allowed on ${path.slice(0, 200)}; use GET.`,
  });
}

import type { CostDetails } from '../cost/cost-calculator.js';
import type { LogUsage } from '../usage.js';

/** One upstream try, in the order tried. */
export interface AttemptRecord {
  provider: string;
  model: string;
  /** 0 for the first try of this target, 1 for its first retry, ... */
  retry: number;
  /** Upstream HTTP status; null when no response arrived (connection error, timeout, abort). */
  status_code: number | null;
  error: string | null;
  error_code: string | null;
  duration_ms: number;
  /** The deployment tried (`openai`, `openai/<endpoint>`, `openai/customer`), never a key. */
  deployment?: string | null;
  /** Set when the target was left out without a request: why. */
  skipped?: 'unroutable' | 'excluded' | 'capability' | 'cooldown';
  /** The half-open probe of a deployment that was cooling down. */
  probe?: boolean;
}

/** A request's customer, its limits and what this request counted against them. */
export interface CustomerLog {
  customer_identifier: string;
  name: string | null;
  email: string | null;
  /** Requests per minute, and what was left after this request. */
  rate_limit: { limit: number; remaining: number | null } | null;
  period_budget: { duration: string; limit_usd: number; spent_usd: number | null; resets_at: string } | null;
  total_budget: { limit_usd: number; spent_usd: number | null } | null;
  markup_percentage: number;
  /** Estimated cost (with markup) reserved before the request. */
  reserved_usd: number | null;
  /** Real cost with markup counted against the budgets (0 when the request failed). */
  charged_usd: number | null;
}

export interface CacheLog {
  status: 'hit' | 'miss' | 'skip';
  /** Seconds a stored answer stays valid. */
  ttl_s: number | null;
  /** Whether this request's answer was stored. */
  stored: boolean;
}

/** The one structured record every request leaves (see the README for each field). */
export interface LogRecord {
  id: string;
  start_time: string;
  end_time: string;
  latency_ms: number;
  /** Streams: time until the first content chunk went to the client. Null otherwise. */
  ttft_ms: number | null;
  /** Time the gateway itself spent before the response started, upstream waits and backoff excluded. */
  gateway_overhead_ms: number | null;
  method: string;
  path: string;
  /**
   * `passthrough`: a path of OpenAI's API passed through as is (docs/passthrough.md); `path` says which.
   * `metrics`: a scrape of the `metrics` option's path. `anthropic.*`: the Anthropic route (docs/anthropic-route.md).
   */
  endpoint:
    | 'chat.completions'
    | 'responses'
    | 'embeddings'
    | 'models'
    | 'passthrough'
    | 'metrics'
    | 'anthropic.messages'
    | 'anthropic.count_tokens'
    | 'anthropic.models'
    | null;
  /** Pass-through only: the request and response body bytes that went through; null elsewhere. */
  bytes_in: number | null;
  bytes_out: number | null;
  status_code: number;
  status: 'success' | 'error' | 'aborted';
  error_message: string | null;
  error_code: string | null;
  client_aborted: boolean;
  stream: boolean;
  requested_model: string | null;
  model: string | null;
  provider: string | null;
  fallback_used: boolean;
  /** The deployment that served (`openai`, `openai/<endpoint>`, `openai/customer`), never a key. */
  deployment: string | null;
  /** The load balance group the model was chosen from. */
  load_balance_group: string | null;
  attempts: AttemptRecord[];
  /** OpenAI parameters the serving provider could not honour and left out. */
  dropped_params: string[] | null;
  usage: LogUsage | null;
  /** What the request cost in USD; null when unknown, and `cost_unavailable_reason` says why. */
  cost_usd: number | null;
  /** The cost per usage bucket and where the prices came from; null when `cost_usd` is. */
  cost: CostDetails | null;
  cost_unavailable_reason: string | null;
  customer_identifier: string | null;
  custom_identifier: string | null;
  thread_identifier: string | null;
  group_identifier: string | null;
  metadata: Record<string, unknown> | null;
  /** The host's principal (from the adapter's `context` option or the `authorize` hook). */
  principal: string | Record<string, unknown> | null;
  host_metadata: Record<string, unknown> | null;
  /** The name of the gateway key used, never the key. */
  gateway_key: string | null;
  cache: CacheLog | null;
  customer: CustomerLog | null;
  /** Store calls that failed or timed out, and what the `onStoreError` policy did. */
  store_errors: string[] | null;
  /** OpenAI request parameters other than the input (model, temperature, tools, ...). */
  params: Record<string, unknown> | null;
  /** `messages` (chat) or `input` (embeddings); null when `disable_log` is set. */
  input: unknown;
  /** The assistant message (chat) or a summary (embeddings); null when `disable_log` is set. */
  output: unknown;
}

export type LogSink = (record: LogRecord) => unknown;

/**
 * `request_breakdown`: what the log record says about a request, for the caller to see, in the
 * JSON answer or as a last frame of a stream (in the route's format: `StreamFormat.breakdownFrame`).
 */
import type { LogRecord } from '../logging/log-record.js';
import { round, type RequestLog } from '../logging/request-log.js';

/** The `request_breakdown` object: what the log record says, for the caller to see. */
export function breakdown(record: LogRecord, log: RequestLog) {
  return {
    request_id: record.id,
    provider: record.provider,
    model: record.model,
    requested_model: record.requested_model,
    fallback_used: record.fallback_used,
    attempts: record.attempts,
    usage: record.usage,
    cost_usd: record.cost_usd,
    cost: record.cost,
    cost_unavailable_reason: record.cost_unavailable_reason,
    latency_ms: round(log.elapsedMs()),
    ttft_ms: record.ttft_ms,
    gateway_overhead_ms: record.gateway_overhead_ms,
    customer_identifier: record.customer_identifier,
    custom_identifier: record.custom_identifier,
    thread_identifier: record.thread_identifier,
    group_identifier: record.group_identifier,
    metadata: record.metadata,
  };
}

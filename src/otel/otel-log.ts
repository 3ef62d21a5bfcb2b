/**
 * The request's log record as an OpenTelemetry log, through the user's `@opentelemetry/api-logs`
 * logger (typed here by what is used: that package stays the user's, never imported).
 */
import type { Attributes, Context } from '@opentelemetry/api';
import type { RequestEndEvent } from '../observe/gateway-listener.js';

/** What modelgate needs of an `@opentelemetry/api-logs` Logger (no import: that package stays yours). */
export interface OtelLogger {
  // Loose on purpose: api-logs' own LogRecord (TimeInput, AnyValue, LogAttributes) must fit.
  emit(record: {
    timestamp?: unknown;
    severityNumber?: number;
    severityText?: string;
    body?: unknown;
    attributes?: Record<string, unknown>;
    context?: Context;
  }): void;
}

/** api-logs' SeverityNumber.INFO, .WARN and .ERROR. */
const SEVERITY = { success: [9, 'INFO'], aborted: [13, 'WARN'], error: [17, 'ERROR'] } as const;

export function emitLog(
  logger: OtelLogger,
  event: RequestEndEvent,
  spanContext: Context | undefined,
  content: boolean,
) {
  const { record } = event;
  const [severityNumber, severityText] = SEVERITY[record.status];
  const body: Record<string, unknown> = { ...record };
  if (!content) {
    delete body.input;
    delete body.output;
  }
  const attributes: Attributes = { 'modelgate.request.id': record.id, 'modelgate.status': record.status };
  if (record.endpoint) attributes['modelgate.endpoint'] = record.endpoint;
  logger.emit({ timestamp: event.endTime, severityNumber, severityText, body, attributes, context: spanContext });
}

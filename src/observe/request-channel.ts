/**
 * `modelgate:request`, a `diagnostics_channel` tracing channel for APM agents that hook Node
 * libraries the way they hook undici (`undici:request:*`): no option to set, nothing to import, and
 * nothing spent unless somebody subscribed (`hasSubscribers` is read once per request).
 *
 * Per request, one context object travels through the channel's events:
 * - `start` when the request's route is known (`{ id, method, path, endpoint, headers }`, the
 *   headers without the caller's credentials), then
 *   `end` at once (the synchronous part: the gateway goes on asynchronously);
 * - `asyncStart` and `asyncEnd` when the request is over (a stream's at its end), with `record`
 *   (the final log record) on the context; `error` before them when the request failed, with
 *   `error` (`{ code, message, status }` of the record).
 */
import { tracingChannel } from 'node:diagnostics_channel';
import type { IncomingHttpHeaders } from 'node:http';
import type { LogRecord } from '../logging/log-record.js';

export interface RequestChannelContext {
  id: string;
  method: string;
  path: string;
  endpoint: LogRecord['endpoint'];
  headers: Readonly<IncomingHttpHeaders>;
  /** Set when the request is over. */
  record?: Readonly<LogRecord>;
  /** Set when the request failed. */
  error?: { code: string | null; message: string | null; status: number };
}

export const REQUEST_CHANNEL = 'modelgate:request';

export const requestChannel = tracingChannel<RequestChannelContext, RequestChannelContext>(REQUEST_CHANNEL);

export function publishStart(context: RequestChannelContext): void {
  requestChannel.start.publish(context);
  requestChannel.end.publish(context);
}

export function publishEnd(context: RequestChannelContext, record: Readonly<LogRecord>): void {
  context.record = record;
  if (record.status !== 'success') {
    context.error = { code: record.error_code, message: record.error_message, status: record.status_code };
    requestChannel.error.publish(context);
  }
  requestChannel.asyncStart.publish(context);
  requestChannel.asyncEnd.publish(context);
}

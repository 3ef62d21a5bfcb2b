/**
 * W3C trace context in and out: the parent of a request's span (the host's active span, or the
 * inbound `traceparent`), and the headers that carry an attempt's span upstream.
 */
import {
  propagation,
  trace,
  TraceFlags,
  type Context,
  type SpanContext,
  type TextMapPropagator,
} from '@opentelemetry/api';
import type { IncomingHttpHeaders } from 'node:http';

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

const headerGetter = {
  keys: (carrier: Readonly<IncomingHttpHeaders>) => Object.keys(carrier),
  get: (carrier: Readonly<IncomingHttpHeaders>, key: string) => carrier[key.toLowerCase()],
};

/**
 * The context a request's span starts in, and whether it continues a span of this process (the
 * host's HTTP server span: ours is then INTERNAL) or another's (SERVER).
 */
export function parentOf(
  active: Context,
  headers: Readonly<IncomingHttpHeaders>,
  propagator: TextMapPropagator | undefined,
): { parent: Context; local: boolean } {
  const host = trace.getSpanContext(active);
  if (host && trace.isSpanContextValid(host) && !host.isRemote) return { parent: active, local: true };
  const extracted = (propagator ?? propagation).extract(active, headers, headerGetter);
  if (trace.getSpanContext(extracted)) return { parent: extracted, local: false };
  // No propagator registered (the API alone is a no-op): W3C `traceparent` read here.
  const remote = parseTraceparent(headers.traceparent);
  return { parent: remote ? trace.setSpanContext(active, remote) : active, local: false };
}

export function parseTraceparent(value: string | string[] | undefined): SpanContext | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  const match = text ? TRACEPARENT.exec(text.trim()) : null;
  if (!match || match[1] === 'ff' || /^0+$/.test(match[2]) || /^0+$/.test(match[3])) return undefined;
  return { traceId: match[2], spanId: match[3], traceFlags: parseInt(match[4], 16) & 1, isRemote: true };
}

/** The headers that carry `context`'s span to the upstream (`traceparent`, and what the propagator adds). */
export function injectHeaders(context: Context, propagator: TextMapPropagator | undefined): Record<string, string> {
  const carrier: Record<string, string> = {};
  (propagator ?? propagation).inject(context, carrier, {
    set: (target, key, value) => {
      target[key.toLowerCase()] = value;
    },
  });
  const span = trace.getSpanContext(context);
  if (!carrier.traceparent && span) {
    const flags = span.traceFlags & TraceFlags.SAMPLED ? '01' : '00';
    carrier.traceparent = `00-${span.traceId}-${span.spanId}-${flags}`;
    if (span.traceState) carrier.tracestate = span.traceState.serialize();
  }
  return carrier;
}

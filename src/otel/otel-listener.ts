/**
 * `otelListener()`: modelgate's requests as OpenTelemetry spans and metrics, through the user's own
 * SDK (`@opentelemetry/api` only: without an SDK everything here is a no-op). One span per request
 * (SERVER, or INTERNAL under the host's own server span) and one CLIENT child span per upstream
 * attempt, named and attributed after the GenAI semantic conventions (./semconv.ts).
 */
import {
  context,
  metrics,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Meter,
  type Span,
  type TextMapPropagator,
  type Tracer,
} from '@opentelemetry/api';
import type { LogRecord } from '../logging/log-record.js';
import type {
  AttemptEndEvent,
  AttemptStartEvent,
  GatewayListener,
  RequestEndEvent,
  RequestStartEvent,
} from '../observe/gateway-listener.js';
import { emitLog, type OtelLogger } from './otel-log.js';
import { OtelMetrics } from './otel-metrics.js';
import { operationName, providerName, REQUEST_PARAMS, type SemconvVersion } from './semconv.js';
import { injectHeaders, parentOf } from './trace-context.js';

export interface OtelListenerOptions {
  /** Default: the global tracer provider's `modelgate` tracer. */
  tracer?: Tracer;
  /** Default: the global meter provider's `modelgate` meter. */
  meter?: Meter;
  /** Spans (default true). */
  traces?: boolean;
  /** Metrics (default true). */
  metrics?: boolean;
  /**
   * Attribute and metric names: `released` (default, semconv v1.41) or `latest`
   * (`semconvFromEnv(process.env.OTEL_SEMCONV_STABILITY_OPT_IN)` reads the standard switch).
   */
  semconv?: SemconvVersion;
  /**
   * Prompt and completion on the request span (`gen_ai.input.messages`, `gen_ai.output.messages`,
   * in the route's own JSON shape). Off by default; never for a request with `disable_log`.
   */
  recordContent?: boolean;
  /** Sends each attempt's span upstream as W3C `traceparent` (and what the propagator adds). Off by default. */
  forwardTraceContext?: boolean;
  /** Reads and writes trace context headers; default the global propagator, with a built-in W3C fallback. */
  propagator?: TextMapPropagator;
  /**
   * Also emits each request's log record as an OpenTelemetry log (in its span's context, so it
   * carries the trace and span ids): pass `logs.getLogger('modelgate')` of your
   * `@opentelemetry/api-logs`. `input` and `output` only with `recordContent`.
   */
  logger?: OtelLogger;
}

interface Live {
  span: Span;
  context: Context;
  /** The attempt under way. */
  attempt?: Span;
  /** The attempt that succeeded: ended with the request, when its usage is known (a stream's at its end). */
  served?: { span: Span; endTime: number };
}

const VERSION = '0.1.0';

/** An OpenTelemetry exporter for `createGateway({ listeners: [otelListener()] })`. */
export function otelListener(options: OtelListenerOptions = {}): GatewayListener {
  const semconv = options.semconv ?? 'released';
  const tracer = options.traces === false ? undefined : (options.tracer ?? trace.getTracer('modelgate', VERSION));
  const recorder =
    options.metrics === false
      ? undefined
      : new OtelMetrics(options.meter ?? metrics.getMeter('modelgate', VERSION), semconv);
  const live = new Map<string, Live>();

  return {
    requestStart(event: RequestStartEvent) {
      if (!tracer) return;
      const { parent, local } = parentOf(context.active(), event.headers, options.propagator);
      const span = tracer.startSpan(
        `${event.method} ${event.endpoint ?? event.path}`,
        {
          kind: local ? SpanKind.INTERNAL : SpanKind.SERVER,
          startTime: event.startTime,
          attributes: {
            'http.request.method': event.method,
            'url.path': event.path,
            'modelgate.request.id': event.id,
            ...(event.endpoint ? { 'modelgate.endpoint': event.endpoint } : {}),
          },
        },
        parent,
      );
      live.set(event.id, { span, context: trace.setSpan(parent, span) });
    },

    attemptStart(event: AttemptStartEvent) {
      const state = live.get(event.requestId);
      if (!state || !tracer) return;
      const operation = operationName(event.operation) ?? event.operation;
      const attributes: Attributes = {
        'gen_ai.operation.name': operation,
        'gen_ai.request.model': event.model,
        'modelgate.provider': event.provider,
        'modelgate.retry': event.retry,
        'modelgate.target_index': event.targetIndex,
      };
      const provider = providerName(event.providerKind);
      if (provider) attributes['gen_ai.provider.name'] = provider;
      if (event.deployment) attributes['modelgate.deployment'] = event.deployment;
      if (event.probe) attributes['modelgate.probe'] = true;
      const span = tracer.startSpan(
        `${operation} ${event.model}`,
        { kind: SpanKind.CLIENT, startTime: event.startTime, attributes },
        state.context,
      );
      state.attempt = span;
      if (event.retry > 0) state.span.addEvent('modelgate.retry', { 'modelgate.retry': event.retry }, event.startTime);
      if (options.forwardTraceContext)
        for (const [name, value] of Object.entries(
          injectHeaders(trace.setSpan(state.context, span), options.propagator),
        ))
          event.setUpstreamHeader(name, value);
    },

    attemptEnd(event: AttemptEndEvent) {
      recorder?.attempt(event);
      const state = live.get(event.requestId);
      if (!state) return;
      const { attempt } = event;
      if (event.outcome === 'skipped') {
        state.span.addEvent(
          'modelgate.attempt.skipped',
          {
            'modelgate.provider': attempt.provider,
            'gen_ai.request.model': attempt.model,
            'modelgate.skipped': attempt.skipped!,
          },
          event.endTime,
        );
        return;
      }
      const span = state.attempt;
      state.attempt = undefined;
      if (!span) return;
      if (attempt.status_code !== null) span.setAttribute('http.response.status_code', attempt.status_code);
      if (event.outcome === 'success') {
        state.served = { span, endTime: event.endTime };
        return;
      }
      span.setAttribute('error.type', attempt.error_code ?? 'error');
      span.setStatus({ code: SpanStatusCode.ERROR, message: attempt.error ?? undefined });
      span.end(event.endTime);
    },

    requestEnd(event: RequestEndEvent) {
      recorder?.request(event);
      const state = live.get(event.id);
      if (options.logger) emitLog(options.logger, event, state?.context, options.recordContent === true);
      if (!state) return;
      live.delete(event.id);
      const { record } = event;
      const attributes = genAiAttributes(record, event.providerKind, semconv);
      if (state.served) {
        // The attempt keeps the model it asked for (the request may have named an alias).
        const { 'gen_ai.request.model': _requested, ...served } = attributes;
        state.served.span.setAttributes(served);
        // A stream's upstream call lasts until the stream ends.
        state.served.span.end(record.stream ? event.endTime : state.served.endTime);
      }
      state.attempt?.end(event.endTime); // cut mid-attempt (gateway.close())
      finishRequestSpan(state.span, event, attributes, options.recordContent === true);
    },
  };
}

function finishRequestSpan(span: Span, event: RequestEndEvent, attributes: Attributes, recordContent: boolean): void {
  const { record } = event;
  const operation = operationName(record.endpoint);
  if (operation) span.updateName(`${operation} ${record.requested_model ?? record.model ?? ''}`.trim());
  span.setAttributes(attributes);
  span.setAttribute('http.response.status_code', record.status_code);
  span.setAttribute('modelgate.attempts', record.attempts.filter((attempt) => !attempt.skipped).length);
  if (record.fallback_used) span.setAttribute('modelgate.fallback_used', true);
  if (record.cache) {
    span.setAttribute('modelgate.cache.status', record.cache.status);
    if (record.cache.status === 'hit')
      span.addEvent('modelgate.cache.hit', undefined, event.startTime + record.latency_ms);
  }
  if (record.cost_usd !== null) span.setAttribute('modelgate.cost_usd', record.cost_usd);
  if (record.ttft_ms !== null) span.addEvent('gen_ai.first_chunk', undefined, event.startTime + record.ttft_ms);
  if (record.customer_identifier) span.setAttribute('modelgate.customer_identifier', record.customer_identifier);
  if (recordContent) {
    // `input` and `output` are null for a request with `disable_log`: nothing is recorded then.
    if (record.input !== null && record.input !== undefined)
      span.setAttribute('gen_ai.input.messages', JSON.stringify(record.input));
    if (record.output !== null && record.output !== undefined)
      span.setAttribute('gen_ai.output.messages', JSON.stringify(record.output));
  }
  if (record.status !== 'success') {
    span.setAttribute('error.type', record.error_code ?? record.status);
    span.setStatus({ code: SpanStatusCode.ERROR, message: record.error_message ?? record.status });
  }
  span.end(event.endTime);
}

/** The GenAI attributes a finished request carries (on its span and on the attempt that served it). */
function genAiAttributes(record: LogRecord, providerKind: string | null, semconv: SemconvVersion): Attributes {
  const attributes: Attributes = {};
  const operation = operationName(record.endpoint);
  if (!operation) return attributes;
  attributes['gen_ai.operation.name'] = operation;
  const provider = providerName(providerKind);
  if (provider) attributes['gen_ai.provider.name'] = provider;
  if (record.requested_model) attributes['gen_ai.request.model'] = record.requested_model;
  if (record.model) attributes['gen_ai.response.model'] = record.model;
  for (const [param, attribute] of REQUEST_PARAMS) {
    const value = record.params?.[param];
    if (typeof value === 'number') attributes[attribute] = value;
  }
  if (record.thread_identifier) attributes['gen_ai.conversation.id'] = record.thread_identifier;
  const usage = record.usage;
  if (usage) {
    attributes['gen_ai.usage.input_tokens'] = usage.prompt_tokens;
    attributes['gen_ai.usage.output_tokens'] = usage.completion_tokens;
    if (semconv === 'latest') {
      attributes['gen_ai.usage.cache_read.input_tokens'] = usage.cached_tokens;
      attributes['gen_ai.usage.cache_write.input_tokens'] = usage.cache_write_tokens;
      attributes['gen_ai.usage.reasoning.output_tokens'] = usage.reasoning_tokens;
    }
  }
  const reasons = finishReasons(record.output);
  if (reasons.length) attributes['gen_ai.response.finish_reasons'] = reasons;
  if (semconv === 'latest') {
    attributes['gen_ai.request.stream'] = record.stream;
    if (record.ttft_ms !== null) attributes['gen_ai.response.time_to_first_chunk'] = record.ttft_ms / 1000;
  }
  return attributes;
}

/** Chat choices' `finish_reason`s (the log's `output`; absent with `disable_log`). */
function finishReasons(output: unknown): string[] {
  if (!Array.isArray(output)) return [];
  const reasons: string[] = [];
  for (const choice of output)
    if (typeof choice?.finish_reason === 'string') reasons.push(choice.finish_reason as string);
  return reasons;
}

/**
 * The metrics `modelgate/otel` records through the user's meter: the GenAI client metrics (per
 * request, from the final record) and the gateway's own (attempts by outcome, requests, cost).
 */
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import type { AttemptEndEvent, RequestEndEvent } from '../observe/gateway-listener.js';
import {
  DURATION_BUCKETS_S,
  METRIC_NAMES,
  operationName,
  providerName,
  TOKEN_BUCKETS,
  type SemconvVersion,
} from './semconv.js';

export class OtelMetrics {
  private readonly duration: Histogram;
  private readonly firstChunk: Histogram;
  private readonly tokenHistogram?: Histogram;
  private readonly tokenCounters?: { input: Counter; output: Counter };
  private readonly attempts: Counter;
  private readonly requests: Counter;
  private readonly cost: Counter;

  constructor(meter: Meter, semconv: SemconvVersion) {
    const names = METRIC_NAMES[semconv];
    const seconds = { unit: 's', advice: { explicitBucketBoundaries: DURATION_BUCKETS_S } };
    this.duration = meter.createHistogram(names.duration, { description: 'GenAI operation duration.', ...seconds });
    this.firstChunk = meter.createHistogram(names.timeToFirstChunk, {
      description: 'Time to the first chunk of a streamed response.',
      ...seconds,
    });
    if ('histogram' in names.tokens)
      this.tokenHistogram = meter.createHistogram(names.tokens.histogram, {
        description: 'Number of input and output tokens used.',
        unit: '{token}',
        advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
      });
    else
      this.tokenCounters = {
        input: meter.createCounter(names.tokens.input, { description: 'Input tokens used.', unit: '{token}' }),
        output: meter.createCounter(names.tokens.output, { description: 'Output tokens used.', unit: '{token}' }),
      };
    this.attempts = meter.createCounter('modelgate.gateway.attempts', {
      description: 'Upstream attempts by outcome (success, error, skipped).',
      unit: '{attempt}',
    });
    this.requests = meter.createCounter('modelgate.gateway.requests', {
      description: 'Requests by route and status.',
      unit: '{request}',
    });
    this.cost = meter.createCounter('modelgate.gateway.cost', { description: 'What requests cost.', unit: 'USD' });
  }

  attempt(event: AttemptEndEvent): void {
    const { attempt } = event;
    const attributes: Attributes = {
      'modelgate.provider': attempt.provider,
      'gen_ai.request.model': attempt.model,
      'modelgate.outcome': event.outcome,
    };
    const provider = providerName(event.providerKind);
    if (provider) attributes['gen_ai.provider.name'] = provider;
    if (attempt.skipped) attributes['modelgate.skipped'] = attempt.skipped;
    else if (attempt.error_code) attributes['error.type'] = attempt.error_code;
    this.attempts.add(1, attributes);
  }

  request(event: RequestEndEvent): void {
    const { record } = event;
    const requestAttributes: Attributes = {
      'modelgate.endpoint': record.endpoint ?? 'none',
      'http.response.status_code': record.status_code,
      'modelgate.status': record.status,
    };
    if (record.cache) requestAttributes['modelgate.cache'] = record.cache.status;
    this.requests.add(1, requestAttributes);
    const operation = operationName(record.endpoint);
    if (!operation) return;
    const attributes: Attributes = { 'gen_ai.operation.name': operation };
    const provider = providerName(event.providerKind);
    if (provider) attributes['gen_ai.provider.name'] = provider;
    if (record.requested_model) attributes['gen_ai.request.model'] = record.requested_model;
    if (record.model) attributes['gen_ai.response.model'] = record.model;
    const failed = record.status !== 'success';
    this.duration.record(
      record.latency_ms / 1000,
      failed ? { ...attributes, 'error.type': record.error_code ?? record.status } : attributes,
    );
    if (record.ttft_ms !== null && !failed) this.firstChunk.record(record.ttft_ms / 1000, attributes);
    const usage = record.usage;
    if (usage) {
      if (this.tokenHistogram) {
        this.tokenHistogram.record(usage.prompt_tokens, { ...attributes, 'gen_ai.token.type': 'input' });
        this.tokenHistogram.record(usage.completion_tokens, { ...attributes, 'gen_ai.token.type': 'output' });
      } else {
        this.tokenCounters!.input.add(usage.prompt_tokens, attributes);
        this.tokenCounters!.output.add(usage.completion_tokens, attributes);
      }
    }
    if (record.cost_usd) this.cost.add(record.cost_usd, attributes);
  }
}

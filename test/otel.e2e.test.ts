/**
 * `modelgate/otel` with the real OpenTelemetry Node SDK pieces (a tracer provider with the in-memory
 * span exporter, a meter provider with the in-memory metric exporter), through a real node:http
 * host, the OpenAI SDK as the client and loopback upstreams: plain, streamed, fallen-back, cached
 * and failed requests; trace context continued from the inbound request and forwarded upstream.
 */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nodeGateway } from '../adapters/node/index.js';
import { otelListener, semconvFromEnv, type OtelListenerOptions } from '../adapters/otel/index.js';
import { createGateway, memoryStore, type Gateway } from '../src/index.js';
import { chat, completionChunks, fail, reply } from './helpers/chat-upstream.js';
import { startHost, type Host } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { sse, startUpstream, type Upstream } from './helpers/upstream.js';

const contextManager = new AsyncLocalStorageContextManager();
let spans: InMemorySpanExporter;
let tracerProvider: BasicTracerProvider;
let metricExporter: InMemoryMetricExporter;
let reader: PeriodicExportingMetricReader;
let meterProvider: MeterProvider;
let primary: Upstream;
let backup: Upstream;
let gateway: Gateway;
let host: Host;
let client: OpenAI;
let logs: ReturnType<typeof logCollector>;

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(() => {
  context.disable();
});

beforeEach(async () => {
  spans = new InMemorySpanExporter();
  tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  meterProvider = new MeterProvider({ readers: [reader] });
  primary = await startUpstream((request, response) => reply(request, response, { content: 'from primary' }));
  backup = await startUpstream((request, response) => reply(request, response, { content: 'from backup' }));
  logs = logCollector();
});

afterEach(async () => {
  await host?.close();
  await gateway?.close();
  await primary.close();
  await backup.close();
  await meterProvider.shutdown();
  await tracerProvider.shutdown();
});

async function serve(options: OtelListenerOptions = {}, extra: Record<string, unknown> = {}) {
  gateway = createGateway({
    providers: {
      openai: { apiKey: 'sk-test-primary', baseURL: primary.baseURL },
      backup: { kind: 'openai-compatible', apiKey: 'sk-test-backup', baseURL: backup.baseURL },
    },
    models: { smart: { target: 'openai/gpt-4o-mini', fallbacks: ['backup/gpt-4o-mini'] } },
    retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 2 },
    onLog: logs.sink,
    listeners: [
      otelListener({ tracer: tracerProvider.getTracer('test'), meter: meterProvider.getMeter('test'), ...options }),
    ],
    ...extra,
  });
  host = await startHost('node', gateway);
  client = new OpenAI({ baseURL: host.baseURL, apiKey: 'client-key', maxRetries: 0 });
}

/** The finished spans once `count` requests ended (their spans end with the record, after the I/O turn). */
async function finished(count: number): Promise<ReadableSpan[]> {
  await logs.settle(count);
  await new Promise((resolve) => setImmediate(resolve));
  return spans.getFinishedSpans();
}

const hrMs = ([seconds, nanos]: [number, number]) => seconds * 1000 + nanos / 1e6;
const byKind = (all: ReadableSpan[], kind: SpanKind) => all.filter((span) => span.kind === kind);

async function metricPoints(name: string): Promise<DataPoint<any>[]> {
  await reader.forceFlush();
  const exported = metricExporter.getMetrics().at(-1);
  const metric = exported?.scopeMetrics.flatMap((scope) => scope.metrics).find((m) => m.descriptor.name === name);
  return (metric?.dataPoints ?? []) as DataPoint<any>[];
}

describe('modelgate/otel spans and metrics', () => {
  it('a plain request: a SERVER span with GenAI attributes, a CLIENT child per attempt, the GenAI metrics', async () => {
    await serve();
    const answer = await client.chat.completions.create(chat('gpt-4o-mini', { temperature: 0.3 }) as any);
    expect(answer.choices[0].message.content).toBe('from primary');
    const all = await finished(1);
    const [server] = byKind(all, SpanKind.SERVER);
    const [attempt] = byKind(all, SpanKind.CLIENT);
    expect(all).toHaveLength(2);
    expect(server.name).toBe('chat gpt-4o-mini');
    expect(server.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini',
      'gen_ai.request.temperature': 0.3,
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 5,
      'gen_ai.response.finish_reasons': ['stop'],
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'modelgate.attempts': 1,
    });
    expect(server.attributes['modelgate.request.id']).toBe(logs.records[0].id);
    expect(server.attributes['gen_ai.input.messages']).toBeUndefined(); // content only when opted in
    expect(server.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(attempt.name).toBe('chat gpt-4o-mini');
    expect(attempt.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(attempt.spanContext().traceId).toBe(server.spanContext().traceId);
    expect(attempt.attributes).toMatchObject({
      'gen_ai.provider.name': 'openai',
      'gen_ai.usage.input_tokens': 10,
      'http.response.status_code': 200,
      'modelgate.retry': 0,
    });

    const tokens = await metricPoints('gen_ai.client.token.usage');
    const sumOf = (type: string) =>
      tokens
        .filter((point) => point.attributes['gen_ai.token.type'] === type)
        .reduce((sum, point) => sum + (point.value as Histogram).sum!, 0);
    expect([sumOf('input'), sumOf('output')]).toEqual([10, 5]);
    const [duration] = await metricPoints('gen_ai.client.operation.duration');
    expect((duration.value as Histogram).count).toBe(1);
    expect(duration.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai' });
    const attempts = await metricPoints('modelgate.gateway.attempts');
    expect(attempts.map((point) => [point.attributes['modelgate.outcome'], point.value])).toEqual([['success', 1]]);
  });

  it('a streamed request ends its spans when the stream ends, with the first chunk as an event and a metric', async () => {
    await serve();
    // The chunks come 20 ms apart: the stream ends well after its first chunk.
    primary.handle((request, response) =>
      sse(response, completionChunks('gpt-4o-mini', { content: 'from primary' }), { delayMs: 20 }),
    );
    const stream = await client.chat.completions.create({ ...(chat('gpt-4o-mini') as any), stream: true });
    let text = '';
    for await (const part of stream as any) text += part.choices[0]?.delta?.content ?? '';
    expect(text).toBe('from primary');
    const all = await finished(1);
    const [server] = byKind(all, SpanKind.SERVER);
    const [attempt] = byKind(all, SpanKind.CLIENT);
    const record = logs.records[0];
    const firstChunk = server.events.find((event) => event.name === 'gen_ai.first_chunk')!;
    expect(hrMs(firstChunk.time) - hrMs(server.startTime)).toBeCloseTo(record.ttft_ms!, 1);
    // The request span lasts until the stream's end, the record's latency, well past the first chunk.
    expect(hrMs(server.endTime) - hrMs(server.startTime)).toBeCloseTo(record.latency_ms, 1);
    expect(record.latency_ms).toBeGreaterThan(record.ttft_ms!);
    expect(attempt.endTime).toEqual(server.endTime); // the upstream call lasted as long as the stream
    expect(server.attributes['gen_ai.usage.output_tokens']).toBe(record.usage!.completion_tokens);
    const [first] = await metricPoints('gen_ai.client.operation.time_to_first_chunk');
    expect((first.value as Histogram).count).toBe(1);
    expect((first.value as Histogram).sum).toBeCloseTo(record.ttft_ms! / 1000, 6);
  });

  it('a fallen-back request: a failed CLIENT span per failed try, then the one that served', async () => {
    await serve();
    primary.handle((_request, response) => fail(response, 500));
    const answer = await client.chat.completions.create(chat('smart') as any);
    expect(answer.choices[0].message.content).toBe('from backup');
    const all = await finished(1);
    const [server] = byKind(all, SpanKind.SERVER);
    const attempts = byKind(all, SpanKind.CLIENT);
    expect(
      attempts.map((span) => [
        span.attributes['modelgate.provider'],
        span.attributes['modelgate.retry'],
        span.attributes['http.response.status_code'],
        span.status.code,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['openai', 0, 500, SpanStatusCode.ERROR],
        ['openai', 1, 500, SpanStatusCode.ERROR],
        ['backup', 0, 200, SpanStatusCode.UNSET],
      ]),
    );
    expect(attempts).toHaveLength(3);
    for (const span of attempts) expect(span.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(attempts.find((span) => span.status.code === SpanStatusCode.ERROR)!.attributes['error.type']).toBe(
      'upstream_error',
    );
    expect(server.attributes).toMatchObject({
      'modelgate.fallback_used': true,
      'modelgate.attempts': 3,
      'gen_ai.request.model': 'smart',
      'gen_ai.provider.name': 'openai-compatible',
    });
    expect(server.events.map((event) => event.name)).toContain('modelgate.retry');
    const outcomes = await metricPoints('modelgate.gateway.attempts');
    const count = (outcome: string) =>
      outcomes.filter((p) => p.attributes['modelgate.outcome'] === outcome).reduce((s, p) => s + p.value, 0);
    expect([count('error'), count('success')]).toEqual([2, 1]);
  });

  it('a cached request: no CLIENT span, a cache hit event on the request span', async () => {
    await serve({}, { store: memoryStore() });
    const body = chat('gpt-4o-mini', { cache_enabled: true }) as any;
    await client.chat.completions.create(body);
    await finished(1);
    spans.reset();
    const again = await client.chat.completions.create(body);
    expect(again.choices[0].message.content).toBe('from primary');
    const all = await finished(2);
    expect(primary.requests).toHaveLength(1);
    expect(byKind(all, SpanKind.CLIENT)).toEqual([]);
    const [server] = byKind(all, SpanKind.SERVER);
    expect(server.attributes['modelgate.cache.status']).toBe('hit');
    expect(server.attributes['modelgate.attempts']).toBe(0);
    expect(server.events.map((event) => event.name)).toContain('modelgate.cache.hit');
  });

  it('a failed request: ERROR status and error.type on both spans and on the duration metric', async () => {
    await serve();
    primary.handle((_request, response) => fail(response, 400));
    await expect(client.chat.completions.create(chat('gpt-4o-mini') as any)).rejects.toThrow();
    const all = await finished(1);
    const [server] = byKind(all, SpanKind.SERVER);
    const [attempt] = byKind(all, SpanKind.CLIENT);
    expect(server.status.code).toBe(SpanStatusCode.ERROR);
    expect(server.attributes['error.type']).toBe(logs.records[0].error_code);
    expect(server.attributes['http.response.status_code']).toBe(400);
    expect(attempt.status.code).toBe(SpanStatusCode.ERROR);
    const [duration] = await metricPoints('gen_ai.client.operation.duration');
    expect(duration.attributes['error.type']).toBe(logs.records[0].error_code);
  });

  it('records content only when opted in, and never for a request with disable_log', async () => {
    await serve({ recordContent: true });
    await client.chat.completions.create(chat('gpt-4o-mini') as any);
    await client.chat.completions.create(chat('gpt-4o-mini', { disable_log: true }) as any);
    const servers = byKind(await finished(2), SpanKind.SERVER);
    const withContent = servers.filter((span) => span.attributes['gen_ai.input.messages'] !== undefined);
    expect(withContent).toHaveLength(1);
    expect(JSON.parse(withContent[0].attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'user', content: 'Say hello' },
    ]);
    expect(withContent[0].attributes['gen_ai.output.messages']).toContain('from primary');
    const without = servers.find((span) => span !== withContent[0])!;
    expect(without.attributes['gen_ai.output.messages']).toBeUndefined();
  });

  it('continues the inbound traceparent, and forwards each attempt’s span upstream when asked', async () => {
    await serve({ forwardTraceContext: true });
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    await client.chat.completions.create(chat('gpt-4o-mini') as any, {
      headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` },
    });
    const all = await finished(1);
    const [server] = byKind(all, SpanKind.SERVER);
    const [attempt] = byKind(all, SpanKind.CLIENT);
    expect(server.spanContext().traceId).toBe(traceId);
    expect(server.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(primary.requests[0].headers.traceparent).toBe(`00-${traceId}-${attempt.spanContext().spanId}-01`);
  });

  it('forwards nothing upstream unless asked', async () => {
    await serve();
    await client.chat.completions.create(chat('gpt-4o-mini') as any, {
      headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    await finished(1);
    expect(primary.requests[0].headers.traceparent).toBeUndefined();
  });

  it('nests as INTERNAL under the host’s own server span (an instrumented host)', async () => {
    gateway = createGateway({
      providers: { openai: { apiKey: 'sk-test-primary', baseURL: primary.baseURL } },
      onLog: logs.sink,
      listeners: [otelListener({ tracer: tracerProvider.getTracer('test'), meter: meterProvider.getMeter('test') })],
    });
    const hostTracer = tracerProvider.getTracer('host');
    const handler = nodeGateway(gateway, { basePath: '/api' });
    const server = createServer((req, res) => {
      const span = hostTracer.startSpan('POST /api/chat/completions', { kind: SpanKind.SERVER });
      res.on('finish', () => span.end());
      context.with(trace.setSpan(context.active(), span), () => handler(req, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const sdk = new OpenAI({ baseURL: `http://127.0.0.1:${port}/api`, apiKey: 'k', maxRetries: 0 });
      await sdk.chat.completions.create(chat('gpt-4o-mini') as any);
      const all = await finished(1);
      const hostSpan = all.find((span) => span.name === 'POST /api/chat/completions')!;
      const ours = all.find((span) => span.name === 'chat gpt-4o-mini' && span.kind !== SpanKind.CLIENT)!;
      expect(ours.kind).toBe(SpanKind.INTERNAL);
      expect(ours.parentSpanContext?.spanId).toBe(hostSpan.spanContext().spanId);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('takes the newest GenAI names when asked (OTEL_SEMCONV_STABILITY_OPT_IN read by the user)', async () => {
    expect(semconvFromEnv('http,gen_ai_latest_experimental')).toBe('latest');
    expect(semconvFromEnv(undefined)).toBe('released');
    await serve({ semconv: semconvFromEnv('gen_ai_latest_experimental') });
    await client.chat.completions.create(chat('gpt-4o-mini') as any);
    const [server] = byKind(await finished(1), SpanKind.SERVER);
    expect(server.attributes).toMatchObject({
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.request.stream': false,
    });
    expect(await metricPoints('gen_ai.client.inference.duration')).toHaveLength(1);
    const [input] = await metricPoints('gen_ai.client.inference.usage.input_tokens');
    expect(input.value).toBe(10);
    expect(await metricPoints('gen_ai.client.operation.duration')).toEqual([]);
  });

  it('emits each record as an OpenTelemetry log in its span’s context (content only when opted in)', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
    try {
      await serve({ logger: loggerProvider.getLogger('modelgate') });
      await client.chat.completions.create(chat('gpt-4o-mini') as any);
      primary.handle((_request, response) => fail(response, 400));
      await expect(client.chat.completions.create(chat('gpt-4o-mini') as any)).rejects.toThrow();
      const all = await finished(2);
      const emitted = exporter.getFinishedLogRecords();
      expect(emitted.map((log) => log.severityText)).toEqual(['INFO', 'ERROR']);
      const [ok] = emitted;
      const body = ok.body as Record<string, any>;
      expect(body.id).toBe(logs.records[0].id);
      expect(body.usage.prompt_tokens).toBe(10);
      expect(body).not.toHaveProperty('input');
      const server = byKind(all, SpanKind.SERVER).find((span) => span.attributes['modelgate.request.id'] === body.id)!;
      expect(ok.spanContext?.traceId).toBe(server.spanContext().traceId);
      expect(ok.spanContext?.spanId).toBe(server.spanContext().spanId);
      expect(ok.attributes['modelgate.request.id']).toBe(body.id);
    } finally {
      await loggerProvider.shutdown();
    }
  });
});

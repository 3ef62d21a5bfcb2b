/**
 * CPU per request of each exporter, in process, without sockets to the upstream: `gateway.handle()`
 * on core-cost's feature path against its in-memory transport, with a no-op `onLog` as a production
 * gateway has a sink: once with no listener (off), then with each exporter on (the HTTP sink takes
 * the place of the no-op `onLog`), interleaved in rounds, medians reported. What an exporter does
 * after the response (its `requestEnd` in the next I/O turn, the sink's POSTs, the span
 * processor's export) is inside the measured window: each batch ends with a flush.
 *
 *   npm run bench -- --scenarios exporters   (or, after a bench build: node .bench/build/exporter-cost.js)
 */
import { metrics as otelMetrics } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { otelListener } from '../adapters/otel/index.js';
import { prometheusMetrics } from '../adapters/prometheus/index.js';
import { createGateway, httpLogSink, type Gateway, type GatewayListener } from '../src/index.js';
import { BODY, memoryTransport, once } from './lib/in-memory-request.js';
import { median } from './lib/stats.js';

interface Setup {
  name: string;
  /** Listeners, a sink, and what ends a measured batch (flush), made fresh for each measurement. */
  make(): { listeners?: GatewayListener[]; onLog?: (record: any) => unknown; flush?: () => Promise<void> };
}

/** Spans are built, batched and handed over, then thrown away: the SDK's cost without an exporter's I/O. */
const discard: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };

function setups(collectorUrl: string): Setup[] {
  return [
    { name: 'off', make: () => ({}) },
    { name: 'empty listener', make: () => ({ listeners: [{}] }) },
    {
      name: 'diagnostics channel subscribed',
      make: () => {
        const onStart = () => {};
        subscribe('tracing:modelgate:request:start', onStart);
        return { flush: async () => unsubscribe('tracing:modelgate:request:start', onStart) };
      },
    },
    {
      name: 'otel, API only (no SDK)',
      make: () => ({ listeners: [otelListener({ meter: otelMetrics.getMeter('x') })] }),
    },
    {
      name: 'otel + SDK (spans, metrics)',
      make: () => {
        const processor = new BatchSpanProcessor(discard, { maxQueueSize: 100_000, maxExportBatchSize: 512 });
        const tracer = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer('bench');
        const meter = new MeterProvider().getMeter('bench');
        return { listeners: [otelListener({ tracer, meter })], flush: () => processor.forceFlush() };
      },
    },
    { name: 'prometheus', make: () => ({ listeners: [prometheusMetrics()] }) },
    {
      name: 'httpLogSink (loopback collector)',
      make: () => {
        const sink = httpLogSink({ url: collectorUrl, maxBatch: 200, maxQueue: 100_000 });
        return { onLog: sink, flush: () => sink.flush() };
      },
    },
  ];
}

async function cpuPerRequest(setup: Setup, stream: boolean, requests: number): Promise<number> {
  const parts = setup.make();
  const gateway: Gateway = createGateway({
    providers: {
      openai: { apiKey: 'sk-bench-not-a-real-key', baseURL: 'http://127.0.0.1:9/v1' },
      backup: { kind: 'openai-compatible', apiKey: 'sk-bench-backup-not-real', baseURL: 'http://127.0.0.1:9/v1' },
    },
    models: {
      [BODY.model]: { target: 'openai/gpt-4.1-nano', fallbacks: ['backup/gpt-4.1-nano'], params: { temperature: 0.2 } },
    },
    transport: memoryTransport,
    listeners: parts.listeners,
    // Every setup has a log sink, as a production gateway has: what is measured is the exporter.
    onLog: parts.onLog ?? (() => {}),
  });
  const batch = async (count: number) => {
    for (let done = 0; done < count; done += 64)
      await Promise.all(Array.from({ length: 64 }, () => once(gateway, stream)));
    await new Promise((resolve) => setImmediate(resolve));
  };
  try {
    await batch(2_000);
    const before = process.cpuUsage();
    await batch(requests);
    await parts.flush?.();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / requests;
  } finally {
    await gateway.close();
  }
}

export async function measureExporterCost(requests = 10_000, rounds = 3) {
  const collector = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/ingest`;
  const samples: Record<string, number[]> = {};
  try {
    // The first gateway of the process meets a cold JIT: warm it before anything is measured.
    for (const stream of [false, true]) await cpuPerRequest(setups(url)[0], stream, requests);
    for (let round = 0; round < rounds; round++)
      for (const setup of setups(url))
        for (const stream of [false, true])
          (samples[`${setup.name} ${stream ? 'stream' : 'json'}`] ??= []).push(
            await cpuPerRequest(setup, stream, requests),
          );
  } finally {
    collector.closeAllConnections();
    await new Promise((resolve) => collector.close(resolve));
  }
  return Object.fromEntries(Object.entries(samples).map(([key, list]) => [key, median(list)]));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await measureExporterCost(Number(process.argv[2] ?? 10_000), Number(process.argv[3] ?? 3));
  const off = { json: result['off json'], stream: result['off stream'] };
  const lines = Object.entries(result).map(([key, value]) => {
    const base = key.endsWith('stream') ? off.stream : off.json;
    return `  ${key.padEnd(44)} ${value.toFixed(1).padStart(7)} µs/request  (${value - base >= 0 ? '+' : ''}${(value - base).toFixed(1)} vs off)`;
  });
  const summary = `Exporter CPU per request (gateway.handle, in-memory upstream; median of rounds):\n${lines.join('\n')}`;
  if (process.send) process.send({ type: 'ready', result, summary });
  else console.log(summary);
}

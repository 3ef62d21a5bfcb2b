/**
 * `modelgate/prometheus`: the exposition served at the operator's path through every adapter, read
 * back with a real Prometheus text parser; its counters equal the requests sent and, after a
 * chaos-style run of concurrent requests with injected failures, the records written.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import OpenAI from 'openai';
import { register, Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  prometheusMetrics,
  type PrometheusMetrics,
  type PrometheusMetricsOptions,
} from '../adapters/prometheus/index.js';
import { createGateway, GatewayConfigError, memoryStore, type Gateway, type GatewayOptions } from '../src/index.js';
import { chat, completionChunks, fail, reply } from './helpers/chat-upstream.js';
import { HOST_KINDS, startHost, type Host, type HostKind } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { sse, startUpstream, type Upstream } from './helpers/upstream.js';

const KEY = 'gw-key-metrics-0001';
let primary: Upstream;
let backup: Upstream;
let gateway: Gateway;
let host: Host;
let logs: ReturnType<typeof logCollector>;

beforeEach(async () => {
  primary = await startUpstream((request, response) => reply(request, response, { content: 'from primary' }));
  backup = await startUpstream((request, response) => reply(request, response, { content: 'from backup' }));
  logs = logCollector();
});

afterEach(async () => {
  await host?.close();
  await gateway?.close();
  await primary.close();
  await backup.close();
});

function gatewayWith(
  metricsOptions: PrometheusMetricsOptions = {},
  options: Partial<GatewayOptions> & { public?: boolean } = {},
) {
  const prometheus = prometheusMetrics(metricsOptions);
  const { public: open, ...rest } = options;
  gateway = createGateway({
    providers: {
      openai: { apiKey: 'sk-test-primary', baseURL: primary.baseURL },
      backup: { kind: 'openai-compatible', apiKey: 'sk-test-backup', baseURL: backup.baseURL },
    },
    models: { smart: { target: 'openai/gpt-4o-mini', fallbacks: ['backup/gpt-4o-mini'] } },
    retry: { maxRetries: 0 },
    gatewayKeys: [{ key: KEY, name: 'ops' }],
    onLog: logs.sink,
    listeners: [prometheus],
    metrics: { path: '/metrics', collect: prometheus.collect, public: open },
    ...rest,
  });
  return prometheus;
}

async function scrape(baseURL: string, key: string | null = KEY) {
  const response = await fetch(`${baseURL}/metrics`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  const text = await response.text();
  return { response, text, families: response.ok ? parsePrometheusTextFormat(text) : [] };
}

type Families = ReturnType<typeof parsePrometheusTextFormat>;

/** The sum of a counter's samples whose labels match `where`. */
function total(families: Families, name: string, where: Record<string, string> = {}): number {
  const family = families.find((f) => f.name === name);
  return (family?.metrics ?? [])
    .filter((sample) => Object.entries(where).every(([key, value]) => sample.labels?.[key] === value))
    .reduce((sum, sample) => sum + Number(sample.value), 0);
}

/** A histogram's count, from prom-client's registry API (the text parser keeps only one labelled histogram). */
async function histogramCount(prometheus: PrometheusMetrics, name: string): Promise<number> {
  const metric = await prometheus.registry.getSingleMetric(name)!.get();
  return metric.values
    .filter((value) => (value as { metricName?: string }).metricName === `${name}_count`)
    .reduce((sum, value) => sum + value.value, 0);
}

describe.each(HOST_KINDS)('metrics served through the %s adapter', (kind: HostKind) => {
  it('serves the exposition at the chosen path, behind the gateway keys, its counters equal to the requests sent', async () => {
    const prometheus = gatewayWith();
    host = await startHost(kind, gateway);
    const client = new OpenAI({ baseURL: host.baseURL, apiKey: KEY, maxRetries: 0 });
    await client.chat.completions.create(chat('gpt-4o-mini') as any);
    const stream = await client.chat.completions.create({ ...(chat('gpt-4o-mini') as any), stream: true });
    for await (const _ of stream as any);
    primary.handleNth(2, (_request, response) => fail(response, 503));
    await client.chat.completions.create(chat('smart') as any); // falls back
    primary.handleNth(3, (_request, response) => fail(response, 400));
    await expect(client.chat.completions.create(chat('gpt-4o-mini') as any)).rejects.toThrow();
    await logs.settle(4);

    const refused = await scrape(host.baseURL, null);
    expect(refused.response.status).toBe(401);
    const { response, families } = await scrape(host.baseURL);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    // The refused scrape is a request too (a 401 with its record): five before this scrape.
    await logs.settle(5);
    expect(total(families, 'modelgate_requests_total')).toBe(5);
    expect(total(families, 'modelgate_requests_total', { endpoint: 'chat.completions' })).toBe(4);
    expect(total(families, 'modelgate_requests_total', { endpoint: 'metrics', status_code: '401' })).toBe(1);
    expect(total(families, 'modelgate_requests_total', { status_code: '400' })).toBe(1);
    expect(
      total(families, 'modelgate_requests_total', { provider: 'backup', model: 'gpt-4o-mini', status_code: '200' }),
    ).toBe(1);
    expect(total(families, 'modelgate_fallbacks_total')).toBe(1);
    expect(total(families, 'modelgate_upstream_attempts_total', { outcome: 'error' })).toBe(2);
    expect(total(families, 'modelgate_upstream_attempts_total', { outcome: 'success' })).toBe(3);
    const records = logs.records.filter((record) => record.usage);
    const sumOf = (pick: (usage: any) => number) => records.reduce((sum, record) => sum + pick(record.usage), 0);
    expect(total(families, 'modelgate_tokens_total', { type: 'input' })).toBe(sumOf((usage) => usage.prompt_tokens));
    expect(total(families, 'modelgate_tokens_total', { type: 'output' })).toBe(
      sumOf((usage) => usage.completion_tokens),
    );
    // Read after the scrape ended: the scrape is the sixth.
    await logs.settle(6);
    expect(await histogramCount(prometheus, 'modelgate_request_duration_seconds')).toBe(6);
    expect(await histogramCount(prometheus, 'modelgate_time_to_first_token_seconds')).toBe(1);
    expect(total(families, 'modelgate_requests_in_flight')).toBe(1); // this scrape
    expect(families.find((f) => f.name === 'modelgate_requests_total')!.metrics[0].labels).not.toHaveProperty(
      'customer',
    );
  });
});

describe('prometheus metrics', () => {
  it('a public metrics path needs no key; a POST to it is a 405', async () => {
    gatewayWith({}, { public: true });
    host = await startHost('node', gateway);
    expect((await scrape(host.baseURL, null)).response.status).toBe(200);
    const post = await fetch(`${host.baseURL}/metrics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(post.status).toBe(405);
  });

  it('counts cache hits and misses, and labels customers and keys only when enabled', async () => {
    gatewayWith({ labels: { customer: true, gatewayKey: true } }, { store: memoryStore(), public: true });
    host = await startHost('node', gateway);
    const client = new OpenAI({ baseURL: host.baseURL, apiKey: KEY, maxRetries: 0 });
    const body = chat('gpt-4o-mini', { cache_enabled: true, customer_identifier: 'acme' }) as any;
    await client.chat.completions.create(body);
    await client.chat.completions.create(body);
    await logs.settle(2);
    const { families } = await scrape(host.baseURL);
    expect(total(families, 'modelgate_cache_misses_total')).toBe(1);
    expect(total(families, 'modelgate_cache_hits_total')).toBe(1);
    expect(total(families, 'modelgate_requests_total', { customer: 'acme', gateway_key: 'ops' })).toBe(2);
    expect(total(families, 'modelgate_tokens_total', { customer: 'acme', type: 'input' })).toBe(10);
  });

  it('registers in the user’s registry, and collect() serves custom servers', async () => {
    const registry = new Registry();
    const prometheus = prometheusMetrics({ registry, prefix: 'llm_' });
    expect(prometheus.registry).toBe(registry);
    expect(register.getSingleMetric('llm_requests_total')).toBeUndefined();
    gateway = createGateway({
      providers: { openai: { apiKey: 'sk-test-primary', baseURL: primary.baseURL } },
      onLog: logs.sink,
      listeners: [prometheus],
    });
    host = await startHost('node', gateway);
    await new OpenAI({ baseURL: host.baseURL, apiKey: 'k', maxRetries: 0 }).chat.completions.create(
      chat('gpt-4o-mini') as any,
    );
    await logs.settle(1);
    const { contentType, body } = await prometheus.collect();
    expect(contentType).toContain('text/plain');
    expect(total(parsePrometheusTextFormat(body), 'llm_requests_total')).toBe(1);
    expect(await registry.getSingleMetric('llm_requests_total')?.get()).toMatchObject({ values: [{ value: 1 }] });
  });

  it('refuses a metrics path that is a route the gateway serves', () => {
    expect(() =>
      createGateway({
        providers: { openai: { apiKey: 'sk-test-primary' } },
        metrics: { path: '/models', collect: () => ({ contentType: 'text/plain', body: '' }) },
      }),
    ).toThrow(GatewayConfigError);
  });

  it('after a chaos run (concurrent requests, injected failures), the request counter equals the records written', async () => {
    let n = 0;
    const chaos = (request: any, response: any) => {
      const roll = n++ % 7;
      if (roll === 0) return fail(response, 500);
      if (roll === 1) return fail(response, 429);
      if (roll === 2) return void response.socket.destroy(); // connection dropped
      if (roll === 3 && request.body?.stream)
        // Cut mid-stream, after the first content.
        return sse(response, completionChunks('gpt-4o-mini').slice(0, 2), { done: false }).then(() =>
          response.socket.destroy(),
        );
      if (roll === 4) return fail(response, 400);
      return reply(request, response);
    };
    primary.handle(chaos);
    backup.handle(chaos);
    gatewayWith({}, { public: true, retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 2 } });
    host = await startHost('node', gateway);
    const client = new OpenAI({ baseURL: host.baseURL, apiKey: KEY, maxRetries: 0 });
    const sent = 120;
    await Promise.all(
      Array.from({ length: sent }, async (_, i) => {
        try {
          const body = chat(i % 2 ? 'smart' : 'gpt-4o-mini') as any;
          if (i % 3 === 0) {
            const stream = await client.chat.completions.create({ ...body, stream: true });
            for await (const _ of stream as any);
          } else await client.chat.completions.create(body);
        } catch {
          // failures are the point
        }
      }),
    );
    const records = [...(await logs.settle(sent))];
    const { families } = await scrape(host.baseURL);
    expect(records).toHaveLength(sent);
    expect(total(families, 'modelgate_requests_total')).toBe(records.length);
    for (const status of ['success', 'error', 'aborted'])
      expect(total(families, 'modelgate_requests_total', { status })).toBe(
        records.filter((record) => record.status === status).length,
      );
    expect(total(families, 'modelgate_upstream_attempts_total')).toBe(
      records.reduce((sum, record) => sum + record.attempts.length, 0),
    );
    expect(total(families, 'modelgate_requests_total', { status: 'error' })).toBeGreaterThan(0);
    expect(total(families, 'modelgate_requests_in_flight')).toBe(1); // the scrape itself
  });
});

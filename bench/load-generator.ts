/**
 * The load generator, in its own process: autocannon for throughput and latency under load, and a
 * sequential undici client for the time to first token without load.
 */
import autocannon from 'autocannon';
import { Agent, request } from 'undici';
import { processStats, serveParent } from './lib/child.js';
import { percentile } from './lib/stats.js';

export interface LoadArgs {
  url: string;
  connections: number;
  durationS: number;
  body: string;
  /** Several bodies, sent in turn on every connection (a mixed load); `body` is then unused. */
  bodies?: string[];
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  bytes: number;
  statusCodes?: Record<string, { count: number }>;
}

function runAutocannon(args: LoadArgs): Promise<LoadResult> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: args.url,
        method: 'POST',
        connections: args.connections,
        duration: args.durationS,
        headers: { 'content-type': 'application/json' },
        body: args.body,
        ...(args.bodies
          ? {
              requests: args.bodies.map((body) => ({
                method: 'POST',
                body,
                headers: { 'content-type': 'application/json' },
              })),
            }
          : {}),
      },
      (error: Error | null, result: any) => {
        if (error) return reject(error);
        latencies.sort((a, b) => a - b);
        const ok = result['2xx'] as number;
        resolve({
          requests: ok,
          rps: ok / (result.duration as number),
          // autocannon's own histogram has 1 ms resolution; the per-response times are exact.
          p50: percentile(latencies, 0.5),
          p99: percentile(latencies, 0.99),
          errors: result.errors + result.timeouts,
          non2xx: result.non2xx,
          statusCodes: result.statusCodeStats,
          bytes: result.throughput.total,
        });
      },
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, time: number) => {
      if (status >= 200 && status < 300) latencies.push(time);
    });
  });
}

const ttftAgent = new Agent({ connections: 1, keepAliveTimeout: 30_000 });

/** Sequential requests, one at a time: time from sending to the first body bytes, and to the end. */
async function measureTtft(args: { url: string; body: string; count: number }) {
  const firstByte: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < args.count; i++) {
    const started = performance.now();
    const response = await request(args.url, {
      dispatcher: ttftAgent,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: args.body,
    });
    let first = 0;
    for await (const chunk of response.body) {
      if (first === 0 && (chunk as Buffer).length > 0) first = performance.now() - started;
    }
    if (response.statusCode !== 200) throw new Error(`TTFT request answered ${response.statusCode}`);
    firstByte.push(first);
    total.push(performance.now() - started);
  }
  firstByte.sort((a, b) => a - b);
  total.sort((a, b) => a - b);
  return { p50: percentile(firstByte, 0.5), p90: percentile(firstByte, 0.9), totalP50: percentile(total, 0.5) };
}

serveParent({}, { autocannon: runAutocannon, ttft: measureTtft, stats: processStats });

/**
 * `npm run bench:soak`: a long mixed load on modelgate (node adapter, the bench's feature path)
 * that samples the proxy's memory every 10 s, to show that it stays flat.
 *
 *   npm run bench:soak -- [--minutes 10] [--connections 128] [--interval 10]
 *
 * The mix, in turn on every connection: non-streaming and streaming chat through an alias with a
 * fallback, a stream with usage and request_breakdown, a request with disable_log, a model that
 * fails every other time (retried, then the fallback serves), an Anthropic-translated stream, an
 * unknown model (404) and a bad gateway parameter (400). The upstream answers after 5 ms and
 * streams a frame every 2 ms. Each sample: requests served, RSS, heap used, heap after a full GC.
 */
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBench } from './lib/build.js';
import { startChild } from './lib/child.js';

const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    connections: { type: 'string', default: '128' },
    interval: { type: 'string', default: '10' },
  },
});
const minutes = Number(flags.minutes);
const intervalS = Number(flags.interval);
const MB = 1024 * 1024;

const messages = [{ role: 'user', content: 'Invent a holiday and describe its traditions.' }];
const tags = { customer_identifier: 'soak-customer', metadata: { run: 'soak' } };
const BODIES = [
  { model: 'chat-fast', messages, ...tags },
  { model: 'chat-fast', messages, stream: true, ...tags },
  {
    model: 'chat-fast',
    messages,
    stream: true,
    stream_options: { include_usage: true },
    request_breakdown: true,
    ...tags,
  },
  { model: 'chat-fast', messages, disable_log: true },
  { model: 'chat-flaky', messages, retry_params: { num_retries: 0 }, ...tags },
  { model: 'anthropic/claude-sonnet-4-5', messages, stream: true, ...tags },
  { model: 'nobody/unknown-model', messages },
  { model: 'chat-fast', messages, customer_identifier: { not: 'a string' } },
].map((body) => JSON.stringify(body));

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const num = points.reduce((sum, [x, y]) => sum + (x - mx) * (y - my), 0);
  const den = points.reduce((sum, [x]) => sum + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

async function main(): Promise<void> {
  await buildBench();
  const dir = mkdtempSync(join(tmpdir(), 'modelgate-soak-'));
  const upstream = startChild('mock-upstream', [JSON.stringify({ ttfbMs: 5, chunkDelayMs: 2, chunks: 18 })], {
    cpu: '0',
  });
  const load = startChild('load-generator', [], { cpu: '0' });
  const origin = `http://127.0.0.1:${(await upstream.ready).port}`;
  await load.ready;
  const proxy = startChild('modelgate-proxy', ['node', origin, join(dir, 'soak.jsonl')], {
    cpu: '1',
    nodeFlags: ['--expose-gc'],
  });
  const port = (await proxy.ready).port;
  console.log(
    `soak: ${minutes} min, ${flags.connections} connections, sample every ${intervalS} s; proxy pid ${proxy.pid}`,
  );
  console.log('| t (s) | requests | req/s | RSS MB | heap used MB | heap after GC MB | log records |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const samples: Array<{ t: number; requests: number; rss: number; heap: number; afterGc: number }> = [];
  const started = performance.now();
  const loadDone = load.call('autocannon', {
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    body: BODIES[0],
    bodies: BODIES,
    connections: Number(flags.connections),
    durationS: minutes * 60,
  });
  let finished = false;
  void loadDone.finally(() => (finished = true));
  let previous = 0;
  while (!finished) {
    await Promise.race([new Promise((resolve) => setTimeout(resolve, intervalS * 1000)), loadDone]);
    if (finished) break;
    const stats = await proxy.call('stats');
    const afterGc = (await proxy.call('heapAfterGc')) as number;
    const t = (performance.now() - started) / 1000;
    samples.push({ t, requests: stats.requests, rss: stats.rss, heap: stats.heapUsed, afterGc });
    console.log(
      `| ${t.toFixed(0)} | ${stats.requests} | ${((stats.requests - previous) / intervalS).toFixed(0)} | ${(stats.rss / MB).toFixed(1)} | ${(stats.heapUsed / MB).toFixed(1)} | ${(afterGc / MB).toFixed(1)} | ${stats.logRecords} |`,
    );
    previous = stats.requests;
  }
  const result = (await loadDone) as { errors: number; statusCodes?: Record<string, { count: number }> };
  const closed = await proxy.call('close');
  await proxy.stop();
  await Promise.all([upstream.stop(), load.stop()]);
  rmSync(dir, { recursive: true, force: true });

  // The first minute warms up (JIT, pools); the trend is read over the rest.
  const steady = samples.filter((sample) => sample.t >= 60);
  const series = steady.length >= 3 ? steady : samples;
  const perHour = (pick: (sample: (typeof samples)[number]) => number) =>
    (slope(series.map((sample) => [sample.t, pick(sample)])) * 3600) / MB;
  console.log(
    `\nstatus codes: ${JSON.stringify(Object.fromEntries(Object.entries(result.statusCodes ?? {}).map(([code, { count }]) => [code, count])))}; client errors ${result.errors}`,
  );
  console.log(`log records: ${closed.logRecords} for ${closed.requests} requests`);
  console.log(
    `heap after GC: ${(series[0].afterGc / MB).toFixed(1)} MB at ${series[0].t.toFixed(0)} s -> ${(series.at(-1)!.afterGc / MB).toFixed(1)} MB at ${series.at(-1)!.t.toFixed(0)} s ` +
      `(trend ${perHour((sample) => sample.afterGc).toFixed(2)} MB/h); RSS ${(series[0].rss / MB).toFixed(1)} -> ${(series.at(-1)!.rss / MB).toFixed(1)} MB, ` +
      `max ${(Math.max(...samples.map((sample) => sample.rss)) / MB).toFixed(1)} MB (trend ${perHour((sample) => sample.rss).toFixed(1)} MB/h)`,
  );
}

await main();

/**
 * The benchmark's upstream: a loopback server speaking OpenAI's chat completions format (a fixed
 * JSON body, or an SSE stream of about 20 chunks) and Anthropic's Messages stream, with a
 * configurable time to first byte and delay between chunks. Runs in its own process.
 *
 *   node --import tsx bench/mock-upstream.ts '{"ttfbMs":0,"chunkDelayMs":0,"chunks":18}'
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { processStats, serveParent } from './lib/child.js';
import { ANTHROPIC_JSON, OPENAI_JSON, anthropicStreamFrames, openAIStreamFrames } from './lib/payloads.js';

export interface UpstreamConfig {
  /** Wait before the response headers. */
  ttfbMs: number;
  /** Pause between stream frames; 0 still sends each frame in its own event-loop turn. */
  chunkDelayMs: number;
  /** Content chunks per stream (plus role, finish, usage and [DONE] frames). */
  chunks: number;
}

const config: UpstreamConfig = { ttfbMs: 0, chunkDelayMs: 0, chunks: 18, ...JSON.parse(process.argv[2] ?? '{}') };
const openAIWithUsage = openAIStreamFrames(config.chunks, true).map((frame) => Buffer.from(frame));
const openAIWithoutUsage = openAIStreamFrames(config.chunks, false).map((frame) => Buffer.from(frame));
const anthropic = anthropicStreamFrames(config.chunks).map((frame) => Buffer.from(frame));
const openAIJson = Buffer.from(OPENAI_JSON);
const anthropicJson = Buffer.from(ANTHROPIC_JSON);
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

let served = 0;
let flaky = 0;
const server = createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (part: Buffer) => parts.push(part));
  req.on('end', () => {
    served++;
    const body = JSON.parse(Buffer.concat(parts).toString('utf8'));
    const anthropicRoute = req.url!.endsWith('/messages');
    void answer(res, anthropicRoute, body);
  });
});

async function answer(res: ServerResponse, anthropicRoute: boolean, body: any): Promise<void> {
  if (config.ttfbMs > 0) await sleep(config.ttfbMs);
  // `flaky-model` fails every other request, for the soak's fallback path.
  if (body.model === 'flaky-model' && flaky++ % 2 === 0) {
    res
      .writeHead(503, { 'content-type': 'application/json' })
      .end('{"error":{"message":"overloaded, try again","type":"server_error","param":null,"code":null}}');
    return;
  }
  if (body.stream !== true) {
    const payload = anthropicRoute ? anthropicJson : openAIJson;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': payload.length });
    res.end(payload);
    return;
  }
  const frames = anthropicRoute ? anthropic : body.stream_options?.include_usage ? openAIWithUsage : openAIWithoutUsage;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const frame of frames) {
    if (res.destroyed) return;
    res.write(frame);
    // Each frame leaves in its own write, as tokens do from a real model.
    if (config.chunkDelayMs > 0) await sleep(config.chunkDelayMs);
    else await nextTurn();
  }
  res.end();
}

server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  serveParent({ port }, { served: () => served, stats: processStats });
});

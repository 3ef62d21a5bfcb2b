/**
 * CPU per request inside modelgate's core, without sockets: `gateway.handle()` with the bench's
 * feature path (alias routing with a fallback, gateway parameters, a JSONL log line per request)
 * against an in-memory transport that answers with the recorded OpenAI bodies. This isolates what
 * is ours from the kernel and HTTP parsing, and is stable enough to compare a change against.
 *
 *   npm run bench -- --scenarios core     (or, after a bench build: node .bench/build/core-cost.js)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, jsonlSink, type Gateway, type Transport } from '../src/index.js';
import { OPENAI_JSON, openAIStreamFrames } from './lib/payloads.js';

const jsonBytes = Buffer.from(OPENAI_JSON);
const streamFrames = openAIStreamFrames(18, true).map((frame) => Buffer.from(frame));

async function* replay(frames: readonly Buffer[]): AsyncGenerator<Uint8Array> {
  for (const frame of frames) yield frame;
}

/** Answers like the mock upstream, with no I/O. */
export const memoryTransport: Transport = {
  async send(request) {
    const stream = request.body!.includes('"stream":true');
    return {
      status: 200,
      headers: { 'content-type': stream ? 'text/event-stream' : 'application/json' },
      body: stream ? replay(streamFrames) : replay([jsonBytes]),
      text: async () => OPENAI_JSON,
      cancel() {},
    };
  },
  async close() {},
};

export const BODY = {
  model: 'chat-fast',
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'Invent a holiday and describe its traditions.' },
  ],
  customer_identifier: 'customer-42',
  thread_identifier: 'thread-7',
  metadata: { session_id: 'session-abc', feature: 'bench' },
};

export async function once(gateway: Gateway, stream: boolean): Promise<void> {
  const rawBody = Buffer.from(JSON.stringify({ ...BODY, stream }));
  const response = await gateway.handle(
    { method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, rawBody },
    { signal: new AbortController().signal },
  );
  if (response.kind === 'json') {
    if (response.status !== 200) throw new Error(`status ${response.status}`);
    // What an adapter sends.
    void (response.text ?? JSON.stringify(response.body));
  } else {
    for await (const _ of response.body);
  }
}

export async function measureCoreCost(requests = 30_000) {
  const dir = mkdtempSync(join(tmpdir(), 'modelgate-core-cost-'));
  const gateway = createGateway({
    providers: {
      openai: { apiKey: 'sk-bench-not-a-real-key', baseURL: 'http://127.0.0.1:9/v1' },
      backup: { kind: 'openai-compatible', apiKey: 'sk-bench-backup-not-real', baseURL: 'http://127.0.0.1:9/v1' },
    },
    models: {
      'chat-fast': { target: 'openai/gpt-4.1-nano', fallbacks: ['backup/gpt-4.1-nano'], params: { temperature: 0.2 } },
    },
    transport: memoryTransport,
    onLog: jsonlSink(join(dir, 'log.jsonl')),
  });
  const result: Record<string, number> = {};
  try {
    for (const stream of [false, true]) {
      // 64 requests in flight at a time, as under load.
      const batch = async (count: number) => {
        for (let done = 0; done < count; done += 64)
          await Promise.all(Array.from({ length: 64 }, () => once(gateway, stream)));
      };
      await batch(5_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const before = process.cpuUsage();
      await batch(requests);
      await new Promise((resolve) => setImmediate(resolve));
      const used = process.cpuUsage(before);
      result[stream ? 'stream' : 'json'] = (used.user + used.system) / requests;
    }
  } finally {
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await measureCoreCost(Number(process.argv[2] ?? 30_000));
  const summary = `Core CPU per request (gateway.handle, in-memory upstream, no sockets): non-streaming ${result.json.toFixed(1)} µs, streaming (21 frames) ${result.stream.toFixed(1)} µs.`;
  if (process.send) process.send({ type: 'ready', result, summary });
  else console.log(summary);
}

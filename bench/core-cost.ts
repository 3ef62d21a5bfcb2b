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
import { createGateway, jsonlSink } from '../src/index.js';
import { memoryTransport, once } from './lib/in-memory-request.js';

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

/**
 * `npm run bench:profile`: one setup under load with `node --cpu-prof`, then the hottest functions
 * (self time) and the time per source area (modelgate's own folders, undici, Node internals, ...).
 *
 *   npm run bench:profile -- [--setup modelgate|bare] [--framework node|express|koa] [--stream] [--anthropic] [--duration 10]
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildBench } from './lib/build.js';
import { startChild } from './lib/child.js';

const { values: flags } = parseArgs({
  options: {
    setup: { type: 'string', default: 'modelgate' },
    framework: { type: 'string', default: 'node' },
    stream: { type: 'boolean', default: false },
    anthropic: { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    top: { type: 'string', default: '40' },
  },
});

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives, for the per-area totals. */
function area(url: string): string {
  if (!url) return '(native / VM)';
  if (url.startsWith('node:')) return 'node internals';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  const ours = /\/(src\/[^/]+|adapters\/[^/]+|bench)\//.exec(url);
  return ours ? ours[1] : url;
}

export function summarise(profile: Profile, top: number): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((sum, value) => sum + value, 0);
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const [id, time] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const file = url.replace(/^file:\/\/.*?\/(node_modules|src|adapters|bench)\//, '$1/');
    const key = `${functionName || '(anonymous)'}  ${file}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + time);
    byArea.set(area(url), (byArea.get(area(url)) ?? 0) + time);
  }
  // Inclusive time of modelgate's own functions: self time plus everything they called.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, number>();
  for (const [id, time] of self) {
    const counted = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url } = byId.get(at)!.callFrame;
      const where = area(url);
      if (!where.startsWith('src/') && !where.startsWith('adapters/') && !url.endsWith('src/gateway.ts')) continue;
      const key = `${functionName || '(anonymous)'}  ${url.replace(/^file:\/\/.*?\/(src|adapters)\//, '$1/')}`;
      if (counted.has(key)) continue;
      counted.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + time);
    }
  }
  const pct = (time: number) => `${((time / total) * 100).toFixed(1).padStart(5)}%`;
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  const lines = ['Self time by area:'];
  for (const [name, time] of sorted(byArea).slice(0, 20)) lines.push(`  ${pct(time)}  ${name}`);
  lines.push('', `Hottest functions (self time, top ${top}):`);
  for (const [name, time] of sorted(byFunction).slice(0, top)) lines.push(`  ${pct(time)}  ${name}`);
  lines.push('', `modelgate functions by inclusive time (top ${top}):`);
  for (const [name, time] of sorted(inclusive).slice(0, top)) lines.push(`  ${pct(time)}  ${name}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  await buildBench();
  const dir = join(tmpdir(), `modelgate-profile-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const upstream = startChild('mock-upstream', ['{}'], { cpu: '0' });
  const load = startChild('load-generator', [], { cpu: '0' });
  const origin = `http://127.0.0.1:${(await upstream.ready).port}`;
  await load.ready;
  const nodeFlags = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
  const script = flags.setup === 'bare' ? 'bare-proxy' : 'modelgate-proxy';
  const proxy = startChild(script, [flags.framework!, origin, join(dir, 'log.jsonl')], { cpu: '1', nodeFlags });
  const port = (await proxy.ready).port;
  const anthropic = flags.anthropic;
  const path = anthropic && flags.setup === 'bare' ? '/v1/messages' : '/v1/chat/completions';
  const body =
    flags.setup === 'bare'
      ? JSON.stringify({ model: anthropic ? 'claude-sonnet-4-5' : 'gpt-4.1-nano', max_tokens: 1024, messages: [{ role: 'user', content: 'Hello' }], stream: flags.stream })
      : JSON.stringify({
          model: anthropic ? 'anthropic/claude-sonnet-4-5' : 'chat-fast',
          messages: [{ role: 'user', content: 'Hello' }],
          stream: flags.stream,
          customer_identifier: 'customer-42',
          metadata: { session_id: 'session-abc' },
        });
  const result = await load.call('autocannon', { url: `http://127.0.0.1:${port}${path}`, body, connections: flags.stream ? 256 : 64, durationS: Number(flags.duration) });
  console.log(`${result.rps.toFixed(0)} req/s, ${result.errors} errors, ${result.non2xx} non-2xx`);
  await proxy.stop();
  await Promise.all([upstream.stop(), load.stop()]);
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  console.log(summarise(JSON.parse(readFileSync(join(dir, file), 'utf8')), Number(flags.top)));
  rmSync(dir, { recursive: true, force: true });
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

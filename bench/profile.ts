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
import { summariseProfile } from './lib/cpu-profile.js';

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
  console.log(summariseProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')), Number(flags.top)));
  rmSync(dir, { recursive: true, force: true });
}

await main();

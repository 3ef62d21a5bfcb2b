/**
 * `npm run bench:profile`: one setup under load with `node --cpu-prof`, then its CPU per request by
 * source area (modelgate, undici, Node internals, ...) and by function. `--save` keeps the figures,
 * `--compare` shows where a setup spends more than a saved one (e.g. modelgate against bare).
 *
 *   npm run bench:profile -- [--setup modelgate|bare] [--framework node|express|koa] [--stream] [--anthropic]
 *                            [--duration 10] [--top 40] [--save costs.json] [--compare costs.json]
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildBench } from './lib/build.js';
import { startChild } from './lib/child.js';
import { formatComparison, formatCosts, profileCosts } from './lib/cpu-profile.js';

const { values: flags } = parseArgs({
  options: {
    setup: { type: 'string', default: 'modelgate' },
    framework: { type: 'string', default: 'node' },
    stream: { type: 'boolean', default: false },
    anthropic: { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    top: { type: 'string', default: '40' },
    save: { type: 'string' },
    compare: { type: 'string' },
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
      ? JSON.stringify({
          model: anthropic ? 'claude-sonnet-4-5' : 'gpt-4.1-nano',
          max_tokens: 1024,
          messages: [{ role: 'user', content: 'Hello' }],
          stream: flags.stream,
        })
      : JSON.stringify({
          model: anthropic ? 'anthropic/claude-sonnet-4-5' : 'chat-fast',
          messages: [{ role: 'user', content: 'Hello' }],
          stream: flags.stream,
          customer_identifier: 'customer-42',
          metadata: { session_id: 'session-abc' },
        });
  const result = await load.call('autocannon', {
    url: `http://127.0.0.1:${port}${path}`,
    body,
    connections: flags.stream ? 256 : 64,
    durationS: Number(flags.duration),
  });
  console.log(`${result.rps.toFixed(0)} req/s, ${result.errors} errors, ${result.non2xx} non-2xx`);
  const { requests } = await proxy.call('stats');
  await proxy.stop();
  await Promise.all([upstream.stop(), load.stop()]);
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  // Warm-up and start-up are in the profile too; the count covers every request the proxy served.
  const costs = profileCosts(JSON.parse(readFileSync(join(dir, file), 'utf8')), requests);
  console.log(formatCosts(costs, Number(flags.top)));
  if (flags.save) writeFileSync(flags.save, JSON.stringify(costs));
  if (flags.compare)
    console.log(`\n${formatComparison(costs, JSON.parse(readFileSync(flags.compare, 'utf8')), Number(flags.top))}`);
  rmSync(dir, { recursive: true, force: true });
}

await main();

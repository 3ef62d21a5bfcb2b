/**
 * `npm run demo` as a new user runs it: it starts, sends its sample traffic through the demo
 * provider, and prints a dashboard URL and admin key that open a populated logs API (a fallback
 * and errors among the records).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { freePort } from './helpers/redis.js';

let child: ChildProcess | undefined;
const cwd = mkdtempSync(join(tmpdir(), 'modelgate-demo-'));
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(cwd, { recursive: true, force: true });
});

it('prints a dashboard URL and admin key that show its sample traffic', async () => {
  const port = await freePort();
  const root = new URL('..', import.meta.url).pathname;
  // Run from an empty folder, where it writes its logs/. The provider keys of the environment stay out: the demo serves its built-in provider only.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.endsWith('_API_KEY')));
  child = spawn(
    process.execPath,
    ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href, join(root, 'examples/demo.ts')],
    {
      cwd,
      env: { ...env, PORT: String(port), MODELGATE_ADMIN_KEY: 'demo-test-admin-key-0123' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child!.stdout!.on('data', (data: Buffer) => {
      output += data.toString();
      if (output.includes('Dashboard:')) resolve();
    });
    child!.once('exit', (code) =>
      reject(new Error(`the demo exited (${code}) before printing its dashboard:\n${output}`)),
    );
  });
  const line = output.split('\n').find((text) => text.startsWith('Dashboard:'))!;
  expect(line).toBe(
    `Dashboard: http://localhost:${port}/api/dashboard  (log in with the admin key demo-test-admin-key-0123)`,
  );
  expect((await fetch(`http://127.0.0.1:${port}/api/dashboard`)).status).toBe(200);
  const summary = await fetch(`http://127.0.0.1:${port}/api/admin/logs/summary`, {
    headers: { 'x-modelgate-admin-key': 'demo-test-admin-key-0123' },
  }).then((response) => response.json() as Promise<any>);
  const sent = Number(/Sent (\d+) sample requests/.exec(output)![1]);
  expect(summary.totals.requests).toBe(sent);
  expect(summary.totals.fallbacks).toBeGreaterThanOrEqual(1);
  expect(summary.totals.errors).toBe(2);
  expect(summary.totals.cost_usd).toBeGreaterThan(0);
}, 60_000);

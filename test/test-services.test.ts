/**
 * `npm test` on a machine without a system service: the suites that need it are skipped with one
 * line, and MODELGATE_TEST_REQUIRE (set by `.ci/run`) turns the missing service into a failure.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const emptyPath = mkdtempSync(join(tmpdir(), 'modelgate-no-services-'));
afterAll(() => rmSync(emptyPath, { recursive: true, force: true }));

/** Loads test/helpers/services.ts in a fresh Node whose PATH holds no service. */
function loadServices(env: Record<string, string>) {
  const script =
    "const { services } = await import('./test/helpers/services.ts'); console.log(JSON.stringify(services.map((s) => [s.command, s.available])));";
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { PATH: emptyPath, ...env },
    encoding: 'utf8',
  });
}

function resolves(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}

describe('system services the tests need', () => {
  it('are reported missing, not crashed on, when absent', () => {
    const run = loadServices({});
    expect(run.stderr).toBe('');
    // better-sqlite3 is a package, not a program: PATH does not hide it; it is found where it resolves.
    expect(JSON.parse(run.stdout)).toEqual([
      ['redis-server', false],
      ['chromium', false],
      ['better-sqlite3', resolves('better-sqlite3')],
    ]);
  });

  it('fail the run when MODELGATE_TEST_REQUIRE names them', () => {
    const run = loadServices({ MODELGATE_TEST_REQUIRE: 'redis-server' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(
      'redis-server is required (MODELGATE_TEST_REQUIRE=redis-server) but cannot be started',
    );
    const browser = loadServices({ MODELGATE_TEST_REQUIRE: 'chromium' });
    expect(browser.status).not.toBe(0);
    expect(browser.stderr).toContain('chromium is required (MODELGATE_TEST_REQUIRE=chromium) but cannot be started');
  });
});

/**
 * System services some suites need (a real `redis-server`, Debian's `chromium`). On a machine without one, those suites
 * are skipped and `npm test` says so in one line (test/global-setup.ts); `.ci/run` installs them and
 * sets MODELGATE_TEST_REQUIRE, which turns a missing service into a failure instead of a skip.
 */
import { spawnSync } from 'node:child_process';

export interface TestService {
  /** The command the suites start. */
  command: string;
  /** What is skipped without it, and how to get it. */
  skipNote: string;
  available: boolean;
}

function findService(command: string, skipNote: string): TestService {
  const probe = spawnSync(command, ['--version'], { stdio: 'ignore' });
  const available = probe.error === undefined && probe.status === 0;
  if (!available && requiredServices().includes(command)) {
    throw new Error(
      `${command} is required (MODELGATE_TEST_REQUIRE=${process.env.MODELGATE_TEST_REQUIRE}) but cannot be started: ${probe.error?.message ?? `exit ${probe.status}`}`,
    );
  }
  return { command, skipNote, available };
}

function requiredServices(): string[] {
  return (process.env.MODELGATE_TEST_REQUIRE ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

export const redisServer = findService(
  'redis-server',
  'the tests on a real Redis (store, cache, customers, budgets, health, two processes): redis-server is not installed; install it (apt-get install redis-server) and run npm test again',
);

export const chromium = findService(
  'chromium',
  "the dashboard's browser tests (headless Chromium driven by playwright-core): chromium is not installed; install it (apt-get install chromium) and run npm test again",
);

export const services: readonly TestService[] = [redisServer, chromium];

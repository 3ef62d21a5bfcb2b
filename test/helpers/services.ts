/**
 * System services some suites need (a real `redis-server`, Debian's `chromium`, the native
 * `better-sqlite3` module, which compiles from source where its prebuilt binary cannot be
 * downloaded). On a machine without one, those suites
 * are skipped and `npm test` says so in one line (test/global-setup.ts); `.ci/run` installs them and
 * sets MODELGATE_TEST_REQUIRE, which turns a missing service into a failure instead of a skip.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

export interface TestService {
  /** The command the suites start. */
  command: string;
  /** What is skipped without it, and how to get it. */
  skipNote: string;
  available: boolean;
}

/** A program that answers `--version`. */
function findService(command: string, skipNote: string): TestService {
  const probe = spawnSync(command, ['--version'], { stdio: 'ignore' });
  const problem =
    probe.error === undefined && probe.status === 0 ? undefined : (probe.error?.message ?? `exit ${probe.status}`);
  return checked(command, skipNote, problem);
}

/** A package with a native part, loaded as the suites load it. */
function findModule(name: string, skipNote: string): TestService {
  let problem: string | undefined;
  try {
    createRequire(import.meta.url)(name);
  } catch (error) {
    problem = (error as Error).message.split('\n')[0];
  }
  return checked(name, skipNote, problem);
}

function checked(command: string, skipNote: string, problem: string | undefined): TestService {
  if (problem !== undefined && requiredServices().includes(command)) {
    throw new Error(
      `${command} is required (MODELGATE_TEST_REQUIRE=${process.env.MODELGATE_TEST_REQUIRE}) but cannot be started: ${problem}`,
    );
  }
  return { command, skipNote, available: problem === undefined };
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

export const betterSqlite3 = findModule(
  'better-sqlite3',
  'the SQLite log store tests: the optional better-sqlite3 package is not installed (it needs a C++ toolchain where its prebuilt binary cannot be downloaded); npm install --no-save better-sqlite3 and run npm test again',
);

export const services: readonly TestService[] = [redisServer, chromium, betterSqlite3];

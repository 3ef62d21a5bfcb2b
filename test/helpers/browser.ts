/**
 * Headless Chromium for the dashboard tests: Debian's `chromium` (`.ci/run` installs it), driven by
 * playwright-core. Without it the browser suites are skipped (test/global-setup.ts says so once).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium as playwright, type Browser } from 'playwright-core';
import { chromium } from './services.js';

export const hasChromium = chromium.available;

/** Screenshots go here (gitignored). */
export const SCREENSHOTS = new URL('../../test-output/dashboard/', import.meta.url).pathname;

export async function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return playwright.launch({
    executablePath: process.env.MODELGATE_CHROMIUM ?? onPath('chromium'),
    // Containers and CI run as root, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

function onPath(command: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(`${command} is not on the PATH`);
}

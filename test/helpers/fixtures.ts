import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Recorded provider data copied from shared/fixtures (see test/fixtures/PROVENANCE.tsv). */
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export function fixtureText(name: string): string {
  return readFileSync(FIXTURES + name, 'utf8');
}

export function fixtureJson<T = any>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

/** A `.chunks.jsonl` recording: one upstream event payload per line. */
export function fixtureChunks<T = any>(name: string): T[] {
  return fixtureText(name)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/**
 * `ERROR_CODES` (src/errors.ts) is the list of every code the gateway itself emits: a code written
 * anywhere in src/ must be in it, and every code in it must be emitted somewhere. Upstream codes
 * that pass through (an Anthropic `overloaded_error`, a Gemini `unavailable`) are not written in
 * src/ and so are not listed; the classification in engine/upstream-error.ts is where they pass.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/errors.js';

const SRC = new URL('../src/', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** `code: 'x'` in an object literal (the factories' code arguments are typed ErrorCode: tsc checks those). */
const WRITTEN = /\bcode: '([a-z][a-z_]*)'/g;
/** `code:` literals that are not error codes: zod's issue code. */
const NOT_ERROR_CODES = new Set(['custom']);

describe('ERROR_CODES', () => {
  // errors.ts without the list itself: its factories write codes too.
  const texts = sourceFiles(SRC).map((file) =>
    readFileSync(file, 'utf8').replace(/export const ERROR_CODES = \[[^\]]*\] as const;/, ''),
  );
  const written = new Set<string>();
  for (const text of texts) for (const match of text.matchAll(WRITTEN)) written.add(match[1]);
  for (const code of NOT_ERROR_CODES) written.delete(code);

  it('lists every code written in src/', () => {
    expect(written.size).toBeGreaterThan(30);
    expect([...written].filter((code) => !(ERROR_CODES as readonly string[]).includes(code)).sort()).toEqual([]);
  });

  it('lists each code once, and only codes that something emits', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    // Emitted: the code appears as a string somewhere in src/ besides the list (a literal, a factory argument, a default).
    expect(ERROR_CODES.filter((code) => !texts.some((text) => text.includes(`'${code}'`)))).toEqual([]);
  });
});

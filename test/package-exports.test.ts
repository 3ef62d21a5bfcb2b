/**
 * package.json: every subpath export also resolves for TypeScript's older `moduleResolution: node`
 * (node10), which ignores `exports` and reads `typesVersions` instead.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, string | { import: { types: string } }>;
  typesVersions: Record<string, Record<string, string[]>>;
};

describe('package.json', () => {
  it('maps every adapter subpath in typesVersions to the types its export names', () => {
    const subpaths = Object.keys(pkg.exports).filter((key) => key !== '.' && key !== './package.json');
    expect(subpaths.length).toBeGreaterThan(0);
    const mapped = pkg.typesVersions['*'];
    expect(Object.keys(mapped).sort()).toEqual(subpaths.map((key) => key.slice(2)).sort());
    for (const subpath of subpaths) {
      const entry = pkg.exports[subpath] as { import: { types: string } };
      expect(mapped[subpath.slice(2)]).toEqual([entry.import.types]);
    }
  });
});

/**
 * package.json `exports` is the one list of published entries (scripts/published-entries.ts):
 * tsup builds exactly those, each from the source its subpath names; CI loads each one. What
 * package.json must still repeat, `typesVersions` for TypeScript's older `moduleResolution: node`
 * (node10, which ignores `exports`) and the top-level `main`/`module`/`types`, is held to it here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import tsupConfig from '../tsup.config.js';
import { publishedEntries } from '../scripts/published-entries.js';

const ROOT = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as {
  main: string;
  module: string;
  types: string;
  exports: Record<string, unknown>;
  typesVersions: Record<string, Record<string, string[]>>;
};
const entries = publishedEntries();

describe('package.json', () => {
  it('publishes the core and every adapter folder', () => {
    expect(entries.map((entry) => entry.specifier)).toContain('modelgate');
    const adapters = readdirSync(new URL('adapters/', ROOT), { withFileTypes: true }).filter((dirent) =>
      dirent.isDirectory(),
    );
    expect(entries.map((entry) => entry.subpath).sort()).toEqual(
      ['.', ...adapters.map((dirent) => `./${dirent.name}`)].sort(),
    );
    for (const entry of entries) expect(existsSync(new URL(entry.source, ROOT)), entry.source).toBe(true);
  });

  it('names the same dist files in every export, types first, for ESM and CJS', () => {
    for (const { subpath, name } of entries) {
      const target = pkg.exports[subpath];
      expect(target).toEqual({
        import: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` },
        require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
      });
      const conditions = target as Record<string, object>;
      for (const condition of ['import', 'require']) expect(Object.keys(conditions[condition])[0]).toBe('types');
    }
    expect([pkg.main, pkg.module, pkg.types]).toEqual(['./dist/index.cjs', './dist/index.js', './dist/index.d.ts']);
  });

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

describe('tsup.config.ts', () => {
  it('builds exactly the published entries', () => {
    const config = tsupConfig as { entry: Record<string, string> };
    expect(config.entry).toEqual(Object.fromEntries(entries.map((entry) => [entry.name, entry.source])));
  });
});

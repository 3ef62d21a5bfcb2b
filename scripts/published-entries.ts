/**
 * The package's published entries, read from package.json `exports`: the one list. tsup builds
 * what it names (tsup.config.ts), CI loads each one (scripts/load-published-entries.ts), and
 * test/package-exports.test.ts holds `typesVersions` and the dist file names to it. An entry's
 * source follows from its subpath: `.` is `src/index.ts`, `./<name>` is `adapters/<name>/index.ts`.
 */
import { readFileSync } from 'node:fs';

export interface PublishedEntry {
  /** The `exports` key: `.` or `./express`. */
  subpath: string;
  /** What a user imports: `modelgate` or `modelgate/express`. */
  specifier: string;
  /** The dist file's base name (tsup's entry name): `index`, `express`. */
  name: string;
  /** The source file tsup builds it from, relative to the package root. */
  source: string;
}

interface PackageJson {
  name: string;
  exports: Record<
    string,
    string | { import: { types: string; default: string }; require: { types: string; default: string } }
  >;
}

export function readPackageJson(): PackageJson {
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as PackageJson;
}

export function publishedEntries(pkg: PackageJson = readPackageJson()): PublishedEntry[] {
  return Object.entries(pkg.exports)
    .filter(([subpath]) => subpath !== './package.json')
    .map(([subpath, target]) => {
      const file = typeof target === 'string' ? target : target.import.default;
      const name = /^\.\/dist\/([\w-]+)\.js$/.exec(file)?.[1];
      if (!name) throw new Error(`package.json exports["${subpath}"]: expected ./dist/<name>.js, not ${file}`);
      return {
        subpath,
        specifier: subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`,
        name,
        source: subpath === '.' ? 'src/index.ts' : `adapters/${subpath.slice(2)}/index.ts`,
      };
    });
}

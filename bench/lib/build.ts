/**
 * Bundles the benchmark's processes with tsup (esbuild) into .bench/build, so that every process runs
 * plain JavaScript as a user's build would, with no TypeScript loader at run time. modelgate's own
 * sources are bundled in the way its published dist bundles them; packages stay external.
 *
 * `buildBaseline(ref)` builds the same bench code against modelgate's sources at another commit
 * (into .bench/baseline-build), so that a change can be measured against its parent in one run.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BUILD_DIR = join(ROOT, '.bench/build');
export const BASELINE_BUILD_DIR = join(ROOT, '.bench/baseline-build');
const ENTRIES = [
  'mock-upstream',
  'bare-proxy',
  'modelgate-proxy',
  'load-generator',
  'core-cost',
  'translate-cost',
  'exporter-cost',
];

/** Entries that need sources a baseline may not have (the exporters came later): left out then. */
const NEEDS: Record<string, string> = { 'exporter-cost': 'adapters/otel/index.ts' };

async function bundle(benchDir: string, outDir: string): Promise<void> {
  const entries = ENTRIES.filter((name) => !NEEDS[name] || existsSync(join(benchDir, '..', NEEDS[name])));
  await build({
    config: false,
    entry: Object.fromEntries(entries.map((name) => [name, join(benchDir, `${name}.ts`)])),
    outDir,
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    splitting: true,
    skipNodeModulesBundle: true,
    clean: true,
    silent: true,
  });
}

export async function buildBench(): Promise<void> {
  await bundle(join(ROOT, 'bench'), BUILD_DIR);
}

/** Today's bench code over `src/` and `adapters/` as they were at `ref`. */
export async function buildBaseline(ref: string): Promise<string> {
  const tree = join(ROOT, '.bench/baseline-src');
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(tree, { recursive: true });
  const archive = execFileSync('git', ['archive', ref, 'src', 'adapters'], { cwd: ROOT, maxBuffer: 256 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', tree], { input: archive });
  cpSync(join(ROOT, 'bench'), join(tree, 'bench'), { recursive: true });
  await bundle(join(tree, 'bench'), BASELINE_BUILD_DIR);
  return execFileSync('git', ['rev-parse', '--short', ref], { cwd: ROOT, encoding: 'utf8' }).trim();
}

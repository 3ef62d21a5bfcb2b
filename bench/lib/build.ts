/**
 * Bundles the benchmark's processes with tsup (esbuild) into .bench/build, so that every process runs
 * plain JavaScript as a user's build would, with no TypeScript loader at run time. modelgate's own
 * sources are bundled in the way its published dist bundles them; packages stay external.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';

export const BUILD_DIR = fileURLToPath(new URL('../../.bench/build/', import.meta.url));
const ENTRIES = ['mock-upstream', 'bare-proxy', 'modelgate-proxy', 'load-generator', 'core-cost', 'translate-cost'];

export async function buildBench(): Promise<void> {
  await build({
    config: false,
    entry: Object.fromEntries(ENTRIES.map((name) => [name, fileURLToPath(new URL(`../${name}.ts`, import.meta.url))])),
    outDir: BUILD_DIR,
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    splitting: true,
    skipNodeModulesBundle: true,
    clean: true,
    silent: true,
  });
}

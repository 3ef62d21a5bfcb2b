import { defineConfig } from 'tsup';
import { publishedEntries } from './scripts/published-entries.js';

export default defineConfig({
  // What package.json `exports` publishes, and nothing else (scripts/published-entries.ts).
  entry: Object.fromEntries(publishedEntries().map((entry) => [entry.name, entry.source])),
  format: ['esm', 'cjs'],
  dts: true,
  // One shared core chunk for every entry, in CJS too: without it each adapter would embed its own
  // copy of the core and `instanceof` between entries would break.
  splitting: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  // Dependencies and peer dependencies (express, koa, ioredis) stay external: tsup's default.
});

import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    express: 'adapters/express/index.ts',
    koa: 'adapters/koa/index.ts',
    node: 'adapters/node/index.ts',
    fetch: 'adapters/fetch/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  // One shared core chunk for every entry, in CJS too: without it each adapter would embed its own
  // copy of the core and `instanceof` between entries would break.
  splitting: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  external: ['express', 'koa'],
});

import { defineConfig } from 'vitest/config';

/** `npm run test:chaos`: the chaos suite, apart from `npm test` (it runs for tens of seconds). */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.chaos.ts'],
    testTimeout: 900_000,
    hookTimeout: 60_000,
  },
});

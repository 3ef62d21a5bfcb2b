/**
 * After the build (`.ci/run`): every published entry resolves and loads through package.json
 * `exports`, with `require` (CJS) and `import` (ESM), as a user's code would load it.
 */
import { createRequire } from 'node:module';
import { publishedEntries } from './published-entries.js';

const require = createRequire(import.meta.url);
for (const { specifier } of publishedEntries()) {
  require(specifier);
  await import(specifier);
  console.log(`${specifier}: loads as CJS and ESM`);
}

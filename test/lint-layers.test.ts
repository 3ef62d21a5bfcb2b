/**
 * The layer rule of eslint.config.js (DESIGN.md §2): imports that point up the table, or from an
 * adapter past the public entries, fail `npm run lint`. Each case lints a two-line snippet as if it
 * were a file in the named folder, through ESLint's own API and the project's config.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LAYER_RULE = 'modelgate/one-way-layers';
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** The layer-related messages for `source` imported from a file at `path`. */
async function lintImport(path: string, source: string, typeOnly = false): Promise<string[]> {
  const code = typeOnly
    ? `import type { Server } from '${source}';\nexport type { Server };\n`
    : `import * as imported from '${source}';\nexport { imported };\n`;
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  return result.messages
    .filter((message) => message.ruleId === LAYER_RULE || message.ruleId?.endsWith('no-restricted-imports'))
    .map((message) => message.message);
}

describe('layer rule', () => {
  it.each([
    ['the cache importing the engine', 'src/cache/snippet.ts', '../engine/accumulate-chunks.js'],
    ['the Node host layer importing the engine', 'src/node/snippet.ts', '../engine/request-scope.js'],
    ['a provider importing the engine', 'src/providers/anthropic/snippet.ts', '../../engine/run-chain.js'],
    ['a provider importing the options', 'src/providers/bedrock/snippet.ts', '../../options.js'],
    ['the transport importing a provider', 'src/transport/snippet.ts', '../providers/anthropic/index.js'],
    ['the gateway importing the Node host layer', 'src/gateway.ts', './node/index.js'],
    ['the main entry re-exporting the Node host layer', 'src/index.ts', './node/index.js'],
    ['an adapter importing a deep file', 'adapters/express/snippet.ts', '../../src/gateway.js'],
    ['an adapter importing the Node layer past its public entry', 'adapters/koa/snippet.ts', '../../src/node/index.js'],
    ['the fetch adapter importing the Node entry', 'adapters/fetch/snippet.ts', '../node/index.js'],
  ])('refuses %s', async (_name, path, source) => {
    const messages = await lintImport(path, source);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(`${path} may not import from`);
  });

  it.each([
    ['an adapter importing the public entries', 'adapters/express/snippet.ts', '../../src/index.js'],
    ['an adapter importing modelgate/node', 'adapters/koa/snippet.ts', '../node/index.js'],
    ['modelgate/node importing its layer', 'adapters/node/snippet.ts', '../../src/node/index.js'],
    ['the engine importing the cache', 'src/engine/snippet.ts', '../cache/cached-completion.js'],
    ['a provider importing the kit', 'src/providers/google/snippet.ts', '../kit/scrub-secrets.js'],
    ['a file importing its own layer', 'src/routing/snippet.ts', './build-chain.js'],
  ])('allows %s', async (_name, path, source) => {
    expect(await lintImport(path, source)).toEqual([]);
  });

  it('refuses a file in no layer, so a new folder is placed in the table first', async () => {
    const messages = await lintImport('src/new-folder/snippet.ts', '../errors.js');
    expect(messages).toEqual([
      'src/new-folder/snippet.ts is in no layer of the table in eslint.config.js: add its folder there (DESIGN.md §2).',
    ]);
  });

  it("keeps Node's server objects in the Node host layer (the core may name the header type)", async () => {
    expect(await lintImport('src/http/snippet.ts', 'node:http')).toHaveLength(1);
    expect(await lintImport('src/http/snippet.ts', 'node:http', true)).toEqual([]);
    expect(await lintImport('src/node/snippet.ts', 'node:http')).toEqual([]);
  });
});

describe('layer table', () => {
  type LayerRow = [name: string, holds: string[], mayImport: string[]];
  let rows: LayerRow[];

  beforeAll(async () => {
    // The table as ESLint hands it to the rule.
    const config = await eslint.calculateConfigForFile(join(ROOT, 'src/gateway.ts'));
    rows = config.rules[LAYER_RULE][1].layers;
    expect(rows.length).toBeGreaterThan(10);
  });

  it('names each layer once and each path once', () => {
    const names = rows.map(([name]) => name);
    expect(new Set(names).size).toBe(names.length);
    const paths = rows.flatMap(([, holds]) => holds);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('points one way: no layer reaches itself through the layers it may import', () => {
    const edges = new Map(rows.map(([name, , mayImport]) => [name, mayImport]));
    const done = new Set<string>();
    const cycles: string[] = [];
    // Depth first; meeting a layer that is still on the path is a cycle.
    const visit = (name: string, path: string[]) => {
      if (done.has(name)) return;
      for (const next of edges.get(name) ?? []) {
        if (path.includes(next)) cycles.push([...path.slice(path.indexOf(next)), next].join(' -> '));
        else visit(next, [...path, next]);
      }
      done.add(name);
    };
    for (const [name] of rows) visit(name, [name]);
    expect(cycles).toEqual([]);
  });
});

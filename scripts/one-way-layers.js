/**
 * An ESLint rule that holds the code to its layer table (DESIGN.md §2; the table is in
 * eslint.config.js): a file may import from its own layer and from the layers its row names, and
 * from nothing else in the package. Every file it lints must be in a layer, so a new folder is
 * placed in the table before it is used. It reads relative imports only; packages (undici) have
 * their own rule.
 *
 * Options: `{ root, layers: [[name, holds, mayImport], ...], pending: ['from -> to', ...] }`
 * (`parseLayerTable` reads the rows from the table's text).
 * `holds` are paths from `root`: a folder ends with `/`, anything else is one file; a file belongs
 * to the layer with the longest path that holds it. `pending` lists single imports that break the
 * table until work under way removes them; one that no longer occurs is reported, so the list
 * cannot outlive its reason.
 */
import { dirname, relative, resolve, sep } from 'node:path';

/** @typedef {[name: string, holds: string[], mayImport: string[]]} LayerRow */

/**
 * The table of eslint.config.js as rows: `name holds... : mayImport...` a row, a line without a
 * colon going on with the row above, `#` starting a comment line.
 * @param {string} text
 * @returns {LayerRow[]}
 */
export function parseLayerTable(text) {
  /** @type {LayerRow[]} */
  const rows = [];
  const words = (/** @type {string} */ part) => part.split(/\s+/).filter(Boolean);
  for (const line of text.split('\n').map((part) => part.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon === -1) {
      if (!rows.length) throw new Error(`one-way-layers: "${line}" goes on with no row`);
      rows[rows.length - 1][2].push(...words(line));
      continue;
    }
    const [name, ...holds] = words(line.slice(0, colon));
    rows.push([name, holds, words(line.slice(colon + 1))]);
  }
  return rows;
}

/** @param {LayerRow[]} layers */
export function layerLookup(layers) {
  const names = new Set(layers.map(([name]) => name));
  for (const [name, , mayImport] of layers) {
    for (const other of mayImport)
      if (!names.has(other)) throw new Error(`one-way-layers: layer "${name}" names an unknown layer "${other}"`);
  }
  const holdings = layers
    .flatMap(([name, holds]) => holds.map((path) => ({ name, path })))
    .sort((a, b) => b.path.length - a.path.length);
  const allowed = new Map(layers.map(([name, , mayImport]) => [name, new Set([name, ...mayImport])]));
  return {
    /** The layer of a path relative to the root (a `.js` import names its `.ts` file), if any. */
    layerOf(path) {
      const file = path.split(sep).join('/').replace(/\.js$/, '.ts');
      return holdings.find((holding) =>
        holding.path.endsWith('/') ? file.startsWith(holding.path) : file === holding.path,
      )?.name;
    },
    mayImport: (from, to) => allowed.get(from)?.has(to) ?? false,
    allowedFrom: (from) => [...(allowed.get(from) ?? [])].filter((name) => name !== from),
  };
}

/** @type {import('eslint').Rule.RuleModule} */
export const oneWayLayers = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports follow the layer table of DESIGN.md §2 (eslint.config.js)' },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          layers: { type: 'array' },
          pending: { type: 'array', items: { type: 'string' } },
        },
        required: ['root', 'layers'],
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const { root, layers, pending = [] } = context.options[0];
    const lookup = layerLookup(layers);
    const file = relative(root, context.filename).split(sep).join('/');
    const own = lookup.layerOf(file);
    const pendingHere = new Set(pending.filter((entry) => entry.startsWith(`${file} -> `)));
    const pendingSeen = new Set();

    /** @param {import('estree').Node} node @param {unknown} source */
    function check(node, source) {
      if (own === undefined || typeof source !== 'string' || !source.startsWith('.')) return;
      const target = relative(root, resolve(dirname(context.filename), source))
        .split(sep)
        .join('/')
        .replace(/\.js$/, '.ts');
      const layer = lookup.layerOf(target);
      if (layer !== undefined && lookup.mayImport(own, layer)) return;
      const entry = `${file} -> ${target}`;
      if (pendingHere.has(entry)) return void pendingSeen.add(entry);
      const where = layer === undefined ? `${target}, which is in no layer` : `layer "${layer}" (${target})`;
      const may = lookup.allowedFrom(own).join(', ') || 'nothing';
      context.report({
        node,
        message: `${file} may not import from ${where} (DESIGN.md §2; the table is in eslint.config.js). Layer "${own}" may import only: ${may}.`,
      });
    }

    return {
      Program(node) {
        if (own === undefined)
          context.report({
            node,
            message: `${file} is in no layer of the table in eslint.config.js: add its folder there (DESIGN.md §2).`,
          });
      },
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
      'Program:exit'(node) {
        for (const entry of pendingHere)
          if (!pendingSeen.has(entry))
            context.report({
              node,
              message: `The pending import "${entry}" no longer occurs: remove it from eslint.config.js.`,
            });
      },
    };
  },
};

/** Reads a V8 .cpuprofile: CPU time per request by source area and by function (self time). */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Microseconds of self time per request, by function and by area. */
export interface ProfileCosts {
  total: number;
  byFunction: Record<string, number>;
  byArea: Record<string, number>;
}

/** Where a function lives: the bench bundle (modelgate and the bench code), a package, Node itself. */
function area(url: string): string {
  if (!url) return '(native / VM)';
  if (url.startsWith('node:')) return 'node internals';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  if (url.includes('/.bench/build/')) return 'modelgate + bench code (bundled)';
  return url;
}

export function profileCosts(profile: Profile, requests: number): ProfileCosts {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction: Record<string, number> = {};
  const byArea: Record<string, number> = {};
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const { functionName, url, lineNumber } = byId.get(profile.samples[i])!.callFrame;
    if (functionName === '(idle)') continue;
    const micros = (profile.timeDeltas[i] ?? 0) / requests;
    const file = url
      .replace(/^file:\/\/.*?\/(node_modules|\.bench\/build)\//, '')
      .replace(/chunk-[A-Z0-9]+\.js/, 'chunk.js');
    // Bundled code moves between builds: name and file only, so that two builds compare.
    const key = `${functionName || '(anonymous)'}  ${file}${file && !file.startsWith('chunk.js') ? `:${lineNumber + 1}` : ''}`;
    byFunction[key] = (byFunction[key] ?? 0) + micros;
    byArea[area(url)] = (byArea[area(url)] ?? 0) + micros;
    total += micros;
  }
  return { total, byFunction, byArea };
}

const sorted = (map: Record<string, number>) => Object.entries(map).sort((a, b) => b[1] - a[1]);
const us = (value: number) => `${value.toFixed(2).padStart(7)} µs`;

export function formatCosts(costs: ProfileCosts, top: number): string {
  const lines = [`CPU per request (self time, idle excluded): ${us(costs.total)}`, '', 'By area:'];
  for (const [name, value] of sorted(costs.byArea).slice(0, 15)) lines.push(`  ${us(value)}  ${name}`);
  lines.push('', `Hottest functions (top ${top}):`);
  for (const [name, value] of sorted(costs.byFunction).slice(0, top)) lines.push(`  ${us(value)}  ${name}`);
  return lines.join('\n');
}

/** What `costs` spends more (or less) than `baseline`, per request, largest differences first. */
export function formatComparison(costs: ProfileCosts, baseline: ProfileCosts, top: number): string {
  const diff = (mine: Record<string, number>, theirs: Record<string, number>) => {
    const keys = new Set([...Object.keys(mine), ...Object.keys(theirs)]);
    return [...keys]
      .map((key) => [key, (mine[key] ?? 0) - (theirs[key] ?? 0)] as const)
      .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  };
  const lines = [
    `CPU per request: ${us(costs.total)} against ${us(baseline.total)} (${us(costs.total - baseline.total)} more)`,
    '',
    'Difference by area:',
  ];
  for (const [name, value] of diff(costs.byArea, baseline.byArea).slice(0, 15)) lines.push(`  ${us(value)}  ${name}`);
  lines.push('', `Largest differences by function (top ${top}):`);
  for (const [name, value] of diff(costs.byFunction, baseline.byFunction).slice(0, top))
    lines.push(`  ${us(value)}  ${name}`);
  return lines.join('\n');
}

/** Reads a V8 .cpuprofile: self time by source area and function, inclusive time of modelgate's own functions. */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives, for the per-area totals. */
function area(url: string): string {
  if (!url) return '(native / VM)';
  if (url.startsWith('node:')) return 'node internals';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  const ours = /\/(src\/[^/]+|adapters\/[^/]+|bench)\//.exec(url);
  return ours ? ours[1] : url;
}

export function summariseProfile(profile: Profile, top: number): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((sum, value) => sum + value, 0);
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const [id, time] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const file = url.replace(/^file:\/\/.*?\/(node_modules|src|adapters|bench)\//, '$1/');
    const key = `${functionName || '(anonymous)'}  ${file}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + time);
    byArea.set(area(url), (byArea.get(area(url)) ?? 0) + time);
  }
  // Inclusive time of modelgate's own functions: self time plus everything they called.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, number>();
  for (const [id, time] of self) {
    const counted = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url } = byId.get(at)!.callFrame;
      const where = area(url);
      if (!where.startsWith('src/') && !where.startsWith('adapters/') && !url.endsWith('src/gateway.ts')) continue;
      const key = `${functionName || '(anonymous)'}  ${url.replace(/^file:\/\/.*?\/(src|adapters)\//, '$1/')}`;
      if (counted.has(key)) continue;
      counted.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + time);
    }
  }
  const pct = (time: number) => `${((time / total) * 100).toFixed(1).padStart(5)}%`;
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  const lines = ['Self time by area:'];
  for (const [name, time] of sorted(byArea).slice(0, 20)) lines.push(`  ${pct(time)}  ${name}`);
  lines.push('', `Hottest functions (self time, top ${top}):`);
  for (const [name, time] of sorted(byFunction).slice(0, top)) lines.push(`  ${pct(time)}  ${name}`);
  lines.push('', `modelgate functions by inclusive time (top ${top}):`);
  for (const [name, time] of sorted(inclusive).slice(0, top)) lines.push(`  ${pct(time)}  ${name}`);
  return lines.join('\n');
}


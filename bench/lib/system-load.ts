/**
 * How busy each CPU was, from /proc/stat: the benchmark reports how much of the proxy's core went
 * to other processes during a trial, so that a disturbed trial can be seen.
 */
import { readFileSync } from 'node:fs';

export type CpuTimes = Map<string, { busy: number; total: number }>;

export function readCpuTimes(): CpuTimes {
  const times: CpuTimes = new Map();
  try {
    for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
      const match = /^(cpu\d*)\s+(.*)$/.exec(line);
      if (!match) continue;
      const fields = match[2].trim().split(/\s+/).map(Number);
      const idle = fields[3] + (fields[4] ?? 0);
      const total = fields.reduce((sum, value) => sum + value, 0);
      times.set(match[1], { busy: total - idle, total });
    }
  } catch {
    // not Linux: no load figures
  }
  return times;
}

/** Busy share (0..1) of one CPU between two readings. */
export function busyShare(before: CpuTimes, after: CpuTimes, cpu: string): number | undefined {
  const a = before.get(cpu);
  const b = after.get(cpu);
  if (!a || !b || b.total === a.total) return undefined;
  return (b.busy - a.busy) / (b.total - a.total);
}

/** CPUs (0..n) used by other processes between two readings, given our processes' CPU time in µs and the wall time in ms. */
export function otherCpus(before: CpuTimes, after: CpuTimes, oursMicros: number, wallMs: number): number | undefined {
  const a = before.get('cpu');
  const b = after.get('cpu');
  if (!a || !b || b.total === a.total) return undefined;
  const cpus = [...after.keys()].filter((name) => name !== 'cpu').length;
  const busyCpus = ((b.busy - a.busy) / (b.total - a.total)) * cpus;
  return Math.max(0, busyCpus - oursMicros / (wallMs * 1000));
}

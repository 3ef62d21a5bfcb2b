/** The benchmark's records and the markdown tables made of them. */
import type { LoadResult } from '../load-generator.js';
import { median, spread } from './stats.js';

export type Framework = 'node' | 'express' | 'koa';
export interface Setup {
  name: string;
  kind: 'bare' | 'modelgate';
  framework: Framework;
  /** Built from the `--baseline` commit. */
  baseline?: boolean;
}

export interface Trial extends LoadResult {
  cpuMicrosPerRequest: number;
  proxyCpuShare: number;
  otherLoadOnProxyCpu: number | undefined;
  maxRss: number;
  logsMatched: boolean | null;
  /** Trials of this setup thrown away before this one because another process disturbed them. */
  redone: number;
}

export interface Row {
  scenario: string;
  setup: Setup;
  trials: Trial[];
}

export interface TtftRow {
  setup: Setup;
  p50: number[];
  p90: number[];
}

const fmt = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

export function throughputTable(rows: Row[]): string {
  const lines = [
    '| scenario | setup | req/s | × bare | p50 ms | p99 ms | CPU µs/req | peak RSS MB | proxy CPU | other load | spread | redone | logs |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const row of rows) {
    const rps = median(row.trials.map((trial) => trial.rps));
    const bare = rows.find(
      (other) =>
        other.scenario === row.scenario && other.setup.kind === 'bare' && other.setup.framework === row.setup.framework,
    );
    const ratio =
      row.setup.kind === 'modelgate' && bare ? rps / median(bare.trials.map((trial) => trial.rps)) : Number.NaN;
    const logs =
      row.setup.kind === 'bare' ? '' : row.trials.every((trial) => trial.logsMatched) ? '1 per request' : 'MISMATCH';
    lines.push(
      `| ${row.scenario} | ${row.setup.name} | ${fmt(rps)} | ${row.setup.kind === 'bare' ? '' : fmt(ratio, 2)} | ` +
        `${fmt(median(row.trials.map((t) => t.p50)), 2)} | ${fmt(median(row.trials.map((t) => t.p99)), 2)} | ` +
        `${fmt(median(row.trials.map((t) => t.cpuMicrosPerRequest)))} | ${fmt(Math.max(...row.trials.map((t) => t.maxRss)) / 1048576)} | ` +
        `${fmt(median(row.trials.map((t) => t.proxyCpuShare)) * 100)}% | ${fmt(Math.max(...row.trials.map((t) => t.otherLoadOnProxyCpu ?? 0)) * 100)}% | ` +
        `${fmt(spread(row.trials.map((t) => t.rps)) * 100)}% | ${row.trials.reduce((sum, t) => sum + t.redone, 0)} | ${logs} |`,
    );
  }
  return lines.join('\n');
}

export function ttftTable(rows: TtftRow[]): string {
  const lines = ['| setup | TTFT p50 µs | TTFT p90 µs | added p50 µs |', '| --- | ---: | ---: | ---: |'];
  for (const row of rows) {
    const p50 = median(row.p50) * 1000;
    const bare = rows.find((other) => other.setup.kind === 'bare' && other.setup.framework === row.setup.framework);
    const added = row.setup.kind === 'modelgate' && bare ? p50 - median(bare.p50) * 1000 : Number.NaN;
    lines.push(
      `| ${row.setup.name} | ${fmt(p50)} | ${fmt(median(row.p90) * 1000)} | ${row.setup.kind === 'bare' ? '' : fmt(added)} |`,
    );
  }
  return lines.join('\n');
}

/** The machine a run happened on, and RESULTS.md: one section per benchmark, replaced in place. */
import { cpus, loadavg, release, totalmem } from 'node:os';
import type { BenchResult, Comparison, Figure } from './types.ts';

export interface Machine {
  readonly date: string;
  readonly cores: number;
  readonly cpu: string;
  readonly kernel: string;
  readonly memoryGb: number;
  readonly node: string;
  readonly etcd: string;
  /** Which podbay was measured: this checkout's commit, or the PODBAY_BIN given. */
  readonly podbay: string;
  /** 1-minute load average when the benchmark started: how busy the shared machine was. */
  readonly load: number;
}

export function describeMachine(etcd: string, podbay: string): Machine {
  const cpuList = cpus();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cores: cpuList.length,
    cpu: cpuList[0]?.model.trim() ?? 'unknown',
    kernel: `Linux ${release()}`,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    etcd,
    podbay,
    load: loadavg()[0] ?? 0,
  };
}

export function formatValue(value: number, unit: Figure['unit']): string {
  if (!Number.isFinite(value)) return 'n/a';
  switch (unit) {
    case 'ops/s':
      return `${Math.round(value).toLocaleString('en-US')}/s`;
    case 'ms':
      return `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ms`;
    case 'MB':
      return `${value.toFixed(1)} MB`;
    case 'MB/s':
      return `${value.toFixed(value < 100 ? 1 : 0)} MB/s`;
  }
}

function ratio(value: number, other: Comparison | undefined): string {
  if (!other) return '';
  const r = value / other.value;
  return Number.isFinite(r) ? `${r.toFixed(r < 10 ? 2 : 1)}×` : 'n/a';
}

function comparison(c: Comparison | undefined, unit: Figure['unit']): string {
  return c ? `${c.name}: ${formatValue(c.value, unit)}` : '—';
}

export function sectionMarkdown(
  name: string,
  title: string,
  machine: Machine,
  result: BenchResult,
): string {
  const lines = [
    `<!-- bench:${name} -->`,
    `## ${title}`,
    '',
    `Run ${machine.date} on ${machine.cores} cores (${machine.cpu}), ` +
      `${machine.memoryGb} GB, ${machine.kernel}, Node ${machine.node}, etcd ${machine.etcd}; ` +
      `podbay ${machine.podbay}; load average ${machine.load.toFixed(2)} at the start.`,
    '',
    '| figure | podbay | peer | podbay ÷ peer | floor | podbay ÷ floor | target |',
    '| --- | --: | --- | --: | --- | --: | --- |',
  ];
  for (const f of result.figures) {
    const target = f.target ? `${f.target.met ? 'met' : '**missed**'}: ${f.target.text}` : '';
    lines.push(
      `| ${f.name} | ${formatValue(f.value, f.unit)} | ${comparison(f.peer, f.unit)} | ` +
        `${ratio(f.value, f.peer)} | ${comparison(f.floor, f.unit)} | ${ratio(f.value, f.floor)} | ` +
        `${target} |`,
    );
  }
  lines.push('');
  for (const note of result.notes) lines.push(`- ${note}`);
  if (result.notes.length > 0) lines.push('');
  lines.push(`<!-- /bench:${name} -->`);
  return lines.join('\n');
}

const header = `# Benchmark results

Written by \`npm run bench\` (\`bench/run.ts\`), which sets the project up (\`scripts/setup.sh\`),
compiles \`bench/\` to \`dist/bench/\` and runs every \`bench/*.bench.ts\`; \`npm run bench -- --only
NAME\` runs one and replaces only its section below, keeping the others as they were.

Every figure is compared with a peer (etcd 3.4 doing the same work) and/or a floor (what the work
cannot beat, such as \`node -e 0\`) measured in the same run, on the same machine. These machines are
shared and noisy: trust the ratios (podbay ÷ peer, podbay ÷ floor) more than the absolute figures.
For rates, a ratio above 1 is better than the peer; for times and memory, below 1 is.

Adding a benchmark: create \`bench/NAME.bench.ts\` exporting \`title\` and \`run(ctx)\` (see
\`bench/lib/types.ts\`); its section appears here after its first run.
`;

const sectionRe = /<!-- bench:([\w-]+) -->[\s\S]*?<!-- \/bench:\1 -->/g;

/**
 * RESULTS.md with `sections` (name → markdown) replaced or added, in `order`; sections of the old
 * file that were not run this time are kept (benchmarks not in `order` go last).
 */
export function mergeResults(
  old: string,
  sections: ReadonlyMap<string, string>,
  order: readonly string[],
): string {
  const kept = new Map<string, string>();
  for (const m of old.matchAll(sectionRe)) kept.set(m[1]!, m[0]);
  for (const [name, text] of sections) kept.set(name, text);
  const names = [
    ...order.filter((n) => kept.has(n)),
    ...[...kept.keys()].filter((n) => !order.includes(n)),
  ];
  return `${header}\n${names.map((n) => kept.get(n)!).join('\n\n')}\n`;
}

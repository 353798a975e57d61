/**
 * What a benchmark module is and what it returns. Every `bench/*.bench.ts` exports `title` and
 * `run(ctx)`; the runner (`bench/run.ts`) finds them, runs them one after another and writes their
 * figures into `bench/RESULTS.md`, one section each.
 */
import type { BenchContext } from './context.ts';

/** A figure measured on something other than podbay in the same run. */
export interface Comparison {
  /** What it is, e.g. 'etcd put, 64 clients'. */
  readonly name: string;
  readonly value: number;
}

/** One measured figure of podbay, with what it is compared against. */
export interface Figure {
  /** What was measured, e.g. 'ConfigMap creates, 64 clients'. */
  readonly name: string;
  readonly value: number;
  /** 'ops/s', 'ms', 'MB' or 'MB/s' (10^6 bytes per second): decides how numbers are printed. */
  readonly unit: 'ops/s' | 'ms' | 'MB' | 'MB/s';
  /** A peer doing the same work (etcd). */
  readonly peer?: Comparison;
  /** The floor: what the work cannot be faster or smaller than (node -e 0, an idle node). */
  readonly floor?: Comparison;
  /** The target the issue set, and whether this run met it. */
  readonly target?: { readonly text: string; readonly met: boolean };
}

export interface BenchResult {
  readonly figures: readonly Figure[];
  /** How it was measured, in sentences: printed under the table. */
  readonly notes: readonly string[];
}

export interface BenchModule {
  /** The section heading in RESULTS.md. */
  readonly title: string;
  /** Longest it may take (ms); default 150 s. Pod benchmarks start real containers and take longer. */
  readonly timeoutMs?: number;
  run(ctx: BenchContext): Promise<BenchResult>;
}

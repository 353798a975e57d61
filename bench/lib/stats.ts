/** Small statistics and timing helpers. */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when there are none. */
export function percentile(values: readonly number[] | Float64Array, p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface LoopResult {
  readonly ops: number;
  readonly elapsedMs: number;
  /** Operations per second. */
  readonly rate: number;
}

/**
 * `clients` concurrent loops, each awaiting `op` back to back, until `durationMs` have passed or
 * `maxOps` operations were started. The first failure stops the loop and is thrown.
 */
export async function closedLoop(opts: {
  readonly clients: number;
  readonly durationMs: number;
  readonly maxOps: number;
  readonly op: (seq: number) => Promise<void>;
}): Promise<LoopResult> {
  let started = 0;
  let done = 0;
  let failed = false;
  const start = performance.now();
  const deadline = start + opts.durationMs;
  const worker = async (): Promise<void> => {
    while (!failed && started < opts.maxOps && performance.now() < deadline) {
      const seq = started++;
      try {
        await opts.op(seq);
      } catch (err) {
        failed = true;
        throw err;
      }
      done++;
    }
  };
  await Promise.all(Array.from({ length: opts.clients }, worker));
  const elapsedMs = performance.now() - start;
  return { ops: done, elapsedMs, rate: (done / elapsedMs) * 1000 };
}

/** Runs `op` for each of `count` items with at most `concurrency` in flight. */
export async function forEachLimit(
  count: number,
  concurrency: number,
  op: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await op(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** Wall time of `fn` in milliseconds. */
export async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

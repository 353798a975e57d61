/** Fixtures the pod benchmarks share: the busybox image (built once per run). */
import { buildBusyboxImage, type BusyboxImage } from './busybox-image.ts';
import type { BenchContext } from './context.ts';

export function busyboxImage(ctx: BenchContext): Promise<BusyboxImage> {
  return ctx.shared('busybox-image', async (root) => buildBusyboxImage(await root.tmpDir('image')));
}

/** Polls `check` every `intervalMs` until true; throws `what` after `timeoutMs`. */
export async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 10,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`${what}: not after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Milliseconds with one decimal, for notes. */
export const ms = (v: number): string => v.toFixed(v < 100 ? 1 : 0);

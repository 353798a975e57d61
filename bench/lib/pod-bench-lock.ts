/**
 * One pod benchmark at a time on a machine: they use machine-wide names (the floor's bridge and
 * subnet, podman's network and subnet, /run/netns/pbbench-*) and would also measure each other.
 * The lock is a file holding the owner's pid; a lock whose owner is gone is taken over.
 */
import { open, readFile, rm } from 'node:fs/promises';
import type { BenchContext } from './context.ts';
import { sleep } from './stats.ts';

const lockPath = '/run/podbay-bench-pods.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock (waiting up to `waitMs` for another run), released when `ctx` closes. */
export async function lockPodBenchmarks(ctx: BenchContext, waitMs = 60_000): Promise<void> {
  const deadline = performance.now() + waitMs;
  let logged = false;
  for (;;) {
    try {
      const fh = await open(lockPath, 'wx');
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      ctx.defer(async () => {
        const owner = await readFile(lockPath, 'utf8').catch(() => '');
        if (owner.trim() === String(process.pid)) await rm(lockPath, { force: true });
      });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
    if (!Number.isInteger(owner) || owner <= 0 || !alive(owner)) {
      await rm(lockPath, { force: true });
      continue;
    }
    if (performance.now() > deadline) {
      throw new Error(
        `another pod benchmark (pid ${owner}) is running on this machine; they share bridges, ` +
          `subnets and CPUs, so they run one at a time (${lockPath})`,
      );
    }
    if (!logged) ctx.log(`waiting for the pod benchmark of pid ${owner} to finish`);
    logged = true;
    await sleep(500);
  }
}

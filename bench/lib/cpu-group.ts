/**
 * CPU time of a set of processes and everything they start, from a cgroup of its own: cpuacct on
 * cgroup v1, cpu.stat on v2. On a shared, busy machine the CPU a piece of work costs moves far
 * less than its wall time, so the pod benchmarks report both. A process moved in by pid brings
 * only its later children (conmon, runc, CNI plugins, mount), not the ones it already has: start
 * it inside (`echo $$ > procsFile` before exec, as podbay-node.ts does). runc moves a container's own
 * processes to the container's cgroup, so those are not counted (for podbay and the floor alike).
 * The group is removed when the context closes, its remaining processes moved back to the root.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchContext } from './context.ts';

export interface CpuGroup {
  /** The cgroup.procs file: a shell script can move itself in with `echo $$ > FILE`. */
  readonly procsFile: string;
  add(pid: number): Promise<void>;
  /** CPU time used in the group so far (ms), user and system. */
  usageMs(): Promise<number>;
}

const root = '/sys/fs/cgroup';

export async function createCpuGroup(ctx: BenchContext, name: string): Promise<CpuGroup> {
  const v2 = existsSync(join(root, 'cgroup.controllers'));
  const base = v2 ? root : join(root, 'cpuacct');
  const dir = join(base, `podbay-bench-${name}-${process.pid}`);
  await mkdir(dir);
  ctx.defer(async () => {
    const left = (await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => ''))
      .split('\n')
      .filter((p) => p !== '');
    for (const pid of left) {
      await writeFile(join(base, 'cgroup.procs'), pid).catch(() => undefined);
    }
    await rmdir(dir).catch((err: unknown) => {
      ctx.log(`cannot remove ${dir}: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
  const procsFile = join(dir, 'cgroup.procs');
  return {
    procsFile,
    add: (pid) => writeFile(procsFile, String(pid)),
    async usageMs() {
      if (v2) {
        const stat = await readFile(join(dir, 'cpu.stat'), 'utf8');
        return Number(/^usage_usec (\d+)$/m.exec(stat)?.[1] ?? NaN) / 1000;
      }
      return Number((await readFile(join(dir, 'cpuacct.usage'), 'utf8')).trim()) / 1e6;
    },
  };
}

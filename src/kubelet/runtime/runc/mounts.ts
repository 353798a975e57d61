/**
 * The few mounts a sandbox owns on the host (its pinned namespace files, its /dev/shm tmpfs) and how
 * they go away: `umount` until the path is no mount point any more (mounts can be stacked), then
 * the file or directory itself. Node has no mount(2), so util-linux's tools do the work, async.
 */
import { lstat, readFile, rm, rmdir } from 'node:fs/promises';
import type { Clock } from '../../../util/index.ts';
import { RuntimeError } from '../types.ts';
import { mustRun, runCommand, stderrTail } from './command.ts';

/** `\040` and friends in /proc/self/mountinfo back to characters. */
function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** The mount points of this mount namespace, from /proc/self/mountinfo. */
export async function mountPoints(): Promise<Set<string>> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const target = line.split(' ')[4];
    if (target !== undefined) out.add(unescapeMountPath(target));
  }
  return out;
}

/** Mount points at or under `dir`, deepest first (the order to unmount them in). */
export async function mountsUnder(dir: string): Promise<string[]> {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return [...(await mountPoints())]
    .filter((m) => m === dir || m.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
}

/** Unmounts everything mounted at `target` (stacked mounts too). Idempotent. */
export async function unmountAll(target: string, clock: Clock): Promise<void> {
  for (let i = 0; i < 8; i++) {
    if (!(await mountPoints()).has(target)) return;
    const r = await runCommand('umount', [target], { clock, timeoutMs: 30_000 });
    if (r.code !== 0 && (await mountPoints()).has(target)) {
      throw new RuntimeError(`failed to unmount ${target}: ${stderrTail(r)}`);
    }
  }
  throw new RuntimeError(`failed to unmount ${target}: still mounted after 8 attempts`);
}

/** Unmounts whatever is mounted at `target` and removes the file or (empty) directory. Idempotent. */
export async function unmountAndRemove(target: string, clock: Clock): Promise<void> {
  await unmountAll(target, clock);
  let isDir: boolean;
  try {
    isDir = (await lstat(target)).isDirectory();
  } catch {
    return;
  }
  if (isDir) await removeDirIfEmpty(target);
  else await rm(target, { force: true });
}

/** Removes an empty directory; a missing one is fine. */
export async function removeDirIfEmpty(dir: string): Promise<void> {
  try {
    await rmdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTEMPTY') throw err;
  }
}

/** A tmpfs for a pod's shared /dev/shm, with the options containerd gives it. */
export async function mountShm(target: string, clock: Clock): Promise<void> {
  await mustRun(
    `failed to mount shm tmpfs at ${target}`,
    'mount',
    ['-t', 'tmpfs', '-o', 'nosuid,nodev,noexec,mode=1777,size=65536k', 'shm', target],
    { clock, timeoutMs: 30_000 },
  );
}

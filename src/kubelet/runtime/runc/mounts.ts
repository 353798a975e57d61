/**
 * The few mounts a sandbox owns on the host (its pinned namespace files, its /dev/shm tmpfs) and how
 * they go away: `umount` until the path is no mount point any more (mounts can be stacked), then
 * the file or directory itself. Node has no mount(2), so util-linux's tools do the work, async.
 */
import { lstat, rm, rmdir } from 'node:fs/promises';
import { isMountPoint, type Clock } from '../../../util/index.ts';
import { RuntimeError } from '../types.ts';
import { mustRun, runCommand, stderrTail } from './command.ts';

/**
 * Unmounts everything mounted at `target` (stacked mounts too). Idempotent. Every mount here is
 * of another filesystem (nsfs, tmpfs), which is what isMountPoint sees.
 */
export async function unmountAll(target: string, clock: Clock): Promise<void> {
  for (let i = 0; i < 8; i++) {
    if (!(await isMountPoint(target))) return;
    const r = await runCommand('umount', [target], { clock, timeoutMs: 30_000 });
    if (r.code !== 0 && (await isMountPoint(target))) {
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

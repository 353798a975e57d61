/**
 * The few mounts a sandbox owns on the host (its pinned namespace files, its /dev/shm tmpfs) and how
 * they go away: unmounted until the path is no mount point any more (mounts can be stacked), then
 * the file or directory itself. Node has no mount(2): the spawn helper makes the calls
 * (util/host-commands.ts), async.
 */
import { lstat, rm, rmdir } from 'node:fs/promises';
import { isMountPoint, mountCommand, umountCommand, type Clock } from '../../../util/index.ts';
import { RuntimeError } from '../types.ts';
import { mustRun, runCommand, stderrTail } from './command.ts';

/**
 * Unmounts everything mounted at each of `targets` (stacked mounts too), with one command for all
 * of them per round: a sandbox has up to four. Idempotent. Every mount here is of another filesystem (nsfs, tmpfs), which is
 * what isMountPoint sees.
 */
export async function unmountAll(targets: readonly string[], clock: Clock): Promise<void> {
  const stillMounted = async (paths: readonly string[]): Promise<string[]> => {
    const mounted = await Promise.all(paths.map((p) => isMountPoint(p)));
    return paths.filter((_, i) => mounted[i]);
  };
  let mounted = await stillMounted(targets);
  for (let i = 0; i < 8 && mounted.length > 0; i++) {
    const umount = umountCommand(mounted);
    const r = await runCommand(umount.file, umount.args, {
      clock,
      timeoutMs: 30_000,
      builtin: umount.builtin,
    });
    const left = await stillMounted(mounted);
    if (r.code !== 0 && left.length > 0) {
      throw new RuntimeError(`failed to unmount ${left.join(', ')}: ${stderrTail(r)}`);
    }
    mounted = left;
  }
  if (mounted.length > 0) {
    throw new RuntimeError(
      `failed to unmount ${mounted.join(', ')}: still mounted after 8 attempts`,
    );
  }
}

/**
 * Unmounts whatever is mounted at each of `targets` and removes the files or (empty) directories.
 * Idempotent.
 */
export async function unmountAndRemove(targets: readonly string[], clock: Clock): Promise<void> {
  await unmountAll(targets, clock);
  for (const target of targets) {
    let isDir: boolean;
    try {
      isDir = (await lstat(target)).isDirectory();
    } catch {
      continue;
    }
    if (isDir) await removeDirIfEmpty(target);
    else await rm(target, { force: true });
  }
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
  await mountTmpfs('shm', target, 'mode=1777,size=65536k', clock);
}

/**
 * A tmpfs at `target` for the runtime's volatile state (runc's, the bundles conmon and runc work
 * in, exit files, attach sockets), unless one is mounted there already (by an earlier agent: the
 * containers it describes may still run). That state is what containerd and CRI-O keep under
 * /run: a reboot must clear it, since the processes it describes end with the machine, and every
 * pod creates and removes a few dozen such files, each a new inode. In memory that is cheap; on
 * a disk filesystem every inode is allocated (on ext4 without a journal, past every inode freed in
 * the last minute or more) and /run is not always a tmpfs. Records that must outlive the agent
 * and a reboot (sandboxes, containers) stay on the data disk.
 */
export async function mountVolatileState(target: string, clock: Clock): Promise<void> {
  if (await isMountPoint(target)) return;
  await mountTmpfs('podbay-run', target, 'mode=0700', clock);
}

/** A tmpfs without devices, setuid or programs; `name` is what mountinfo shows as its source. */
async function mountTmpfs(name: string, target: string, data: string, clock: Clock): Promise<void> {
  const mount = mountCommand({
    source: name,
    target,
    fstype: 'tmpfs',
    flags: ['nosuid', 'nodev', 'noexec'],
    data,
  });
  await mustRun(`failed to mount a ${name} tmpfs at ${target}`, mount.file, mount.args, {
    clock,
    timeoutMs: 30_000,
    builtin: mount.builtin,
  });
}

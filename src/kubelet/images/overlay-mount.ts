/**
 * overlayfs mounts for container roots: the image's layers as read-only lower directories (top
 * first), a per-container upper and work directory, mounted by the spawn helper (Node has no mount
 * API; util/host-commands.ts).
 * Mounts are found by looking (util/mount-point.ts), not remembered, so the ones a crashed agent
 * left behind are found and removed too.
 */
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { isMountPoint, mountCommand, umountCommand } from '../../util/index.ts';
import { mustRun, runCommand } from './run-command.ts';
import { ImageError } from './types.ts';

/** True when the kernel offers overlayfs. */
export async function overlayAvailable(): Promise<boolean> {
  try {
    const filesystems = await readFile('/proc/filesystems', 'utf8');
    return /\toverlay$/m.test(filesystems);
  } catch {
    return false;
  }
}

export interface OverlayMount {
  /** Absolute paths of the lower directories, top layer first. */
  readonly lowerDirs: readonly string[];
  readonly upperDir: string;
  readonly workDir: string;
  readonly target: string;
  /**
   * A directory the lower directories are given relative to (mount runs there): the kernel reads
   * all options from one page, and relative paths let many layers fit.
   */
  readonly baseDir: string;
}

export async function mountOverlay(m: OverlayMount): Promise<void> {
  const lower = m.lowerDirs.map((d) => relative(m.baseDir, d)).join(':');
  const options = `lowerdir=${lower},upperdir=${m.upperDir},workdir=${m.workDir}`;
  if (options.length > 4000)
    throw new ImageError(`image has too many layers (${m.lowerDirs.length}) for one overlay mount`);
  const mount = mountCommand({
    source: 'overlay',
    target: m.target,
    fstype: 'overlay',
    data: options,
  });
  await mustRun(
    `cannot mount the container's root filesystem at ${m.target}`,
    mount.file,
    mount.args,
    {
      cwd: m.baseDir,
      timeoutMs: 30_000,
      builtin: mount.builtin,
    },
  );
}

/**
 * Takes the mount at `path` out of this mount namespace at once (umount2 MNT_DETACH); the
 * filesystem lives on as long as another mount of it (in a container's mount namespace) or an
 * open file does.
 */
export async function detachMount(path: string): Promise<void> {
  const detach = umountCommand([path], { detach: true });
  await mustRun(`cannot unmount ${path}`, detach.file, detach.args, {
    timeoutMs: 30_000,
    builtin: detach.builtin,
  });
}

/**
 * Unmounts whatever is mounted at `path`, stacked mounts too; lazily when a mount is busy, which
 * also detaches anything mounted below it. A container root is an overlay, another filesystem
 * than the directory it sits in, which is what isMountPoint sees.
 */
export async function unmountAll(path: string): Promise<void> {
  for (let round = 0; round < 16; round++) {
    if (!(await isMountPoint(path))) return;
    const umount = umountCommand([path]);
    const r = await runCommand(umount.file, umount.args, {
      timeoutMs: 30_000,
      builtin: umount.builtin,
    });
    // Busy (a process still has it open): detach it now; the kernel frees it when unused.
    if (r.code !== 0 && (await isMountPoint(path))) await detachMount(path);
  }
  throw new ImageError(`cannot unmount ${path}: it is still mounted`);
}

/**
 * overlayfs mounts for container roots: the image's layers as read-only lower directories (top
 * first), a per-container upper and work directory, mounted with mount(8) (Node has no mount API).
 * Mounts are found through /proc/self/mountinfo, not remembered, so the ones a crashed agent left
 * behind are found and removed too.
 */
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
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
  await mustRun(
    `cannot mount the container's root filesystem at ${m.target}`,
    'mount',
    ['-t', 'overlay', 'overlay', '-o', options, m.target],
    { cwd: m.baseDir, timeoutMs: 30_000 },
  );
}

/** Undoes mountinfo's octal escapes (`\040` for a space). */
function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Mount points at `path` or below it, deepest (and latest) first. */
export async function mountsAt(path: string): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  const found: string[] = [];
  for (const line of info.split('\n')) {
    const mountPoint = line.split(' ')[4];
    if (mountPoint === undefined) continue;
    const p = unescapeMountPath(mountPoint);
    if (p === path || p.startsWith(`${path}/`)) found.push(p);
  }
  return found.reverse().sort((a, b) => b.length - a.length);
}

/** Unmounts everything at or below `path` (stacked mounts too); lazily when a mount is busy. */
export async function unmountAll(path: string): Promise<void> {
  for (let round = 0; round < 16; round++) {
    const mounts = await mountsAt(path);
    if (mounts.length === 0) return;
    for (const mountPoint of mounts) {
      const r = await runCommand('umount', [mountPoint], { timeoutMs: 30_000 });
      if (r.code !== 0) {
        // Busy (a process still has it open): detach it now; the kernel frees it when unused.
        await mustRun(`cannot unmount ${mountPoint}`, 'umount', ['--lazy', mountPoint], {
          timeoutMs: 30_000,
        });
      }
    }
  }
  throw new ImageError(`cannot unmount ${path}: it is still mounted`);
}

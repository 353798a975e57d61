/**
 * The fallback root filesystem when overlayfs cannot be used (no root, or a kernel without it):
 * the layers copied into one directory, bottom first, applying each layer's whiteouts and opaque
 * directories from its recorded metadata. Slower and uses disk, but gives the same tree.
 *
 * Nothing is ever followed: every path in the destination is checked with lstat to be a real
 * directory before anything is created or removed under it, so a symlink from a lower layer
 * (`etc -> /`) cannot redirect a copy or a whiteout onto the host.
 */
import { constants } from 'node:fs';
import {
  chmod,
  copyFile,
  lchown,
  lstat,
  lutimes,
  mkdir,
  readdir,
  readlink,
  rm,
  symlink,
  utimes,
} from 'node:fs/promises';
import { join } from 'node:path';
import { mustRun } from './run-command.ts';

export interface CopyLayer {
  /** The unpacked layer directory. */
  readonly dir: string;
  readonly whiteouts: readonly string[];
  readonly opaques: readonly string[];
}

async function lstatOrUndefined(
  path: string,
): Promise<Awaited<ReturnType<typeof lstat>> | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return undefined;
    throw err;
  }
}

/** `root/rel` when every directory on the way is a real directory (not a symlink), else undefined. */
async function inside(root: string, rel: string): Promise<string | undefined> {
  const parts = rel.split('/').filter((p) => p !== '');
  let path = root;
  for (const part of parts.slice(0, -1)) {
    path = join(path, part);
    const st = await lstatOrUndefined(path);
    if (st === undefined || !st.isDirectory()) return undefined;
  }
  return parts.length === 0 ? root : join(path, parts[parts.length - 1] ?? '');
}

export async function copyLayers(
  layers: readonly CopyLayer[],
  dest: string,
  privileged: boolean,
): Promise<void> {
  for (const layer of layers) {
    for (const rel of layer.opaques) {
      const dir = await inside(dest, rel);
      const st = dir === undefined ? undefined : await lstatOrUndefined(dir);
      if (dir !== undefined && st?.isDirectory() === true)
        for (const name of await readdir(dir))
          await rm(join(dir, name), { recursive: true, force: true });
    }
    for (const rel of layer.whiteouts) {
      const path = await inside(dest, rel);
      if (path !== undefined && path !== dest) await rm(path, { recursive: true, force: true });
    }
    await copyTree(layer.dir, dest, privileged);
  }
}

async function copyTree(src: string, dest: string, privileged: boolean): Promise<void> {
  for (const entry of await readdir(src, { withFileTypes: true })) {
    const from = join(src, entry.name);
    const to = join(dest, entry.name);
    const st = await lstat(from);
    const existing = await lstatOrUndefined(to);
    // overlayfs' whiteout device: the layers' whiteout lists already removed what it hides.
    if (st.isCharacterDevice() && st.rdev === 0) continue;
    if (st.isDirectory()) {
      if (existing !== undefined && !existing.isDirectory())
        await rm(to, { recursive: true, force: true });
      if (existing === undefined || !existing.isDirectory()) await mkdir(to, { mode: 0o700 });
      await copyTree(from, to, privileged);
    } else {
      if (existing !== undefined) await rm(to, { recursive: true, force: true });
      if (st.isSymbolicLink()) await symlink(await readlink(from), to);
      else if (st.isFile()) await copyFile(from, to, constants.COPYFILE_FICLONE);
      else if (privileged && (st.isCharacterDevice() || st.isBlockDevice() || st.isFIFO())) {
        const kind = st.isFIFO()
          ? ['p']
          : [
              st.isBlockDevice() ? 'b' : 'c',
              String(Math.floor(st.rdev / 256) & 0xfff),
              String((st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00)),
            ];
        await mustRun(`cannot create ${to}`, 'mknod', ['--', to, ...kind]);
      } else continue;
    }
    if (privileged) await lchown(to, st.uid, st.gid);
    if (st.isSymbolicLink()) await lutimes(to, st.atime, st.mtime);
    else {
      // Without root a directory must stay writable to us, or the next layer cannot add to it.
      await chmod(to, (st.mode & 0o7777) | (!privileged && st.isDirectory() ? 0o700 : 0));
      await utimes(to, st.atime, st.mtime);
    }
  }
}

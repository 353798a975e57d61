/**
 * subPath without escapes (the CVE-2017-1002101 class). A container that can write into a volume
 * can plant symlinks there (`sub -> /`), swap a directory for a symlink between a check and the
 * mount, or chain links (`a -> b`, `b -> /etc`); a naive `join(volume, subPath)` handed to the
 * runtime then bind-mounts a host path into the container.
 *
 * What we do, as upstream's kubelet (pkg/volume/util/subpath, subpath_linux.go) does:
 *   1. Refuse absolute subPaths and any `..` component before touching the disk.
 *   2. Resolve the volume path and the joined path with realpath. Symlinks that stay inside the
 *      volume are allowed (upstream allows them); a result outside the volume is refused.
 *   3. Open the result component by component from an O_PATH descriptor of the volume root, each
 *      step with O_NOFOLLOW relative to the previous descriptor (Node has no openat, so the step
 *      opens `/proc/self/fd/<parent>/<name>`: the kernel resolves the magic link to the exact
 *      directory the parent descriptor holds, then looks up `<name>` in it without following it).
 *      Any component that is a symlink now (it was swapped after step 2) fails the walk.
 *   4. `prepareSubPath` (volume-manager.ts) bind-mounts `/proc/<our pid>/fd/<fd>`, i.e. the very
 *      file the walk opened, to a private target under the pod dir, and the runtime mounts that
 *      target. Nothing a container does after the walk can redirect the mount.
 * Missing subPath directories are created the same way (mkdir relative to an opened parent), as
 * upstream's SafeMakeDir does, with the mode of the volume's root.
 */
import { mkdir, open, realpath, type FileHandle } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../../util/index.ts';

/** Linux open(2) flags Node does not export. */
const O_PATH = 0o10000000;
const O_NOFOLLOW = constants.O_NOFOLLOW;
const O_DIRECTORY = constants.O_DIRECTORY;

/** A refused or failed subPath; `message` uses upstream's wording. */
export class SubPathError extends Error {
  override readonly name = 'SubPathError';
}

/** Step 1: the checks upstream's makeMounts makes before anything else. */
export function validateSubPath(subPath: string): void {
  if (path.isAbsolute(subPath)) {
    throw new SubPathError(`error SubPath \`${subPath}\` must not be an absolute path`);
  }
  if (subPath.split(/[/\\]/).some((seg) => seg === '..')) {
    throw new SubPathError(`unable to provision SubPath \`${subPath}\`: must not contain '..'`);
  }
}

function within(p: string, base: string): boolean {
  return p === base || p.startsWith(base.endsWith('/') ? base : base + '/');
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

export interface OpenedSubPath {
  /** The resolved path inside the volume (what was opened). */
  readonly path: string;
  /** An O_PATH descriptor of it; the caller closes it. */
  readonly handle: FileHandle;
  readonly isDirectory: boolean;
}

export interface OpenSubPathOptions {
  /** Create missing components as directories with this mode (upstream: the volume root's mode). */
  readonly createMode?: number;
}

/**
 * Steps 1-3: resolves `subPath` inside the volume at `volumeHostPath` and opens it safely.
 * Throws SubPathError when it escapes or cannot be opened.
 */
export async function openSubPath(
  volumeHostPath: string,
  subPath: string,
  opts: OpenSubPathOptions = {},
): Promise<OpenedSubPath> {
  validateSubPath(subPath);
  let base: string;
  try {
    base = await realpath(volumeHostPath);
  } catch (err) {
    throw new SubPathError(`error resolving symlinks in "${volumeHostPath}": ${errorMessage(err)}`);
  }
  const segments = subPath.split('/').filter((s) => s !== '' && s !== '.');
  const joined = path.join(base, ...segments);

  // The longest prefix that exists, resolved; the rest is to be created.
  let resolvedPrefix: string | undefined;
  let rest: string[] = [];
  for (let k = segments.length; k >= 0; k--) {
    try {
      resolvedPrefix = await realpath(path.join(base, ...segments.slice(0, k)));
      rest = segments.slice(k);
      break;
    } catch (err) {
      if (errno(err) !== 'ENOENT') {
        throw new SubPathError(`error resolving symlinks in "${joined}": ${errorMessage(err)}`);
      }
    }
  }
  if (resolvedPrefix === undefined || !within(resolvedPrefix, base)) {
    throw new SubPathError(
      `subpath "${resolvedPrefix ?? joined}" not within volume path "${base}"`,
    );
  }
  if (rest.length > 0 && opts.createMode === undefined) {
    throw new SubPathError(`error opening subpath ${joined}: no such file or directory`);
  }
  const walk = [
    ...path
      .relative(base, resolvedPrefix)
      .split('/')
      .filter((s) => s !== ''),
    ...rest,
  ];
  const target = path.join(base, ...walk);
  try {
    return await safeWalk(base, walk, opts.createMode);
  } catch (err) {
    throw new SubPathError(`error opening subpath ${target}: ${errorMessage(err)}`);
  }
}

/** Step 3: component by component from the volume root, never following a symlink. */
async function safeWalk(
  base: string,
  walk: readonly string[],
  createMode: number | undefined,
): Promise<OpenedSubPath> {
  let current = base;
  let handle = await open(base, O_PATH | O_NOFOLLOW | O_DIRECTORY);
  try {
    let isDirectory = (await handle.stat()).isDirectory();
    for (const seg of walk) {
      if (seg === '..' || seg.includes('/'))
        throw new Error(`invalid path component ${JSON.stringify(seg)}`);
      if (!isDirectory) throw new Error(`${current} is not a directory`);
      const childPath = path.join(current, seg);
      const viaParent = `/proc/self/fd/${handle.fd}/${seg}`;
      let child: FileHandle;
      try {
        child = await open(viaParent, O_PATH | O_NOFOLLOW);
      } catch (err) {
        if (errno(err) !== 'ENOENT' || createMode === undefined) {
          throw new Error(`cannot open ${childPath}: ${errorMessage(err)}`);
        }
        try {
          await mkdir(viaParent, { mode: createMode });
        } catch (mkErr) {
          if (errno(mkErr) !== 'EEXIST')
            throw new Error(`cannot create directory ${childPath}: ${errorMessage(mkErr)}`);
        }
        child = await open(viaParent, O_PATH | O_NOFOLLOW);
      }
      await handle.close();
      handle = child;
      current = childPath;
      const st = await handle.stat();
      if (st.isSymbolicLink()) {
        throw new Error(`${childPath} is a symlink (it was not one when the path was resolved)`);
      }
      isDirectory = st.isDirectory();
    }
    return { path: current, handle, isDirectory };
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err;
  }
}

/**
 * Steps 1-3 without keeping the descriptor: the resolved path inside the volume, or SubPathError.
 * Safe to bind-mount only while nothing can change the volume (use `prepareSubPath` for
 * containers, whose volumes are writable by the pod).
 */
export async function resolveSubPath(volumeHostPath: string, subPath: string): Promise<string> {
  const opened = await openSubPath(volumeHostPath, subPath);
  await opened.handle.close();
  return opened.path;
}

/**
 * Unpacks one image layer (an uncompressed tar) into its own directory, in the form overlayfs
 * reads as a lower layer:
 *
 *   - OCI whiteouts: `.wh.NAME` becomes a character device 0:0 named NAME (overlayfs' whiteout);
 *     `.wh..wh..opq` marks its directory opaque (xattr `trusted.overlay.opaque=y`). Both are also
 *     returned, so a copy of the layers (when overlayfs cannot be used) can apply them.
 *   - Modes (with setuid/setgid/sticky), owners, mtimes, symlinks, hardlinks, device nodes and
 *     fifos are kept as far as the process can (owners, devices and the overlayfs markers need root).
 *   - Every entry must stay inside the layer: an absolute path, a `..` component, a path through a
 *     symlink (or through a file), or a hardlink whose target is any of these is refused with
 *     ImageError. Only directories we have checked are ever written through, and files are
 *     created with O_EXCL, so nothing outside the layer directory can be touched.
 *
 * The caller owns `dest` (an empty directory in a staging area) and removes it on failure.
 */
import { createWriteStream } from 'node:fs';
import { chmod, lchown, link, lstat, lutimes, mkdir, rm, symlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mustRun } from './run-command.ts';
import { forEachTarEntry, type Bytes, type TarHeader } from './tar-input.ts';
import { ImageError } from './types.ts';

export interface LayerContent {
  /** Bytes of regular files (a hardlinked file counts once). */
  readonly size: number;
  /** Paths (relative, `/`-separated) this layer deletes from the layers below it. */
  readonly whiteouts: readonly string[];
  /** Directories (relative; '' is the root) that hide the content of the layers below. */
  readonly opaques: readonly string[];
}

export interface UnpackLayerOptions {
  /** The layer's uncompressed tar stream. */
  readonly tar: Bytes;
  /** An existing, empty directory. */
  readonly dest: string;
  /**
   * Root: keep owners, create device nodes, and write overlayfs' whiteout devices and opaque
   * xattrs. Without it, those are skipped (whiteouts and opaque directories are still returned).
   */
  readonly privileged: boolean;
  readonly signal?: AbortSignal;
}

const whiteoutPrefix = '.wh.';
const opaqueMarker = '.wh..wh..opq';

interface Meta {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: Date;
}

function unsafe(message: string): ImageError {
  return new ImageError(`unsafe entry in layer: ${message}`);
}

/** The components of an entry name, refusing absolute paths and `..`. */
function components(name: string, what: string): string[] {
  if (name.startsWith('/'))
    throw unsafe(`${what} ${JSON.stringify(name)} is an absolute path, outside the layer`);
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..'))
    throw unsafe(`${what} ${JSON.stringify(name)} contains "..", which escapes the layer`);
  return parts;
}

function errnoCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}

async function lstatOrUndefined(
  path: string,
): Promise<Awaited<ReturnType<typeof lstat>> | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

export async function unpackLayer(opts: UnpackLayerOptions): Promise<LayerContent> {
  const { dest, privileged, signal } = opts;
  /** Relative paths known to be real directories inside dest ('' is dest). */
  const dirs = new Set<string>(['']);
  const dirMeta = new Map<string, Meta>();
  const whiteouts = new Set<string>();
  const opaques = new Set<string>();
  let size = 0;

  /** Makes sure every parent of `parts` is a real directory in the layer, creating missing ones. */
  async function ensureParents(
    parts: readonly string[],
    name: string,
    create: boolean,
  ): Promise<void> {
    for (let i = 1; i < parts.length; i++) {
      const rel = parts.slice(0, i).join('/');
      if (dirs.has(rel)) continue;
      const st = await lstatOrUndefined(join(dest, rel));
      if (st === undefined) {
        if (!create)
          throw unsafe(
            `${JSON.stringify(name)}: ${JSON.stringify(rel)} does not exist in the layer`,
          );
        await mkdir(join(dest, rel), { mode: 0o755 });
      } else if (st.isSymbolicLink()) {
        throw unsafe(
          `${JSON.stringify(name)} goes through the symlink ${JSON.stringify(rel)}, which may lead outside the layer`,
        );
      } else if (!st.isDirectory()) {
        throw unsafe(
          `${JSON.stringify(name)} is under ${JSON.stringify(rel)}, which is not a directory`,
        );
      }
      dirs.add(rel);
    }
  }

  /** Removes what is at `rel` (unless it and the new entry are both directories). */
  async function replace(rel: string, keepDirectory: boolean): Promise<void> {
    const path = join(dest, rel);
    const st = await lstatOrUndefined(path);
    if (st === undefined) return;
    if (keepDirectory && st.isDirectory()) return;
    await rm(path, { recursive: true, force: true });
    for (const set of [dirs, opaques]) {
      for (const d of set) if (d === rel || d.startsWith(`${rel}/`)) set.delete(d);
    }
    for (const d of dirMeta.keys()) if (d === rel || d.startsWith(`${rel}/`)) dirMeta.delete(d);
  }

  async function applyMeta(
    path: string,
    meta: Meta,
    kind: 'file' | 'symlink' | 'other',
  ): Promise<void> {
    if (privileged) await lchown(path, meta.uid, meta.gid);
    // chmod after chown: chown clears setuid/setgid bits.
    if (kind !== 'symlink') await chmod(path, meta.mode & 0o7777);
    if (kind === 'symlink') await lutimes(path, meta.mtime, meta.mtime);
    else await utimes(path, meta.mtime, meta.mtime);
  }

  async function onEntry(header: TarHeader, body: Bytes): Promise<void> {
    signal?.throwIfAborted();
    const name = header.name;
    const parts = components(name, 'path');
    const meta: Meta = {
      mode: header.mode,
      uid: header.uid,
      gid: header.gid,
      mtime: header.mtime,
    };
    if (parts.length === 0) {
      // The layer's root ("./"): only its metadata matters.
      if (header.type === 'directory') dirMeta.set('', meta);
      return;
    }
    const base = parts[parts.length - 1] ?? '';
    const parent = parts.slice(0, -1).join('/');

    if (base.startsWith(whiteoutPrefix)) {
      await ensureParents(parts, name, true);
      if (base === opaqueMarker) opaques.add(parent);
      else if (!base.startsWith(`${whiteoutPrefix}${whiteoutPrefix}`)) {
        // Other `.wh..wh.` names are aufs bookkeeping, not whiteouts.
        const hidden = base.slice(whiteoutPrefix.length);
        if (hidden === '' || hidden === '.' || hidden === '..')
          throw unsafe(`${JSON.stringify(name)} is not a valid whiteout`);
        whiteouts.add(parent === '' ? hidden : `${parent}/${hidden}`);
      }
      return;
    }

    await ensureParents(parts, name, true);
    const rel = parts.join('/');
    const path = join(dest, rel);
    switch (header.type) {
      case 'directory': {
        await replace(rel, true);
        if (!dirs.has(rel)) {
          await mkdir(path, { mode: 0o700 }).catch((err: unknown) => {
            if (errnoCode(err) !== 'EEXIST') throw err;
          });
          dirs.add(rel);
        }
        dirMeta.set(rel, meta);
        return;
      }
      case 'file':
      case 'contiguous-file': {
        await replace(rel, false);
        await pipeline(Readable.from(body), createWriteStream(path, { flags: 'wx', mode: 0o600 }));
        size += header.size;
        await applyMeta(path, meta, 'file');
        return;
      }
      case 'symlink': {
        await replace(rel, false);
        await symlink(header.linkname, path);
        if (privileged) await lchown(path, meta.uid, meta.gid);
        await lutimes(path, meta.mtime, meta.mtime);
        return;
      }
      case 'link': {
        const targetParts = components(
          header.linkname,
          `hardlink ${JSON.stringify(name)} → target`,
        );
        if (targetParts.length === 0)
          throw unsafe(`hardlink ${JSON.stringify(name)} points at the layer's root`);
        await ensureParents(targetParts, header.linkname, false);
        const targetRel = targetParts.join('/');
        const target = join(dest, targetRel);
        const st = await lstatOrUndefined(target);
        if (st === undefined)
          throw unsafe(
            `hardlink ${JSON.stringify(name)} points at ${JSON.stringify(header.linkname)}, which is not in the layer`,
          );
        if (st.isDirectory())
          throw unsafe(`hardlink ${JSON.stringify(name)} points at a directory`);
        if (targetRel === rel) return;
        await replace(rel, false);
        await link(target, path);
        return;
      }
      case 'character-device':
      case 'block-device':
      case 'fifo': {
        if (header.type !== 'fifo' && !privileged) return;
        await replace(rel, false);
        const kind =
          header.type === 'fifo'
            ? ['p']
            : [
                header.type === 'block-device' ? 'b' : 'c',
                String(header.devmajor),
                String(header.devminor),
              ];
        await mustRun(`cannot create ${JSON.stringify(name)}`, 'mknod', [
          '-m',
          (meta.mode & 0o7777).toString(8),
          '--',
          path,
          ...kind,
        ]);
        await applyMeta(path, meta, 'other');
        return;
      }
      default:
        // Other entry types (GNU sparse, volume labels) carry nothing a root filesystem needs.
        return;
    }
  }

  await forEachTarEntry(opts.tar, onEntry, 'layer');

  // A whiteout only hides what is below this layer: an entry of the same name in this layer wins
  // (a directory then becomes opaque, so the lower directory's content stays hidden).
  const devices: string[] = [];
  for (const rel of whiteouts) {
    const st = await lstatOrUndefined(join(dest, rel));
    if (st === undefined) devices.push(join(dest, rel));
    else if (st.isDirectory()) opaques.add(rel);
  }
  if (privileged) {
    await batched(devices, (chunk) =>
      mustRun('cannot create whiteouts', 'sh', [
        '-c',
        'for p do mknod -m 0 -- "$p" c 0 0 || exit 1; done',
        'sh',
        ...chunk,
      ]),
    );
    await batched(
      [...opaques].map((rel) => join(dest, rel)),
      (chunk) =>
        mustRun(
          'cannot mark opaque directories (is setfattr installed? Debian package attr)',
          'sh',
          [
            '-c',
            'for p do setfattr -n trusted.overlay.opaque -v y -- "$p" || exit 1; done',
            'sh',
            ...chunk,
          ],
        ),
    );
  }
  // Directories last and deepest first: creating their entries changed their mtimes, and a
  // read-only directory must not stop its own entries from being written.
  const depth = (rel: string): number => (rel === '' ? 0 : rel.split('/').length);
  const ordered = [...dirMeta].sort((a, b) => depth(b[0]) - depth(a[0]));
  for (const [rel, meta] of ordered) await applyMeta(join(dest, rel), meta, 'other');

  return { size, whiteouts: [...whiteouts].sort(), opaques: [...opaques].sort() };
}

async function batched(
  items: readonly string[],
  run: (chunk: string[]) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < items.length; i += 500) await run(items.slice(i, i + 500));
}

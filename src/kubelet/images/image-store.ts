/**
 * The node's image store on disk, shared by the node agent and `podbay image` commands running
 * beside it in other processes.
 *
 *   DATA_DIR/images/
 *     index.json                 names → images (id, names, layers, config); replaced atomically
 *     lock                       the writers' flock (store-lock.ts)
 *     blobs/sha256/<hex>         image config blobs, by digest
 *     layers/<hex>/diff/         an unpacked layer, by diffID, shared by every image that has it
 *     layers/<hex>/layer.json    its size, whiteouts and opaque directories (written last)
 *     tmp/<pid>-<random>/        an import's staging area
 *   DATA_DIR/containers/<id>/
 *     rootfs.json                which image (and layers) the container's root uses
 *     rootfs/                    the overlayfs mount (or, without overlayfs, a copy)
 *     overlay/upper, overlay/work
 *
 * Import, in steps:
 *   1. scan the archive: metadata only, blobs verified against their digests (scan-archive.ts);
 *   2. unpack each layer the store lacks into the staging area, checking its compressed digest
 *      (when named) and its uncompressed digest against the config's rootfs.diff_ids; no lock held;
 *   3. under the lock: move the staged layers into layers/, write the config blobs, then the new
 *      index (the moment the image appears), then delete what no image references any more.
 *      A layer we counted on that another process deleted meanwhile sends us back to step 2.
 * Any failure leaves the store as it was: the staging area is removed and nothing else changed.
 *
 * A container's rootfs.json is written under the lock before it is mounted, so a concurrent
 * `image rm` either sees the image in use or has finished removing it (and the mount fails).
 */
import { randomBytes, createHash } from 'node:crypto';
import { closeSync, createReadStream, fstatSync, openSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  isMountPoint,
  localFs,
  type Logger,
  silentLogger,
  errorMessage,
} from '../../util/index.ts';
import { copyLayers } from './copy-layers.ts';
import { findImage, namesAfterRemove } from './find-image.ts';
import {
  isSha256Digest,
  parseImageConfig,
  rootfsImageConfig,
  sha256Digest,
} from './image-config.ts';
import { detachMount, mountOverlay, overlayAvailable, unmountAll } from './overlay-mount.ts';
import { normalizeTaggedName, parseReference } from './reference.ts';
import {
  normalizeEntryPath,
  scanArchive,
  type ArchiveFormat,
  type PlannedImage,
  type PlannedLayer,
} from './scan-archive.ts';
import { decompressed, forEachTarEntry, hashing } from './tar-input.ts';
import { ImageError, ImageNotFoundError, type ImageRecord, type ImageService } from './types.ts';
import { StoreLock } from './store-lock.ts';
import { unpackLayer, type LayerContent } from './unpack-layer.ts';

// Index, markers and directories: synchronous underneath (util/local-fs.ts says why); layers,
// blobs and container roots are read, written and removed with node:fs/promises.
const { mkdir, readdir, readFile, rename, rmdir, stat, writeFile } = localFs;

export type RootfsMode = 'auto' | 'overlay' | 'copy';

export interface ImageStoreOptions {
  /** The node's data directory (`/var/lib/podbay`); the store lives in its `images/`. */
  readonly dataDir: string;
  readonly logger?: Logger;
  /**
   * How container roots are made: overlayfs, or a copy of the layers. `auto` (the default) uses
   * overlayfs when the process is root and the kernel has it — a copy only when it cannot.
   */
  readonly rootfs?: RootfsMode;
  /** Keep owners, create devices and overlayfs markers; default: the process is root. */
  readonly privileged?: boolean;
  /** How long a writer waits for another process's writer; default 120 s. */
  readonly lockTimeoutMs?: number;
}

export interface ImportOptions {
  /** A name for the image: required for a root filesystem tarball, added for a one-image archive. */
  readonly name?: string;
  readonly signal?: AbortSignal;
}

export interface ImportedImage extends ImageRecord {
  /** The names this import gave the image (its repoTags may hold more from before). */
  readonly importedNames: readonly string[];
}

export interface ImportResult {
  readonly format: ArchiveFormat;
  /** The imported images as the store now has them. */
  readonly images: readonly ImportedImage[];
}

interface StoredImage extends ImageRecord {
  /** diffIDs, bottom first. */
  readonly layers: readonly string[];
}

interface IndexFile {
  readonly version: 1;
  readonly images: readonly StoredImage[];
}

interface LayerMeta extends LayerContent {
  readonly diffId: string;
  /**
   * Unpacked by root, with owners and overlayfs' whiteout devices and opaque xattrs. A layer
   * unpacked without root (an import into a user's own data dir) can only be copied.
   */
  readonly privileged?: boolean;
}

interface RootfsMarker {
  readonly imageId: string;
  readonly layers: readonly string[];
  readonly mode: 'overlay' | 'copy';
  /** A copied root is complete (an overlay is complete once mounted). */
  readonly ready: boolean;
}

const containerIdRe = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

function errnoCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}

function hexOf(digest: string): string {
  return digest.slice('sha256:'.length);
}

function toRecord(image: StoredImage): ImageRecord {
  const { layers: _layers, ...record } = image;
  return record;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return false;
    throw err;
  }
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return undefined;
    throw err;
  }
}

/**
 * Writes `data` to `path` atomically: a temp file beside it, flushed to disk (unless `durable` is
 * false), then renamed over it. A container root's marker is not flushed: like the root's mount,
 * it matters only while the machine is up (see runtime/runc/state-files.ts).
 */
async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  { durable = true }: { durable?: boolean } = {},
): Promise<void> {
  if (!durable) return localFs.writeFileAtomic(path, data, 0o644);
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fh = await open(tmp, 'w', 0o644);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** rm -rf that also copes with read-only directories left by an unprivileged unpack. */
async function removeTree(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true });
  } catch (err) {
    if (errnoCode(err) !== 'EACCES' && errnoCode(err) !== 'EPERM') throw err;
    await makeWritable(path);
    await rm(path, { recursive: true, force: true });
  }
}

async function makeWritable(dir: string): Promise<void> {
  try {
    await chmod(dir, 0o700);
    for (const entry of await readdir(dir, { withFileTypes: true }))
      if (entry.isDirectory()) await makeWritable(join(dir, entry.name));
  } catch {
    // best effort; the rm that follows reports what is left
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
}

export class ImageStore implements ImageService {
  private readonly dataDir: string;
  private readonly root: string;
  private readonly log: Logger;
  private readonly mode: RootfsMode;
  private readonly privileged: boolean;
  private readonly lock: StoreLock;
  private cache: { readonly key: string; readonly index: IndexFile } | undefined;
  private dirsMade: Promise<void> | undefined;

  constructor(opts: ImageStoreOptions) {
    this.dataDir = opts.dataDir;
    this.root = join(opts.dataDir, 'images');
    this.log = opts.logger ?? silentLogger;
    this.mode = opts.rootfs ?? 'auto';
    this.privileged = opts.privileged ?? process.getuid?.() === 0;
    this.lock = new StoreLock(join(this.root, 'lock'), {
      ...(opts.lockTimeoutMs !== undefined ? { timeoutMs: opts.lockTimeoutMs } : {}),
    });
  }

  // ---- reading ----------------------------------------------------------------------------

  async list(): Promise<ImageRecord[]> {
    return (await this.readIndex()).images.map(toRecord);
  }

  async resolve(ref: string): Promise<ImageRecord | undefined> {
    const found = findImage((await this.readIndex()).images, ref);
    return found ? toRecord(found.image as StoredImage) : undefined;
  }

  pull(ref: string, signal?: AbortSignal): Promise<ImageRecord> {
    return new Promise((_, reject) => {
      signal?.throwIfAborted();
      parseReference(ref);
      reject(new ImageError(`registry pulls are not supported yet: ${ref}`));
    });
  }

  // ---- import -----------------------------------------------------------------------------

  /** Imports a docker-archive, OCI archive or (with `name`) root filesystem tarball. */
  async import(file: string, opts: ImportOptions = {}): Promise<ImportResult> {
    let name: string | undefined;
    if (opts.name !== undefined) {
      try {
        name = normalizeTaggedName(opts.name);
      } catch (err) {
        throw new ImageError(
          `invalid image name ${JSON.stringify(opts.name)}: ${errorMessage(err)}`,
        );
      }
    }
    try {
      const st = await stat(file);
      if (!st.isFile()) throw new ImageError(`${file} is not a file`);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') throw new ImageError(`${file}: no such file`);
      throw err;
    }
    await this.ensureDirs();
    const plan = await scanArchive(file);
    opts.signal?.throwIfAborted();
    if (plan.format !== 'rootfs') {
      if (plan.images.length === 0) throw new ImageError(`${file} has no images in it`);
      if (name !== undefined && plan.images.length !== 1)
        throw new ImageError(
          `--name needs an archive with one image; ${file} has ${plan.images.length}`,
        );
    } else if (name === undefined) {
      throw new ImageError(
        `${file} is not a docker-archive or OCI archive (it has no manifest.json or index.json); to import it as a root filesystem tarball, give it a name with --name REF`,
      );
    }

    const staging = await mkdtemp(join(this.root, 'tmp', `${process.pid}-`));
    try {
      let images: PlannedImage[];
      if (plan.format === 'rootfs') {
        images = [await this.stageRootfs(file, staging, name ?? '', opts.signal)];
      } else {
        images = plan.images.map((i) =>
          name !== undefined && !i.names.includes(name) ? { ...i, names: [...i.names, name] } : i,
        );
      }
      for (let attempt = 0; attempt < 4; attempt++) {
        const needed = new Map<string, PlannedLayer>();
        for (const image of images)
          for (const layer of image.layers) {
            const hex = hexOf(layer.diffId);
            if (needed.has(layer.path) || (await exists(join(staging, hex, 'layer.json'))))
              continue;
            if (await exists(join(this.root, 'layers', hex, 'layer.json'))) continue;
            needed.set(layer.path, layer);
          }
        if (needed.size > 0) await this.stageLayers(file, needed, staging, opts.signal);
        opts.signal?.throwIfAborted();
        const outcome = await this.lock.withLock(() => this.commit(images, staging));
        if (outcome.missing.length === 0) {
          for (const image of outcome.records)
            this.log.info('imported image', {
              image: image.id,
              names: image.repoTags.join(','),
              file,
            });
          return { format: plan.format, images: outcome.records };
        }
      }
      throw new ImageError('the image store kept changing during the import; try again');
    } finally {
      await removeTree(staging);
    }
  }

  /** Pass two: unpack the archive entries in `needed` into `staging/<diffID hex>/`. */
  private async stageLayers(
    file: string,
    needed: ReadonlyMap<string, PlannedLayer>,
    staging: string,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const done = new Set<string>();
    await forEachTarEntry(
      decompressed(createReadStream(file), file),
      async (header, body) => {
        const path = normalizeEntryPath(header.name);
        const layer = needed.get(path);
        if (
          layer === undefined ||
          done.has(path) ||
          (header.type !== 'file' && header.type !== 'contiguous-file')
        )
          return;
        signal?.throwIfAborted();
        const dir = join(staging, hexOf(layer.diffId));
        if (await exists(join(dir, 'layer.json'))) {
          done.add(path);
          return;
        }
        await removeTree(dir);
        await this.unpackInto(dir, body, layer, `${file}: layer ${path}`, signal);
        done.add(path);
      },
      file,
    );
    for (const path of needed.keys())
      if (!done.has(path))
        throw new ImageError(`${file}: layer ${path} is missing from the archive`);
  }

  /** Unpacks one layer stream into `dir` (diff/ + layer.json), verifying both digests. */
  private async unpackInto(
    dir: string,
    body: AsyncIterable<Uint8Array>,
    layer: { readonly blobDigest?: string; readonly diffId?: string },
    what: string,
    signal: AbortSignal | undefined,
  ): Promise<LayerMeta> {
    await mkdir(join(dir, 'diff'), { recursive: true, mode: 0o755 });
    const blobHash = createHash('sha256');
    const diffHash = createHash('sha256');
    const tar = hashing(decompressed(hashing(body, blobHash), what), diffHash);
    let content: LayerContent;
    try {
      content = await unpackLayer({
        tar,
        dest: join(dir, 'diff'),
        privileged: this.privileged,
        ...(signal !== undefined ? { signal } : {}),
      });
    } catch (err) {
      if (err instanceof ImageError)
        throw new ImageError(`${what}: ${err.message.replace(/^layer: /, '')}`);
      throw err;
    }
    // Whatever the tar reader left unread still counts towards the digests.
    for await (const _ of tar) {
      // drained
    }
    const blobDigest = `sha256:${blobHash.digest('hex')}`;
    const diffId = `sha256:${diffHash.digest('hex')}`;
    if (layer.blobDigest !== undefined && layer.blobDigest !== blobDigest)
      throw new ImageError(
        `${what}: digest mismatch: expected ${layer.blobDigest}, its content is ${blobDigest}`,
      );
    if (layer.diffId !== undefined && layer.diffId !== diffId)
      throw new ImageError(
        `${what}: digest mismatch: the image config's rootfs.diff_ids says ${layer.diffId}, its uncompressed content is ${diffId}`,
      );
    const meta: LayerMeta = { diffId, ...content, privileged: this.privileged };
    await writeFile(join(dir, 'layer.json'), JSON.stringify(meta));
    return meta;
  }

  /** A root filesystem tarball: one layer (its diffID found while unpacking) and a made-up config. */
  private async stageRootfs(
    file: string,
    staging: string,
    name: string,
    signal: AbortSignal | undefined,
  ): Promise<PlannedImage> {
    const dir = join(staging, 'rootfs');
    const meta = await this.unpackInto(dir, createReadStream(file), {}, file, signal);
    await rename(dir, join(staging, hexOf(meta.diffId)));
    const configBytes = rootfsImageConfig(meta.diffId);
    return {
      id: sha256Digest(configBytes),
      configBytes,
      parsed: parseImageConfig(configBytes, 'generated config'),
      layers: [{ path: file, diffId: meta.diffId }],
      names: [name],
      repoDigests: [],
    };
  }

  /** Step 3, under the lock. Returns the layers it expected to find but did not. */
  private async commit(
    images: readonly PlannedImage[],
    staging: string,
  ): Promise<{ missing: string[]; records: ImportedImage[] }> {
    const missing: string[] = [];
    const sizes = new Map<string, number>();
    for (const diffId of new Set(images.flatMap((i) => i.layers.map((l) => l.diffId)))) {
      const hex = hexOf(diffId);
      const dir = join(this.root, 'layers', hex);
      let meta = (await readJson(join(dir, 'layer.json'))) as LayerMeta | undefined;
      if (meta === undefined) {
        const staged = join(staging, hex);
        meta = (await readJson(join(staged, 'layer.json'))) as LayerMeta | undefined;
        if (meta === undefined) {
          missing.push(diffId);
          continue;
        }
        // A directory without layer.json is what a crash mid-move left: not a layer.
        if (await exists(dir)) await this.discard(dir);
        await rename(staged, dir);
      }
      sizes.set(diffId, meta.size);
    }
    if (missing.length > 0) return { missing, records: [] };

    for (const image of images) {
      const blob = join(this.root, 'blobs', 'sha256', hexOf(image.id));
      if (!(await exists(blob))) await writeFileAtomic(blob, image.configBytes);
    }

    const current = await this.readIndex(true);
    let stored = [...current.images];
    const orphaned = new Set<string>();
    const now = Date.now();
    for (const image of images) {
      // A name belongs to one image: importing it moves it here.
      stored = stored.map((other) => {
        if (other.id === image.id) return other;
        const repoTags = other.repoTags.filter((t) => !image.names.includes(t));
        if (repoTags.length === other.repoTags.length) return other;
        if (repoTags.length === 0) orphaned.add(other.id);
        return { ...other, repoTags };
      });
      const existing = stored.find((s) => s.id === image.id);
      const record: StoredImage = {
        id: image.id,
        repoTags: [...new Set([...(existing?.repoTags ?? []), ...image.names])],
        repoDigests: [...new Set([...(existing?.repoDigests ?? []), ...image.repoDigests])],
        size: image.layers.reduce((sum, l) => sum + (sizes.get(l.diffId) ?? 0), 0),
        config: image.parsed.config,
        created: existing?.created ?? image.parsed.created ?? now,
        layers: image.layers.map((l) => l.diffId),
      };
      stored = existing ? stored.map((s) => (s.id === image.id ? record : s)) : [...stored, record];
    }
    // An image whose last name moved away goes, unless a container still uses it.
    const inUse = await this.containersByImage();
    stored = stored.filter(
      (s) => !(orphaned.has(s.id) && s.repoTags.length === 0 && !inUse.has(s.id)),
    );
    const index: IndexFile = { version: 1, images: stored };
    await this.writeIndex(index);
    await this.collectGarbage(index, inUse);
    return {
      missing: [],
      records: images.map((i) => {
        const s = stored.find((x) => x.id === i.id);
        if (s === undefined) throw new Error(`imported image ${i.id} vanished from the index`);
        return { ...toRecord(s), importedNames: i.names };
      }),
    };
  }

  // ---- remove -----------------------------------------------------------------------------

  async remove(ref: string): Promise<void> {
    await this.ensureDirs();
    await this.lock.withLock(async () => {
      const current = await this.readIndex(true);
      const found = findImage(current.images, ref);
      if (!found) throw new ImageNotFoundError(`no such image: ${ref}`);
      const image = found.image as StoredImage;
      const next = namesAfterRemove(image, found);
      const inUse = await this.containersByImage();
      let images: StoredImage[];
      if (next === undefined) {
        const user = inUse.get(image.id);
        if (user !== undefined)
          throw new ImageError(`cannot remove ${ref}: image is in use by container ${user}`);
        images = current.images.filter((i) => i.id !== image.id);
      } else {
        images = current.images.map((i) => (i.id === image.id ? { ...image, ...next } : i));
      }
      const index: IndexFile = { version: 1, images };
      await this.writeIndex(index);
      await this.collectGarbage(index, inUse);
      this.log.info(next === undefined ? 'removed image' : 'untagged image', {
        image: image.id,
        ref,
      });
    });
  }

  // ---- container roots --------------------------------------------------------------------

  async mountRootfs(containerId: string, imageId: string): Promise<string> {
    const paths = this.containerPaths(containerId);
    // A container met for the first time (the usual case) has no directory: no marker to read,
    // nothing mounted to undo.
    const fresh = !(await exists(paths.dir));
    const previous = fresh ? undefined : await this.readMarker(containerId);
    let resolvedId: string;
    if (previous !== undefined) {
      const image = await this.resolve(imageId);
      if (image !== undefined && image.id !== previous.imageId)
        throw new ImageError(
          `container ${containerId} already has a root filesystem from image ${previous.imageId}`,
        );
      if (previous.mode === 'overlay' && (await isMountPoint(paths.rootfs))) return paths.rootfs;
      if (previous.mode === 'copy' && previous.ready) return paths.rootfs;
      resolvedId = previous.imageId;
    } else {
      resolvedId = imageId;
      // Mounted without a record of it (rootfs.json lost): start from nothing, not on top of it.
      if (!fresh) await unmountAll(paths.rootfs);
    }

    let mode = await this.rootfsMode();
    await this.ensureDirs();
    // Shared: other roots may be set up at the same time; only garbage collection must wait.
    const marker = await this.lock.withSharedLock(async () => {
      // Under the shared lock no writer changes the index: the cached copy is current.
      const found = findImage((await this.readIndex()).images, resolvedId);
      if (!found) throw new ImageNotFoundError(`no such image: ${imageId}`);
      const image = found.image as StoredImage;
      for (const diffId of image.layers) {
        const meta = (await readJson(join(this.root, 'layers', hexOf(diffId), 'layer.json'))) as
          LayerMeta | undefined;
        if (meta === undefined)
          throw new ImageError(`image ${image.id} is missing its layer ${diffId}; import it again`);
        if (mode === 'overlay' && meta.privileged !== true) {
          this.log.warn('a layer was imported without root; this container root is a copy', {
            container: containerId,
            layer: diffId,
          });
          mode = 'copy';
        }
      }
      const m: RootfsMarker = { imageId: image.id, layers: image.layers, mode, ready: false };
      await mkdir(paths.dir, { recursive: true, mode: 0o711 });
      await writeFileAtomic(paths.marker, JSON.stringify(m), { durable: false });
      return m;
    });

    try {
      const lowerDirs = [...marker.layers]
        .reverse()
        .map((d) => join(this.root, 'layers', hexOf(d), 'diff'));
      if (mode === 'overlay') {
        await mkdir(paths.rootfs, { recursive: true, mode: 0o755 });
        await mkdir(paths.upper, { recursive: true, mode: 0o755 });
        await mkdir(paths.work, { recursive: true, mode: 0o700 });
        await mountOverlay({
          lowerDirs,
          upperDir: paths.upper,
          workDir: paths.work,
          target: paths.rootfs,
          baseDir: join(this.root, 'layers'),
        });
      } else {
        // A copy left half-done by a crash is started again.
        await removeTree(paths.rootfs);
        await mkdir(paths.rootfs, { mode: 0o755 });
        const layers = [];
        for (const diffId of marker.layers) {
          const dir = join(this.root, 'layers', hexOf(diffId));
          const meta = (await readJson(join(dir, 'layer.json'))) as LayerMeta;
          layers.push({ dir: join(dir, 'diff'), whiteouts: meta.whiteouts, opaques: meta.opaques });
        }
        await copyLayers(layers, paths.rootfs, this.privileged);
        await writeFileAtomic(paths.marker, JSON.stringify({ ...marker, ready: true }), {
          durable: false,
        });
      }
    } catch (err) {
      await this.unmountRootfs(containerId).catch((cleanupErr: unknown) => {
        this.log.warn('cannot clean up a failed root filesystem', {
          container: containerId,
          err: cleanupErr,
        });
      });
      throw err;
    }
    this.log.debug('mounted container root', {
      container: containerId,
      image: marker.imageId,
      mode,
    });
    return paths.rootfs;
  }

  async detachRootfs(containerId: string): Promise<void> {
    const { rootfs } = this.containerPaths(containerId);
    // A copied root is a directory, not a mount: nothing to detach.
    if (await isMountPoint(rootfs)) await detachMount(rootfs);
  }

  async unmountRootfs(containerId: string): Promise<void> {
    const paths = this.containerPaths(containerId);
    await unmountAll(paths.rootfs);
    await removeTree(paths.rootfs);
    await removeTree(paths.overlay);
    await rm(paths.marker, { force: true });
    try {
      await rmdir(paths.dir);
    } catch (err) {
      // Other parts of the node keep their own files here too.
      if (
        errnoCode(err) !== 'ENOENT' &&
        errnoCode(err) !== 'ENOTEMPTY' &&
        errnoCode(err) !== 'EEXIST'
      )
        throw err;
    }
  }

  // ---- internals --------------------------------------------------------------------------

  private async rootfsMode(): Promise<'overlay' | 'copy'> {
    if (this.mode === 'overlay' || this.mode === 'copy') return this.mode;
    if (this.privileged && (await overlayAvailable())) return 'overlay';
    this.log.warn('overlayfs cannot be used here; container roots are copies of the image layers', {
      privileged: this.privileged,
    });
    return 'copy';
  }

  private containerPaths(containerId: string): {
    dir: string;
    marker: string;
    rootfs: string;
    overlay: string;
    upper: string;
    work: string;
  } {
    if (!containerIdRe.test(containerId))
      throw new ImageError(`invalid container id ${JSON.stringify(containerId)}`);
    const dir = join(this.dataDir, 'containers', containerId);
    return {
      dir,
      marker: join(dir, 'rootfs.json'),
      rootfs: join(dir, 'rootfs'),
      overlay: join(dir, 'overlay'),
      upper: join(dir, 'overlay', 'upper'),
      work: join(dir, 'overlay', 'work'),
    };
  }

  private async readMarker(containerId: string): Promise<RootfsMarker | undefined> {
    const doc = await readJson(this.containerPaths(containerId).marker).catch(() => undefined);
    if (typeof doc !== 'object' || doc === null) return undefined;
    const m = doc as Partial<RootfsMarker>;
    if (!isSha256Digest(m.imageId) || !Array.isArray(m.layers)) return undefined;
    return {
      imageId: m.imageId,
      layers: m.layers,
      mode: m.mode === 'copy' ? 'copy' : 'overlay',
      ready: m.ready === true,
    };
  }

  /** Image id → a container whose root uses it, from the containers' rootfs.json files. */
  private async containersByImage(): Promise<Map<string, string>> {
    const users = new Map<string, string>();
    let ids: string[];
    try {
      ids = await readdir(join(this.dataDir, 'containers'));
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return users;
      throw err;
    }
    for (const id of ids.sort()) {
      if (!containerIdRe.test(id)) continue;
      const marker = await this.readMarker(id);
      if (marker !== undefined && !users.has(marker.imageId)) users.set(marker.imageId, id);
    }
    return users;
  }

  /** Under the lock: deletes layers and blobs no image needs, and staging areas of dead imports. */
  private async collectGarbage(
    index: IndexFile,
    inUse: ReadonlyMap<string, string>,
  ): Promise<void> {
    const layers = new Set(index.images.flatMap((i) => i.layers.map(hexOf)));
    for (const containerId of new Set(inUse.values())) {
      const marker = await this.readMarker(containerId);
      for (const d of marker?.layers ?? []) layers.add(hexOf(d));
    }
    for (const hex of await readdir(join(this.root, 'layers')))
      if (!layers.has(hex)) await this.discard(join(this.root, 'layers', hex));
    const blobs = new Set(index.images.map((i) => hexOf(i.id)));
    for (const name of await readdir(join(this.root, 'blobs', 'sha256')))
      if (!blobs.has(name)) await rm(join(this.root, 'blobs', 'sha256', name), { force: true });
    for (const name of await readdir(join(this.root, 'tmp'))) {
      const pid = Number(/^(\d+)-/.exec(name)?.[1] ?? NaN);
      if (
        name.startsWith('gc-') ||
        (Number.isInteger(pid) && pid !== process.pid && !processAlive(pid))
      )
        await removeTree(join(this.root, 'tmp', name));
    }
  }

  /** Deletes a directory by first moving it out of sight, so no reader sees it half-deleted. */
  private async discard(dir: string): Promise<void> {
    const away = join(this.root, 'tmp', `gc-${randomBytes(6).toString('hex')}`);
    try {
      await rename(dir, away);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return;
      throw err;
    }
    await removeTree(away);
  }

  /** The store's directories, made once per process (a failure is tried again next time). */
  private ensureDirs(): Promise<void> {
    this.dirsMade ??= (async () => {
      await mkdir(this.root, { recursive: true, mode: 0o700 });
      for (const sub of [['blobs', 'sha256'], ['layers'], ['tmp']])
        await mkdir(join(this.root, ...sub), { recursive: true, mode: 0o700 });
    })().catch((err: unknown) => {
      this.dirsMade = undefined;
      throw err;
    });
    return this.dirsMade;
  }

  /** The index; cached while the file is unchanged (`fresh` skips the cache, for writers). */
  private readIndex(fresh = false): Promise<IndexFile> {
    try {
      return Promise.resolve(this.readIndexNow(fresh));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /**
   * readIndex's work, synchronously, as util/local-fs.ts's calls: the index is small and read at
   * every container creation. The key and the text come from one open file.
   */
  private readIndexNow(fresh: boolean): IndexFile {
    let fd;
    try {
      fd = openSync(join(this.root, 'index.json'), 'r');
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return { version: 1, images: [] };
      throw err;
    }
    try {
      const st = fstatSync(fd);
      const key = `${st.ino}:${st.mtimeMs}:${st.size}`;
      if (!fresh && this.cache?.key === key) return this.cache.index;
      const text = readFileSync(fd, 'utf8');
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (err) {
        throw new ImageError(
          `the image index ${join(this.root, 'index.json')} is corrupt (${errorMessage(err)})`,
        );
      }
      const index = validateIndex(doc, join(this.root, 'index.json'));
      this.cache = { key, index };
      return index;
    } finally {
      closeSync(fd);
    }
  }

  private async writeIndex(index: IndexFile): Promise<void> {
    await writeFileAtomic(join(this.root, 'index.json'), JSON.stringify(index, null, 1));
    this.cache = undefined;
  }
}

function validateIndex(doc: unknown, path: string): IndexFile {
  if (
    typeof doc !== 'object' ||
    doc === null ||
    !Array.isArray((doc as { images?: unknown }).images)
  )
    throw new ImageError(`the image index ${path} is corrupt (no images list)`);
  const images = (doc as { images: unknown[] }).images.filter((i): i is StoredImage => {
    if (typeof i !== 'object' || i === null) return false;
    const s = i as Partial<StoredImage>;
    return (
      isSha256Digest(s.id) &&
      Array.isArray(s.repoTags) &&
      Array.isArray(s.repoDigests) &&
      Array.isArray(s.layers) &&
      s.layers.every(isSha256Digest) &&
      typeof s.config === 'object'
    );
  });
  return {
    version: 1,
    images: images.map((i) => ({
      ...i,
      size: typeof i.size === 'number' ? i.size : 0,
      created: typeof i.created === 'number' ? i.created : 0,
    })),
  };
}

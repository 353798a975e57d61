/**
 * An in-memory ImageService for unit and integration tests (and scale simulation): images are
 * seeded as records, `pull` succeeds only for references seeded as pullable, and `mountRootfs`
 * returns a made-up path without touching the disk. It answers `resolve` and `remove` with the
 * same rules as the real ImageStore (find-image.ts), including "in use" refusals.
 */
import { createHash } from 'node:crypto';
import { findImage, namesAfterRemove } from './find-image.ts';
import { normalizeReference, normalizeTaggedName } from './reference.ts';
import {
  ImageError,
  ImageNotFoundError,
  type ImageConfig,
  type ImageRecord,
  type ImageService,
} from './types.ts';

export interface FakeImageServiceOptions {
  /** Images present from the start. */
  readonly images?: readonly ImageRecord[];
  /** Images `pull` can fetch, found by any of their repoTags or repoDigests. */
  readonly pullable?: readonly ImageRecord[];
  /** Where made-up container roots live; default `/fake/podbay/containers`. */
  readonly rootfsBase?: string;
  /**
   * Called at the start of every pull (before the result is known): a test can block here to hold
   * a pull open, or throw to make it fail.
   */
  readonly onPull?: (ref: string, signal?: AbortSignal) => Promise<void> | void;
}

/** A record for tests: a stable id derived from the name (or `seed`), the name normalised. */
export function fakeImageRecord(
  name: string,
  opts: { config?: ImageConfig; size?: number; created?: number; seed?: string } = {},
): ImageRecord {
  const normalized = normalizeTaggedName(name);
  const id = `sha256:${createHash('sha256')
    .update(opts.seed ?? normalized)
    .digest('hex')}`;
  return {
    id,
    repoTags: [normalized],
    repoDigests: [],
    size: opts.size ?? 1 << 20,
    config: opts.config ?? {
      cmd: ['sh'],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    },
    created: opts.created ?? 0,
  };
}

export class FakeImageService implements ImageService {
  /** By id. */
  private readonly images = new Map<string, ImageRecord>();
  private readonly pullable: ImageRecord[] = [];
  private readonly pullErrors = new Map<string, string>();
  /** containerId → imageId */
  readonly mounts = new Map<string, string>();
  /** Every reference `pull` was called with, in order. */
  readonly pulls: string[] = [];
  private readonly rootfsBase: string;
  private readonly onPull: FakeImageServiceOptions['onPull'];

  constructor(opts: FakeImageServiceOptions = {}) {
    for (const image of opts.images ?? []) this.seed(image);
    for (const image of opts.pullable ?? []) this.seedPullable(image);
    this.rootfsBase = opts.rootfsBase ?? '/fake/podbay/containers';
    this.onPull = opts.onPull;
  }

  /** Adds an image as if imported (names move from any other image, as a re-tag does). */
  seed(image: ImageRecord): void {
    this.addNames(image);
  }

  /** Makes `image` available to `pull` under its repoTags and repoDigests. */
  seedPullable(image: ImageRecord): void {
    this.pullable.push(image);
  }

  /** Makes `pull(ref)` fail with `ImageError(message)` (until cleared with undefined). */
  setPullError(ref: string, message: string | undefined): void {
    const key = normalizeReference(ref);
    if (message === undefined) this.pullErrors.delete(key);
    else this.pullErrors.set(key, message);
  }

  list(): Promise<ImageRecord[]> {
    return Promise.resolve([...this.images.values()]);
  }

  resolve(ref: string): Promise<ImageRecord | undefined> {
    return attempt(() => findImage([...this.images.values()], ref)?.image);
  }

  async pull(ref: string, signal?: AbortSignal): Promise<ImageRecord> {
    this.pulls.push(ref);
    signal?.throwIfAborted();
    await this.onPull?.(ref, signal);
    signal?.throwIfAborted();
    const normalized = normalizeReference(ref);
    const error = this.pullErrors.get(normalized);
    if (error !== undefined) throw new ImageError(error);
    const found = findImage(this.pullable, ref);
    if (!found) throw new ImageError(`registry pulls are not supported yet: ${ref}`);
    const image = found.image;
    const existing = this.images.get(image.id);
    const merged: ImageRecord = existing
      ? {
          ...existing,
          repoTags: [...new Set([...existing.repoTags, ...image.repoTags])],
          repoDigests: [...new Set([...existing.repoDigests, ...image.repoDigests])],
        }
      : image;
    this.addNames(merged);
    return this.images.get(image.id) ?? merged;
  }

  remove(ref: string): Promise<void> {
    return attempt(() => {
      const found = findImage([...this.images.values()], ref);
      if (!found) throw new ImageNotFoundError(`no such image: ${ref}`);
      const image = found.image;
      const next = namesAfterRemove(image, found);
      if (next === undefined) {
        const user = [...this.mounts].find(([, imageId]) => imageId === image.id);
        if (user)
          throw new ImageError(`cannot remove ${ref}: image is in use by container ${user[0]}`);
        this.images.delete(image.id);
      } else {
        this.images.set(image.id, { ...image, ...next });
      }
    });
  }

  mountRootfs(containerId: string, imageId: string): Promise<string> {
    if (!this.images.has(imageId))
      return Promise.reject(new ImageNotFoundError(`no such image: ${imageId}`));
    this.mounts.set(containerId, imageId);
    return Promise.resolve(`${this.rootfsBase}/${containerId}/rootfs`);
  }

  detachRootfs(containerId: string): Promise<void> {
    if (!this.mounts.has(containerId))
      return Promise.reject(new ImageError(`container ${containerId} has no root filesystem`));
    return Promise.resolve();
  }

  unmountRootfs(containerId: string): Promise<void> {
    this.mounts.delete(containerId);
    return Promise.resolve();
  }

  private addNames(image: ImageRecord): void {
    // A name belongs to one image: taking it from another leaves that one without it.
    for (const [id, other] of this.images) {
      if (id === image.id) continue;
      const tags = other.repoTags.filter((t) => !image.repoTags.includes(t));
      if (tags.length !== other.repoTags.length) this.images.set(id, { ...other, repoTags: tags });
    }
    this.images.set(image.id, image);
  }
}

/** Runs `fn` now and turns its result or throw into a promise, as an async method would. */
function attempt<T>(fn: () => T): Promise<T> {
  return new Promise((resolve) => {
    resolve(fn());
  });
}

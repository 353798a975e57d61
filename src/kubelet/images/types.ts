/**
 * The node's image store, as the kubelet and `podbay image` see it. `ImageStore` (on disk under
 * DATA_DIR/images) is the real one; a fake keeps records in memory for tests.
 *
 * Contract:
 *   - References are normalised as Docker does: `busybox` is `docker.io/library/busybox:latest`.
 *     `resolve` accepts a reference, a full or short (12+ hex) image id, or `name@sha256:digest`.
 *   - Imports are atomic and safe while a node agent is running in another process: a reader sees
 *     an image completely or not at all; layers are verified against their digests before use.
 *   - `mountRootfs` gives each container its own writable overlayfs root over the image's layers;
 *     `unmountRootfs` removes it. Both idempotent.
 */

/** The parts of an image's config the kubelet applies (upstream: the OCI image config). */
export interface ImageConfig {
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  /** `NAME=value` strings. */
  readonly env?: readonly string[];
  readonly workingDir?: string;
  /** `uid`, `uid:gid`, `name` or `name:group`, as in the image. */
  readonly user?: string;
  readonly stopSignal?: string;
  readonly exposedPorts?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
}

export interface ImageRecord {
  /** `sha256:<digest of the config blob>`: status.containerStatuses[].imageID uses it. */
  readonly id: string;
  /** Normalised names: `docker.io/library/busybox:latest`. */
  readonly repoTags: readonly string[];
  /** `docker.io/library/busybox@sha256:…` when known (registry pulls, OCI index digests). */
  readonly repoDigests: readonly string[];
  /** Bytes of the unpacked layers. */
  readonly size: number;
  readonly config: ImageConfig;
  /** Unix milliseconds. */
  readonly created: number;
}

export class ImageNotFoundError extends Error {
  override readonly name = 'ImageNotFoundError';
}

/** An import or pull that failed: bad archive, digest mismatch, unsafe path, registry error. */
export class ImageError extends Error {
  override readonly name = 'ImageError';
}

export interface ImageService {
  list(): Promise<ImageRecord[]>;
  resolve(ref: string): Promise<ImageRecord | undefined>;
  /**
   * Pulls from a registry. Until registry pulls exist this rejects with `ImageError` whose message
   * says why (the kubelet reports ErrImagePull with it).
   */
  pull(ref: string, signal?: AbortSignal): Promise<ImageRecord>;
  /** Removes the image's names (all of them when `ref` is an id) and, when unnamed, its data. */
  remove(ref: string): Promise<void>;
  /** A writable overlay root for a container; returns the path to use as the OCI root. */
  mountRootfs(containerId: string, imageId: string): Promise<string>;
  /**
   * Called once the container exists (runc create has returned): its mount namespace holds a copy
   * of the root mount, which keeps the root for the container's life, so the host's mount is
   * detached. The files stay where they are until `unmountRootfs`.
   */
  detachRootfs(containerId: string): Promise<void>;
  unmountRootfs(containerId: string): Promise<void>;
}

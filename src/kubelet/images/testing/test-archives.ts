/**
 * Builds image archives for tests, entry by entry with tar-stream, so a test controls exactly what
 * is in them: plain tars, docker-archives (as `docker save` writes) and OCI archives (as
 * `skopeo copy … oci-archive:` writes), with layers gzipped or not.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

export type TarEntry =
  | {
      readonly name: string;
      readonly type?: 'file';
      readonly data: string | Uint8Array;
      readonly mode?: number;
      readonly uid?: number;
      readonly gid?: number;
      readonly mtime?: Date;
    }
  | {
      readonly name: string;
      readonly type: 'directory';
      readonly mode?: number;
      readonly uid?: number;
      readonly gid?: number;
      readonly mtime?: Date;
    }
  | {
      readonly name: string;
      readonly type: 'symlink' | 'link';
      readonly linkname: string;
      readonly uid?: number;
      readonly gid?: number;
    }
  | {
      readonly name: string;
      readonly type: 'character-device' | 'block-device' | 'fifo';
      readonly devmajor?: number;
      readonly devminor?: number;
      readonly mode?: number;
    };

const epoch = new Date(1_700_000_000_000);

/** A tar archive of `entries`, in order. */
export async function buildTar(entries: readonly TarEntry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of p as unknown as AsyncIterable<Buffer>) chunks.push(chunk);
  })();
  for (const e of entries) {
    const base = { name: e.name, mtime: 'mtime' in e ? (e.mtime ?? epoch) : epoch };
    const owner = { uid: 'uid' in e ? (e.uid ?? 0) : 0, gid: 'gid' in e ? (e.gid ?? 0) : 0 };
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error | null): void => {
        if (err) reject(err);
        else resolve();
      };
      switch (e.type) {
        case undefined:
        case 'file':
          p.entry(
            { ...base, ...owner, type: 'file', mode: e.mode ?? 0o644 },
            typeof e.data === 'string' ? Buffer.from(e.data) : Buffer.from(e.data),
            done,
          );
          return;
        case 'directory':
          p.entry({ ...base, ...owner, type: 'directory', mode: e.mode ?? 0o755 }, done);
          return;
        case 'symlink':
        case 'link':
          p.entry({ ...base, ...owner, type: e.type, linkname: e.linkname, mode: 0o777 }, done);
          return;
        case 'character-device':
        case 'block-device':
        case 'fifo':
          p.entry(
            {
              ...base,
              type: e.type,
              mode: e.mode ?? 0o666,
              devmajor: e.devmajor ?? 0,
              devminor: e.devminor ?? 0,
            },
            done,
          );
          return;
      }
    });
  }
  p.finalize();
  await collected;
  return Buffer.concat(chunks);
}

export function sha256(data: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export interface TestImage {
  /** Each layer as entries (made into a tar) or as a ready tar. */
  readonly layers: readonly (readonly TarEntry[] | Buffer)[];
  /** The `config` part of the image config (Cmd, Env, …). */
  readonly config?: Record<string, unknown>;
  /** docker-archive RepoTags / the OCI name. */
  readonly names?: readonly string[];
  readonly gzip?: boolean;
  /** Replaces the diff_ids the config would have (to build a mismatch). */
  readonly diffIds?: readonly string[];
}

export interface BuiltImage {
  readonly id: string;
  readonly diffIds: readonly string[];
  /** Digests of the layer blobs as stored (gzipped when gzip). */
  readonly layerDigests: readonly string[];
  readonly configBytes: Buffer;
  /** The OCI manifest's digest (OCI archives only). */
  readonly manifestDigest?: string;
}

async function prepare(
  image: TestImage,
): Promise<{ blobs: Buffer[]; diffIds: string[]; config: Buffer }> {
  const tars = await Promise.all(
    image.layers.map((l) => (Buffer.isBuffer(l) ? Promise.resolve(l) : buildTar(l))),
  );
  const diffIds = tars.map((t) => sha256(t));
  const blobs = tars.map((t) => (image.gzip === true ? gzipSync(t) : t));
  const config = Buffer.from(
    JSON.stringify({
      architecture: process.arch === 'x64' ? 'amd64' : process.arch,
      os: 'linux',
      created: '2024-01-02T03:04:05Z',
      config: image.config ?? {},
      rootfs: { type: 'layers', diff_ids: image.diffIds ?? diffIds },
      history: tars.map(() => ({ created_by: 'test' })),
    }),
  );
  return { blobs, diffIds, config };
}

/** A docker-archive as `docker save` (before Docker 25) writes it. */
export async function buildDockerArchive(
  images: readonly TestImage[],
): Promise<{ tar: Buffer; images: BuiltImage[] }> {
  const entries: TarEntry[] = [];
  const manifest: unknown[] = [];
  const built: BuiltImage[] = [];
  const written = new Set<string>();
  for (const image of images) {
    const { blobs, diffIds, config } = await prepare(image);
    const id = sha256(config);
    const layerPaths: string[] = [];
    for (const [i, blob] of blobs.entries()) {
      const dir = (diffIds[i] ?? '').slice(7);
      const path = `${dir}/layer.tar`;
      layerPaths.push(path);
      if (written.has(path)) continue;
      written.add(path);
      entries.push({ name: `${dir}/`, type: 'directory' });
      entries.push({ name: `${dir}/VERSION`, data: '1.0' });
      entries.push({ name: path, data: blob });
    }
    entries.push({ name: `${id.slice(7)}.json`, data: config });
    manifest.push({
      Config: `${id.slice(7)}.json`,
      RepoTags: image.names ?? null,
      Layers: layerPaths,
    });
    built.push({ id, diffIds, layerDigests: blobs.map((b) => sha256(b)), configBytes: config });
  }
  entries.push({ name: 'manifest.json', data: JSON.stringify(manifest) });
  return { tar: await buildTar(entries), images: built };
}

/** An OCI archive as `skopeo copy … oci-archive:FILE:NAME` writes it. */
export async function buildOciArchive(
  images: readonly (TestImage & { readonly annotations?: Record<string, string> })[],
): Promise<{ tar: Buffer; images: BuiltImage[] }> {
  const blobsByDigest = new Map<string, Buffer>();
  const manifests: unknown[] = [];
  const built: BuiltImage[] = [];
  for (const image of images) {
    const { blobs, diffIds, config } = await prepare(image);
    const configDigest = sha256(config);
    blobsByDigest.set(configDigest, config);
    for (const b of blobs) blobsByDigest.set(sha256(b), b);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: configDigest,
          size: config.length,
        },
        layers: blobs.map((b) => ({
          mediaType:
            image.gzip === true
              ? 'application/vnd.oci.image.layer.v1.tar+gzip'
              : 'application/vnd.oci.image.layer.v1.tar',
          digest: sha256(b),
          size: b.length,
        })),
      }),
    );
    const manifestDigest = sha256(manifest);
    blobsByDigest.set(manifestDigest, manifest);
    const name = image.names?.[0];
    manifests.push({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: manifestDigest,
      size: manifest.length,
      ...(image.annotations !== undefined
        ? { annotations: image.annotations }
        : name !== undefined
          ? { annotations: { 'org.opencontainers.image.ref.name': name } }
          : {}),
    });
    built.push({
      id: configDigest,
      diffIds,
      layerDigests: blobs.map((b) => sha256(b)),
      configBytes: config,
      manifestDigest,
    });
  }
  const entries: TarEntry[] = [
    { name: 'oci-layout', data: JSON.stringify({ imageLayoutVersion: '1.0.0' }) },
    { name: 'index.json', data: JSON.stringify({ schemaVersion: 2, manifests }) },
    { name: 'blobs/', type: 'directory' },
    { name: 'blobs/sha256/', type: 'directory' },
    ...[...blobsByDigest].map(([digest, data]): TarEntry => ({
      name: `blobs/sha256/${digest.slice(7)}`,
      data,
    })),
  ];
  return { tar: await buildTar(entries), images: built };
}

/**
 * The first of an import's two passes over an archive: read the small metadata files (manifests,
 * indexes, configs), decide what kind of archive it is, verify the metadata blobs against their
 * digests, and plan which layer entries the second pass unpacks into which diffIDs.
 *
 *   docker-archive  manifest.json ([{Config, RepoTags, Layers}]) + config JSON + layer tars, as
 *                   `docker save` and `podman save` write them (also Docker 25+'s OCI-shaped save).
 *   oci-archive     oci-layout + index.json + blobs/sha256/…, as `skopeo copy … oci-archive:` writes;
 *                   names from `io.containerd.image.name` or `org.opencontainers.image.ref.name`;
 *                   an index of platforms picks linux/<this machine's architecture>.
 *   rootfs          anything else, with `--name`: the whole tarball is the one layer.
 *
 * Layers are never buffered: they are matched by path in the second pass and streamed.
 */
import { createReadStream } from 'node:fs';
import { posix } from 'node:path';
import { normalizeTaggedName, parseReference } from './reference.ts';
import { goArch, errorMessage } from '../../util/index.ts';
import {
  isSha256Digest,
  parseImageConfig,
  sha256Digest,
  type ParsedImageConfig,
} from './image-config.ts';
import { decompressed, forEachTarEntry, readAll } from './tar-input.ts';
import { ImageError } from './types.ts';

export type ArchiveFormat = 'docker-archive' | 'oci-archive' | 'rootfs';

export interface PlannedLayer {
  /** The entry in the archive holding the layer (symlinks and hardlinks resolved). */
  readonly path: string;
  /** The digest of the entry's bytes (compressed) when the archive names it (OCI, Docker 25+). */
  readonly blobDigest?: string;
  readonly diffId: string;
}

export interface PlannedImage {
  /** `sha256:` digest of configBytes. */
  readonly id: string;
  readonly configBytes: Buffer;
  readonly parsed: ParsedImageConfig;
  readonly layers: readonly PlannedLayer[];
  /** Normalised `repo:tag` names. */
  readonly names: readonly string[];
  readonly repoDigests: readonly string[];
}

export type ArchivePlan =
  | { readonly format: 'docker-archive' | 'oci-archive'; readonly images: readonly PlannedImage[] }
  | { readonly format: 'rootfs' };

/** Metadata entries larger than this are not metadata. */
const metadataLimit = 8 << 20;
/** Bound on all metadata held in memory for one archive. */
const totalMetadataLimit = 128 << 20;

const ociIndexTypes = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);
const ociManifestTypes = new Set([
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
]);

interface ScannedEntries {
  /** Regular entries by normalised path → size. */
  readonly files: Map<string, number>;
  /** Symlinks and hardlinks: path → normalised target path. */
  readonly links: Map<string, string>;
  /** Buffered small entries. */
  readonly data: Map<string, Buffer>;
}

/** An archive entry's path as the archive's metadata names it: no `./`, no trailing `/`. */
export function normalizeEntryPath(name: string): string {
  const p = posix.normalize(`/${name}`).slice(1);
  return p.endsWith('/') ? p.slice(0, -1) : p;
}

/**
 * Entries that may be metadata: top-level JSON files and the named ones (docker-archive configs
 * are `<hex>.json` or blobs), and OCI blobs. A root filesystem tarball's deeper files never are,
 * so a tarball full of package.json files costs no memory.
 */
function isMetadataName(path: string): boolean {
  return (
    (!path.includes('/') &&
      (path.endsWith('.json') || path === 'oci-layout' || path === 'repositories')) ||
    /^blobs\/[^/]+\/[^/]+$/.test(path)
  );
}

/** Reads the archive's entries, keeping the small metadata ones in memory. */
export async function scanEntries(file: string): Promise<ScannedEntries> {
  const files = new Map<string, number>();
  const links = new Map<string, string>();
  const data = new Map<string, Buffer>();
  let held = 0;
  await forEachTarEntry(
    decompressed(createReadStream(file), file),
    async (header, body) => {
      const path = normalizeEntryPath(header.name);
      if (header.type === 'symlink') {
        links.set(path, normalizeEntryPath(posix.join(posix.dirname(path), header.linkname)));
      } else if (header.type === 'link') {
        links.set(path, normalizeEntryPath(header.linkname));
      } else if (header.type === 'file' || header.type === 'contiguous-file') {
        files.set(path, header.size);
        if (
          isMetadataName(path) &&
          header.size <= metadataLimit &&
          held + header.size <= totalMetadataLimit
        ) {
          data.set(path, await readAll(body, metadataLimit, path));
          held += header.size;
        }
      }
    },
    file,
  );
  return { files, links, data };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Archive {
  private readonly file: string;
  private readonly entries: ScannedEntries;

  constructor(file: string, entries: ScannedEntries) {
    this.file = file;
    this.entries = entries;
  }

  /** The regular entry a path ends at, following the archive's own symlinks and hardlinks. */
  resolve(path: string): string | undefined {
    let p = normalizeEntryPath(path);
    for (let i = 0; i < 16; i++) {
      if (this.entries.files.has(p)) return p;
      const next = this.entries.links.get(p);
      if (next === undefined) return undefined;
      p = next;
    }
    return undefined;
  }

  has(path: string): boolean {
    return this.resolve(path) !== undefined;
  }

  bytes(path: string, what: string): Buffer {
    const p = this.resolve(path);
    if (p === undefined)
      throw new ImageError(
        `${this.file}: ${what} ${JSON.stringify(path)} is missing from the archive`,
      );
    const data = this.entries.data.get(p);
    if (data === undefined)
      throw new ImageError(`${this.file}: ${what} ${JSON.stringify(path)} is too large`);
    return data;
  }

  json(path: string, what: string): unknown {
    try {
      return JSON.parse(this.bytes(path, what).toString('utf8'));
    } catch (err) {
      if (err instanceof ImageError) throw err;
      throw new ImageError(`${this.file}: ${what} ${JSON.stringify(path)} is not valid JSON`);
    }
  }

  /** A blob by digest (OCI layout), its bytes checked against the digest and size. */
  blob(digest: unknown, size: unknown, what: string): Buffer {
    const path = blobPath(digest, `${this.file}: ${what}`);
    const bytes = this.bytes(path, what);
    const actual = sha256Digest(bytes);
    if (actual !== digest)
      throw new ImageError(
        `${this.file}: digest mismatch for ${what} ${String(digest)}: its content is ${actual}`,
      );
    if (typeof size === 'number' && size !== bytes.length)
      throw new ImageError(
        `${this.file}: ${what} ${digest} is ${bytes.length} bytes, not ${size} as its descriptor says`,
      );
    return bytes;
  }
}

function blobPath(digest: unknown, what: string): string {
  if (typeof digest === 'string' && /^sha(?:384|512):/.test(digest))
    throw new ImageError(`${what}: digest algorithm of ${digest} is not supported (only sha256)`);
  if (!isSha256Digest(digest))
    throw new ImageError(`${what}: ${JSON.stringify(digest)} is not a sha256 digest`);
  return `blobs/sha256/${digest.slice('sha256:'.length)}`;
}

/** For a name that claims to be content-addressed (`<hex>.json`, `blobs/sha256/<hex>`), its digest. */
function digestFromPath(path: string): string | undefined {
  const m = /^(?:blobs\/sha256\/([a-f0-9]{64})|([a-f0-9]{64})\.json)$/.exec(path);
  const hex = m?.[1] ?? m?.[2];
  return hex === undefined ? undefined : `sha256:${hex}`;
}

function configOf(
  file: string,
  bytes: Buffer,
  what: string,
): { id: string; parsed: ParsedImageConfig } {
  return { id: sha256Digest(bytes), parsed: parseImageConfig(bytes, `${file}: ${what}`) };
}

function nameOrThrow(name: string, file: string): string {
  try {
    return normalizeTaggedName(name);
  } catch (err) {
    throw new ImageError(`${file}: image name ${JSON.stringify(name)}: ${errorMessage(err)}`);
  }
}

function planDockerArchive(archive: Archive, file: string): PlannedImage[] {
  const manifest = archive.json('manifest.json', 'manifest');
  if (!Array.isArray(manifest))
    throw new ImageError(`${file}: manifest.json is not a list of images`);
  const images: PlannedImage[] = [];
  for (const [i, item] of manifest.entries()) {
    if (!isRecord(item)) throw new ImageError(`${file}: manifest.json entry ${i} is not an object`);
    const configPath = item['Config'];
    const layerPaths = item['Layers'];
    const repoTags = item['RepoTags'] ?? [];
    if (typeof configPath !== 'string')
      throw new ImageError(`${file}: manifest.json entry ${i} has no Config`);
    if (!Array.isArray(layerPaths) || !layerPaths.every((l) => typeof l === 'string'))
      throw new ImageError(`${file}: manifest.json entry ${i} has no Layers list`);
    if (!Array.isArray(repoTags) || !repoTags.every((t) => typeof t === 'string'))
      throw new ImageError(`${file}: manifest.json entry ${i}: RepoTags is not a list of names`);
    const configBytes = archive.bytes(configPath, 'image config');
    const { id, parsed } = configOf(file, configBytes, `config ${configPath}`);
    const claimed = digestFromPath(normalizeEntryPath(configPath));
    if (claimed !== undefined && claimed !== id)
      throw new ImageError(
        `${file}: digest mismatch for image config ${configPath}: its content is ${id}`,
      );
    if (parsed.diffIds.length !== layerPaths.length)
      throw new ImageError(
        `${file}: image ${id} lists ${layerPaths.length} layers but its config has ${parsed.diffIds.length} diff_ids`,
      );
    const layers = layerPaths.map((p, j): PlannedLayer => {
      const path = archive.resolve(p);
      if (path === undefined)
        throw new ImageError(`${file}: layer ${JSON.stringify(p)} is missing from the archive`);
      const blobDigest = digestFromPath(path);
      return {
        path,
        diffId: parsed.diffIds[j] ?? '',
        ...(blobDigest !== undefined ? { blobDigest } : {}),
      };
    });
    images.push({
      id,
      configBytes,
      parsed,
      layers,
      names: repoTags.map((t) => nameOrThrow(t, file)),
      repoDigests: [],
    });
  }
  return images;
}

function platformMatches(p: unknown): boolean {
  if (!isRecord(p)) return false;
  if (p['os'] !== 'linux' || p['architecture'] !== goArch()) return false;
  // arm64 images are often "v8"; any variant of our architecture runs here.
  return true;
}

/** The names an OCI index descriptor gives its image. */
function ociNames(annotations: unknown, file: string): string[] {
  if (!isRecord(annotations)) return [];
  const containerd = annotations['io.containerd.image.name'];
  if (typeof containerd === 'string' && containerd !== '') return [nameOrThrow(containerd, file)];
  const ref = annotations['org.opencontainers.image.ref.name'];
  if (typeof ref !== 'string' || ref === '') return [];
  // The annotation may be a full reference (skopeo writes what it was given) or only a tag, which
  // names nothing on its own.
  if (!ref.includes('/') && !ref.includes(':')) return [];
  try {
    const parsed = parseReference(ref);
    if (parsed.digest !== undefined) return [];
  } catch {
    return [];
  }
  return [nameOrThrow(ref, file)];
}

function planOciArchive(archive: Archive, file: string): PlannedImage[] {
  if (archive.has('oci-layout')) {
    const layout = archive.json('oci-layout', 'oci-layout');
    if (!isRecord(layout) || typeof layout['imageLayoutVersion'] !== 'string')
      throw new ImageError(`${file}: oci-layout has no imageLayoutVersion`);
  }
  const index = archive.json('index.json', 'index');
  if (!isRecord(index) || !Array.isArray(index['manifests']))
    throw new ImageError(`${file}: index.json has no manifests list`);
  const images: PlannedImage[] = [];
  for (const top of index['manifests'] as unknown[]) {
    if (!isRecord(top))
      throw new ImageError(`${file}: index.json has a manifest that is not an object`);
    const names = ociNames(top['annotations'], file);
    let descriptor: Record<string, unknown> = top;
    // Follow nested indexes (multi-platform images) to this machine's platform.
    for (let depth = 0; ; depth++) {
      const mediaType = descriptor['mediaType'];
      let bytes = archive.blob(descriptor['digest'], descriptor['size'], 'manifest');
      let doc: unknown;
      try {
        doc = JSON.parse(bytes.toString('utf8'));
      } catch {
        throw new ImageError(`${file}: manifest ${String(descriptor['digest'])} is not valid JSON`);
      }
      const docType = isRecord(doc) ? doc['mediaType'] : undefined;
      const isIndex =
        (typeof mediaType === 'string' && ociIndexTypes.has(mediaType)) ||
        (typeof docType === 'string' && ociIndexTypes.has(docType)) ||
        (isRecord(doc) && Array.isArray(doc['manifests']) && doc['config'] === undefined);
      if (isIndex) {
        if (depth >= 4) throw new ImageError(`${file}: image indexes are nested too deeply`);
        const manifests =
          isRecord(doc) && Array.isArray(doc['manifests']) ? (doc['manifests'] as unknown[]) : [];
        const chosen = manifests.find((m) => isRecord(m) && platformMatches(m['platform']));
        if (!isRecord(chosen))
          throw new ImageError(
            `${file}: no image for linux/${goArch()} in index ${String(descriptor['digest'])}`,
          );
        descriptor = chosen;
        continue;
      }
      if (typeof mediaType === 'string' && !ociManifestTypes.has(mediaType))
        throw new ImageError(`${file}: unsupported manifest media type ${mediaType}`);
      if (!isRecord(doc) || !isRecord(doc['config']) || !Array.isArray(doc['layers']))
        throw new ImageError(
          `${file}: manifest ${String(descriptor['digest'])} has no config and layers`,
        );
      const configDescriptor = doc['config'];
      bytes = archive.blob(configDescriptor['digest'], configDescriptor['size'], 'image config');
      const { id, parsed } = configOf(file, bytes, `config ${String(configDescriptor['digest'])}`);
      const layerDescriptors = doc['layers'] as unknown[];
      if (parsed.diffIds.length !== layerDescriptors.length)
        throw new ImageError(
          `${file}: manifest ${String(descriptor['digest'])} lists ${layerDescriptors.length} layers but its config has ${parsed.diffIds.length} diff_ids`,
        );
      const layers = layerDescriptors.map((l, j): PlannedLayer => {
        if (!isRecord(l)) throw new ImageError(`${file}: a layer descriptor is not an object`);
        const path = blobPath(l['digest'], `${file}: layer`);
        const resolved = archive.resolve(path);
        if (resolved === undefined)
          throw new ImageError(`${file}: layer ${String(l['digest'])} is missing from the archive`);
        return {
          path: resolved,
          blobDigest: l['digest'] as string,
          diffId: parsed.diffIds[j] ?? '',
        };
      });
      const topDigest = top['digest'] as string;
      images.push({
        id,
        configBytes: bytes,
        parsed,
        layers,
        names,
        repoDigests: [
          ...new Set(names.map((n) => `${n.slice(0, n.lastIndexOf(':'))}@${topDigest}`)),
        ],
      });
      break;
    }
  }
  return images;
}

/** Pass one: what the archive holds and where its layers are. */
export async function scanArchive(file: string): Promise<ArchivePlan> {
  const entries = await scanEntries(file);
  const archive = new Archive(file, entries);
  if (archive.has('manifest.json')) {
    const images = planDockerArchive(archive, file);
    return { format: 'docker-archive', images: mergeById(images) };
  }
  if (archive.has('index.json') || archive.has('oci-layout')) {
    return { format: 'oci-archive', images: mergeById(planOciArchive(archive, file)) };
  }
  return { format: 'rootfs' };
}

/** One archive may list the same image twice (two tags): one plan with both names. */
function mergeById(images: readonly PlannedImage[]): PlannedImage[] {
  const byId = new Map<string, PlannedImage>();
  for (const image of images) {
    const seen = byId.get(image.id);
    byId.set(
      image.id,
      seen
        ? {
            ...seen,
            names: [...new Set([...seen.names, ...image.names])],
            repoDigests: [...new Set([...seen.repoDigests, ...image.repoDigests])],
          }
        : image,
    );
  }
  return [...byId.values()];
}

/**
 * How a reference given to `resolve` or `remove` picks an image, shared by the real store and the
 * fake so both answer alike: a full id (`sha256:<64 hex>` or the 64 hex alone), a name
 * (normalised: `busybox` finds `docker.io/library/busybox:latest`), `name@sha256:…` by the image's
 * repo digests, and last a unique id prefix of at least 12 hex characters (Docker's short ids).
 */
import { normalizeReference, parseReference } from './reference.ts';
import type { ImageRecord } from './types.ts';

const fullIdRe = /^(?:sha256:)?([a-f0-9]{64})$/;
const shortIdRe = /^(?:sha256:)?([a-f0-9]{12,63})$/;

export type ImageMatch =
  | { readonly kind: 'id'; readonly image: ImageRecord }
  | { readonly kind: 'name'; readonly image: ImageRecord; readonly name: string }
  | { readonly kind: 'digest'; readonly image: ImageRecord; readonly name: string };

/** Finds the image `ref` means among `images`, or undefined; throws ImageError for a bad reference. */
export function findImage(images: readonly ImageRecord[], ref: string): ImageMatch | undefined {
  const full = fullIdRe.exec(ref);
  if (full) {
    const id = `sha256:${full[1] ?? ''}`;
    const image = images.find((i) => i.id === id);
    return image ? { kind: 'id', image } : undefined;
  }
  const short = shortIdRe.exec(ref);
  let parsedError: Error | undefined;
  try {
    const parsed = parseReference(ref);
    const normalized = normalizeReference(ref);
    if (parsed.digest !== undefined) {
      const wanted = `${parsed.repository}@${parsed.digest}`;
      const image = images.find((i) => i.repoDigests.includes(wanted));
      if (image) return { kind: 'digest', image, name: wanted };
    } else {
      const image = images.find((i) => i.repoTags.includes(normalized));
      if (image) return { kind: 'name', image, name: normalized };
    }
  } catch (err) {
    if (!short) throw err;
    parsedError = err instanceof Error ? err : new Error(String(err));
  }
  if (short) {
    const prefix = `sha256:${short[1] ?? ''}`;
    const found = images.filter((i) => i.id.startsWith(prefix));
    if (found.length === 1 && found[0]) return { kind: 'id', image: found[0] };
  }
  if (parsedError !== undefined) throw parsedError;
  return undefined;
}

/**
 * The names an image keeps after `remove(ref)` matched it, or undefined when the image itself goes:
 * an id removes every name; a tag removes that tag, and the last tag takes the image (its digests
 * with it, as `docker rmi` does); a digest removes that digest, and the image goes when nothing is left.
 */
export function namesAfterRemove(
  image: ImageRecord,
  match: ImageMatch,
): { repoTags: string[]; repoDigests: string[] } | undefined {
  switch (match.kind) {
    case 'id':
      return undefined;
    case 'name': {
      const repoTags = image.repoTags.filter((t) => t !== match.name);
      return repoTags.length === 0 ? undefined : { repoTags, repoDigests: [...image.repoDigests] };
    }
    case 'digest': {
      const repoDigests = image.repoDigests.filter((d) => d !== match.name);
      return image.repoTags.length === 0 && repoDigests.length === 0
        ? undefined
        : { repoTags: [...image.repoTags], repoDigests };
    }
  }
}

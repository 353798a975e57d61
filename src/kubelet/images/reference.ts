/**
 * Image references, normalised as Docker (and so containerd, CRI-O and the kubelet) does:
 * `busybox` is `docker.io/library/busybox:latest`, `index.docker.io/x` is `docker.io/library/x`,
 * a first component with a `.` or `:` or that is `localhost` is a registry host and kept as is
 * (`localhost:5000/x` → `localhost:5000/x:latest`). A reference with a digest gets no `:latest`.
 *
 * The grammar is the distribution/reference one; error texts follow its wording
 * (`invalid reference format`, `repository name must be lowercase`).
 */
import { ImageError } from './types.ts';

export interface ImageReference {
  /** `docker.io`, `localhost:5000`, … */
  readonly domain: string;
  /** `library/busybox` */
  readonly path: string;
  /** `docker.io/library/busybox` */
  readonly repository: string;
  readonly tag?: string;
  /** `sha256:…` */
  readonly digest?: string;
}

const pathComponent = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainRe = new RegExp(
  `^(?:${domainComponent}(?:\\.${domainComponent})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$`,
);
const pathRe = new RegExp(`^${pathComponent}(?:/${pathComponent})*$`);
const tagRe = /^[\w][\w.-]{0,127}$/;
const digestRe = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}$/;
const hex64Re = /^[a-f0-9]{64}$/;

const defaultDomain = 'docker.io';
const legacyDefaultDomain = 'index.docker.io';
const officialRepoPrefix = 'library/';

/** Parses and normalises a reference; throws `ImageError` with distribution's wording. */
export function parseReference(ref: string): ImageReference {
  if (ref === '') throw new ImageError('invalid reference format: repository name is empty');
  if (ref.length > 255 + 128 + 80)
    throw new ImageError(`invalid reference format: ${JSON.stringify(ref)} is too long`);
  if (hex64Re.test(ref))
    throw new ImageError(
      `invalid repository name (${ref}), cannot specify 64-byte hexadecimal strings`,
    );

  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestRe.test(digest))
      throw new ImageError(`invalid reference format: bad digest in ${JSON.stringify(ref)}`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagRe.test(tag))
      throw new ImageError(`invalid reference format: bad tag in ${JSON.stringify(ref)}`);
  }

  let domain: string;
  let path: string;
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  if (
    slash >= 0 &&
    (first.includes('.') ||
      first.includes(':') ||
      first === 'localhost' ||
      first !== first.toLowerCase())
  ) {
    domain = first;
    path = rest.slice(slash + 1);
  } else {
    domain = defaultDomain;
    path = rest;
  }
  if (domain === legacyDefaultDomain) domain = defaultDomain;
  if (domain === defaultDomain && !path.includes('/')) path = officialRepoPrefix + path;

  if (!domainRe.test(domain))
    throw new ImageError(`invalid reference format: bad registry host in ${JSON.stringify(ref)}`);
  if (path !== path.toLowerCase() && pathRe.test(path.toLowerCase()))
    throw new ImageError(`invalid reference format: repository name (${path}) must be lowercase`);
  if (!pathRe.test(path)) throw new ImageError(`invalid reference format: ${JSON.stringify(ref)}`);
  const repository = `${domain}/${path}`;
  if (repository.length > 255)
    throw new ImageError(
      `invalid reference format: repository name must not be more than 255 characters`,
    );

  return {
    domain,
    path,
    repository,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest: digest.toLowerCase() } : {}),
  };
}

/**
 * The fully qualified form of a reference: `docker.io/library/busybox:latest`; a reference with a
 * digest keeps it (`repo@sha256:…`, or `repo:tag@sha256:…`) and gets no default tag.
 */
export function normalizeReference(ref: string): string {
  const r = parseReference(ref);
  const tag = r.tag ?? (r.digest === undefined ? 'latest' : undefined);
  return `${r.repository}${tag !== undefined ? `:${tag}` : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`;
}

/** A tagged name for the image store (`repo:tag`); rejects references that carry a digest. */
export function normalizeTaggedName(ref: string): string {
  const r = parseReference(ref);
  if (r.digest !== undefined)
    throw new ImageError(`cannot name an image with a digest reference: ${ref}`);
  return `${r.repository}:${r.tag ?? 'latest'}`;
}

/** Splits a normalised `repo:tag` into its repository and tag. */
export function splitTaggedName(name: string): { repository: string; tag: string } {
  const colon = name.lastIndexOf(':');
  if (colon <= name.lastIndexOf('/')) return { repository: name, tag: '<none>' };
  return { repository: name.slice(0, colon), tag: name.slice(colon + 1) };
}

/**
 * The OCI image config blob (the JSON whose digest is the image id): reading the parts podbay uses
 * from it, and writing one for a plain root filesystem tarball.
 */
import { createHash } from 'node:crypto';
import { goArch, errorMessage } from '../../util/index.ts';
import { ImageError, type ImageConfig } from './types.ts';

export const defaultPath = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const digestRe = /^sha256:[a-f0-9]{64}$/;

export interface ParsedImageConfig {
  /** The uncompressed digests of the layers, bottom first (`rootfs.diff_ids`). */
  readonly diffIds: readonly string[];
  readonly config: ImageConfig;
  /** Unix milliseconds, when the config says. */
  readonly created?: number;
}

export function sha256Digest(data: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** True for `sha256:<64 lowercase hex>`, the only digest form the store accepts. */
export function isSha256Digest(s: unknown): s is string {
  return typeof s === 'string' && digestRe.test(s);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringList(v: unknown, field: string, what: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string'))
    throw new ImageError(`${what}: ${field} is not a list of strings`);
  return v;
}

function optionalString(v: unknown, field: string, what: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new ImageError(`${what}: ${field} is not a string`);
  return v;
}

/** Parses an image config blob; `what` names it in errors. */
export function parseImageConfig(bytes: Uint8Array, what: string): ParsedImageConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new ImageError(`${what} is not valid JSON (${errorMessage(err)})`);
  }
  if (!isRecord(doc)) throw new ImageError(`${what} is not a JSON object`);
  const rootfs = doc['rootfs'];
  if (!isRecord(rootfs) || !Array.isArray(rootfs['diff_ids']))
    throw new ImageError(`${what} has no rootfs.diff_ids`);
  const diffIds = rootfs['diff_ids'] as unknown[];
  for (const d of diffIds)
    if (!isSha256Digest(d))
      throw new ImageError(
        `${what}: rootfs.diff_ids has ${JSON.stringify(d)}, not a sha256 digest`,
      );
  if (doc['os'] !== undefined && doc['os'] !== 'linux')
    throw new ImageError(`${what} is an image for ${JSON.stringify(doc['os'])}, not linux`);

  const c = isRecord(doc['config']) ? doc['config'] : {};
  const entrypoint = stringList(c['Entrypoint'], 'config.Entrypoint', what);
  const cmd = stringList(c['Cmd'], 'config.Cmd', what);
  const env = stringList(c['Env'], 'config.Env', what);
  const workingDir = optionalString(c['WorkingDir'], 'config.WorkingDir', what);
  const user = optionalString(c['User'], 'config.User', what);
  const stopSignal = optionalString(c['StopSignal'], 'config.StopSignal', what);
  const exposed = isRecord(c['ExposedPorts']) ? Object.keys(c['ExposedPorts']) : undefined;
  let labels: Record<string, string> | undefined;
  if (isRecord(c['Labels'])) {
    labels = {};
    for (const [k, v] of Object.entries(c['Labels'])) if (typeof v === 'string') labels[k] = v;
  }
  const config: ImageConfig = {
    ...(entrypoint !== undefined ? { entrypoint } : {}),
    ...(cmd !== undefined ? { cmd } : {}),
    ...(env !== undefined ? { env } : {}),
    ...(workingDir !== undefined ? { workingDir } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(stopSignal !== undefined ? { stopSignal } : {}),
    ...(exposed !== undefined ? { exposedPorts: exposed } : {}),
    ...(labels !== undefined ? { labels } : {}),
  };
  const created = typeof doc['created'] === 'string' ? Date.parse(doc['created']) : NaN;
  return {
    diffIds: diffIds as string[],
    config,
    ...(Number.isFinite(created) ? { created } : {}),
  };
}

/**
 * The config blob for a root filesystem tarball imported with `--name`: one layer, PATH set and no
 * entrypoint or command (a pod must give `command`). No creation time, so importing the same
 * tarball again gives the same image id.
 */
export function rootfsImageConfig(diffId: string): Buffer {
  const doc = {
    architecture: goArch(),
    os: 'linux',
    config: { Env: [defaultPath] },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [
      { created_by: 'podbay image import', comment: 'imported from a root filesystem tarball' },
    ],
  };
  return Buffer.from(JSON.stringify(doc));
}

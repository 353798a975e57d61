/**
 * `podbay image import|ls|rm`: the node's image store from the command line. The composition root
 * (src/cmd) gives these an image store for the chosen data dir; they only talk to it through the
 * small interface below, print what happened, and return the exit code.
 *
 *   podbay image import [--data-dir DIR] [--name REF] FILE...   Loaded image: NAME (ID)
 *   podbay image ls [--data-dir DIR] [--quiet]                  IMAGE  TAG  IMAGE ID  SIZE
 *   podbay image rm [--data-dir DIR] REF...                     Deleted: REF
 *
 * Every file or reference is tried in turn; each failure is one `podbay: …` line on stderr and
 * makes the exit code 1. Nothing a failed one started is left behind (the store guarantees it).
 */
import { errorMessage } from '../util/index.ts';

/** What these commands need of an image (the kubelet's ImageRecord has these fields). */
export interface ListedImage {
  readonly id: string;
  readonly repoTags: readonly string[];
  readonly size: number;
}

export interface ImportedImage extends ListedImage {
  /** The names the import gave it (the archive's, and --name). */
  readonly importedNames: readonly string[];
}

/** What these commands need of the image store. */
export interface ImageCommandStore {
  import(
    file: string,
    opts: { readonly name?: string },
  ): Promise<{ readonly images: readonly ImportedImage[] }>;
  list(): Promise<ListedImage[]>;
  remove(ref: string): Promise<void>;
}

export interface ImageCommandIO {
  readonly store: ImageCommandStore;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

function report(io: ImageCommandIO, err: unknown): void {
  let message = errorMessage(err);
  // Node's own wording ("EACCES: permission denied, mkdir '/var/lib/podbay/images'") as a sentence.
  const errno = /^(EACCES|EPERM|EROFS|ENOSPC): ([^,]+), (\w+) '([^']*)'/.exec(message);
  if (errno)
    message = `cannot ${errno[3] ?? ''} ${errno[4] ?? ''}: ${errno[2] ?? ''}${errno[1] === 'EACCES' || errno[1] === 'EPERM' ? ' (the image store needs root)' : ''}`;
  io.stderr(`podbay: ${message}\n`);
}

export async function imageImport(
  io: ImageCommandIO,
  files: readonly string[],
  opts: { readonly name?: string },
): Promise<number> {
  let code = 0;
  for (const file of files) {
    try {
      const result = await io.store.import(
        file,
        opts.name !== undefined ? { name: opts.name } : {},
      );
      for (const image of result.images) {
        if (image.importedNames.length === 0) io.stdout(`Loaded image ID: ${image.id}\n`);
        for (const name of image.importedNames) io.stdout(`Loaded image: ${name} (${image.id})\n`);
      }
    } catch (err) {
      report(io, err);
      code = 1;
    }
  }
  return code;
}

/** Bytes as Docker and crictl print them: decimal units, three significant digits. */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${String(Number(value.toPrecision(3)))}${units[unit] ?? 'B'}`;
}

function splitName(name: string): { repository: string; tag: string } {
  const colon = name.lastIndexOf(':');
  if (colon <= name.lastIndexOf('/')) return { repository: name, tag: '<none>' };
  return { repository: name.slice(0, colon), tag: name.slice(colon + 1) };
}

/** The `image ls` table: one row per name (an unnamed image shows `<none>`), sorted. */
export function formatImageTable(images: readonly ListedImage[]): string {
  const rows: string[][] = [];
  for (const image of images) {
    const shortId = image.id.replace(/^sha256:/, '').slice(0, 12);
    const size = humanSize(image.size);
    if (image.repoTags.length === 0) rows.push(['<none>', '<none>', shortId, size]);
    for (const name of image.repoTags) {
      const { repository, tag } = splitName(name);
      rows.push([repository, tag, shortId, size]);
    }
  }
  rows.sort(
    (a, b) => (a[0] ?? '').localeCompare(b[0] ?? '') || (a[1] ?? '').localeCompare(b[1] ?? ''),
  );
  const table = [['IMAGE', 'TAG', 'IMAGE ID', 'SIZE'], ...rows];
  const widths = [0, 1, 2].map((i) => Math.max(...table.map((r) => (r[i] ?? '').length)));
  return table
    .map((r) => r.map((cell, i) => (i < 3 ? cell.padEnd((widths[i] ?? 0) + 3) : cell)).join(''))
    .map((line) => `${line}\n`)
    .join('');
}

export async function imageList(
  io: ImageCommandIO,
  opts: { readonly quiet?: boolean },
): Promise<number> {
  try {
    const images = await io.store.list();
    if (opts.quiet === true) for (const image of images) io.stdout(`${image.id}\n`);
    else io.stdout(formatImageTable(images));
    return 0;
  } catch (err) {
    report(io, err);
    return 1;
  }
}

export async function imageRemove(io: ImageCommandIO, refs: readonly string[]): Promise<number> {
  let code = 0;
  for (const ref of refs) {
    try {
      await io.store.remove(ref);
      io.stdout(`Deleted: ${ref}\n`);
    } catch (err) {
      report(io, err);
      code = 1;
    }
  }
  return code;
}

/**
 * The atomic writer: how configMap, secret, downwardAPI and projected volumes put their files on
 * disk so that a process in the container never sees a half-updated volume (upstream's
 * pkg/volume/util/atomic_writer.go keeps the same layout, which applications rely on: they watch
 * `..data` with inotify, and tools such as `kubectl cp` and configuration reloaders expect it).
 *
 *   <volume>/key          -> ..data/key          user-visible names: relative symlinks, one per
 *   <volume>/dir          -> ..data/dir          top-level path component of the payload
 *   <volume>/..data       -> ..2026_11_21_10_15_42.483920176
 *   <volume>/..2026_11_21_10_15_42.483920176/    the real files, each with its own mode; 0755
 *
 * write(payload), in order:
 *   1. validate every path (relative, no `..` element, not starting with `..`, length limits)
 *   2. read `..data`; when there is a current version, list the paths it has that the payload
 *      drops, and compare contents and modes: nothing to do → only make sure the user-visible
 *      links exist, report "unchanged"
 *   3. make a new timestamped directory (0755) and write the payload into it (files with their
 *      exact mode whatever the umask, directories 0755); a failure removes it and changes nothing
 *   4. symlink `..data_tmp` → the new directory, then rename it over `..data`: rename(2) is atomic,
 *      so a reader sees the old set of files or the new one, never a mix
 *   5. create user-visible links for new top-level names; remove the ones the payload dropped
 *   6. remove the previous timestamped directory (and any left by an interrupted write)
 *
 * Paths starting with `..` are reserved for the writer. Calls for one directory must not overlap
 * (the pod worker serialises them).
 */
import { randomInt } from 'node:crypto';
import {
  chmod,
  lstat,
  mkdir,
  readFile,
  readdir,
  readlink,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { realClock, silentLogger, type Clock, type Logger } from '../../util/index.ts';

/** One file of a volume: its bytes and permission bits. */
export interface FileProjection {
  readonly data: Uint8Array;
  readonly mode: number;
}

/** Relative path → file, as the volume types build it. */
export type Payload = ReadonlyMap<string, FileProjection>;

export const dataDirName = '..data';
export const newDataDirName = '..data_tmp';
const maxFileNameLength = 255;
const maxPathLength = 4096;
/** `..YYYY_MM_DD_HH_MM_SS.<digits>`: the writer's version directories. */
const tsDirRe = /^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d+$/;

export class AtomicWriterError extends Error {
  override readonly name = 'AtomicWriterError';
}

/** Step 1 for one path; upstream's wording. */
export function validatePayloadPath(targetPath: string): void {
  if (targetPath === '') {
    throw new AtomicWriterError(`invalid path: must not be empty: ${JSON.stringify(targetPath)}`);
  }
  if (path.posix.isAbsolute(targetPath)) {
    throw new AtomicWriterError(`invalid path: must be relative path: ${targetPath}`);
  }
  if (Buffer.byteLength(targetPath) > maxPathLength) {
    throw new AtomicWriterError(
      `invalid path: must be less than or equal to ${maxPathLength} characters`,
    );
  }
  if (targetPath.includes('\0')) {
    throw new AtomicWriterError(
      `invalid path: must not contain NUL: ${JSON.stringify(targetPath)}`,
    );
  }
  const items = targetPath.split('/');
  for (const item of items) {
    if (item === '..') {
      throw new AtomicWriterError(`invalid path: must not contain '..': ${targetPath}`);
    }
    if (Buffer.byteLength(item) > maxFileNameLength) {
      throw new AtomicWriterError(
        `invalid path: filenames must be less than or equal to ${maxFileNameLength} characters`,
      );
    }
  }
  if ((items[0] ?? '').startsWith('..')) {
    throw new AtomicWriterError(`invalid path: must not start with '..': ${targetPath}`);
  }
}

/** `a//b/./c/` → `a/b/c`, as Go's filepath.Clean does for relative paths. */
function cleanPath(p: string): string {
  const n = path.posix.normalize(p).replace(/\/+$/, '');
  return n.startsWith('./') ? n.slice(2) : n;
}

/** Step 1: validated, cleaned paths (sorted, so writes and errors are deterministic). */
export function validatePayload(payload: Payload): Map<string, FileProjection> {
  const out = new Map<string, FileProjection>();
  for (const k of [...payload.keys()].sort()) {
    validatePayloadPath(k);
    const clean = cleanPath(k);
    if (clean === '.' || clean === '') {
      throw new AtomicWriterError(`invalid path: must not be empty: ${JSON.stringify(k)}`);
    }
    const v = payload.get(k);
    if (v) out.set(clean, v);
  }
  // A path that is both a file and a directory of another path cannot be written.
  for (const k of out.keys()) {
    for (let d = path.posix.dirname(k); d !== '.'; d = path.posix.dirname(d)) {
      if (out.has(d)) {
        throw new AtomicWriterError(`invalid payload: ${d} is both a file and a directory`);
      }
    }
  }
  return out;
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Go's `..2006_01_02_15_04_05.` layout, in UTC. */
function tsPrefix(ms: number): string {
  const d = new Date(ms);
  return `..${pad(d.getUTCFullYear(), 4)}_${pad(d.getUTCMonth() + 1)}_${pad(d.getUTCDate())}_${pad(d.getUTCHours())}_${pad(d.getUTCMinutes())}_${pad(d.getUTCSeconds())}.`;
}

/** Every file and directory below `dir`, relative, `a`, `a/b`, ... */
async function walk(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const p = rel === '' ? e.name : `${rel}/${e.name}`;
    out.push(p);
    if (e.isDirectory()) out.push(...(await walk(dir, p)));
  }
  return out;
}

function topLevel(p: string): string {
  const i = p.indexOf('/');
  return i === -1 ? p : p.slice(0, i);
}

export interface AtomicWriterOptions {
  /** The volume directory; it must exist. */
  readonly targetDir: string;
  /** Names the timestamped directories. */
  readonly clock?: Clock;
  readonly logger?: Logger;
}

export class AtomicWriter {
  private readonly targetDir: string;
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(opts: AtomicWriterOptions) {
    this.targetDir = opts.targetDir;
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger ?? silentLogger;
  }

  /** The timestamped directory `..data` points at, or undefined before the first write. */
  async currentVersion(): Promise<string | undefined> {
    let target: string;
    try {
      target = await readlink(path.join(this.targetDir, dataDirName));
    } catch (err) {
      if (errno(err) === 'ENOENT') return undefined;
      if (errno(err) === 'EINVAL') {
        throw new AtomicWriterError(`${dataDirName} in ${this.targetDir} is not a symlink`);
      }
      throw err;
    }
    // Only ever a sibling name we wrote; anything else is not ours to follow.
    if (target.includes('/') || !target.startsWith('..')) {
      throw new AtomicWriterError(
        `${dataDirName} in ${this.targetDir} points at ${JSON.stringify(target)}, not a data version`,
      );
    }
    return target;
  }

  /**
   * Projects `payload` into the directory; true when the files changed (see the steps above).
   * `setPerms` runs after the new version is written and before it becomes visible (fsGroup
   * ownership, as upstream's setPerms callback).
   */
  async write(payload: Payload, setPerms?: () => Promise<void>): Promise<boolean> {
    // Step 1.
    const clean = validatePayload(payload);

    // Step 2.
    const oldTsDir = await this.currentVersion();
    let toRemove: string[] = [];
    if (oldTsDir !== undefined) {
      const oldPath = path.join(this.targetDir, oldTsDir);
      toRemove = await this.pathsToRemove(clean, oldPath);
      if (toRemove.length === 0 && !(await this.shouldWrite(clean, oldPath))) {
        await this.createUserVisibleFiles(clean);
        return false;
      }
    }

    // Step 3.
    const tsDir = await this.newTimestampDir();
    const tsName = path.basename(tsDir);
    try {
      await this.writePayloadToDir(clean, tsDir);
      if (setPerms) await setPerms();
    } catch (err) {
      await rm(tsDir, { recursive: true, force: true });
      throw err;
    }

    // Step 4.
    const tmpLink = path.join(this.targetDir, newDataDirName);
    try {
      await rm(tmpLink, { force: true });
      await symlink(tsName, tmpLink);
      await rename(tmpLink, path.join(this.targetDir, dataDirName));
    } catch (err) {
      await rm(tmpLink, { force: true });
      await rm(tsDir, { recursive: true, force: true });
      throw err;
    }

    // Step 5.
    await this.createUserVisibleFiles(clean);
    for (const p of toRemove) {
      if (p.includes('/')) continue;
      await rm(path.join(this.targetDir, p), { force: true });
    }

    // Step 6.
    for (const name of await readdir(this.targetDir)) {
      if (name !== tsName && (name === oldTsDir || tsDirRe.test(name))) {
        await rm(path.join(this.targetDir, name), { recursive: true, force: true });
      }
    }
    this.log.debug('volume data written', { dir: this.targetDir, version: tsName });
    return true;
  }

  /** Paths of the old version that the new payload neither has nor needs as a directory. */
  private async pathsToRemove(payload: Map<string, FileProjection>, oldPath: string) {
    let current: string[];
    try {
      current = await walk(oldPath);
    } catch (err) {
      if (errno(err) === 'ENOENT') return [];
      throw err;
    }
    const keep = new Set<string>();
    for (const p of payload.keys()) {
      for (let d = p; d !== '.'; d = path.posix.dirname(d)) keep.add(d);
    }
    return current.filter((p) => !keep.has(p)).sort();
  }

  private async shouldWrite(payload: Map<string, FileProjection>, oldPath: string) {
    for (const [p, f] of payload) {
      const full = path.join(oldPath, p);
      let st;
      try {
        st = await lstat(full);
      } catch (err) {
        if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return true;
        throw err;
      }
      if (!st.isFile() || (st.mode & 0o7777) !== (f.mode & 0o7777)) return true;
      if (st.size !== f.data.byteLength) return true;
      if (!Buffer.from(f.data).equals(await readFile(full))) return true;
    }
    return false;
  }

  private async newTimestampDir(): Promise<string> {
    const prefix = tsPrefix(this.clock.now());
    for (;;) {
      const dir = path.join(this.targetDir, `${prefix}${randomInt(1_000_000_000)}`);
      try {
        await mkdir(dir, { mode: 0o755 });
      } catch (err) {
        if (errno(err) === 'EEXIST') continue;
        throw err;
      }
      // 0755 whatever the umask: group and other must be able to reach the files.
      await chmod(dir, 0o755);
      return dir;
    }
  }

  private async writePayloadToDir(payload: Map<string, FileProjection>, dir: string) {
    const made = new Set<string>();
    for (const [p, f] of payload) {
      const parent = path.posix.dirname(p);
      if (parent !== '.' && !made.has(parent)) {
        let rel = '';
        for (const seg of parent.split('/')) {
          rel = rel === '' ? seg : `${rel}/${seg}`;
          if (made.has(rel)) continue;
          await mkdir(path.join(dir, rel), { mode: 0o755 }).catch((err: unknown) => {
            if (errno(err) !== 'EEXIST') throw err;
          });
          await chmod(path.join(dir, rel), 0o755);
          made.add(rel);
        }
      }
      const full = path.join(dir, p);
      const mode = f.mode & 0o7777;
      await writeFile(full, f.data, { mode, flag: 'wx' });
      // The umask narrowed the create mode; the volume's mode is what the user asked for.
      await chmod(full, mode);
    }
  }

  /** `name -> ..data/name` for every top-level name of the payload that has no link yet. */
  private async createUserVisibleFiles(payload: Map<string, FileProjection>) {
    const names = new Set([...payload.keys()].map(topLevel));
    for (const name of [...names].sort()) {
      const visible = path.join(this.targetDir, name);
      try {
        await lstat(visible);
        continue;
      } catch (err) {
        if (errno(err) !== 'ENOENT') throw err;
      }
      await symlink(`${dataDirName}/${name}`, visible);
    }
  }

  /** The user-visible names in the directory (everything not reserved by the writer). */
  async listUserVisible(): Promise<string[]> {
    return (await readdir(this.targetDir)).filter((n) => !n.startsWith('..')).sort();
  }
}

/**
 * Crash-safe file primitives for key material. A reader (or the next start after a crash) sees
 * either the old file or the new one, never a half-written key:
 *
 * - `writeFileAtomic`: write a temp file beside the target, fsync, chmod, rename over, fsync the dir.
 * - `createFileExclusive`: the same, but `link()` instead of `rename()`, so the first of several
 *   concurrent writers wins and the others learn that the file already exists.
 * - `withLockFile`: an O_EXCL lock file for short critical sections shared by processes.
 *
 * Temp files are named `<target>.tmp-<pid>-<random>`; `removeStaleTemps` sweeps the ones a crash left.
 */
import { randomBytes } from 'node:crypto';
import { link, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { PkiError, errnoCode } from './pki-error.ts';

const TEMP_MARK = '.tmp-';

function tempPathFor(path: string): string {
  return `${path}${TEMP_MARK}${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** fsyncs a directory so that a rename or link inside it survives a power loss. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } catch (err) {
    // Some file systems cannot fsync a directory; the rename is still atomic there.
    if (errnoCode(err) !== 'EINVAL' && errnoCode(err) !== 'EISDIR') throw err;
  } finally {
    await fh.close();
  }
}

/** Writes `data` to a new file at `path` with exactly `mode`, flushed to disk. Fails if it exists. */
export async function writeNewFile(path: string, data: string, mode: number): Promise<void> {
  const fh = await open(path, 'wx', mode);
  try {
    await fh.chmod(mode); // open's mode is filtered by the umask; the file must have exactly this one
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function writeTemp(path: string, data: string, mode: number): Promise<string> {
  const tmp = tempPathFor(path);
  try {
    await writeNewFile(tmp, data, mode);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  return tmp;
}

/** Replaces `path` with `data` (mode `mode`) atomically. */
export async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = await writeTemp(path, data, mode);
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(dirname(path));
}

/**
 * Creates `path` with `data` atomically unless it already exists. Returns false (and changes
 * nothing) when another writer got there first.
 */
export async function createFileExclusive(
  path: string,
  data: string,
  mode: number,
): Promise<boolean> {
  const tmp = await writeTemp(path, data, mode);
  try {
    await link(tmp, path);
  } catch (err) {
    if (errnoCode(err) === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  await syncDir(dirname(path));
  return true;
}

/** Reads a file as UTF-8, or undefined when it does not exist. */
export async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/** Leftovers older than this are from a crashed writer (a live one finishes in milliseconds). */
const STALE_MS = 60_000;

/**
 * Removes temp files and directories in `dir` that a crashed writer left behind: entries named
 * `<prefix>…` (for a directory of temp dirs) or `….tmp-<pid>-<random>`, older than a minute.
 */
export async function removeStaleTemps(
  dir: string,
  prefixes: readonly string[] = [],
): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const now = Date.now();
  await Promise.all(
    names
      .filter((n) => n.includes(TEMP_MARK) || prefixes.some((p) => n.startsWith(p)))
      .map(async (n) => {
        const p = join(dir, n);
        try {
          const st = await stat(p);
          if (now - st.mtimeMs > STALE_MS) await rm(p, { recursive: true, force: true });
        } catch {
          // gone already, or not ours to remove: either way nothing to do
        }
      }),
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
}

export interface LockOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** A lock file older than this is from a crashed holder and is broken (default 30 s). */
  staleMs?: number;
}

/**
 * Runs `fn` while holding the lock file `lockPath` (created with O_EXCL, holding our pid). Waiters
 * poll every 20 ms. A lock whose holder process is gone, or that is older than `staleMs`, is broken.
 * This is for critical sections of milliseconds (re-issuing a certificate); the poll uses real time
 * on purpose, since it coordinates with other processes, not with our own timers.
 */
export async function withLockFile<T>(
  lockPath: string,
  fn: () => Promise<T>,
  opts: LockOptions = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const staleMs = opts.staleMs ?? 30_000;
  const started = Date.now();
  for (;;) {
    try {
      await writeNewFile(lockPath, `${process.pid}\n`, 0o600);
      break;
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw err;
    }
    if (await isStaleLock(lockPath, staleMs)) {
      await unlink(lockPath).catch(() => undefined);
      continue;
    }
    if (Date.now() - started > timeoutMs) {
      throw new PkiError(
        `timed out waiting for ${lockPath}, held by another podbay process; if none is running, remove it`,
      );
    }
    await delay(20);
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

async function isStaleLock(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const [st, text] = await Promise.all([stat(lockPath), readFile(lockPath, 'utf8')]);
    if (Date.now() - st.mtimeMs > staleMs) return true;
    const pid = Number.parseInt(text.trim(), 10);
    // An empty file is a holder between create and write: alive, by definition.
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isAlive(pid);
  } catch (err) {
    // Released between our attempt and this check: not stale, just try again.
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
}

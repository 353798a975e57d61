import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileExclusive, withLockFile, writeFileAtomic } from './atomic-file.ts';
import { PkiError, dataDirError } from './pki-error.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podbay-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('atomic files', () => {
  it('writeFileAtomic replaces content with exactly the given mode, whatever the umask', async () => {
    const p = join(dir, 'f');
    await writeFile(p, 'old', { mode: 0o666 });
    const umask = process.umask(0o077);
    try {
      await writeFileAtomic(p, 'new', 0o644);
    } finally {
      process.umask(umask);
    }
    expect(await readFile(p, 'utf8')).toBe('new');
    expect((await stat(p)).mode & 0o777).toBe(0o644);
    expect(await readdir(dir)).toEqual(['f']);
  });

  it('a failed write leaves the old file and no temp file', async () => {
    const p = join(dir, 'missing-dir', 'f');
    await expect(writeFileAtomic(p, 'x', 0o600)).rejects.toThrow(/ENOENT/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('createFileExclusive lets exactly one of many concurrent writers win', async () => {
    const p = join(dir, 'token');
    const won = await Promise.all(
      Array.from({ length: 10 }, (_, i) => createFileExclusive(p, `writer-${i}`, 0o600)),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await readFile(p, 'utf8')).toBe(`writer-${won.indexOf(true)}`);
    expect(await readdir(dir)).toEqual(['token']);
  });
});

describe('withLockFile', () => {
  it('serialises critical sections', async () => {
    const lock = join(dir, '.lock');
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 5 }, () =>
        withLockFile(lock, async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await new Promise((r) => setTimeout(r, 5));
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(await readdir(dir)).toEqual([]);
  });

  it('breaks the lock of a dead process, and times out on a live one', async () => {
    const lock = join(dir, '.lock');
    await writeFile(lock, '999999999\n');
    expect(await withLockFile(lock, () => Promise.resolve('ran'))).toBe('ran');

    await writeFile(lock, `${process.ppid}\n`); // alive, and not us
    const err: unknown = await withLockFile(lock, () => Promise.resolve('ran'), {
      timeoutMs: 100,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PkiError);
    expect((err as Error).message).toMatch(
      /timed out waiting for .*\.lock, held by another podbay process/,
    );
  });

  it('releases the lock when the critical section throws', async () => {
    const lock = join(dir, '.lock');
    await expect(withLockFile(lock, () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('dataDirError', () => {
  it('turns permission and file-system errors into one sentence, and leaves others', () => {
    const eacces = Object.assign(new Error('EACCES: permission denied, mkdir'), { code: 'EACCES' });
    const mapped = dataDirError('/var/lib/podbay', eacces);
    expect(mapped).toBeInstanceOf(PkiError);
    expect((mapped as Error).message).toBe(
      'data dir /var/lib/podbay is not writable (permission denied): run as root or choose another with --data-dir',
    );
    expect((mapped as Error).cause).toBe(eacces);
    const erofs = Object.assign(new Error('EROFS'), { code: 'EROFS' });
    expect((dataDirError('/d', erofs) as Error).message).toContain('(read-only file system)');
    const other = new Error('something else');
    expect(dataDirError('/d', other)).toBe(other);
  });
});

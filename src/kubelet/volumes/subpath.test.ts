import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSubPath, resolveSubPath, SubPathError, validateSubPath } from './subpath.ts';

/** The process umask, read without changing it (process.umask() writes it). */
const umask = parseInt(
  /Umask:\s*([0-7]+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '22',
  8,
);

let root = '';
let vol = '';

beforeEach(async () => {
  root = await realpath(await mkdtemp(path.join(tmpdir(), 'podbay-subpath-')));
  vol = path.join(root, 'vol');
  await mkdir(path.join(vol, 'data', 'nested'), { recursive: true });
  await writeFile(path.join(vol, 'data', 'file.txt'), 'hello');
  await mkdir(path.join(root, 'outside'));
  await writeFile(path.join(root, 'outside', 'secret'), 'host secret');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('validateSubPath', () => {
  it.each([
    ['/etc', 'error SubPath `/etc` must not be an absolute path'],
    ['..', "unable to provision SubPath `..`: must not contain '..'"],
    ['a/../../b', "unable to provision SubPath `a/../../b`: must not contain '..'"],
    ['a/..', "unable to provision SubPath `a/..`: must not contain '..'"],
  ])('refuses %s', (sub, msg) => {
    expect(() => {
      validateSubPath(sub);
    }).toThrow(msg);
  });

  it.each(['a', 'a/b', './a', 'a..b', '..a'])('accepts %s', (sub) => {
    expect(() => {
      validateSubPath(sub);
    }).not.toThrow();
  });
});

describe('resolveSubPath', () => {
  it('resolves a directory and a file inside the volume', async () => {
    expect(await resolveSubPath(vol, 'data/nested')).toBe(path.join(vol, 'data', 'nested'));
    expect(await resolveSubPath(vol, 'data/file.txt')).toBe(path.join(vol, 'data', 'file.txt'));
    expect(await resolveSubPath(vol, './data//nested/')).toBe(path.join(vol, 'data', 'nested'));
  });

  it('allows symlinks that stay inside the volume, resolving them', async () => {
    await symlink('data/nested', path.join(vol, 'inner'));
    await symlink(path.join(vol, 'data'), path.join(vol, 'abs-inner'));
    expect(await resolveSubPath(vol, 'inner')).toBe(path.join(vol, 'data', 'nested'));
    expect(await resolveSubPath(vol, 'abs-inner/file.txt')).toBe(
      path.join(vol, 'data', 'file.txt'),
    );
  });

  it('refuses a symlink to /', async () => {
    await symlink('/', path.join(vol, 'root'));
    await expect(resolveSubPath(vol, 'root')).rejects.toThrow(
      `subpath "/" not within volume path "${vol}"`,
    );
    await expect(resolveSubPath(vol, 'root/etc')).rejects.toThrow(SubPathError);
  });

  it('refuses relative symlinks that climb out', async () => {
    await symlink('../outside', path.join(vol, 'up'));
    await symlink('../../outside/secret', path.join(vol, 'data', 'up2'));
    await expect(resolveSubPath(vol, 'up')).rejects.toThrow('not within volume path');
    await expect(resolveSubPath(vol, 'up/secret')).rejects.toThrow('not within volume path');
    await expect(resolveSubPath(vol, 'data/up2')).rejects.toThrow('not within volume path');
  });

  it('refuses symlink chains that end outside', async () => {
    await symlink('b', path.join(vol, 'a'));
    await symlink('c', path.join(vol, 'b'));
    await symlink(path.join(root, 'outside'), path.join(vol, 'c'));
    await expect(resolveSubPath(vol, 'a')).rejects.toThrow('not within volume path');
    await expect(resolveSubPath(vol, 'a/secret')).rejects.toThrow('not within volume path');
  });

  it('refuses absolute subPaths and .. before touching the disk', async () => {
    await expect(resolveSubPath(vol, path.join(root, 'outside'))).rejects.toThrow(
      'must not be an absolute path',
    );
    await expect(resolveSubPath(vol, '../outside')).rejects.toThrow("must not contain '..'");
    await expect(resolveSubPath(vol, 'data/../../outside')).rejects.toThrow(
      "must not contain '..'",
    );
  });

  it('fails for a missing path when not asked to create it', async () => {
    await expect(resolveSubPath(vol, 'nope/deeper')).rejects.toThrow('no such file or directory');
  });

  it('fails clearly when the volume itself is missing', async () => {
    await expect(resolveSubPath(path.join(root, 'missing'), 'x')).rejects.toThrow(
      'error resolving symlinks in',
    );
  });
});

describe('openSubPath with createMode', () => {
  it('creates missing directories inside the volume with the given mode', async () => {
    const opened = await openSubPath(vol, 'new/deeper', { createMode: 0o750 });
    await opened.handle.close();
    expect(opened.path).toBe(path.join(vol, 'new', 'deeper'));
    expect(opened.isDirectory).toBe(true);
    const st = await stat(path.join(vol, 'new', 'deeper'));
    expect(st.isDirectory()).toBe(true);
    expect(st.mode & 0o777).toBe(0o750 & ~umask);
  });

  it('creates under an in-volume symlink at its target', async () => {
    await symlink('data', path.join(vol, 'link'));
    const opened = await openSubPath(vol, 'link/made', { createMode: 0o755 });
    await opened.handle.close();
    expect(opened.path).toBe(path.join(vol, 'data', 'made'));
    expect((await stat(path.join(vol, 'data', 'made'))).isDirectory()).toBe(true);
  });

  it('refuses to create through a dangling symlink that points outside', async () => {
    await symlink(path.join(root, 'outside', 'not-yet'), path.join(vol, 'dangling'));
    await expect(openSubPath(vol, 'dangling/x', { createMode: 0o755 })).rejects.toThrow(/symlink/);
    await expect(stat(path.join(root, 'outside', 'not-yet'))).rejects.toThrow();
  });

  it('refuses to descend through a file', async () => {
    await expect(openSubPath(vol, 'data/file.txt/x', { createMode: 0o755 })).rejects.toThrow(
      SubPathError,
    );
  });

  it('returns a descriptor of the file it checked', async () => {
    const opened = await openSubPath(vol, 'data/file.txt');
    try {
      const viaFd = await stat(`/proc/self/fd/${opened.handle.fd}`);
      const direct = await stat(path.join(vol, 'data', 'file.txt'));
      expect(viaFd.ino).toBe(direct.ino);
      expect(opened.isDirectory).toBe(false);
    } finally {
      await opened.handle.close();
    }
  });
});

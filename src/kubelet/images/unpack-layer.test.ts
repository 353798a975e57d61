import { execFileSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTar, type TarEntry } from './testing/test-archives.ts';
import { unpackLayer } from './unpack-layer.ts';
import { isRoot, missing } from '../../../test/support/prerequisites.ts';

const haveSetfattr = (() => {
  try {
    execFileSync('getfattr', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podbay-unpack-'));
  await mkdir(join(dir, 'layer'));
});
afterEach(async () => {
  // Without root, a read-only directory from a layer keeps rm from emptying it.
  execFileSync('chmod', ['-R', 'u+rwx', dir]);
  await rm(dir, { recursive: true, force: true });
});

async function unpack(entries: TarEntry[], privileged: boolean) {
  const tar = await buildTar(entries);
  return unpackLayer({
    tar: (async function* () {
      yield await Promise.resolve(tar);
    })(),
    dest: join(dir, 'layer'),
    privileged,
  });
}

const mtime = new Date('2023-05-06T07:08:09Z');

describe('unpackLayer', () => {
  it('keeps modes, mtimes, symlinks and hardlinks, and reports whiteouts and opaque dirs', async () => {
    const content = await unpack(
      [
        { name: './', type: 'directory', mode: 0o755 },
        { name: 'ro/', type: 'directory', mode: 0o555, mtime },
        { name: 'ro/file', data: 'abc', mode: 0o4755, mtime },
        { name: 'ro/again', type: 'link', linkname: 'ro/file' },
        { name: 'link', type: 'symlink', linkname: '/nowhere/../ro/file' },
        { name: 'fifo', type: 'fifo', mode: 0o600 },
        { name: '.wh.gone', data: '' },
        { name: 'ro/.wh..wh..opq', data: '' },
        { name: 'ro/.wh..wh.plnk', data: '' },
        { name: 'replaced', data: 'first' },
        { name: 'replaced', data: 'second!' },
      ],
      false,
    );
    const layer = join(dir, 'layer');
    expect(content).toEqual({ size: 3 + 5 + 7, whiteouts: ['gone'], opaques: ['ro'] });
    expect(((await stat(join(layer, 'ro'))).mode & 0o7777).toString(8)).toBe('555');
    expect((await stat(join(layer, 'ro'))).mtime).toEqual(mtime);
    expect(((await stat(join(layer, 'ro/file'))).mode & 0o7777).toString(8)).toBe('4755');
    expect((await stat(join(layer, 'ro/file'))).ino).toBe(
      (await stat(join(layer, 'ro/again'))).ino,
    );
    expect(await readlink(join(layer, 'link'))).toBe('/nowhere/../ro/file');
    expect((await lstat(join(layer, 'fifo'))).isFIFO()).toBe(true);
    expect(await readFile(join(layer, 'replaced'), 'utf8')).toBe('second!');
    // Unprivileged: the markers are only reported, not written.
    expect((await readdir(layer)).sort()).toEqual(['fifo', 'link', 'replaced', 'ro']);
  });

  it('a whiteout of something the same layer has only hides the layers below', async () => {
    const content = await unpack(
      [
        { name: 'keep', data: 'mine' },
        { name: '.wh.keep', data: '' },
        { name: 'd/', type: 'directory' },
        { name: '.wh.d', data: '' },
      ],
      false,
    );
    expect(await readFile(join(dir, 'layer/keep'), 'utf8')).toBe('mine');
    expect(content.opaques).toEqual(['d']);
  });

  it.skipIf(missing({ root: isRoot, 'setfattr (attr)': haveSetfattr }))(
    'as root: owners, devices, and overlayfs whiteout devices and opaque xattrs',
    async () => {
      await unpack(
        [
          { name: 'home/', type: 'directory', uid: 1000, gid: 1000 },
          { name: 'home/me', data: 'x', uid: 1000, gid: 100, mode: 0o2750 },
          { name: 'home/ln', type: 'symlink', linkname: 'me', uid: 1000, gid: 1000 },
          { name: 'null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
          { name: '.wh.gone', data: '' },
          { name: 'o/', type: 'directory' },
          { name: 'o/.wh..wh..opq', data: '' },
        ],
        true,
      );
      const layer = join(dir, 'layer');
      const me = await stat(join(layer, 'home/me'));
      expect([me.uid, me.gid, (me.mode & 0o7777).toString(8)]).toEqual([1000, 100, '2750']);
      expect((await lstat(join(layer, 'home/ln'))).uid).toBe(1000);
      expect((await stat(join(layer, 'home'))).uid).toBe(1000);
      const nul = await lstat(join(layer, 'null'));
      expect(nul.isCharacterDevice()).toBe(true);
      expect(nul.rdev).toBe((1 << 8) | 3);
      const gone = await lstat(join(layer, 'gone'));
      expect([gone.isCharacterDevice(), gone.rdev]).toEqual([true, 0]);
      expect(
        execFileSync(
          'getfattr',
          ['--only-values', '-n', 'trusted.overlay.opaque', join(layer, 'o')],
          {
            encoding: 'utf8',
          },
        ),
      ).toBe('y');
    },
  );
});

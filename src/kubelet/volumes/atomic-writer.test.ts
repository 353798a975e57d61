import {
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  rm,
  stat,
  symlink,
  unlink,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../util/index.ts';
import {
  AtomicWriter,
  AtomicWriterError,
  validatePayloadPath,
  type FileProjection,
} from './atomic-writer.ts';

let dir = '';
let clock: FakeClock;
let writer: AtomicWriter;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'podbay-atomic-'));
  clock = new FakeClock(Date.UTC(2026, 10, 21, 10, 15, 42));
  writer = new AtomicWriter({ targetDir: dir, clock });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function file(text: string, mode = 0o644): FileProjection {
  return { data: Buffer.from(text), mode };
}

function payload(entries: Record<string, FileProjection>): Map<string, FileProjection> {
  return new Map(Object.entries(entries));
}

async function version(): Promise<string> {
  return readlink(path.join(dir, '..data'));
}

/** The directory as a reader sees it: user-visible names → content through the links. */
async function visible(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const visit = async (rel: string): Promise<void> => {
    const full = path.join(dir, rel);
    const st = await stat(full);
    if (st.isDirectory()) {
      for (const n of (await readdir(full)).sort()) await visit(rel === '' ? n : `${rel}/${n}`);
    } else {
      out[rel] = await readFile(full, 'utf8');
    }
  };
  for (const n of (await readdir(dir)).filter((x) => !x.startsWith('..')).sort()) await visit(n);
  return out;
}

describe('AtomicWriter', () => {
  it('writes the upstream layout: visible symlinks into ..data, a timestamped 0755 version dir', async () => {
    const changed = await writer.write(
      payload({
        'app.properties': file('a=1\n'),
        'nested/dir/key': file('deep', 0o400),
        'nested/other': file('x', 0o755),
      }),
    );
    expect(changed).toBe(true);
    const ts = await version();
    expect(ts).toMatch(/^\.\.2026_11_21_10_15_42\.\d+$/);
    expect((await stat(path.join(dir, ts))).mode & 0o7777).toBe(0o755);
    expect(await readlink(path.join(dir, 'app.properties'))).toBe('..data/app.properties');
    expect(await readlink(path.join(dir, 'nested'))).toBe('..data/nested');
    expect((await readdir(dir)).sort()).toEqual(['..data', ts, 'app.properties', 'nested'].sort());
    expect(await visible()).toEqual({
      'app.properties': 'a=1\n',
      'nested/dir/key': 'deep',
      'nested/other': 'x',
    });
    // Modes exactly as asked, whatever the umask; directories 0755.
    expect((await stat(path.join(dir, ts, 'app.properties'))).mode & 0o7777).toBe(0o644);
    expect((await stat(path.join(dir, ts, 'nested/dir/key'))).mode & 0o7777).toBe(0o400);
    expect((await stat(path.join(dir, ts, 'nested/other'))).mode & 0o7777).toBe(0o755);
    expect((await stat(path.join(dir, ts, 'nested/dir'))).mode & 0o7777).toBe(0o755);
    expect((await lstat(path.join(dir, '..data'))).isSymbolicLink()).toBe(true);
  });

  it('changes nothing when the payload is the same', async () => {
    const p = payload({ a: file('1'), b: file('2', 0o600) });
    expect(await writer.write(p)).toBe(true);
    const ts = await version();
    await clock.step(5000);
    expect(await writer.write(p)).toBe(false);
    expect(await version()).toBe(ts);
  });

  it('switches to a new version on a content change and removes the old one', async () => {
    await writer.write(payload({ a: file('1'), b: file('2') }));
    const first = await version();
    await clock.step(61_000);
    expect(await writer.write(payload({ a: file('1'), b: file('changed') }))).toBe(true);
    const second = await version();
    expect(second).not.toBe(first);
    expect(second).toMatch(/^\.\.2026_11_21_10_16_43\./);
    expect(await visible()).toEqual({ a: '1', b: 'changed' });
    expect((await readdir(dir)).sort()).toEqual(['..data', second, 'a', 'b'].sort());
  });

  it('rewrites when only a mode changed', async () => {
    await writer.write(payload({ a: file('1', 0o644) }));
    expect(await writer.write(payload({ a: file('1', 0o600) }))).toBe(true);
    expect((await stat(path.join(dir, 'a'))).mode & 0o7777).toBe(0o600);
  });

  it('removes the visible links of keys that went away, keeping directories still in use', async () => {
    await writer.write(
      payload({ keep: file('k'), gone: file('g'), 'd/x': file('x'), 'd/y': file('y') }),
    );
    expect(await writer.write(payload({ keep: file('k'), 'd/y': file('y') }))).toBe(true);
    expect(await writer.listUserVisible()).toEqual(['d', 'keep']);
    expect(await visible()).toEqual({ keep: 'k', 'd/y': 'y' });
    // Removing everything leaves an empty volume with a valid ..data.
    expect(await writer.write(new Map())).toBe(true);
    expect(await writer.listUserVisible()).toEqual([]);
    expect(await readdir(path.join(dir, await version()))).toEqual([]);
  });

  it('turns a file into a directory of the same name', async () => {
    await writer.write(payload({ a: file('file') }));
    await writer.write(payload({ 'a/b': file('in dir') }));
    expect(await readlink(path.join(dir, 'a'))).toBe('..data/a');
    expect(await visible()).toEqual({ 'a/b': 'in dir' });
  });

  it('follows a sequence of updates, each visible in full', async () => {
    const seen: Record<string, string>[] = [];
    const steps: Record<string, string>[] = [
      { a: '1' },
      { a: '2', b: '1' },
      { b: '2' },
      { b: '2' },
      { c: '1', 'd/e': '1' },
    ];
    for (const step of steps) {
      await clock.step(1000);
      await writer.write(
        payload(Object.fromEntries(Object.entries(step).map(([k, v]) => [k, file(v)]))),
      );
      seen.push(await visible());
      // Never more than the current version on disk.
      expect((await readdir(dir)).filter((n) => /^\.\.\d{4}_/.test(n))).toHaveLength(1);
    }
    expect(seen).toEqual(steps);
  });

  it('recreates a deleted visible link without a new version', async () => {
    await writer.write(payload({ a: file('1') }));
    const ts = await version();
    await unlink(path.join(dir, 'a'));
    expect(await writer.write(payload({ a: file('1') }))).toBe(false);
    expect(await readlink(path.join(dir, 'a'))).toBe('..data/a');
    expect(await version()).toBe(ts);
  });

  it('cleans up after an interrupted write (stale ..data_tmp and version dirs)', async () => {
    await writer.write(payload({ a: file('1') }));
    await mkdir(path.join(dir, '..2026_11_21_09_00_00.123'));
    await symlink('..2026_11_21_09_00_00.123', path.join(dir, '..data_tmp'));
    await writer.write(payload({ a: file('2') }));
    const ts = await version();
    expect((await readdir(dir)).sort()).toEqual(['..data', ts, 'a'].sort());
  });

  it('refuses invalid paths and writes nothing', async () => {
    const bad: [string, string][] = [
      ['', 'invalid path: must not be empty: ""'],
      ['/etc/passwd', 'invalid path: must be relative path: /etc/passwd'],
      ['a/../b', "invalid path: must not contain '..': a/../b"],
      ['..', "invalid path: must not contain '..': .."],
      ['..data', "invalid path: must not start with '..': ..data"],
      ['..hidden/x', "invalid path: must not start with '..': ..hidden/x"],
      ['x'.repeat(256), 'invalid path: filenames must be less than or equal to 255 characters'],
      [
        Array.from({ length: 20 }, () => 'y'.repeat(250)).join('/'),
        'invalid path: must be less than or equal to 4096 characters',
      ],
    ];
    for (const [p, msg] of bad) {
      expect(() => {
        validatePayloadPath(p);
      }).toThrow(msg);
      await expect(writer.write(payload({ ok: file('1'), [p]: file('2') }))).rejects.toThrow(
        AtomicWriterError,
      );
    }
    expect(await readdir(dir)).toEqual([]);
    // `.` components and doubled slashes are cleaned, as filepath.Clean does.
    expect(() => {
      validatePayloadPath('a/./b');
    }).not.toThrow();
    await writer.write(payload({ './a//b/': file('1') }));
    expect(await visible()).toEqual({ 'a/b': '1' });
  });

  it('refuses a path that is both a file and a directory', async () => {
    await expect(writer.write(payload({ a: file('1'), 'a/b': file('2') }))).rejects.toThrow(
      'invalid payload: a is both a file and a directory',
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses to follow a ..data that is not its own', async () => {
    await symlink('/etc', path.join(dir, '..data'));
    await expect(writer.write(payload({ a: file('1') }))).rejects.toThrow(/not a data version/);
  });
});

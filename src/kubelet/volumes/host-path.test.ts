import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkHostPathType } from './host-path.ts';

/** The process umask, read without changing it (process.umask() writes it). */
const umask = parseInt(
  /Umask:\s*([0-7]+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '22',
  8,
);

let root = '';
let dir = '';
let file = '';
let sock = '';
let server: Server | undefined;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'podbay-hostpath-'));
  dir = path.join(root, 'dir');
  file = path.join(root, 'file');
  sock = path.join(root, 'sock');
  await mkdir(dir);
  await writeFile(file, 'x');
  const srv = createServer();
  server = srv;
  await new Promise<void>((resolve) => {
    srv.listen(sock, resolve);
  });
});

afterEach(async () => {
  await new Promise<void>((resolve) => {
    if (server)
      server.close(() => {
        resolve();
      });
    else resolve();
  });
  await rm(root, { recursive: true, force: true });
});

const failed = (p: string, what: string): string =>
  `hostPath type check failed: ${p} is not a ${what}`;

describe('checkHostPathType', () => {
  it('"" checks nothing, not even existence', async () => {
    await expect(checkHostPathType(path.join(root, 'missing'), '')).resolves.toBeUndefined();
    await expect(checkHostPathType(path.join(root, 'missing'), undefined)).resolves.toBeUndefined();
  });

  it('Directory', async () => {
    await checkHostPathType(dir, 'Directory');
    await expect(checkHostPathType(file, 'Directory')).rejects.toThrow(failed(file, 'directory'));
    const missing = path.join(root, 'missing');
    await expect(checkHostPathType(missing, 'Directory')).rejects.toThrow(
      failed(missing, 'directory'),
    );
  });

  it('DirectoryOrCreate makes missing parents and the directory with 0755', async () => {
    const made = path.join(root, 'a', 'b', 'c');
    await checkHostPathType(made, 'DirectoryOrCreate');
    const st = await stat(made);
    expect(st.isDirectory()).toBe(true);
    expect(st.mode & 0o777).toBe(0o755 & ~umask);
    await checkHostPathType(made, 'DirectoryOrCreate');
    await expect(checkHostPathType(file, 'DirectoryOrCreate')).rejects.toThrow(
      failed(file, 'directory'),
    );
  });

  it('File and FileOrCreate (0644; the parent must exist)', async () => {
    await checkHostPathType(file, 'File');
    await expect(checkHostPathType(dir, 'File')).rejects.toThrow(failed(dir, 'file'));
    const missing = path.join(root, 'missing');
    await expect(checkHostPathType(missing, 'File')).rejects.toThrow(failed(missing, 'file'));

    const made = path.join(root, 'new-file');
    await checkHostPathType(made, 'FileOrCreate');
    const st = await stat(made);
    expect(st.isFile()).toBe(true);
    expect(st.size).toBe(0);
    expect(st.mode & 0o777).toBe(0o644 & ~umask);
    await writeFile(made, 'kept');
    await checkHostPathType(made, 'FileOrCreate');
    expect((await stat(made)).size).toBe(4);
    await expect(checkHostPathType(dir, 'FileOrCreate')).rejects.toThrow(failed(dir, 'file'));
    await expect(
      checkHostPathType(path.join(root, 'no', 'parent'), 'FileOrCreate'),
    ).rejects.toThrow(/ENOENT/);
  });

  it('Socket', async () => {
    await checkHostPathType(sock, 'Socket');
    await expect(checkHostPathType(file, 'Socket')).rejects.toThrow(failed(file, 'socket file'));
  });

  it('CharDevice', async () => {
    await checkHostPathType('/dev/null', 'CharDevice');
    await expect(checkHostPathType(file, 'CharDevice')).rejects.toThrow(
      failed(file, 'character device'),
    );
  });

  it('BlockDevice', async () => {
    await expect(checkHostPathType('/dev/null', 'BlockDevice')).rejects.toThrow(
      failed('/dev/null', 'block device'),
    );
    const block = ['/dev/loop0', '/dev/vda', '/dev/sda'].find((p) => existsSync(p));
    if (block) await checkHostPathType(block, 'BlockDevice');
  });

  it('follows symlinks, as upstream does', async () => {
    const link = path.join(root, 'link');
    await symlink(dir, link);
    await checkHostPathType(link, 'Directory');
  });

  it('refuses .. and unknown types', async () => {
    await expect(checkHostPathType('/tmp/../etc', 'Directory')).rejects.toThrow(
      "invalid HostPath /tmp/../etc: must not contain '..'",
    );
    await expect(checkHostPathType(dir, 'Weird')).rejects.toThrow(
      'Weird is an invalid volume type',
    );
  });
});

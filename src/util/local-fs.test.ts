import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as localFs from './local-fs.ts';

describe('localFs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'podbay-local-fs-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('does the work before the promise settles, as fs/promises would have', async () => {
    const file = path.join(dir, 'a', 'b', 'f.json');
    await localFs.mkdir(path.dirname(file), { recursive: true });
    await localFs.writeFile(`${file}.tmp`, '{"x":1}', { mode: 0o600 });
    await localFs.rename(`${file}.tmp`, file);
    expect(await localFs.readFile(file, 'utf8')).toBe('{"x":1}');
    expect(Buffer.isBuffer(await localFs.readFile(file))).toBe(true);
    expect((await localFs.stat(file)).mode & 0o777).toBe(0o600);
    expect(await localFs.readdir(path.dirname(file))).toEqual(['f.json']);
    const [entry] = await localFs.readdir(path.dirname(file), { withFileTypes: true });
    expect(entry?.isFile()).toBe(true);
    await expect(localFs.access(file)).resolves.toBeUndefined();
  });

  it('writeFileAtomic replaces a file whole and leaves no temporary file, also when it fails', async () => {
    const file = path.join(dir, 'record.json');
    await localFs.writeFileAtomic(file, '{"v":1}', 0o600);
    await localFs.writeFileAtomic(file, '{"v":2}', 0o600);
    expect(await localFs.readFile(file, 'utf8')).toBe('{"v":2}');
    expect((await localFs.stat(file)).mode & 0o777).toBe(0o600);
    expect(await localFs.readdir(dir)).toEqual(['record.json']);
    // A directory in the way: the rename fails, the error is the caller's, the temp file is gone.
    const blocked = path.join(dir, 'blocked');
    await localFs.mkdir(path.join(blocked, 'inside'), { recursive: true });
    await expect(localFs.writeFileAtomic(blocked, 'x', 0o600)).rejects.toMatchObject({
      code: expect.stringMatching(/^(EISDIR|ENOTEMPTY|EEXIST)$/) as unknown,
    });
    expect((await localFs.readdir(dir)).sort()).toEqual(['blocked', 'record.json']);
  });

  it('turns errors into rejections with the errno code, never a throw', async () => {
    const missing = path.join(dir, 'missing');
    const read = localFs.readFile(missing, 'utf8');
    await expect(read).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(localFs.rmdir(missing)).rejects.toMatchObject({ code: 'ENOENT' });
    await localFs.mkdir(missing);
    await expect(localFs.mkdir(missing)).rejects.toMatchObject({ code: 'EEXIST' });
  });
});

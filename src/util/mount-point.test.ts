import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRoot, missing } from '../../test/support/prerequisites.ts';
import { isMountPoint } from './mount-point.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mount-point-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('isMountPoint', () => {
  it('is true for / and /proc, false for a plain directory, a symlink and a missing path', async () => {
    expect(await isMountPoint('/')).toBe(true);
    expect(await isMountPoint('/proc')).toBe(true);
    expect(await isMountPoint(dir)).toBe(false);
    await symlink('/proc', join(dir, 'link'));
    expect(await isMountPoint(join(dir, 'link'))).toBe(false);
    expect(await isMountPoint(join(dir, 'missing'))).toBe(false);
  });

  describe.skipIf(missing({ root: isRoot }))('with mounts of its own (root)', () => {
    it('sees a tmpfs, a stacked one, and none once both are unmounted', async () => {
      const target = join(dir, 'mnt');
      execFileSync('mkdir', [target]);
      try {
        execFileSync('mount', ['-t', 'tmpfs', 'one', target]);
        execFileSync('mount', ['-t', 'tmpfs', 'two', target]);
        expect(await isMountPoint(target)).toBe(true);
        execFileSync('umount', [target]);
        expect(await isMountPoint(target)).toBe(true);
        execFileSync('umount', [target]);
        expect(await isMountPoint(target)).toBe(false);
      } finally {
        execFileSync('sh', ['-c', `while umount "${target}" 2>/dev/null; do :; done`]);
      }
    });
  });
});

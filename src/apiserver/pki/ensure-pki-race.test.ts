/**
 * Another process's `pki/` landing while a start looks for its CA. ensure-pki-processes.test.ts
 * races real processes, which hit the worst moment only now and then; here a hook on
 * node:fs/promises makes the other process's rename land exactly then: right after this process
 * first finds `pki/`, or a file in it, missing.
 */
import type * as FsPromises from 'node:fs/promises';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { ensurePki, pkiFiles } from './index.ts';
import { errnoCode } from './pki-error.ts';

/** The rename to make on the first miss under `pkiDir`: `ready` (a complete dir) to `pkiDir`. */
const race = vi.hoisted(() => ({
  hook: undefined as { pkiDir: string; ready: string } | undefined,
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromises>();
  /** `f`, with the other start's rename made right after its first miss under `pkiDir`. */
  const renameAfterMiss =
    <A extends [path: unknown, ...rest: unknown[]], R>(f: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await f(...args);
      } catch (err) {
        const hook = race.hook;
        const missing = errnoCode(err) === 'ENOENT';
        if (hook && missing && String(args[0]).startsWith(hook.pkiDir)) {
          race.hook = undefined;
          await fs.rename(hook.ready, hook.pkiDir);
        }
        throw err;
      }
    };
  return { ...fs, readdir: renameAfterMiss(fs.readdir), readFile: renameAfterMiss(fs.readFile) };
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podbay-pki-race-'));
});
afterEach(async () => {
  race.hook = undefined;
  await rm(dir, { recursive: true, force: true });
});

it('loads a pki/ that another start renames into place while this one looks for its CA', async () => {
  // The other start's complete pki/, made aside, to be renamed in as its createPkiDir would.
  const other = join(dir, 'other');
  const theirs = await ensurePki({ dataDir: other });
  const dataDir = join(dir, 'data');
  await mkdir(dataDir);
  race.hook = { pkiDir: pkiFiles(dataDir).pkiDir, ready: pkiFiles(other).pkiDir };

  const pki = await ensurePki({ dataDir });

  expect(race.hook, 'the rename landed during the start').toBeUndefined();
  expect(pki.caPem).toBe(theirs.caPem);
  expect(pki.changed).not.toContain('ca');
});

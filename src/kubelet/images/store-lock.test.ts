import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreLock } from './store-lock.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'store-lock-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A promise and its resolver, to hold a lock until the test lets go. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

/** Whether another process could take the lock exclusively right now (flock --nonblock). */
function othersCanLockExclusively(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('flock', ['--exclusive', '--nonblock', path, 'true'], (err) => {
      resolve(err === null);
    });
  });
}

describe('StoreLock.withSharedLock', () => {
  it('lets shared holders in at the same time', async () => {
    const lock = new StoreLock(join(dir, 'lock'));
    const g = gate();
    let inside = 0;
    let most = 0;
    const holder = (): Promise<void> =>
      lock.withSharedLock(async () => {
        inside++;
        most = Math.max(most, inside);
        await g.wait;
        inside--;
      });
    const all = Promise.all([holder(), holder(), holder()]);
    await expect.poll(() => inside, { timeout: 10_000 }).toBe(3);
    g.open();
    await all;
    expect(most).toBe(3);
  });

  it('holds the lock until the last of overlapping shared holders leaves, then takes it anew', async () => {
    const path = join(dir, 'lock');
    const lock = new StoreLock(path, { idleHoldMs: 0 });
    const first = gate();
    const second = gate();
    let inside = 0;
    const a = lock.withSharedLock(async () => {
      inside++;
      await first.wait;
    });
    const b = lock.withSharedLock(async () => {
      inside++;
      await second.wait;
    });
    await expect.poll(() => inside, { timeout: 10_000 }).toBe(2);
    first.open();
    await a;
    // One holder still inside: the shared descriptor stays locked.
    expect(await othersCanLockExclusively(path)).toBe(false);
    second.open();
    await b;
    expect(await othersCanLockExclusively(path)).toBe(true);
    // A later holder locks again.
    let checked: boolean | undefined;
    await lock.withSharedLock(async () => {
      checked = await othersCanLockExclusively(path);
    });
    expect(checked).toBe(false);
    expect(await othersCanLockExclusively(path)).toBe(true);
  });

  it('keeps the lock for idleHoldMs after the last holder, so the next one runs no flock', async () => {
    const path = join(dir, 'lock');
    const lock = new StoreLock(path, { idleHoldMs: 600 });
    await lock.withSharedLock(() => Promise.resolve());
    // Idle, but still held: another process cannot take it exclusively yet.
    expect(await othersCanLockExclusively(path)).toBe(false);
    // A holder in the idle time reuses it and restarts the idle time when it leaves.
    let checked: boolean | undefined;
    await lock.withSharedLock(async () => {
      checked = await othersCanLockExclusively(path);
    });
    expect(checked).toBe(false);
    await expect.poll(() => othersCanLockExclusively(path), { timeout: 5_000 }).toBe(true);
  });

  it('an exclusive holder in this process does not wait for the idle time', async () => {
    const path = join(dir, 'lock');
    const lock = new StoreLock(path, { idleHoldMs: 60_000 });
    await lock.withSharedLock(() => Promise.resolve());
    expect(await othersCanLockExclusively(path)).toBe(false);
    const t0 = performance.now();
    await lock.withLock(() => Promise.resolve());
    expect(performance.now() - t0).toBeLessThan(30_000);
    expect(await othersCanLockExclusively(path)).toBe(true);
  });

  it('keeps exclusive holders (here and in other processes) out until released', async () => {
    const path = join(dir, 'lock');
    const lock = new StoreLock(path);
    const g = gate();
    let sharedIn = false;
    const shared = lock.withSharedLock(async () => {
      sharedIn = true;
      await g.wait;
    });
    await expect.poll(() => sharedIn, { timeout: 10_000 }).toBe(true);
    expect(await othersCanLockExclusively(path)).toBe(false);
    let exclusiveRan = false;
    const exclusive = lock.withLock(() => {
      exclusiveRan = true;
      return Promise.resolve();
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(exclusiveRan).toBe(false);
    g.open();
    await shared;
    await exclusive;
    expect(exclusiveRan).toBe(true);
    expect(await othersCanLockExclusively(path)).toBe(true);
  });

  it('waits for an exclusive holder, and releases when the function throws', async () => {
    const lock = new StoreLock(join(dir, 'lock'), { idleHoldMs: 0 });
    const g = gate();
    let exclusiveIn = false;
    const exclusive = lock.withLock(async () => {
      exclusiveIn = true;
      await g.wait;
    });
    await expect.poll(() => exclusiveIn, { timeout: 10_000 }).toBe(true);
    let sharedRan = false;
    const shared = lock.withSharedLock(() => {
      sharedRan = true;
      return Promise.reject(new Error('boom'));
    });
    // Handled from the start: it may reject while the exclusive holder is still being awaited.
    const sharedFailed = expect(shared).rejects.toThrow('boom');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sharedRan).toBe(false);
    g.open();
    await exclusive;
    await sharedFailed;
    expect(await othersCanLockExclusively(join(dir, 'lock'))).toBe(true);
  });

  it('fails with a clear message after its timeout', async () => {
    const path = join(dir, 'lock');
    const lock = new StoreLock(path, { timeoutMs: 1_000 });
    const g = gate();
    let exclusiveIn = false;
    const exclusive = lock.withLock(async () => {
      exclusiveIn = true;
      await g.wait;
    });
    await expect.poll(() => exclusiveIn, { timeout: 10_000 }).toBe(true);
    await expect(lock.withSharedLock(() => Promise.resolve())).rejects.toThrow(
      `timed out after 1s waiting for the image store lock ${path}`,
    );
    g.open();
    await exclusive;
  });
});

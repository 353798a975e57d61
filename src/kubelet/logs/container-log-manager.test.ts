import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock, silentLogger } from '../../util/index.ts';
import type { ContainerState, ContainerStatus } from '../runtime/index.ts';
import {
  ContainerLogManager,
  removeContainerLogs,
  rotationTimestamp,
} from './container-log-manager.ts';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podbay-logrotate-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A runtime of one container whose "conmon" starts a new file at the log path on reopen. */
function runtimeOf(logPath: string, state: ContainerState = 'running') {
  const calls: string[] = [];
  let failReopen = false;
  return {
    calls,
    failNextReopens: () => {
      failReopen = true;
    },
    runtime: {
      listContainers: () =>
        Promise.resolve([{ id: 'c1', state, logPath } as unknown as ContainerStatus]),
      reopenContainerLog: async (id: string) => {
        calls.push(id);
        if (failReopen) throw new Error('conmon is gone');
        await writeFile(logPath, '');
      },
    },
  };
}

const clock = new FakeClock(new Date(2026, 10, 22, 7, 58, 30).getTime());
const stamp = rotationTimestamp(new Date(clock.now()));
const manager = (rt: ReturnType<typeof runtimeOf>, maxFiles = 5): ContainerLogManager =>
  new ContainerLogManager({
    runtime: rt.runtime,
    maxSize: 100,
    maxFiles,
    clock,
    logger: silentLogger,
  });

describe('ContainerLogManager', () => {
  it("names rotated files as the kubelet does (Go's 20060102-150405)", () => {
    expect(rotationTimestamp(new Date(2026, 0, 2, 3, 4, 5))).toBe('20260102-030405');
  });

  it('leaves a log below the size alone, and ignores containers that are not running', async () => {
    const log = join(dir, '0.log');
    await writeFile(log, 'x'.repeat(99));
    const rt = runtimeOf(log);
    await manager(rt).rotateLogs();
    const exited = runtimeOf(log, 'exited');
    await writeFile(log, 'x'.repeat(500));
    await manager(exited).rotateLogs();
    expect(rt.calls).toEqual([]);
    expect(exited.calls).toEqual([]);
    expect(await readdir(dir)).toEqual(['0.log']);
  });

  it('rotates a log at the size: renamed with the timestamp, then a new file from the runtime', async () => {
    const log = join(dir, '0.log');
    await writeFile(log, 'a'.repeat(100));
    const rt = runtimeOf(log);
    await manager(rt).rotateLogs();
    expect(rt.calls).toEqual(['c1']);
    expect((await stat(log)).size).toBe(0);
    expect(await readFile(`${log}.${stamp}`, 'utf8')).toBe('a'.repeat(100));
  });

  it('keeps maxFiles files: the oldest rotated go, the older ones are compressed, leftovers removed', async () => {
    const log = join(dir, '0.log');
    await writeFile(log, 'current'.repeat(20));
    await writeFile(`${log}.20260101-000000.gz`, 'oldest');
    await writeFile(`${log}.20260102-000000`, 'older');
    await writeFile(`${log}.20260103-000000`, 'newer');
    // An interrupted compression: its .tmp, and a file already compressed but not removed.
    await writeFile(`${log}.20260103-000000.tmp`, 'partial');
    await writeFile(`${log}.20260102-000000.gz`, 'done');
    await writeFile(join(dir, '1.log'), 'another container instance');
    const rt = runtimeOf(log);
    await manager(rt, 3).rotateLogs();
    expect((await readdir(dir)).sort()).toEqual(
      ['0.log', `0.log.20260103-000000.gz`, `0.log.${stamp}`, '1.log'].sort(),
    );
    expect(gunzipSync(await readFile(`${log}.20260103-000000.gz`)).toString()).toBe('newer');
    expect(await readFile(`${log}.${stamp}`, 'utf8')).toBe('current'.repeat(20));
  });

  it('puts the log back when the runtime cannot reopen it, and tries again next round', async () => {
    const log = join(dir, '0.log');
    await writeFile(log, 'b'.repeat(200));
    const rt = runtimeOf(log);
    rt.failNextReopens();
    await manager(rt).rotateLogs();
    expect(rt.calls).toEqual(['c1']);
    expect(await readdir(dir)).toEqual(['0.log']);
    expect(await readFile(log, 'utf8')).toBe('b'.repeat(200));
  });

  it('asks the runtime for a new file when a running container has lost its log', async () => {
    const log = join(dir, '0.log');
    const rt = runtimeOf(log);
    await manager(rt).rotateLogs();
    expect(rt.calls).toEqual(['c1']);
    expect(existsSync(log)).toBe(true);
  });

  it('runs a round every monitor period until aborted', async () => {
    const log = join(dir, '0.log');
    await writeFile(log, 'c'.repeat(300));
    const rt = runtimeOf(log);
    const own = new FakeClock();
    const m = new ContainerLogManager({
      runtime: rt.runtime,
      maxSize: 100,
      monitorPeriodMs: 10_000,
      clock: own,
      logger: silentLogger,
    });
    const stop = new AbortController();
    const running = m.run(stop.signal);
    await own.step(9_999);
    expect(rt.calls).toEqual([]);
    await own.step(1);
    await expect.poll(() => rt.calls.length).toBe(1);
    stop.abort();
    await running;
  });

  it('refuses fewer than 2 files and a size of 0', () => {
    const rt = runtimeOf(join(dir, '0.log'));
    expect(() => manager(rt, 1)).toThrow(RangeError);
    expect(
      () =>
        new ContainerLogManager({ runtime: rt.runtime, maxSize: 0, clock, logger: silentLogger }),
    ).toThrow(RangeError);
  });
});

describe('removeContainerLogs', () => {
  it('removes the log and its rotated files, not the other instances', async () => {
    const log = join(dir, '0.log');
    for (const f of ['0.log', '0.log.20260101-000000.gz', '0.log.20260102-000000', '1.log'])
      await writeFile(join(dir, f), 'x');
    await removeContainerLogs(log);
    expect(await readdir(dir)).toEqual(['1.log']);
  });
});

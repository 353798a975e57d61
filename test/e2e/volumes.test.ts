/**
 * VolumeManager with real mounts (root): a Memory emptyDir is a tmpfs of the requested size that
 * refuses writes beyond it, set up idempotently and unmounted on teardown; subPath bind mounts pin
 * the file that was checked, so swapping the directory for a symlink to / afterwards changes
 * nothing, and a new subPath through that symlink is refused. Every mount is removed afterwards,
 * also when a check fails.
 */
import { spawnSync } from 'node:child_process';
import {
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rename,
  rm,
  statfs,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod, Volume } from '../../src/api/index.ts';
import { LinuxMounter, VolumeError, VolumeManager } from '../../src/kubelet/volumes/index.ts';
import { isRoot, missing } from '../support/prerequisites.ts';

let root = '';
let vm: VolumeManager;
const mounter = new LinuxMounter();

function pod(uid: string, volumes: Volume[]): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `p-${uid}`, namespace: 'e2e', uid },
    spec: { volumes, containers: [{ name: 'c', image: 'busybox' }] },
  };
}

/** How many mounts sit exactly at `p`. */
function mountCount(p: string): number {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.split(' ')[4] === p).length;
}

describe.skipIf(missing({ root: isRoot }))('VolumeManager with real mounts', () => {
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'podbay-volumes-e2e-'));
    vm = new VolumeManager({ dataDir: root, mounter });
  });

  afterAll(async () => {
    if (root === '') return;
    // Whatever a failed check left mounted: unmount (deepest first) before deleting anything.
    for (const m of await mounter.mountsUnder(root)) {
      spawnSync('umount', ['-l', m]);
    }
    if ((await mounter.mountsUnder(root)).length === 0)
      await rm(root, { recursive: true, force: true });
  });

  it('mounts a Memory emptyDir as a tmpfs of sizeLimit that refuses more', async () => {
    const p = pod('tmpfs-1', [
      { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } },
    ]);
    const dir = (await vm.setUpPodVolumes(p)).get('scratch')!.hostPath;
    expect(await mounter.mountTypeAt(dir)).toBe('tmpfs');
    const fs = await statfs(dir);
    expect(fs.blocks * fs.bsize).toBe(8 * 1024 * 1024);

    await writeFile(path.join(dir, 'fits'), Buffer.alloc(4 * 1024 * 1024));
    await expect(
      writeFile(path.join(dir, 'too-big'), Buffer.alloc(6 * 1024 * 1024)),
    ).rejects.toThrow(/ENOSPC/);

    // Idempotent: a second sync does not stack another tmpfs and keeps the data.
    await vm.setUpPodVolumes(p);
    expect(mountCount(dir)).toBe(1);
    expect((await readdir(dir)).includes('fits')).toBe(true);

    await vm.tearDownPodVolumes('tmpfs-1');
    expect(mountCount(dir)).toBe(0);
    expect(await vm.listPodVolumeDirs()).not.toContain('tmpfs-1');
  });

  it('sizes a Memory emptyDir without sizeLimit to node memory', async () => {
    const dir = (
      await vm.setUpPodVolumes(pod('tmpfs-2', [{ name: 'm', emptyDir: { medium: 'Memory' } }]))
    ).get('m')!.hostPath;
    const fs = await statfs(dir);
    // tmpfs rounds the size to whole pages.
    expect(Math.abs(fs.blocks * fs.bsize - totalmem())).toBeLessThan(4096 * 2);
    await vm.tearDownPodVolumes('tmpfs-2');
    expect(mountCount(dir)).toBe(0);
  });

  it('pins a subPath: swapping it for a symlink to / afterwards changes nothing', async () => {
    const vol = (await vm.setUpPodVolumes(pod('sub-1', [{ name: 'data', emptyDir: {} }]))).get(
      'data',
    )!.hostPath;
    await mkdir(path.join(vol, 'conf'));
    await writeFile(path.join(vol, 'conf', 'app.ini'), 'mine');
    const req = { podUid: 'sub-1', volumeName: 'data', volumeHostPath: vol, containerName: 'app' };
    const dirTarget = await vm.prepareSubPath({ ...req, subPath: 'conf', mountIndex: 0 });
    const fileTarget = await vm.prepareSubPath({ ...req, subPath: 'conf/app.ini', mountIndex: 1 });
    expect(await readFile(path.join(dirTarget, 'app.ini'), 'utf8')).toBe('mine');
    expect(await readFile(fileTarget, 'utf8')).toBe('mine');
    expect(mountCount(dirTarget)).toBe(1);
    // Preparing again before anything changed is idempotent: same target, no second mount.
    expect(await vm.prepareSubPath({ ...req, subPath: 'conf/app.ini', mountIndex: 1 })).toBe(
      fileTarget,
    );
    expect(mountCount(fileTarget)).toBe(1);

    // What a container that can write the volume could do between kubelet's check and the mount.
    await rename(path.join(vol, 'conf'), path.join(vol, 'conf.old'));
    await symlink('/', path.join(vol, 'conf'));
    expect(await readFile(path.join(dirTarget, 'app.ini'), 'utf8')).toBe('mine');
    await expect(readdir(dirTarget)).resolves.toEqual(['app.ini']);

    // Preparing again now (a restarted container) resolves the path anew and refuses it, as does
    // any new subPath through the planted symlink; the pinned mounts stay as they were.
    for (const [subPath, mountIndex] of [
      ['conf/app.ini', 1],
      ['conf/etc', 2],
    ] as const) {
      const err = await vm.prepareSubPath({ ...req, subPath, mountIndex }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VolumeError);
      expect((err as VolumeError).reason).toBe('CreateContainerConfigError');
      expect((err as Error).message).toContain('not within volume path');
    }
    expect(mountCount(fileTarget)).toBe(1);
    expect(
      await mounter.mountsUnder(
        path.join(root, 'pods', 'sub-1', 'volume-subpaths', 'data', 'app', '2'),
      ),
    ).toEqual([]);

    await vm.tearDownPodVolumes('sub-1');
    expect(mountCount(dirTarget)).toBe(0);
    expect(mountCount(fileTarget)).toBe(0);
    expect(await mounter.mountsUnder(path.join(root, 'pods', 'sub-1'))).toEqual([]);
    expect(await vm.listPodVolumeDirs()).not.toContain('sub-1');
  });

  it('tears down a tmpfs emptyDir that holds a subPath bind of its own file', async () => {
    const vol = (
      await vm.setUpPodVolumes(
        pod('sub-2', [{ name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }]),
      )
    ).get('mem')!.hostPath;
    await writeFile(path.join(vol, 'f'), 'x');
    const target = await vm.prepareSubPath({
      podUid: 'sub-2',
      volumeName: 'mem',
      volumeHostPath: vol,
      subPath: 'f',
      containerName: 'c',
      mountIndex: 0,
    });
    expect(await readFile(target, 'utf8')).toBe('x');
    await vm.tearDownPodVolumes('sub-2');
    expect(await mounter.mountsUnder(path.join(root, 'pods', 'sub-2'))).toEqual([]);
    await vm.tearDownPodVolumes('sub-2');
  });
});

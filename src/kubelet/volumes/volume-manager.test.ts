import {
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Pod, Volume } from '../../api/index.ts';
import { VolumeError, type Mounter } from './types.ts';
import { VolumeManager } from './volume-manager.ts';

/** Records mounts in memory; can be told to fail unmounts. */
class FakeMounter implements Mounter {
  readonly mounts = new Map<string, { type: string; source: string; size?: number }>();
  failUnmount = false;
  mountTmpfs(target: string, sizeBytes: number | undefined): Promise<void> {
    this.mounts.set(target, {
      type: 'tmpfs',
      source: 'tmpfs',
      ...(sizeBytes ? { size: sizeBytes } : {}),
    });
    return Promise.resolve();
  }
  bindMount(source: string, target: string): Promise<void> {
    this.mounts.set(target, { type: 'bind', source });
    return Promise.resolve();
  }
  unmount(target: string): Promise<void> {
    if (this.failUnmount) return Promise.reject(new Error(`umount: ${target}: target is busy.`));
    this.mounts.delete(target);
    return Promise.resolve();
  }
  mountsUnder(dir: string): Promise<string[]> {
    return Promise.resolve(
      [...this.mounts.keys()]
        .filter((m) => m === dir || m.startsWith(dir + '/'))
        .sort((a, b) => b.split('/').length - a.split('/').length),
    );
  }
  mountTypeAt(target: string): Promise<string | undefined> {
    return Promise.resolve(this.mounts.get(target)?.type);
  }
}

let root = '';
let mounter: FakeMounter;
let vm: VolumeManager;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'podbay-volumes-'));
  mounter = new FakeMounter();
  vm = new VolumeManager({ dataDir: root, mounter, nodeAllocatableMemoryBytes: 4 * 1024 ** 3 });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function pod(uid: string, volumes: Volume[], memLimits: (string | undefined)[] = [undefined]): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', uid },
    spec: {
      volumes,
      containers: memLimits.map((m, i) => ({
        name: `c${i}`,
        image: 'busybox',
        ...(m ? { resources: { limits: { memory: m } } } : {}),
      })),
    },
  };
}

describe('VolumeManager emptyDir', () => {
  it('creates a 0777 directory per volume, keeps it across set-ups, removes it on tearDown', async () => {
    const p = pod('uid-1', [{ name: 'cache', emptyDir: {} }, { name: 'implicit' }]);
    const vols = await vm.setUpPodVolumes(p);
    const cache = vols.get('cache')!.hostPath;
    expect(cache).toBe(
      path.join(root, 'pods', 'uid-1', 'volumes', 'kubernetes.io~empty-dir', 'cache'),
    );
    expect(vols.get('implicit')!.hostPath).toBe(
      path.join(root, 'pods', 'uid-1', 'volumes', 'kubernetes.io~empty-dir', 'implicit'),
    );
    expect((await stat(cache)).mode & 0o7777).toBe(0o777);
    await writeFile(path.join(cache, 'data'), 'kept');

    const again = await vm.setUpPodVolumes(p);
    expect(again.get('cache')!.hostPath).toBe(cache);
    expect(await readFile(path.join(cache, 'data'), 'utf8')).toBe('kept');
    expect(await vm.listPodVolumeDirs()).toEqual(['uid-1']);

    await vm.tearDownPodVolumes('uid-1');
    await expect(lstat(path.join(root, 'pods', 'uid-1'))).rejects.toThrow();
    expect(await vm.listPodVolumeDirs()).toEqual([]);
    await vm.tearDownPodVolumes('uid-1');
  });

  it('tears down from the disk alone (a new manager after a restart)', async () => {
    await vm.setUpPodVolumes(pod('uid-2', [{ name: 'v', emptyDir: {} }]));
    const fresh = new VolumeManager({ dataDir: root, mounter });
    expect(await fresh.listPodVolumeDirs()).toEqual(['uid-2']);
    await fresh.tearDownPodVolumes('uid-2');
    expect(await fresh.listPodVolumeDirs()).toEqual([]);
  });

  it('leaves other files in the pod dir alone', async () => {
    await vm.setUpPodVolumes(pod('uid-3', [{ name: 'v', emptyDir: {} }]));
    await writeFile(path.join(root, 'pods', 'uid-3', 'etc-hosts'), 'x');
    await vm.tearDownPodVolumes('uid-3');
    expect(await readdir(path.join(root, 'pods', 'uid-3'))).toEqual(['etc-hosts']);
  });

  it('mounts a tmpfs for medium Memory, sized as upstream sizes it', async () => {
    const vols = await vm.setUpPodVolumes(
      pod('uid-4', [
        { name: 'limited', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
        { name: 'node', emptyDir: { medium: 'Memory' } },
      ]),
    );
    expect(mounter.mounts.get(vols.get('limited')!.hostPath)).toMatchObject({
      type: 'tmpfs',
      size: 64 * 1024 ** 2,
    });
    expect(mounter.mounts.get(vols.get('node')!.hostPath)).toMatchObject({ size: 4 * 1024 ** 3 });

    // The pod's memory limit (all containers have one) caps it; a larger sizeLimit does not raise it.
    const limited = await vm.setUpPodVolumes(
      pod(
        'uid-5',
        [{ name: 'm', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } }],
        ['100Mi', '28Mi'],
      ),
    );
    expect(mounter.mounts.get(limited.get('m')!.hostPath)).toMatchObject({ size: 128 * 1024 ** 2 });
    // One container without a limit: no pod limit.
    const partial = await vm.setUpPodVolumes(
      pod('uid-6', [{ name: 'm', emptyDir: { medium: 'Memory' } }], ['100Mi', undefined]),
    );
    expect(mounter.mounts.get(partial.get('m')!.hostPath)).toMatchObject({ size: 4 * 1024 ** 3 });

    // Idempotent: already a tmpfs, not mounted twice.
    const before = mounter.mounts.size;
    await vm.setUpPodVolumes(
      pod('uid-4', [{ name: 'limited', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }]),
    );
    expect(mounter.mounts.size).toBe(before);

    await vm.tearDownPodVolumes('uid-4');
    expect([...mounter.mounts.keys()].some((m) => m.includes('uid-4'))).toBe(false);
  });

  it('refuses to delete anything while a mount stays', async () => {
    const vols = await vm.setUpPodVolumes(
      pod('uid-7', [{ name: 'm', emptyDir: { medium: 'Memory' } }]),
    );
    const dir = vols.get('m')!.hostPath;
    await writeFile(path.join(dir, 'precious'), 'x');
    mounter.failUnmount = true;
    await expect(vm.tearDownPodVolumes('uid-7')).rejects.toThrow(
      /failed to unmount .* target is busy/,
    );
    expect(await readFile(path.join(dir, 'precious'), 'utf8')).toBe('x');
    mounter.failUnmount = false;
    await vm.tearDownPodVolumes('uid-7');
    await expect(lstat(dir)).rejects.toThrow();
  });

  it('fails an unknown medium with upstream wording', async () => {
    await expect(
      vm.setUpPodVolumes(pod('uid-8', [{ name: 'h', emptyDir: { medium: 'Floppy' } }])),
    ).rejects.toThrow('MountVolume.SetUp failed for volume "h" : unknown storage medium "Floppy"');
  });
});

describe('VolumeManager hostPath', () => {
  it('returns the path and runs the type check with upstream wording', async () => {
    const host = path.join(root, 'host');
    await mkdir(host);
    const vols = await vm.setUpPodVolumes(
      pod('uid-9', [{ name: 'h', hostPath: { path: host, type: 'Directory' } }]),
    );
    expect(vols.get('h')).toEqual({ hostPath: host });

    const file = path.join(root, 'f');
    await writeFile(file, '');
    const err = await vm
      .setUpPodVolumes(pod('uid-9', [{ name: 'h', hostPath: { path: file, type: 'Directory' } }]))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VolumeError);
    expect((err as VolumeError).message).toBe(
      `MountVolume.SetUp failed for volume "h" : hostPath type check failed: ${file} is not a directory`,
    );
    expect((err as VolumeError).reason).toBe('FailedMount');
    expect((err as VolumeError).volumeName).toBe('h');
  });

  it('creates for DirectoryOrCreate', async () => {
    const made = path.join(root, 'made', 'here');
    await vm.setUpPodVolumes(
      pod('uid-10', [{ name: 'h', hostPath: { path: made, type: 'DirectoryOrCreate' } }]),
    );
    expect((await stat(made)).isDirectory()).toBe(true);
  });
});

describe('VolumeManager other volume types', () => {
  it('says which types are not supported yet', async () => {
    await expect(
      vm.setUpPodVolumes(pod('uid-11', [{ name: 'cfg', configMap: { name: 'x' } }])),
    ).rejects.toThrow(
      'MountVolume.SetUp failed for volume "cfg" : configMap volumes are not supported by this node yet',
    );
  });

  it('refuses pod UIDs that are not a path segment', async () => {
    await expect(
      vm.setUpPodVolumes(pod('../../etc', [{ name: 'v', emptyDir: {} }])),
    ).rejects.toThrow('invalid pod UID');
    await expect(vm.tearDownPodVolumes('..')).rejects.toThrow('invalid pod UID');
  });
});

describe('VolumeManager.prepareSubPath', () => {
  it('bind-mounts the opened file descriptor to a private target', async () => {
    const vols = await vm.setUpPodVolumes(pod('uid-12', [{ name: 'v', emptyDir: {} }]));
    const volPath = vols.get('v')!.hostPath;
    await mkdir(path.join(volPath, 'conf'));
    await writeFile(path.join(volPath, 'conf', 'app.ini'), 'x');
    const dirTarget = await vm.prepareSubPath({
      podUid: 'uid-12',
      volumeName: 'v',
      volumeHostPath: volPath,
      subPath: 'conf',
      containerName: 'app',
      mountIndex: 0,
    });
    expect(dirTarget).toBe(path.join(root, 'pods', 'uid-12', 'volume-subpaths', 'v', 'app', '0'));
    expect((await stat(dirTarget)).isDirectory()).toBe(true);
    expect(mounter.mounts.get(dirTarget)?.source).toMatch(
      new RegExp(`^/proc/${process.pid}/fd/\\d+$`),
    );

    const fileTarget = await vm.prepareSubPath({
      podUid: 'uid-12',
      volumeName: 'v',
      volumeHostPath: volPath,
      subPath: 'conf/app.ini',
      containerName: 'app',
      mountIndex: 1,
    });
    expect((await stat(fileTarget)).isFile()).toBe(true);

    // A missing subPath is created as a directory, as upstream does.
    await vm.prepareSubPath({
      podUid: 'uid-12',
      volumeName: 'v',
      volumeHostPath: volPath,
      subPath: 'new/dir',
      containerName: 'app',
      mountIndex: 2,
    });
    expect((await stat(path.join(volPath, 'new', 'dir'))).isDirectory()).toBe(true);

    await vm.tearDownPodVolumes('uid-12');
    expect(mounter.mounts.size).toBe(0);
    await expect(lstat(path.join(root, 'pods', 'uid-12'))).rejects.toThrow();
  });

  it('refuses escapes with CreateContainerConfigError and mounts nothing', async () => {
    const vols = await vm.setUpPodVolumes(pod('uid-13', [{ name: 'v', emptyDir: {} }]));
    const volPath = vols.get('v')!.hostPath;
    await symlink('/', path.join(volPath, 'evil'));
    const req = {
      podUid: 'uid-13',
      volumeName: 'v',
      volumeHostPath: volPath,
      containerName: 'c',
      mountIndex: 0,
    };
    for (const [subPath, msg] of [
      ['evil', 'not within volume path'],
      ['evil/etc', 'not within volume path'],
      ['/etc', 'must not be an absolute path'],
      ['../..', "must not contain '..'"],
    ] as const) {
      const err = await vm.prepareSubPath({ ...req, subPath }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VolumeError);
      expect((err as VolumeError).reason).toBe('CreateContainerConfigError');
      expect((err as Error).message).toContain(msg);
    }
    expect(mounter.mounts.size).toBe(0);
    await vm.tearDownPodVolumes('uid-13');
  });
});

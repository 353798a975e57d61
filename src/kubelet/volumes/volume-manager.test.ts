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
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigMap, Pod, Secret, Volume } from '../../api/index.ts';
import { VolumeError, type Mounter, type VolumeSourceProvider } from './types.ts';
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

  it("keeps fsGroup's group and setgid bit on an emptyDir through later set-ups", async () => {
    const p = pod('uid-1', [{ name: 'data', emptyDir: {} }]);
    p.spec!.securityContext = { fsGroup: 2000 };
    const dir = (await vm.setUpPodVolumes(p)).get('data')!.hostPath;
    const first = await stat(dir);
    expect([first.gid, first.mode & 0o7777]).toEqual([2000, 0o2777]);

    await vm.setUpPodVolumes(p);
    const again = await stat(dir);
    expect([again.gid, again.mode & 0o7777]).toEqual([2000, 0o2777]);
  });

  it('tears down from the disk alone (a new manager after a restart)', async () => {
    await vm.setUpPodVolumes(pod('uid-2', [{ name: 'v', emptyDir: {} }]));
    const fresh = new VolumeManager({ dataDir: root, mounter });
    expect(await fresh.listPodVolumeDirs()).toEqual(['uid-2']);
    await fresh.tearDownPodVolumes('uid-2');
    expect(await fresh.listPodVolumeDirs()).toEqual([]);
  });

  it('tears down a pod without volumes without looking for mounts', async () => {
    await vm.setUpPodVolumes(pod('uid-none', []));
    const podDir = path.join(root, 'pods', 'uid-none');
    await mkdir(podDir, { recursive: true });
    let looked = 0;
    const counting = Object.assign(Object.create(mounter) as FakeMounter, {
      mountsUnder: (dir: string) => {
        looked++;
        return mounter.mountsUnder(dir);
      },
    });
    const fresh = new VolumeManager({ dataDir: root, mounter: counting });
    await fresh.tearDownPodVolumes('uid-none');
    expect(looked).toBe(0);
    await expect(lstat(podDir)).rejects.toThrow();
    // With a volume, it still looks (and unmounts what it finds).
    await fresh.setUpPodVolumes(pod('uid-mem', [{ name: 'm', emptyDir: { medium: 'Memory' } }]));
    await fresh.tearDownPodVolumes('uid-mem');
    expect(looked).toBeGreaterThan(0);
    expect(mounter.mounts.size).toBe(0);
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
      vm.setUpPodVolumes(
        pod('uid-11', [{ name: 'data', persistentVolumeClaim: { claimName: 'x' } }]),
      ),
    ).rejects.toThrow(
      'MountVolume.SetUp failed for volume "data" : persistentVolumeClaim volumes are not supported by this node yet',
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

describe('VolumeManager configMap, secret, downwardAPI and projected volumes', () => {
  const b64 = (t: string): string => Buffer.from(t).toString('base64');
  let configMaps: Map<string, ConfigMap>;
  let secrets: Map<string, Secret>;
  let sources: VolumeSourceProvider;

  beforeEach(() => {
    configMaps = new Map([
      [
        'default/cfg',
        { metadata: { name: 'cfg', namespace: 'default' }, data: { a: '1', b: '2' } },
      ],
    ]);
    secrets = new Map([
      [
        'default/s',
        { metadata: { name: 's', namespace: 'default' }, data: { password: b64('hunter2') } },
      ],
    ]);
    sources = {
      getConfigMap: (ns, name) => Promise.resolve(configMaps.get(`${ns}/${name}`)),
      getSecret: (ns, name) => Promise.resolve(secrets.get(`${ns}/${name}`)),
      nodeAllocatable: () => ({ cpu: '2', memory: '4Gi' }),
    };
  });

  const volDir = (uid: string, plugin: string, name: string): string =>
    path.join(root, 'pods', uid, 'volumes', plugin, name);

  it('writes a configMap volume with items and defaultMode, read-only, on disk', async () => {
    const p = pod('uid-20', [
      {
        name: 'cfg',
        configMap: { name: 'cfg', defaultMode: 0o440, items: [{ key: 'a', path: 'conf/a.txt' }] },
      },
      { name: 'all', configMap: { name: 'cfg' } },
    ]);
    const vols = await vm.setUpPodVolumes(p, undefined, { sources });
    const dir = volDir('uid-20', 'kubernetes.io~configmap', 'cfg');
    expect(vols.get('cfg')).toEqual({ hostPath: dir, readOnly: true });
    expect(await readFile(path.join(dir, 'conf', 'a.txt'), 'utf8')).toBe('1');
    expect((await stat(path.join(dir, 'conf', 'a.txt'))).mode & 0o7777).toBe(0o440);
    expect(await readlink(path.join(dir, 'conf'))).toBe('..data/conf');
    expect((await readlink(path.join(dir, '..data'))).startsWith('..')).toBe(true);
    const all = vols.get('all')!.hostPath;
    expect((await readdir(all)).filter((n) => !n.startsWith('..')).sort()).toEqual(['a', 'b']);
    // API defaulting sets defaultMode; without it, 0644.
    expect((await stat(path.join(all, 'a'))).mode & 0o7777).toBe(0o644);
    // configMap volumes live on disk: no tmpfs.
    expect(mounter.mounts.size).toBe(0);
  });

  it('puts secret, downwardAPI and projected volumes on a tmpfs sized as a Memory emptyDir', async () => {
    const p = pod(
      'uid-21',
      [
        { name: 'sec', secret: { secretName: 's', defaultMode: 0o400 } },
        {
          name: 'info',
          downwardAPI: { items: [{ path: 'uid', fieldRef: { fieldPath: 'metadata.uid' } }] },
        },
        {
          name: 'all',
          projected: {
            sources: [{ configMap: { name: 'cfg' } }, { secret: { name: 's' } }],
          },
        },
      ],
      ['256Mi'],
    );
    const vols = await vm.setUpPodVolumes(p, undefined, { sources });
    const sec = volDir('uid-21', 'kubernetes.io~secret', 'sec');
    expect(vols.get('sec')).toEqual({ hostPath: sec, readOnly: true });
    expect(mounter.mounts.get(sec)).toMatchObject({ type: 'tmpfs', size: 256 * 1024 ** 2 });
    expect(await readFile(path.join(sec, 'password'), 'utf8')).toBe('hunter2');
    expect((await stat(path.join(sec, 'password'))).mode & 0o7777).toBe(0o400);
    const info = volDir('uid-21', 'kubernetes.io~downward-api', 'info');
    expect(mounter.mounts.get(info)?.type).toBe('tmpfs');
    expect(await readFile(path.join(info, 'uid'), 'utf8')).toBe('uid-21');
    const all = volDir('uid-21', 'kubernetes.io~projected', 'all');
    expect(mounter.mounts.get(all)?.type).toBe('tmpfs');
    expect((await readdir(all)).filter((n) => !n.startsWith('..')).sort()).toEqual([
      'a',
      'b',
      'password',
    ]);

    // Idempotent: nothing mounted twice, nothing rewritten.
    const version = await readlink(path.join(sec, '..data'));
    await vm.setUpPodVolumes(p, undefined, { sources });
    expect(mounter.mounts.size).toBe(3);
    expect(await readlink(path.join(sec, '..data'))).toBe(version);

    await vm.tearDownPodVolumes('uid-21');
    expect(mounter.mounts.size).toBe(0);
    await expect(lstat(path.join(root, 'pods', 'uid-21'))).rejects.toThrow();
  });

  it('follows ConfigMap and Secret changes on the next set-up', async () => {
    const p = pod('uid-22', [
      { name: 'cfg', configMap: { name: 'cfg' } },
      { name: 'sec', secret: { secretName: 's' } },
      {
        name: 'labels',
        downwardAPI: { items: [{ path: 'l', fieldRef: { fieldPath: 'metadata.labels' } }] },
      },
    ]);
    const vols = await vm.setUpPodVolumes(p, undefined, { sources });
    const cfg = vols.get('cfg')!.hostPath;
    configMaps.set('default/cfg', {
      metadata: { name: 'cfg', namespace: 'default' },
      data: { a: 'changed', c: 'new' },
    });
    secrets.set('default/s', {
      metadata: { name: 's', namespace: 'default' },
      data: { password: b64('rotated') },
    });
    const relabelled = { ...p, metadata: { ...p.metadata, labels: { v: '2' } } };
    await vm.setUpPodVolumes(relabelled, undefined, { sources });
    expect(await readFile(path.join(cfg, 'a'), 'utf8')).toBe('changed');
    expect(await readFile(path.join(cfg, 'c'), 'utf8')).toBe('new');
    await expect(lstat(path.join(cfg, 'b'))).rejects.toThrow();
    expect(await readFile(path.join(vols.get('sec')!.hostPath, 'password'), 'utf8')).toBe(
      'rotated',
    );
    expect(await readFile(path.join(vols.get('labels')!.hostPath, 'l'), 'utf8')).toBe('v="2"');
  });

  it('fails a missing ConfigMap or Secret with FailedMount and leaves nothing mounted', async () => {
    for (const [v, msg] of [
      [
        { name: 'cfg', configMap: { name: 'x' } },
        'MountVolume.SetUp failed for volume "cfg" : configmap "x" not found',
      ],
      [
        { name: 'sec', secret: { secretName: 'y' } },
        'MountVolume.SetUp failed for volume "sec" : secret "y" not found',
      ],
      [
        { name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'zz', path: 'zz' }] } },
        'MountVolume.SetUp failed for volume "cfg" : configmap references non-existent config key: zz',
      ],
      [
        { name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
        'MountVolume.SetUp failed for volume "tok" : cannot project a service account token to token: this node cannot issue service account tokens yet',
      ],
    ] as [Volume, string][]) {
      const err = await vm
        .setUpPodVolumes(pod('uid-23', [v]), undefined, { sources })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VolumeError);
      expect((err as VolumeError).message).toBe(msg);
      expect((err as VolumeError).reason).toBe('FailedMount');
    }
    expect(mounter.mounts.size).toBe(0);
    // Optional: an empty volume.
    const vols = await vm.setUpPodVolumes(
      pod('uid-23', [{ name: 'cfg', configMap: { name: 'x', optional: true } }]),
      undefined,
      { sources },
    );
    expect((await readdir(vols.get('cfg')!.hostPath)).filter((n) => !n.startsWith('..'))).toEqual(
      [],
    );
    await vm.tearDownPodVolumes('uid-23');
  });

  it('unmounts the tmpfs it made when writing fails', async () => {
    const err = await vm
      .setUpPodVolumes(
        pod('uid-24', [
          { name: 'sec', secret: { secretName: 's', items: [{ key: 'password', path: '../x' }] } },
        ]),
        undefined,
        { sources },
      )
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      `MountVolume.SetUp failed for volume "sec" : invalid path: must not contain '..': ../x`,
    );
    expect(mounter.mounts.size).toBe(0);
    await vm.tearDownPodVolumes('uid-24');
  });

  it('keeps the last content of a volume whose refresh fails, and says so', async () => {
    const p = pod('uid-25', [{ name: 'cfg', configMap: { name: 'cfg' } }]);
    const vols = await vm.setUpPodVolumes(p, undefined, { sources });
    configMaps.delete('default/cfg');
    const refreshErrors: VolumeError[] = [];
    const again = await vm.setUpPodVolumes(p, undefined, {
      sources,
      onRefreshFailed: (e) => refreshErrors.push(e),
    });
    expect(again.get('cfg')).toEqual(vols.get('cfg'));
    expect(refreshErrors.map((e) => e.message)).toEqual([
      'MountVolume.SetUp failed for volume "cfg" : configmap "cfg" not found',
    ]);
    expect(await readFile(path.join(vols.get('cfg')!.hostPath, 'a'), 'utf8')).toBe('1');
  });

  it('uses the provider given at construction when a call passes none', async () => {
    const withProvider = new VolumeManager({ dataDir: root, mounter, sourceProvider: sources });
    const vols = await withProvider.setUpPodVolumes(
      pod('uid-26', [{ name: 'cfg', configMap: { name: 'cfg' } }]),
    );
    expect(await readFile(path.join(vols.get('cfg')!.hostPath, 'b'), 'utf8')).toBe('2');
    await expect(
      vm.setUpPodVolumes(pod('uid-27', [{ name: 'cfg', configMap: { name: 'cfg' } }])),
    ).rejects.toThrow(
      'MountVolume.SetUp failed for volume "cfg" : this node has no ConfigMap source for volumes',
    );
  });

  it('resolves a subPath through the volume links to the current version of the file', async () => {
    const vols = await vm.setUpPodVolumes(
      pod('uid-28', [{ name: 'cfg', configMap: { name: 'cfg' } }]),
      undefined,
      { sources },
    );
    const target = await vm.prepareSubPath({
      podUid: 'uid-28',
      volumeName: 'cfg',
      volumeHostPath: vols.get('cfg')!.hostPath,
      subPath: 'a',
      containerName: 'app',
      mountIndex: 0,
    });
    // A file target (the key), not a directory: the links inside the volume were followed.
    expect((await stat(target)).isFile()).toBe(true);
    expect(mounter.mounts.get(target)?.type).toBe('bind');
    await vm.tearDownPodVolumes('uid-28');
    expect(mounter.mounts.size).toBe(0);
  });
});

import { chmod, lstat, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Pod } from '../../api/index.ts';
import type { Mounter, VolumeSourceProvider } from './types.ts';
import { VolumeManager } from './volume-manager.ts';
import { requiresPermissionChange, setVolumeOwnership } from './volume-ownership.ts';

// As root any group works; otherwise only our own.
const fsGroup = process.getuid?.() === 0 ? 4242 : (process.getgid?.() ?? 0);

let dir = '';
let outside = '';
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'podbay-fsgroup-'));
  outside = await mkdtemp(path.join(tmpdir(), 'podbay-fsgroup-outside-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

const mode = async (p: string): Promise<number> => (await lstat(p)).mode & 0o7777;

describe('setVolumeOwnership', () => {
  it('gives everything the group, group rw, and directories setgid and group x', async () => {
    await mkdir(path.join(dir, 'sub'), { mode: 0o700 });
    await writeFile(path.join(dir, 'sub/f'), 'x', { mode: 0o600 });
    await writeFile(path.join(dir, 'g'), 'x', { mode: 0o604 });
    await chmod(dir, 0o777);
    await setVolumeOwnership(dir, fsGroup, { readOnly: false });
    for (const p of [dir, path.join(dir, 'sub'), path.join(dir, 'sub/f'), path.join(dir, 'g')]) {
      expect((await lstat(p)).gid, p).toBe(fsGroup);
    }
    expect(await mode(dir)).toBe(0o2777);
    expect(await mode(path.join(dir, 'sub'))).toBe(0o2770);
    expect(await mode(path.join(dir, 'sub/f'))).toBe(0o660);
    expect(await mode(path.join(dir, 'g'))).toBe(0o664);
  });

  it('read-only volumes get group read, not write', async () => {
    await writeFile(path.join(dir, 'f'), 'x', { mode: 0o600 });
    await chmod(dir, 0o700);
    await setVolumeOwnership(dir, fsGroup, { readOnly: true });
    expect(await mode(path.join(dir, 'f'))).toBe(0o640);
    expect(await mode(dir)).toBe(0o2750);
  });

  it('never follows a symlink out of the volume', async () => {
    const target = path.join(outside, 'secret');
    await writeFile(target, 'x', { mode: 0o600 });
    await mkdir(path.join(outside, 'd'), { mode: 0o700 });
    await symlink(target, path.join(dir, 'link'));
    await symlink(path.join(outside, 'd'), path.join(dir, 'dlink'));
    const before = await stat(target);
    await setVolumeOwnership(dir, fsGroup, { readOnly: false });
    const after = await stat(target);
    expect(after.mode).toBe(before.mode);
    expect(after.gid).toBe(before.gid);
    expect(await mode(path.join(outside, 'd'))).toBe(0o700);
    expect((await lstat(path.join(dir, 'link'))).gid).toBe(fsGroup);
  });

  it('OnRootMismatch skips a volume whose root is already right', async () => {
    await writeFile(path.join(dir, 'f'), 'x', { mode: 0o600 });
    expect(await requiresPermissionChange(dir, fsGroup, false)).toBe(true);
    await setVolumeOwnership(dir, fsGroup, { readOnly: false });
    expect(await requiresPermissionChange(dir, fsGroup, false)).toBe(false);
    await chmod(path.join(dir, 'f'), 0o600);
    await setVolumeOwnership(dir, fsGroup, {
      readOnly: false,
      fsGroupChangePolicy: 'OnRootMismatch',
    });
    expect(await mode(path.join(dir, 'f'))).toBe(0o600);
    await setVolumeOwnership(dir, fsGroup, { readOnly: false, fsGroupChangePolicy: 'Always' });
    expect(await mode(path.join(dir, 'f'))).toBe(0o660);
  });
});

class NoMounts implements Mounter {
  mountTmpfs(): Promise<void> {
    return Promise.resolve();
  }
  bindMount(): Promise<void> {
    return Promise.resolve();
  }
  unmount(): Promise<void> {
    return Promise.resolve();
  }
  mountsUnder(): Promise<string[]> {
    return Promise.resolve([]);
  }
  mountTypeAt(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }
}

describe('VolumeManager with fsGroup', () => {
  const pod: Pod = {
    metadata: { name: 'p', namespace: 'default', uid: 'u-fsgroup' },
    spec: {
      securityContext: { fsGroup },
      volumes: [
        { name: 'data', emptyDir: {} },
        { name: 'cfg', configMap: { name: 'cm', defaultMode: 0o400 } },
      ],
      containers: [{ name: 'c', image: 'busybox' }],
    },
  };
  const sources: VolumeSourceProvider = {
    getSecret: () => Promise.resolve(undefined),
    getConfigMap: () =>
      Promise.resolve({ metadata: { name: 'cm', namespace: 'default' }, data: { k: 'v' } }),
  };

  it('owns a new emptyDir once, and API-data files before they are visible', async () => {
    const vm = new VolumeManager({
      dataDir: dir,
      mounter: new NoMounts(),
      sourceProvider: sources,
    });
    const vols = await vm.setUpPodVolumes(pod);
    const data = vols.get('data')?.hostPath ?? '';
    expect((await stat(data)).gid).toBe(fsGroup);
    expect(await mode(data)).toBe(0o2777);
    // A file the pod made later with its own mode is left alone by the next sync.
    await writeFile(path.join(data, 'mine'), 'x', { mode: 0o600 });
    await vm.setUpPodVolumes(pod);
    expect(await mode(path.join(data, 'mine'))).toBe(0o600);

    const cfg = vols.get('cfg')?.hostPath ?? '';
    const file = path.join(cfg, 'k');
    expect((await stat(file)).gid).toBe(fsGroup);
    expect((await stat(file)).mode & 0o777).toBe(0o440);
    await vm.tearDownPodVolumes('u-fsgroup');
  });
});

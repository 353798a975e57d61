import { mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CgroupfsManager, cpuSharesToWeight } from './cgroupfs-manager.ts';

let root = '';

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'podbay-cgroupfs-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const read = (p: string): Promise<string> => readFile(path.join(root, p), 'utf8');
const isDir = async (p: string): Promise<boolean> => {
  try {
    return (await stat(path.join(root, p))).isDirectory();
  } catch {
    return false;
  }
};

/** A v1 tree like this machine's: separate cpu and cpuacct, cpuset with CPUs, named systemd. */
async function v1Tree(): Promise<void> {
  for (const h of ['cpu,cpuacct', 'cpuset', 'memory', 'pids', 'freezer', 'systemd', 'unified']) {
    await mkdir(path.join(root, h));
    await writeFile(path.join(root, h, 'cgroup.procs'), '');
  }
  await symlink('cpu,cpuacct', path.join(root, 'cpu'));
  await symlink('cpu,cpuacct', path.join(root, 'cpuacct'));
  await writeFile(path.join(root, 'cpuset', 'cpuset.cpus'), '0-1\n');
  await writeFile(path.join(root, 'cpuset', 'cpuset.mems'), '0\n');
}

async function v2Tree(): Promise<void> {
  await writeFile(
    path.join(root, 'cgroup.controllers'),
    'cpuset cpu io memory hugetlb pids rdma\n',
  );
  await writeFile(path.join(root, 'cgroup.subtree_control'), '');
  await writeFile(path.join(root, 'cgroup.procs'), '');
}

/**
 * rmdir as cgroupfs does it, for a plain tree: refused (EBUSY) while a process or a child cgroup
 * is in the directory, else the directory goes with its control files.
 */
async function removeDir(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  const procs = await readFile(path.join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
  if (entries.some((e) => e.isDirectory()) || procs.trim() !== '') {
    throw Object.assign(new Error(`EBUSY: resource busy, rmdir '${dir}'`), { code: 'EBUSY' });
  }
  await rm(dir, { recursive: true });
}

describe('CgroupfsManager without the cgroup filesystems', () => {
  it('refuses to set up the node, naming what is missing and the ip netns exec trap', async () => {
    // What /sys/fs/cgroup looks like under `ip netns exec`: an empty directory of a fresh sysfs.
    const cgroups = await CgroupfsManager.open({ root });
    await expect(cgroups.ensureNodeCgroups()).rejects.toThrow(
      `no cgroup cpu, memory, pids controller is mounted under ${root}`,
    );
    await expect(cgroups.ensureNodeCgroups()).rejects.toThrow('use `nsenter --net=...` instead');
    expect(await readdir(root)).toEqual([]);
  });

  it('names only the controllers that are missing', async () => {
    await v1Tree();
    await rm(path.join(root, 'pids'), { recursive: true });
    const cgroups = await CgroupfsManager.open({ root });
    await expect(cgroups.ensureNodeCgroups()).rejects.toThrow(
      `no cgroup pids controller is mounted under ${root}`,
    );
  });
});

describe('cpuSharesToWeight', () => {
  it.each([
    [0, 0],
    [2, 1],
    [1024, 39],
    [102, 4],
    [262_144, 10_000],
    [1_000_000, 10_000],
  ])('shares %i → weight %i', (shares, weight) => {
    expect(cpuSharesToWeight(shares)).toBe(weight);
  });
});

describe('CgroupfsManager on cgroup v1', () => {
  it('detects v1 and every mounted hierarchy once (co-mounts through their symlinks)', async () => {
    await v1Tree();
    const m = await CgroupfsManager.open({ root });
    expect(m.version).toBe(1);
    const dirs = (await m.hierarchies()).map((h) => path.basename(h.dir)).sort();
    expect(dirs).toEqual([
      'cpu,cpuacct',
      'cpuset',
      'freezer',
      'memory',
      'pids',
      'systemd',
      'unified',
    ]);
  });

  it('makes the node cgroups in every hierarchy, BestEffort with cpu shares 2, cpuset copied', async () => {
    await v1Tree();
    const m = await CgroupfsManager.open({ root });
    await m.ensureNodeCgroups();
    for (const h of ['cpu,cpuacct', 'cpuset', 'memory', 'pids', 'systemd']) {
      expect(await isDir(`${h}/podbay/burstable`)).toBe(true);
      expect(await isDir(`${h}/podbay/besteffort`)).toBe(true);
    }
    expect(await read('cpu,cpuacct/podbay/besteffort/cpu.shares')).toBe('2');
    expect(await read('cpuset/podbay/cpuset.cpus')).toBe('0-1');
    expect(await read('cpuset/podbay/besteffort/cpuset.mems')).toBe('0');
    await m.ensureNodeCgroups();
  });

  it('writes a Guaranteed pod its shares, quota, memory and pids limits', async () => {
    await v1Tree();
    const m = await CgroupfsManager.open({ root });
    await m.ensureNodeCgroups();
    const name = await m.ensurePodCgroup('u1', 'Guaranteed', {
      cpuShares: 512,
      cpuQuota: 50_000,
      cpuPeriod: 100_000,
      memoryLimitBytes: 64 << 20,
      pidsLimit: 100,
    });
    expect(name).toBe('/podbay/podu1');
    expect(await read('cpu,cpuacct/podbay/podu1/cpu.shares')).toBe('512');
    expect(await read('cpu,cpuacct/podbay/podu1/cpu.cfs_period_us')).toBe('100000');
    expect(await read('cpu,cpuacct/podbay/podu1/cpu.cfs_quota_us')).toBe('50000');
    expect(await read('memory/podbay/podu1/memory.limit_in_bytes')).toBe(String(64 << 20));
    expect(await read('pids/podbay/podu1/pids.max')).toBe('100');
    expect(await read('cpuset/podbay/podu1/cpuset.cpus')).toBe('0-1');
  });

  it('clears limits the pod no longer has on update (a Burstable pod without limits)', async () => {
    await v1Tree();
    const m = await CgroupfsManager.open({ root });
    await m.ensurePodCgroup('u2', 'Burstable', {
      cpuShares: 256,
      cpuQuota: 20_000,
      cpuPeriod: 100_000,
      memoryLimitBytes: 1 << 20,
    });
    const name = await m.ensurePodCgroup('u2', 'Burstable', { cpuShares: 300, cpuPeriod: 100_000 });
    expect(name).toBe('/podbay/burstable/podu2');
    expect(await read('cpu,cpuacct/podbay/burstable/podu2/cpu.shares')).toBe('300');
    expect(await read('cpu,cpuacct/podbay/burstable/podu2/cpu.cfs_quota_us')).toBe('-1');
    expect(await read('memory/podbay/burstable/podu2/memory.limit_in_bytes')).toBe('-1');
    expect(await read('pids/podbay/burstable/podu2/pids.max')).toBe('max');
  });

  it('lists pod cgroups of every tier', async () => {
    await v1Tree();
    const m = await CgroupfsManager.open({ root });
    await m.ensureNodeCgroups();
    await m.ensurePodCgroup('a', 'Guaranteed', { cpuShares: 2, cpuPeriod: 100_000 });
    await m.ensurePodCgroup('b', 'Burstable', { cpuShares: 2, cpuPeriod: 100_000 });
    await m.ensurePodCgroup('c', 'BestEffort', { cpuShares: 2, cpuPeriod: 100_000 });
    expect(await m.listPodCgroups()).toEqual(['a', 'b', 'c']);
  });

  it('removes a pod cgroup: SIGKILLs every process below it, children before parents', async () => {
    await v1Tree();
    const killed: number[] = [];
    const m = await CgroupfsManager.open({
      root,
      removeDir,
      // Pretend the kernel removes a killed process from every cgroup.procs it is in.
      kill: (pid) => {
        killed.push(pid);
      },
    });
    await m.ensurePodCgroup('u3', 'BestEffort', { cpuShares: 2, cpuPeriod: 100_000 });
    const container = 'memory/podbay/besteffort/podu3/ctr';
    await mkdir(path.join(root, container));
    await writeFile(path.join(root, container, 'cgroup.procs'), '4242\n4243\n');
    await writeFile(path.join(root, 'memory/podbay/besteffort/podu3/cgroup.procs'), '4241\n');
    const emptied = (async () => {
      while (killed.length < 3) await new Promise((r) => setTimeout(r, 5));
      await writeFile(path.join(root, container, 'cgroup.procs'), '');
      await writeFile(path.join(root, 'memory/podbay/besteffort/podu3/cgroup.procs'), '');
    })();
    await m.removePodCgroup('u3');
    await emptied;
    expect(killed.sort()).toEqual([4241, 4242, 4243]);
    for (const h of ['cpu,cpuacct', 'cpuset', 'memory', 'pids', 'systemd', 'unified']) {
      expect(await isDir(`${h}/podbay/besteffort/podu3`)).toBe(false);
    }
    expect(await isDir('memory/podbay/besteffort')).toBe(true);
    // Idempotent.
    await m.removePodCgroup('u3');
    expect(await m.listPodCgroups()).toEqual([]);
  });

  it("removes an exited container's cgroup from every hierarchy, and says when one is busy", async () => {
    await v1Tree();
    const m = await CgroupfsManager.open({ root, removeDir, kill: () => undefined });
    await m.ensurePodCgroup('u5', 'BestEffort', { cpuShares: 2, cpuPeriod: 100_000 });
    const ctr = '/podbay/besteffort/podu5/ctr';
    // As runc makes it: in the hierarchies it uses (not all of them).
    for (const h of ['cpu,cpuacct', 'memory', 'pids']) {
      await mkdir(path.join(root, h, ctr));
      await writeFile(path.join(root, h, ctr, 'cgroup.procs'), '');
    }
    await writeFile(path.join(root, 'pids', ctr, 'cgroup.procs'), '99\n');
    expect(await m.removeContainerCgroup(ctr)).toBe(false);
    expect(await isDir(`pids${ctr}`)).toBe(true);
    expect(await isDir(`memory${ctr}`)).toBe(false);
    await writeFile(path.join(root, 'pids', ctr, 'cgroup.procs'), '');
    expect(await m.removeContainerCgroup(ctr)).toBe(true);
    for (const h of ['cpu,cpuacct', 'memory', 'pids'])
      expect(await isDir(`${h}${ctr}`)).toBe(false);
    // The pod's own cgroup stays, and a second call finds nothing to do.
    expect(await isDir('memory/podbay/besteffort/podu5')).toBe(true);
    expect(await m.removeContainerCgroup(ctr)).toBe(true);
  });

  it('fails with a clear error when processes do not leave', async () => {
    await v1Tree();
    const m = await CgroupfsManager.open({
      root,
      removeDir,
      kill: () => undefined,
      drainTimeoutMs: 50,
    });
    await m.ensurePodCgroup('u4', 'BestEffort', { cpuShares: 2, cpuPeriod: 100_000 });
    await writeFile(path.join(root, 'pids/podbay/besteffort/podu4/cgroup.procs'), '77\n');
    await expect(m.removePodCgroup('u4')).rejects.toThrow(/1 processes still there after SIGKILL/);
  });
});

describe('CgroupfsManager on cgroup v2', () => {
  it('detects v2, enables controllers and writes weight, cpu.max, memory.max, pids.max', async () => {
    await v2Tree();
    const m = await CgroupfsManager.open({ root });
    expect(m.version).toBe(2);
    await m.ensureNodeCgroups();
    expect(await read('cgroup.subtree_control')).toBe(
      '+cpuset +cpu +io +memory +hugetlb +pids +rdma',
    );
    expect(await read('podbay/besteffort/cpu.weight')).toBe('1');
    await m.ensurePodCgroup('g', 'Guaranteed', {
      cpuShares: 1024,
      cpuQuota: 100_000,
      cpuPeriod: 100_000,
      memoryLimitBytes: 128 << 20,
      pidsLimit: 64,
    });
    expect(await read('podbay/podg/cpu.weight')).toBe('39');
    expect(await read('podbay/podg/cpu.max')).toBe('100000 100000');
    expect(await read('podbay/podg/memory.max')).toBe(String(128 << 20));
    expect(await read('podbay/podg/pids.max')).toBe('64');
    await m.ensurePodCgroup('g', 'Guaranteed', { cpuShares: 1024, cpuPeriod: 100_000 });
    expect(await read('podbay/podg/cpu.max')).toBe('max 100000');
    expect(await read('podbay/podg/memory.max')).toBe('max');
  });

  it('removes a pod with cgroup.kill when the kernel has it', async () => {
    await v2Tree();
    const killed: number[] = [];
    const m = await CgroupfsManager.open({ root, removeDir, kill: (pid) => killed.push(pid) });
    await m.ensurePodCgroup('k', 'Burstable', { cpuShares: 2, cpuPeriod: 100_000 });
    const dir = path.join(root, 'podbay/burstable/podk');
    await writeFile(path.join(dir, 'cgroup.procs'), '99\n');
    await writeFile(path.join(dir, 'cgroup.kill'), '');
    const removing = m.removePodCgroup('k');
    // The "kernel": cgroup.kill written → processes gone.
    for (;;) {
      if ((await readFile(path.join(dir, 'cgroup.kill'), 'utf8').catch(() => '')) === '1') break;
      await new Promise((r) => setTimeout(r, 5));
    }
    await writeFile(path.join(dir, 'cgroup.procs'), '');
    await removing;
    expect(killed).toEqual([]);
    expect(await readdir(path.join(root, 'podbay/burstable'))).toEqual([]);
  });
});

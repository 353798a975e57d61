/**
 * `CgroupfsManager`: pod cgroups written straight to the cgroup filesystem, as the kubelet's
 * cgroupfs driver does, on cgroup v1 (one hierarchy per controller, possibly co-mounted:
 * `cpu,cpuacct`) and v2 (one unified tree with controllers enabled per level).
 *
 *   ensureNodeCgroups: <root>/podbay, podbay/burstable, podbay/besteffort (cpu shares 2 there,
 *                      as upstream's QoS container manager gives BestEffort)
 *   ensurePodCgroup:   the pod's dir in every hierarchy, then its limits (cpu shares or weight,
 *                      CFS quota/period, memory limit, pids); an update writes the same files
 *   removePodCgroup:   SIGKILL whatever still runs there (cgroup.kill on v2 when the kernel has it),
 *                      then rmdir children before parents in every hierarchy
 *
 * v1 cpuset cgroups start with no CPUs and memory nodes, which would make every later attach fail:
 * each new level copies `cpuset.cpus` and `cpuset.mems` from its parent. On v2 a parent must list
 * a controller in `cgroup.subtree_control` for its children to get it, so every level down to the
 * pod enables what it has (containers below the pod get them from runc's own writes).
 *
 * The filesystem root is a parameter, so unit tests run against a directory tree shaped like
 * /sys/fs/cgroup (and a `kill` function that only pretends).
 */
import path from 'node:path';
import { type Clock, localFs, type Logger, realClock, silentLogger } from '../../util/index.ts';
import { podCgroupName, qosTier } from './paths.ts';
import type { CgroupManager, PodCgroupResources, QOSClass } from './types.ts';

// Small writes and reads of cgroupfs: synchronous underneath (util/local-fs.ts says why).
const { access, mkdir, readFile, readdir, rmdir, stat, writeFile } = localFs;

export interface CgroupfsManagerOptions {
  /** The cgroup filesystem; default /sys/fs/cgroup. */
  readonly root?: string;
  /** Our top-level cgroup's name; default `podbay`. */
  readonly name?: string;
  /** Force a version instead of detecting it (tests). */
  readonly version?: 1 | 2;
  /** Sends SIGKILL to a process; default process.kill. Tests inject a fake. */
  readonly kill?: (pid: number) => void;
  /**
   * Removes one (empty) cgroup directory; default rmdir(2), which cgroupfs allows although the
   * directory lists control files. Tests over a plain directory tree remove recursively.
   */
  readonly removeDir?: (dir: string) => Promise<void>;
  /** How long removePodCgroup waits for killed processes to leave; default 10 s. */
  readonly drainTimeoutMs?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/** Thrown for cgroup failures, with the file and the kernel's complaint. */
export class CgroupError extends Error {
  override readonly name = 'CgroupError';
}

/** v1 controllers whose hierarchies we manage (plus named ones like name=systemd and unified). */
const V1_CONTROLLERS = [
  'cpu',
  'cpuacct',
  'cpuset',
  'memory',
  'pids',
  'freezer',
  'devices',
  'blkio',
  'hugetlb',
  'net_cls',
  'net_prio',
  'perf_event',
  'rdma',
  'misc',
];

const QOS_CLASSES = ['Guaranteed', 'Burstable', 'BestEffort'] as const;

/** v2 controllers we enable down to the pods (when the kernel offers them). */
const V2_CONTROLLERS = ['cpuset', 'cpu', 'io', 'memory', 'hugetlb', 'pids', 'rdma', 'misc'];

/**
 * runc's (and so the kubelet's) cpu.shares → cpu.weight conversion: [2, 262144] onto [1, 10000]
 * linearly, 0 meaning unset.
 */
export function cpuSharesToWeight(shares: number): number {
  if (shares <= 0) return 0;
  const s = Math.min(262_144, Math.max(2, Math.floor(shares)));
  return 1 + Math.floor(((s - 2) * 9999) / 262_142);
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

interface Hierarchy {
  /** Absolute path of the hierarchy's root directory. */
  readonly dir: string;
  /** Controllers it carries (empty for named ones such as name=systemd, and for `unified`). */
  readonly controllers: readonly string[];
}

export class CgroupfsManager implements CgroupManager {
  readonly version: 1 | 2;
  private readonly root: string;
  private readonly name: string;
  private readonly killPid: (pid: number) => void;
  private readonly drainTimeoutMs: number;
  private readonly removeDir: (dir: string) => Promise<void>;
  private readonly clock: Clock;
  private readonly log: Logger;
  private hierarchiesCache: Hierarchy[] | undefined;

  private constructor(opts: CgroupfsManagerOptions, version: 1 | 2) {
    this.root = opts.root ?? '/sys/fs/cgroup';
    this.name = opts.name ?? 'podbay';
    this.version = version;
    this.killPid =
      opts.kill ??
      ((pid) => {
        process.kill(pid, 'SIGKILL');
      });
    this.drainTimeoutMs = opts.drainTimeoutMs ?? 10_000;
    this.removeDir = opts.removeDir ?? ((dir) => rmdir(dir));
    this.clock = opts.clock ?? realClock;
    this.log = (opts.logger ?? silentLogger).with({ component: 'cgroups' });
  }

  /** Detects the cgroup version under the root (v2 when it is a unified mount) and makes a manager. */
  static async open(opts: CgroupfsManagerOptions = {}): Promise<CgroupfsManager> {
    const root = opts.root ?? '/sys/fs/cgroup';
    const version = opts.version ?? ((await exists(path.join(root, 'cgroup.controllers'))) ? 2 : 1);
    return new CgroupfsManager(opts, version);
  }

  /** Our top-level cgroup, `/podbay`. */
  get rootPath(): string {
    return `/${this.name}`;
  }

  // ---------------------------------------------------------------- CgroupManager

  async ensureNodeCgroups(): Promise<void> {
    await this.checkMounted();
    const base = this.rootPath;
    await this.ensure(base);
    await this.ensure(`${base}/burstable`);
    await this.ensure(`${base}/besteffort`);
    // BestEffort pods get the least CPU when there is contention.
    await this.writeCpu(`${base}/besteffort`, { cpuShares: 2, cpuPeriod: 100_000 }, false);
  }

  async ensurePodCgroup(
    podUid: string,
    qos: QOSClass,
    resources: PodCgroupResources,
  ): Promise<string> {
    const name = podCgroupName(this.rootPath, podUid, qos);
    await this.ensure(name);
    // Different files (on v1 in different hierarchies): written side by side.
    await Promise.all([
      this.writeCpu(name, resources, true),
      this.writeMemory(name, resources.memoryLimitBytes),
      this.writePids(name, resources.pidsLimit),
    ]);
    return name;
  }

  async removePodCgroup(podUid: string): Promise<void> {
    for (const qos of QOS_CLASSES) {
      const name = podCgroupName(this.rootPath, podUid, qos);
      const dirs = (await this.hierarchies()).map((h) => path.join(h.dir, name));
      // An empty pod cgroup (its containers already gone, as after every normal stop) goes with
      // one rmdir per hierarchy, which the kernel refuses while a process or a child cgroup is
      // in it; only those busy ones are drained and removed bottom-up.
      const outcomes = await Promise.all(dirs.map((d) => this.tryRemoveDir(d)));
      const busy = dirs.filter((_, i) => outcomes[i] === 'busy');
      if (busy.length > 0) {
        await this.killAll(busy);
        for (const d of busy) await this.removeTree(d);
      }
      if (outcomes.some((o) => o !== 'missing')) {
        this.log.info('pod cgroup removed', { podUid, cgroup: name });
      }
    }
  }

  async removeContainerCgroup(cgroupsPath: string): Promise<boolean> {
    const dirs = (await this.hierarchies()).map((h) => path.join(h.dir, cgroupsPath));
    const outcomes = await Promise.all(dirs.map((d) => this.tryRemoveDir(d)));
    return !outcomes.includes('busy');
  }

  async listPodCgroups(): Promise<string[]> {
    const uids = new Set<string>();
    for (const h of await this.hierarchies()) {
      for (const qos of QOS_CLASSES) {
        const dir = path.join(h.dir, this.rootPath, qosTier(qos));
        for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
          if (e.isDirectory() && e.name.startsWith('pod') && e.name.length > 3) {
            uids.add(e.name.slice(3));
          }
        }
      }
      // One hierarchy is enough on v2; on v1 a pod may be half made (an agent crash): look at all.
      if (this.version === 2) break;
    }
    return [...uids].sort();
  }

  // ---------------------------------------------------------------- hierarchies

  /** v1: every mounted hierarchy (co-mounts once); v2: the unified root. */
  async hierarchies(): Promise<Hierarchy[]> {
    if (this.hierarchiesCache) return this.hierarchiesCache;
    if (this.version === 2) {
      this.hierarchiesCache = [{ dir: this.root, controllers: V2_CONTROLLERS }];
      return this.hierarchiesCache;
    }
    const out: Hierarchy[] = [];
    const seen = new Set<string>();
    for (const entry of (await readdir(this.root, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      // Co-mounted controllers show up as one directory plus symlinks (cpu -> cpu,cpuacct).
      if (!entry.isDirectory()) continue;
      const dir = path.join(this.root, entry.name);
      if (seen.has(dir) || !(await exists(path.join(dir, 'cgroup.procs')))) continue;
      seen.add(dir);
      const controllers = entry.name.split(',').filter((c) => V1_CONTROLLERS.includes(c));
      out.push({ dir, controllers });
    }
    this.hierarchiesCache = out;
    return out;
  }

  /**
   * Refuses to start without the cgroup controllers pods need: without them every container
   * would fail later, one by one, with runc's "no cgroup mount found in mountinfo".
   */
  private async checkMounted(): Promise<void> {
    const hierarchies = await this.hierarchies().catch(() => []);
    const mounted = new Set(hierarchies.flatMap((h) => h.controllers));
    const missing = ['cpu', 'memory', 'pids'].filter((c) => !mounted.has(c));
    if (missing.length === 0) return;
    throw new CgroupError(
      `no cgroup ${missing.join(', ')} controller is mounted under ${this.root}: pods cannot get ` +
        'resource limits. Mount the cgroup filesystems (a container needs them mounted too); ' +
        'note that `ip netns exec` mounts a fresh /sys without them: use `nsenter --net=...` instead',
    );
  }

  private async hierarchyFor(controller: string): Promise<string | undefined> {
    return (await this.hierarchies()).find((h) => h.controllers.includes(controller))?.dir;
  }

  // ---------------------------------------------------------------- creating

  /**
   * Creates `name` (e.g. `/podbay/burstable/pod<uid>`) level by level in every hierarchy, the
   * hierarchies side by side: on v1 there are ten or so, and one after another they made a pod
   * start wait ~7 ms here.
   */
  private async ensure(name: string): Promise<void> {
    const parts = name.split('/').filter((p) => p !== '');
    await Promise.all((await this.hierarchies()).map((h) => this.ensureIn(h, parts)));
  }

  private async ensureIn(h: Hierarchy, parts: readonly string[]): Promise<void> {
    // The parents (the node's cgroups) nearly always exist: try the leaf alone first.
    if (this.version === 1 && parts.length > 1) {
      const dir = path.join(h.dir, ...parts);
      try {
        await mkdir(dir);
        if (h.controllers.includes('cpuset')) await this.copyCpuset(path.dirname(dir), dir);
        return;
      } catch (err) {
        if (errno(err) === 'EEXIST') return;
        if (errno(err) !== 'ENOENT') {
          throw new CgroupError(`failed to create cgroup ${dir}: ${(err as Error).message}`);
        }
      }
    }
    let rel = '';
    for (const part of parts) {
      const parentDir = path.join(h.dir, rel);
      rel = `${rel}/${part}`;
      const dir = path.join(h.dir, rel);
      if (this.version === 2) await this.enableControllers(parentDir);
      if (await isDir(dir)) continue;
      try {
        await mkdir(dir);
      } catch (err) {
        if (errno(err) !== 'EEXIST') {
          throw new CgroupError(`failed to create cgroup ${dir}: ${(err as Error).message}`);
        }
      }
      if (this.version === 1 && h.controllers.includes('cpuset')) {
        await this.copyCpuset(parentDir, dir);
      }
    }
    if (this.version === 2) await this.enableControllers(path.join(h.dir, rel));
  }

  private async copyCpuset(parentDir: string, dir: string): Promise<void> {
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      const current = (await readFile(path.join(dir, file), 'utf8').catch(() => '')).trim();
      if (current !== '') continue;
      const value = (await readFile(path.join(parentDir, file), 'utf8').catch(() => '')).trim();
      if (value !== '') await this.write(dir, file, value);
    }
  }

  /** v2: turns on, for `dir`'s children, every controller `dir` has that we use. */
  private async enableControllers(dir: string): Promise<void> {
    const available = (await readFile(path.join(dir, 'cgroup.controllers'), 'utf8').catch(() => ''))
      .trim()
      .split(/\s+/)
      .filter((c) => V2_CONTROLLERS.includes(c));
    const enabled = new Set(
      (await readFile(path.join(dir, 'cgroup.subtree_control'), 'utf8').catch(() => ''))
        .trim()
        .split(/\s+/),
    );
    const missing = available.filter((c) => !enabled.has(c));
    if (missing.length === 0) return;
    try {
      await writeFile(
        path.join(dir, 'cgroup.subtree_control'),
        missing.map((c) => `+${c}`).join(' '),
      );
    } catch (err) {
      // Each one alone, so one the kernel refuses (e.g. cpuset in a threaded tree) costs only itself.
      for (const c of missing) {
        await writeFile(path.join(dir, 'cgroup.subtree_control'), `+${c}`).catch(() => {
          this.log.warn('cannot enable cgroup controller', { dir, controller: c, err });
        });
      }
    }
  }

  // ---------------------------------------------------------------- limits

  private async writeCpu(
    name: string,
    r: Pick<PodCgroupResources, 'cpuShares' | 'cpuQuota' | 'cpuPeriod'>,
    withQuota: boolean,
  ): Promise<void> {
    const quota = withQuota && r.cpuQuota !== undefined && r.cpuQuota > 0 ? r.cpuQuota : undefined;
    if (this.version === 1) {
      const h = await this.hierarchyFor('cpu');
      if (!h) return;
      const dir = path.join(h, name);
      if (r.cpuShares > 0) await this.write(dir, 'cpu.shares', String(Math.max(2, r.cpuShares)));
      if (!withQuota) return;
      // The period first: the kernel checks quota against the current period.
      if (quota !== undefined) {
        await this.write(dir, 'cpu.cfs_period_us', String(r.cpuPeriod));
        await this.write(dir, 'cpu.cfs_quota_us', String(quota));
      } else {
        await this.write(dir, 'cpu.cfs_quota_us', '-1');
      }
      return;
    }
    const dir = path.join(this.root, name);
    const weight = cpuSharesToWeight(r.cpuShares);
    if (weight > 0) await this.write(dir, 'cpu.weight', String(weight));
    if (!withQuota) return;
    await this.write(
      dir,
      'cpu.max',
      `${quota !== undefined ? String(quota) : 'max'} ${r.cpuPeriod}`,
    );
  }

  private async writeMemory(name: string, limit: number | undefined): Promise<void> {
    const value = limit !== undefined && limit > 0 ? String(limit) : undefined;
    if (this.version === 1) {
      const h = await this.hierarchyFor('memory');
      if (!h) return;
      await this.write(path.join(h, name), 'memory.limit_in_bytes', value ?? '-1');
      return;
    }
    await this.write(path.join(this.root, name), 'memory.max', value ?? 'max');
  }

  private async writePids(name: string, limit: number | undefined): Promise<void> {
    const value = limit !== undefined && limit > 0 ? String(limit) : 'max';
    const h = this.version === 1 ? await this.hierarchyFor('pids') : this.root;
    if (!h) return;
    await this.write(path.join(h, name), 'pids.max', value);
  }

  private async write(dir: string, file: string, value: string): Promise<void> {
    try {
      await writeFile(path.join(dir, file), value);
    } catch (err) {
      const code = errno(err);
      // Files a kernel does not have (no CFS bandwidth, no pids controller) are not ours to fix.
      if (code === 'ENOENT' && !(await isDir(dir))) {
        throw new CgroupError(
          `failed to write ${value} to ${path.join(dir, file)}: cgroup missing`,
        );
      }
      if (code === 'ENOENT') {
        this.log.debug('cgroup file not present', { file: path.join(dir, file) });
        return;
      }
      throw new CgroupError(
        `failed to write ${JSON.stringify(value)} to ${path.join(dir, file)}: ${(err as Error).message}`,
      );
    }
  }

  // ---------------------------------------------------------------- removing

  /** Pids in `dir` and everything below it. */
  private async pidsUnder(dir: string): Promise<number[]> {
    const pids: number[] = [];
    const text = await readFile(path.join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      const pid = Number.parseInt(line, 10);
      if (pid > 0) pids.push(pid);
    }
    for (const child of await this.childDirs(dir)) pids.push(...(await this.pidsUnder(child)));
    return pids;
  }

  private async childDirs(dir: string): Promise<string[]> {
    try {
      return (await readdir(dir, { withFileTypes: true }))
        .filter((e) => e.isDirectory())
        .map((e) => path.join(dir, e.name));
    } catch {
      return [];
    }
  }

  /** Kills every process in the pod's cgroups and waits (bounded) until they are gone. */
  private async killAll(dirs: readonly string[]): Promise<void> {
    const deadline = this.clock.now() + this.drainTimeoutMs;
    for (;;) {
      let remaining = 0;
      for (const dir of dirs) {
        if (this.version === 2 && (await exists(path.join(dir, 'cgroup.kill')))) {
          if ((await this.pidsUnder(dir)).length > 0) {
            await writeFile(path.join(dir, 'cgroup.kill'), '1').catch(() => undefined);
          }
        } else {
          for (const pid of await this.pidsUnder(dir)) {
            try {
              this.killPid(pid);
            } catch (err) {
              if (errno(err) !== 'ESRCH') throw err;
            }
          }
        }
      }
      await this.clock.sleep(0);
      for (const dir of dirs) remaining += (await this.pidsUnder(dir)).length;
      if (remaining === 0) return;
      if (this.clock.now() >= deadline) {
        throw new CgroupError(
          `failed to remove pod cgroup ${dirs[0] ?? ''}: ${remaining} processes still there after SIGKILL`,
        );
      }
      await this.clock.sleep(20);
    }
  }

  /** One rmdir: 'busy' when processes or child cgroups are still in it. */
  private async tryRemoveDir(dir: string): Promise<'removed' | 'missing' | 'busy'> {
    try {
      await this.removeDir(dir);
      return 'removed';
    } catch (err) {
      const code = errno(err);
      if (code === 'ENOENT') return 'missing';
      if (code === 'EBUSY' || code === 'ENOTEMPTY') return 'busy';
      throw new CgroupError(`failed to remove cgroup ${dir}: ${(err as Error).message}`);
    }
  }

  /** rmdir children before parents; EBUSY (a process still leaving) is retried briefly. */
  private async removeTree(dir: string): Promise<void> {
    for (const child of await this.childDirs(dir)) await this.removeTree(child);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.removeDir(dir);
        return;
      } catch (err) {
        const code = errno(err);
        if (code === 'ENOENT') return;
        if (code === 'EBUSY' && attempt < 50) {
          await this.clock.sleep(20);
          continue;
        }
        throw new CgroupError(`failed to remove cgroup ${dir}: ${(err as Error).message}`);
      }
    }
  }
}

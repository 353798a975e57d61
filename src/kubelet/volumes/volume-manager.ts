/**
 * `VolumeManager`: prepares a pod's volumes on the host (emptyDir, hostPath), makes subPath
 * mounts safe, and removes it all again, from the disk alone. See types.ts for the contract.
 *
 *   setUpPodVolumes(pod)                         tearDownPodVolumes(uid)
 *     for each spec.volumes[i], in order:          1. every mount under pods/<uid> (subPath binds,
 *       emptyDir:  mkdir 0777; Memory: tmpfs          tmpfs), deepest first, unmounted; if one
 *                  sized as upstream sizes it         stays, stop: nothing below it is deleted
 *       hostPath:  type check (may create)          2. rm -rf volume-subpaths/ and volumes/
 *       configMap, secret, downwardAPI, projected:  3. rmdir pods/<uid> when it is empty
 *                  a. the files (volume-payload.ts), from the ConfigMap/Secret sources
 *                  b. mkdir 0777; secret, downwardAPI and projected on a tmpfs (as upstream, so
 *                     secrets never reach the disk)
 *                  c. the atomic writer (atomic-writer.ts): rewritten only when data changed
 *                  d. read-only in every container
 *                  A volume set up before whose refresh fails keeps its files (onRefreshFailed).
 *       other:     FailedMount, not supported yet
 */
import { chmod, lstat, mkdir, readdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { totalmem } from 'node:os';
import path from 'node:path';
import type { Pod, Volume } from '../../api/index.ts';
import {
  isAbortError,
  realClock,
  silentLogger,
  throwIfAborted,
  type Clock,
  type Logger,
  errorMessage,
} from '../../util/index.ts';
import { AtomicWriter } from './atomic-writer.ts';
import { emptyDirMemorySize } from './empty-dir.ts';
import { checkHostPathType } from './host-path.ts';
import { LinuxMounter } from './linux-mounter.ts';
import { openSubPath, SubPathError } from './subpath.ts';
import {
  VolumeError,
  type Mounter,
  type PodVolume,
  type PodVolumeManager,
  type SubPathRequest,
  type VolumeSetUpContext,
  type VolumeSourceProvider,
} from './types.ts';
import { apiDataVolumeKind, makeVolumePayload, type ApiDataVolumeKind } from './volume-payload.ts';
import { podFsGroup, setVolumeOwnership } from './volume-ownership.ts';

export interface VolumeManagerOptions {
  /** podbay's data dir; pods live in `<dataDir>/pods/<uid>`. */
  readonly dataDir: string;
  /** The node's allocatable memory, the default size of a Memory emptyDir; default: total RAM. */
  readonly nodeAllocatableMemoryBytes?: number;
  /** Default: mount(8)/umount(8). */
  readonly mounter?: Mounter;
  /**
   * Data for configMap/secret/projected volumes when a call passes none
   * (`VolumeSetUpContext.sources` wins).
   */
  readonly sourceProvider?: VolumeSourceProvider;
  /** Names the atomic writer's version directories. Default: the real clock. */
  readonly clock?: Clock;
  readonly logger?: Logger;
}

const EMPTY_DIR = 'kubernetes.io~empty-dir';

/** Upstream's plugin directory names, and whether the plugin wraps a Memory emptyDir. */
const apiDataVolumes: Readonly<Record<ApiDataVolumeKind, { dir: string; tmpfs: boolean }>> = {
  configMap: { dir: 'kubernetes.io~configmap', tmpfs: false },
  secret: { dir: 'kubernetes.io~secret', tmpfs: true },
  downwardAPI: { dir: 'kubernetes.io~downward-api', tmpfs: true },
  projected: { dir: 'kubernetes.io~projected', tmpfs: true },
};

/** Without any source, configMap/secret lookups fail clearly (downwardAPI needs none). */
const noSources: VolumeSourceProvider = {
  getConfigMap: () => Promise.reject(new Error('this node has no ConfigMap source for volumes')),
  getSecret: () => Promise.reject(new Error('this node has no Secret source for volumes')),
};

/** Upstream's volume source field names, for the "not supported" message. */
const otherSources = [
  'persistentVolumeClaim',
  'ephemeral',
  'csi',
  'image',
  'nfs',
  'iscsi',
  'gitRepo',
] as const;

function setUpFailed(volumeName: string, err: unknown): VolumeError {
  return new VolumeError(
    volumeName,
    `MountVolume.SetUp failed for volume "${volumeName}" : ${errorMessage(err)}`,
  );
}

/** Pod uids are used as path segments: refuse anything that could leave pods/. */
function checkUid(uid: string): void {
  if (uid === '' || uid === '.' || uid === '..' || uid.includes('/') || uid.includes('\0')) {
    throw new Error(`invalid pod UID ${JSON.stringify(uid)}`);
  }
}

function checkName(kind: string, name: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new Error(`invalid ${kind} ${JSON.stringify(name)}`);
  }
}

export class VolumeManager implements PodVolumeManager {
  readonly podsDir: string;
  private readonly mounter: Mounter;
  private readonly nodeMemory: bigint;
  private readonly log: Logger;
  private readonly clock: Clock;
  readonly sourceProvider: VolumeSourceProvider | undefined;

  constructor(opts: VolumeManagerOptions) {
    this.podsDir = path.join(path.resolve(opts.dataDir), 'pods');
    this.mounter = opts.mounter ?? new LinuxMounter();
    this.nodeMemory = BigInt(Math.floor(opts.nodeAllocatableMemoryBytes ?? totalmem()));
    this.log = (opts.logger ?? silentLogger).with({ component: 'volumes' });
    this.sourceProvider = opts.sourceProvider;
    this.clock = opts.clock ?? realClock;
  }

  /** `<dataDir>/pods/<uid>`. */
  podDir(podUid: string): string {
    checkUid(podUid);
    return path.join(this.podsDir, podUid);
  }

  /** Where an emptyDir of the pod lives. */
  emptyDirPath(podUid: string, volumeName: string): string {
    checkName('volume name', volumeName);
    return path.join(this.podDir(podUid), 'volumes', EMPTY_DIR, volumeName);
  }

  /** Where a configMap, secret, downwardAPI or projected volume of the pod lives. */
  apiDataVolumePath(podUid: string, kind: ApiDataVolumeKind, volumeName: string): string {
    checkName('volume name', volumeName);
    return path.join(this.podDir(podUid), 'volumes', apiDataVolumes[kind].dir, volumeName);
  }

  async setUpPodVolumes(
    pod: Pod,
    signal?: AbortSignal,
    context?: VolumeSetUpContext,
  ): Promise<Map<string, PodVolume>> {
    const uid = pod.metadata?.uid ?? '';
    checkUid(uid);
    const log = this.log.with({
      pod: `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`,
    });
    const out = new Map<string, PodVolume>();
    for (const v of pod.spec?.volumes ?? []) {
      throwIfAborted(signal);
      out.set(v.name, await this.setUpVolume(pod, uid, v, context, log, signal));
      log.debug('volume set up', { volume: v.name });
    }
    return out;
  }

  private async setUpVolume(
    pod: Pod,
    uid: string,
    v: Volume,
    context: VolumeSetUpContext | undefined,
    log: Logger,
    signal: AbortSignal | undefined,
  ): Promise<PodVolume> {
    const kind = apiDataVolumeKind(v);
    if (kind) return this.setUpApiDataVolume({ pod, uid, v, kind, context, log, signal });
    const present = otherSources.filter((k) => v[k] !== undefined);
    if (v.hostPath) {
      try {
        await checkHostPathType(v.hostPath.path, v.hostPath.type);
      } catch (err) {
        throw setUpFailed(v.name, err);
      }
      return { hostPath: v.hostPath.path };
    }
    if (v.emptyDir || present.length === 0) {
      const medium = v.emptyDir?.medium ?? '';
      let dir: string;
      try {
        dir = this.emptyDirPath(uid, v.name);
      } catch (err) {
        throw setUpFailed(v.name, err);
      }
      // fsGroup is applied when the emptyDir is first made, as upstream's plugin does.
      const fsGroup = podFsGroup(pod);
      let fresh =
        fsGroup !== undefined &&
        !(await lstat(dir).then(
          () => true,
          () => false,
        ));
      if (medium === '') {
        await this.setUpDir(v.name, dir);
      } else if (medium === 'Memory') {
        fresh = await this.setUpTmpfs(
          v.name,
          dir,
          emptyDirMemorySize(pod, v.emptyDir?.sizeLimit, this.nodeMemory),
        );
      } else {
        throw setUpFailed(v.name, new Error(`unknown storage medium "${medium}"`));
      }
      if (fsGroup !== undefined && fresh) {
        try {
          await setVolumeOwnership(dir, fsGroup, { readOnly: false });
        } catch (err) {
          throw setUpFailed(v.name, err);
        }
      }
      return { hostPath: dir };
    }
    throw setUpFailed(
      v.name,
      new Error(`${present.join(', ')} volumes are not supported by this node yet`),
    );
  }

  /** configMap, secret, downwardAPI, projected: steps a–d at the top of the file. */
  private async setUpApiDataVolume(a: {
    pod: Pod;
    uid: string;
    v: Volume;
    kind: ApiDataVolumeKind;
    context: VolumeSetUpContext | undefined;
    log: Logger;
    signal: AbortSignal | undefined;
  }): Promise<PodVolume> {
    const { pod, uid, v, kind, context, log, signal } = a;
    let dir: string;
    try {
      dir = this.apiDataVolumePath(uid, kind, v.name);
    } catch (err) {
      throw setUpFailed(v.name, err);
    }
    const writer = new AtomicWriter({ targetDir: dir, clock: this.clock, logger: log });
    // Set up before (an earlier sync, or before an agent restart): then a failure to refresh it
    // leaves the running pod its last files, as upstream's remount does.
    const setUpBefore = await writer.currentVersion().then(
      (ts) => ts !== undefined,
      () => false,
    );
    const fail = (err: unknown): PodVolume => {
      const ve = setUpFailed(v.name, err);
      if (!setUpBefore) throw ve;
      log.warn('cannot refresh volume; it keeps its last content', {
        volume: v.name,
        err: ve.message,
      });
      context?.onRefreshFailed?.(ve);
      return { hostPath: dir, readOnly: true };
    };

    // a. The files, before touching the disk: a missing ConfigMap changes nothing.
    let payload;
    try {
      payload = await makeVolumePayload(
        v,
        pod,
        context?.sources ?? this.sourceProvider ?? noSources,
        signal,
      );
    } catch (err) {
      if (isAbortError(err)) throw err;
      return fail(err);
    }
    throwIfAborted(signal);

    // b. The directory, on a tmpfs where upstream's plugin wraps a Memory emptyDir.
    let mountedNow = false;
    if (apiDataVolumes[kind].tmpfs) {
      mountedNow = await this.setUpTmpfs(
        v.name,
        dir,
        emptyDirMemorySize(pod, undefined, this.nodeMemory),
      );
    } else {
      await this.setUpDir(v.name, dir);
    }

    // c. The files, atomically.
    let changed: boolean;
    try {
      const fsGroup = podFsGroup(pod);
      changed = await writer.write(
        payload,
        fsGroup !== undefined
          ? () => setVolumeOwnership(dir, fsGroup, { readOnly: true })
          : undefined,
      );
    } catch (err) {
      if (mountedNow) {
        await this.mounter.unmount(dir).catch((e: unknown) => {
          log.warn('cannot unmount a volume that failed to set up', {
            volume: v.name,
            err: errorMessage(e),
          });
        });
      }
      return fail(err);
    }
    if (changed && setUpBefore) log.info('volume updated', { volume: v.name });

    // d. Read-only in every container, whatever the volumeMount says.
    return { hostPath: dir, readOnly: true };
  }

  /** mkdir -p, then exactly 0777 (the umask must not narrow it: any container user may write). */
  private async setUpDir(volumeName: string, dir: string): Promise<void> {
    try {
      await mkdir(dir, { recursive: true, mode: 0o777 });
      const st = await lstat(dir);
      if (!st.isDirectory()) throw new Error(`${dir} is not a directory`);
      // Only the permission bits, as upstream's emptyDir compares them: the setgid bit fsGroup
      // gave the directory on its first set-up stays through every later one.
      if ((st.mode & 0o777) !== 0o777) await chmod(dir, (st.mode & 0o7000) | 0o777);
    } catch (err) {
      throw setUpFailed(volumeName, err);
    }
  }

  /** True when this call mounted it (false: it was a tmpfs already). */
  private async setUpTmpfs(volumeName: string, dir: string, sizeBytes: bigint): Promise<boolean> {
    let fsType: string | undefined;
    try {
      fsType = await this.mounter.mountTypeAt(dir);
    } catch (err) {
      throw setUpFailed(volumeName, err);
    }
    // Idempotent: already a tmpfs (an earlier sync, or before a restart). Its root keeps the
    // mode the kernel gave it (1777, as on upstream nodes).
    if (fsType === 'tmpfs') return false;
    await this.setUpDir(volumeName, dir);
    try {
      await this.mounter.mountTmpfs(dir, Number(sizeBytes));
    } catch (err) {
      throw setUpFailed(volumeName, err);
    }
    this.log.info('mounted tmpfs for volume', {
      volume: volumeName,
      dir,
      size: Number(sizeBytes),
    });
    return true;
  }

  async prepareSubPath(req: SubPathRequest, signal?: AbortSignal): Promise<string> {
    throwIfAborted(signal);
    checkName('volume name', req.volumeName);
    checkName('container name', req.containerName);
    if (!Number.isInteger(req.mountIndex) || req.mountIndex < 0) {
      throw new Error(`invalid volumeMount index ${req.mountIndex}`);
    }
    const target = path.join(
      this.podDir(req.podUid),
      'volume-subpaths',
      req.volumeName,
      req.containerName,
      String(req.mountIndex),
    );
    let mode: number;
    try {
      mode = (await stat(req.volumeHostPath)).mode & 0o7777;
    } catch (err) {
      throw new VolumeError(
        req.volumeName,
        `error resolving symlinks in "${req.volumeHostPath}": ${errorMessage(err)}`,
        'CreateContainerConfigError',
      );
    }
    let opened;
    try {
      opened = await openSubPath(req.volumeHostPath, req.subPath, { createMode: mode });
    } catch (err) {
      throw new VolumeError(
        req.volumeName,
        err instanceof SubPathError
          ? err.message
          : `failed to create subPath directory for volumeMount "${req.volumeName}" of container "${req.containerName}"`,
        'CreateContainerConfigError',
      );
    }
    try {
      const fd = opened.handle.fd;
      const opendStat = await opened.handle.stat();
      if ((await this.mounter.mountTypeAt(target)) !== undefined) {
        // Mounted by an earlier attempt: keep it if it is the same file, else replace it.
        const st = await stat(target);
        if (st.dev === opendStat.dev && st.ino === opendStat.ino) return target;
        await this.mounter.unmount(target);
      }
      await mkdir(path.dirname(target), { recursive: true, mode: 0o750 });
      if (opened.isDirectory) await mkdir(target, { mode: 0o750 }).catch(ignoreExists);
      else await writeFile(target, '', { mode: 0o640, flag: 'a' });
      await this.mounter.bindMount(`/proc/${process.pid}/fd/${fd}`, target);
      this.log.debug('bound subPath', { volume: req.volumeName, subPath: req.subPath, target });
      return target;
    } catch (err) {
      throw new VolumeError(
        req.volumeName,
        `error mounting ${opened.path}: ${errorMessage(err)}`,
        'CreateContainerConfigError',
      );
    } finally {
      await opened.handle.close();
    }
  }

  async tearDownPodVolumes(podUid: string): Promise<void> {
    const podDir = this.podDir(podUid);
    try {
      await lstat(podDir);
    } catch {
      return;
    }
    // 1. Unmount first, deepest first; delete nothing while anything is still mounted below.
    // Mounts are made only under these two: a pod that has neither (no volume needed a directory)
    // has none, and mountinfo, a thousand lines on a busy node, need not be read for it.
    const holders = ['volumes', 'volume-subpaths'].map((d) => path.join(podDir, d));
    if (!(await anyExists(holders))) {
      await rmdir(podDir).catch(() => undefined);
      this.log.debug('pod volumes torn down', { podUid });
      return;
    }
    for (const m of await this.mounter.mountsUnder(podDir)) {
      try {
        await this.mounter.unmount(m);
      } catch (err) {
        throw new Error(`failed to unmount ${m} of pod ${podUid}: ${errorMessage(err)}`);
      }
    }
    const left = await this.mounter.mountsUnder(podDir);
    if (left.length > 0) {
      throw new Error(
        `pod ${podUid} still has mounts (${left.join(', ')}); not removing its volumes`,
      );
    }
    // 2. Now it is all plain directories on our disk.
    await rm(path.join(podDir, 'volume-subpaths'), { recursive: true, force: true });
    await rm(path.join(podDir, 'volumes'), { recursive: true, force: true });
    // 3. The pod dir may hold other components' files; remove it only when empty.
    await rmdir(podDir).catch(() => undefined);
    this.log.debug('pod volumes torn down', { podUid });
  }

  async listPodVolumeDirs(): Promise<string[]> {
    let uids: string[];
    try {
      uids = await readdir(this.podsDir);
    } catch {
      return [];
    }
    const out: string[] = [];
    for (const uid of uids) {
      const dir = path.join(this.podsDir, uid);
      for (const sub of ['volumes', 'volume-subpaths']) {
        try {
          await lstat(path.join(dir, sub));
          out.push(uid);
          break;
        } catch {
          // not there
        }
      }
    }
    return out.sort();
  }
}

function ignoreExists(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
}

async function anyExists(paths: readonly string[]): Promise<boolean> {
  for (const p of paths) {
    try {
      await lstat(p);
      return true;
    } catch {
      // missing: look at the next
    }
  }
  return false;
}

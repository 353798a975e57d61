/**
 * Pod volumes as the kubelet's volume manager prepares them, before the runtime bind-mounts them
 * into containers. `VolumeManager` (volume-manager.ts) is the implementation; it needs root only
 * for mounts (tmpfs emptyDirs, subPath bind mounts) and runs in temp dirs for unit tests.
 *
 * Layout under the data dir, as upstream's kubelet keeps it under /var/lib/kubelet:
 *
 *   pods/<uid>/volumes/kubernetes.io~empty-dir/<name>   emptyDir (a tmpfs mount for medium Memory)
 *   pods/<uid>/volume-subpaths/<volume>/<container>/<i> subPath bind mounts (TOCTOU-safe, see subpath.ts)
 *
 * Contract, for the kubelet core (syncPod):
 *   1. `setUpPodVolumes(pod)` before creating any container of the pod (after the sandbox exists or
 *      before; it does not depend on it). Idempotent: calling it again for a running pod returns the
 *      same paths and changes nothing. It fails with a `VolumeError` (reason `FailedMount`, upstream's
 *      `MountVolume.SetUp failed for volume "x" : ...` message) and then leaves no mount it made
 *      for that volume behind; volumes set up before the failing one stay (the next sync reuses them).
 *   2. For every volumeMount with a subPath (subPathExpr already expanded): `prepareSubPath`, whose
 *      returned path is what the runtime bind-mounts (never `join(volume, subPath)`).
 *   3. `tearDownPodVolumes(uid)` after every container of the pod has exited and been removed.
 *      Idempotent; works from the disk alone, so it also cleans up after a restart or for pods the
 *      API no longer has (`listPodVolumeDirs()` lists the candidates).
 * Calls for one pod must not overlap (the pod worker serialises them); different pods may run at once.
 */
import type { ConfigMap, Pod, Secret } from '../../api/index.ts';

/** A volume ready to be bind-mounted: the host path the runtime mounts. */
export interface PodVolume {
  readonly hostPath: string;
  /** True for volumes that are read-only whatever the volumeMount says (configMap, secret, ...). */
  readonly readOnly?: boolean;
}

/** Why a volume could not be prepared; `message` is what the pod's event says. */
export class VolumeError extends Error {
  override readonly name = 'VolumeError';
  /**
   * How the kubelet reports it: FailedMount events for volume SetUp failures (setUpPodVolumes),
   * CreateContainerConfigError for a container's subPath (prepareSubPath), as upstream does.
   */
  readonly reason: 'FailedMount' | 'CreateContainerConfigError';
  readonly volumeName: string;
  constructor(
    volumeName: string,
    message: string,
    reason: 'FailedMount' | 'CreateContainerConfigError' = 'FailedMount',
  ) {
    super(message);
    this.volumeName = volumeName;
    this.reason = reason;
  }
}

/**
 * Where API-backed volumes (configMap, secret, projected, downwardAPI) will get their data; used
 * by a later issue. Implementations read through the kubelet's informers or client.
 */
export interface VolumeSourceProvider {
  getSecret(namespace: string, name: string, signal?: AbortSignal): Promise<Secret | undefined>;
  getConfigMap(
    namespace: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<ConfigMap | undefined>;
}

export interface SubPathRequest {
  readonly podUid: string;
  readonly volumeName: string;
  /** The volume's host path, as `setUpPodVolumes` returned it. */
  readonly volumeHostPath: string;
  /** Relative, without `..`; subPathExpr already expanded by the caller. */
  readonly subPath: string;
  readonly containerName: string;
  /** The index of the volumeMount in the container's volumeMounts. */
  readonly mountIndex: number;
}

export interface PodVolumeManager {
  setUpPodVolumes(pod: Pod, signal?: AbortSignal): Promise<Map<string, PodVolume>>;
  /**
   * Resolves `subPath` inside the volume without following any symlink out of it (creating it as a
   * directory when missing, as upstream does) and bind-mounts the opened file to a private target;
   * returns that target. Errors: VolumeError with upstream's wording.
   */
  prepareSubPath(req: SubPathRequest, signal?: AbortSignal): Promise<string>;
  /** Unmounts and removes everything `setUpPodVolumes` and `prepareSubPath` made for the pod. */
  tearDownPodVolumes(podUid: string): Promise<void>;
  /** Uids of pods that have volume directories on disk. */
  listPodVolumeDirs(): Promise<string[]>;
}

/** The mount operations the manager needs; the real one runs mount(8)/umount(8). */
export interface Mounter {
  mountTmpfs(target: string, sizeBytes: number | undefined): Promise<void>;
  /** Bind-mounts `source` (which may be a /proc/<pid>/fd/<n> magic link) onto `target`, not canonicalising. */
  bindMount(source: string, target: string): Promise<void>;
  unmount(target: string): Promise<void>;
  /** Mount points at or below `dir` (from /proc/self/mountinfo), deepest first. */
  mountsUnder(dir: string): Promise<string[]>;
  /** The filesystem type mounted exactly at `target`, or undefined when it is not a mount point. */
  mountTypeAt(target: string): Promise<string | undefined>;
}

/**
 * Pod volumes as the kubelet's volume manager prepares them, before the runtime bind-mounts them
 * into containers. `VolumeManager` (volume-manager.ts) is the implementation; it needs root only
 * for mounts (tmpfs emptyDirs, subPath bind mounts) and runs in temp dirs for unit tests.
 *
 * Layout under the data dir, as upstream's kubelet keeps it under /var/lib/kubelet:
 *
 *   pods/<uid>/volumes/kubernetes.io~empty-dir/<name>   emptyDir (a tmpfs mount for medium Memory)
 *   pods/<uid>/volumes/kubernetes.io~configmap/<name>   configMap     ┐ atomic-writer.ts layout,
 *   pods/<uid>/volumes/kubernetes.io~secret/<name>      secret (tmpfs)│ refreshed on every call;
 *   pods/<uid>/volumes/kubernetes.io~downward-api/<n>   downwardAPI   │ always mounted read-only
 *                                                       (tmpfs)       │
 *   pods/<uid>/volumes/kubernetes.io~projected/<name>   projected     ┘ (tmpfs)
 *   pods/<uid>/volume-subpaths/<volume>/<container>/<i> subPath bind mounts (TOCTOU-safe, see subpath.ts)
 *
 * Contract, for the kubelet core (syncPod):
 *   1. `setUpPodVolumes(pod)` before creating any container of the pod (after the sandbox exists or
 *      before; it does not depend on it). Idempotent: calling it again for a running pod returns the
 *      same paths and changes nothing, except that API-data volumes (configMap, secret, downwardAPI,
 *      projected) are rewritten when their data changed: the node agent calls it again when a
 *      ConfigMap or Secret the pod uses changes, and the running pod sees the new files. It fails
 *      with a `VolumeError` (reason `FailedMount`, upstream's `MountVolume.SetUp failed for volume
 *      "x" : ...` message) and then leaves no mount it made for that volume behind; volumes set up
 *      before the failing one stay (the next sync reuses them). An API-data volume that was set up
 *      before and cannot be refreshed does not fail the call (see `VolumeSetUpContext`).
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
 * Where API-backed volumes (configMap, secret, projected, downwardAPI) get their data: the node
 * agent passes its ConfigMap/Secret caches (see ../config-sources) on each setUpPodVolumes call.
 */
export interface VolumeSourceProvider {
  /** Undefined when the Secret does not exist; any other failure throws. */
  getSecret(namespace: string, name: string, signal?: AbortSignal): Promise<Secret | undefined>;
  /** Undefined when the ConfigMap does not exist; any other failure throws. */
  getConfigMap(
    namespace: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<ConfigMap | undefined>;
  /**
   * The node's allocatable resources: what a downwardAPI resourceFieldRef reports for a limit the
   * container does not set. Empty (zero) when omitted.
   */
  nodeAllocatable?(): Readonly<Record<string, string>>;
}

/** Per-call inputs of `setUpPodVolumes` (all optional; added for API-data volumes). */
export interface VolumeSetUpContext {
  /** Data for configMap, secret and projected volumes; default: the manager's own provider. */
  readonly sources?: VolumeSourceProvider;
  /**
   * A configMap/secret/downwardAPI/projected volume that was set up before could not be refreshed
   * (its ConfigMap deleted, a key gone, ...). It keeps its last content and the pod keeps running,
   * as upstream's remount does; the kubelet reports the error as a FailedMount event. Without this
   * callback the error is only logged.
   */
  readonly onRefreshFailed?: (err: VolumeError) => void;
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
  setUpPodVolumes(
    pod: Pod,
    signal?: AbortSignal,
    context?: VolumeSetUpContext,
  ): Promise<Map<string, PodVolume>>;
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

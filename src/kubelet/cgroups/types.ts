/**
 * Pod-level cgroups, as the kubelet's pod container manager makes them, on cgroup v1 (cgroupfs
 * hierarchies) and v2 (unified). Layout under the podbay root, as upstream's cgroupfs driver does
 * under `kubepods`:
 *
 *   podbay/                     node allocatable
 *     pod<uid>/                 Guaranteed pods
 *     burstable/pod<uid>/
 *     besteffort/pod<uid>/
 *       <container id>/         made by runc from the OCI spec's cgroupsPath and resources
 *
 * `ensurePodCgroup` returns the pod's cgroup path relative to each hierarchy's root (for the OCI
 * `cgroupsPath` of its containers: `<parent>/<container id>`). A fake records calls for tests.
 */

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

/** The pod's limits, mapped from its containers' requests and limits by the kubelet. */
export interface PodCgroupResources {
  readonly cpuShares: number;
  /** Microseconds per period; undefined: unlimited. */
  readonly cpuQuota?: number;
  readonly cpuPeriod: number;
  /** Undefined: unlimited. */
  readonly memoryLimitBytes?: number;
  /** Undefined: no pod pids limit. */
  readonly pidsLimit?: number;
}

export interface CgroupManager {
  readonly version: 1 | 2;
  /** Makes the podbay root and QoS tiers; called once at agent start. Idempotent. */
  ensureNodeCgroups(): Promise<void>;
  /** Creates or updates the pod's cgroup; returns its path (e.g. `/podbay/burstable/pod<uid>`). */
  ensurePodCgroup(podUid: string, qos: QOSClass, resources: PodCgroupResources): Promise<string>;
  /** Kills what is left in the pod's cgroup and removes it (children first). Idempotent. */
  removePodCgroup(podUid: string): Promise<void>;
  /**
   * Removes an exited container's cgroup (`cgroupsPath`, as given to runc), what `runc delete`
   * removes: one rmdir per hierarchy. Resolves true once it is gone from every hierarchy, false
   * when one refused because processes are still in it (the caller asks runc, which kills them).
   */
  removeContainerCgroup(cgroupsPath: string): Promise<boolean>;
  /** Uids of pods that have a cgroup, for cleaning up after pods the API no longer has. */
  listPodCgroups(): Promise<string[]>;
}

/**
 * An in-memory `CgroupManager` for unit and integration tests: it records each pod cgroup with its
 * QoS class and resources (the latest `ensurePodCgroup` wins, as an update does on disk), returns
 * the same paths as `CgroupfsManager`, and can be told to fail the next call of an operation.
 */
import type { CgroupManager, PodCgroupResources, QOSClass } from './types.ts';
import { podCgroupName } from './paths.ts';

export type FakeCgroupOperation =
  | 'ensureNodeCgroups'
  | 'ensurePodCgroup'
  | 'removePodCgroup'
  | 'removeContainerCgroup'
  | 'listPodCgroups';

export interface FakePodCgroup {
  readonly podUid: string;
  readonly qos: QOSClass;
  readonly resources: PodCgroupResources;
  readonly path: string;
}

export interface FakeCgroupManagerOptions {
  readonly version?: 1 | 2;
  /** The podbay root; default `/podbay`. */
  readonly root?: string;
}

export class FakeCgroupManager implements CgroupManager {
  readonly version: 1 | 2;
  private readonly root: string;
  private nodeReady = false;
  private readonly pods = new Map<string, FakePodCgroup>();
  private readonly failures = new Map<
    FakeCgroupOperation,
    { message: string; remaining: number }
  >();
  private readonly log: { op: FakeCgroupOperation; podUid?: string }[] = [];

  constructor(opts: FakeCgroupManagerOptions = {}) {
    this.version = opts.version ?? 2;
    this.root = opts.root ?? '/podbay';
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async ensureNodeCgroups(): Promise<void> {
    this.record('ensureNodeCgroups');
    this.nodeReady = true;
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async ensurePodCgroup(
    podUid: string,
    qos: QOSClass,
    resources: PodCgroupResources,
  ): Promise<string> {
    this.record('ensurePodCgroup', podUid);
    const path = podCgroupName(this.root, podUid, qos);
    this.pods.set(podUid, { podUid, qos, resources, path });
    return path;
  }

  /** Containers have no cgroups here: always gone (or the failure it was told to give). */
  removeContainerCgroup(_cgroupsPath: string): Promise<boolean> {
    return Promise.resolve().then(() => {
      this.record('removeContainerCgroup');
      return true;
    });
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async removePodCgroup(podUid: string): Promise<void> {
    this.record('removePodCgroup', podUid);
    this.pods.delete(podUid);
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async listPodCgroups(): Promise<string[]> {
    this.record('listPodCgroups');
    return [...this.pods.keys()];
  }

  // ---- test hooks ----

  /** Whether `ensureNodeCgroups` has been called. */
  get nodeCgroupsReady(): boolean {
    return this.nodeReady;
  }

  /** The pod's recorded cgroup, if it has one. */
  pod(podUid: string): FakePodCgroup | undefined {
    return this.pods.get(podUid);
  }

  /** Pretends a pod cgroup exists (e.g. left over by a previous agent). */
  seed(podUid: string, qos: QOSClass, resources: PodCgroupResources): void {
    this.pods.set(podUid, { podUid, qos, resources, path: podCgroupName(this.root, podUid, qos) });
  }

  /** The next `times` calls (default 1) of `op` reject with an Error carrying `message`. */
  failNext(op: FakeCgroupOperation, message: string, times = 1): void {
    this.failures.set(op, { message, remaining: times });
  }

  calls(): readonly { op: FakeCgroupOperation; podUid?: string }[] {
    return [...this.log];
  }

  private record(op: FakeCgroupOperation, podUid?: string): void {
    this.log.push(podUid === undefined ? { op } : { op, podUid });
    const f = this.failures.get(op);
    if (!f) return;
    f.remaining -= 1;
    if (f.remaining <= 0) this.failures.delete(op);
    throw new Error(f.message);
  }
}

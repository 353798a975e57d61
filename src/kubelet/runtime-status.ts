/**
 * The kubelet's view of one pod in the container runtime (upstream kubecontainer.PodStatus):
 * its sandboxes and every container instance still known to the runtime, newest first, with the
 * bookkeeping read back from labels and annotations. Built fresh from the runtime on each sync.
 */
import type { ContainerState, ContainerStatus, PodSandboxStatus } from './runtime/types.ts';
import { containerHashAnnotation, restartCountOf } from './labels.ts';

/** One container instance, as computePodActions and the status generator need it. */
export interface KubeContainerStatus {
  readonly id: string;
  readonly sandboxId: string;
  readonly name: string;
  readonly state: ContainerState;
  /** Unix milliseconds; 0 until it happens. */
  readonly createdAt: number;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly exitCode: number;
  readonly reason: string;
  readonly message: string;
  /** What the pod spec said (`image:`). */
  readonly image: string;
  readonly imageId: string;
  readonly restartCount: number;
  /** The spec hash it was created from ('' when unknown). */
  readonly hash: string;
  readonly logPath: string;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface PodRuntimeStatus {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  /** IPs of the newest sandbox when it is ready; empty otherwise. */
  readonly ips: readonly string[];
  /** Newest first. */
  readonly sandboxes: readonly PodSandboxStatus[];
  /** Newest first. */
  readonly containers: readonly KubeContainerStatus[];
}

export function toKubeContainerStatus(s: ContainerStatus): KubeContainerStatus {
  return {
    id: s.id,
    sandboxId: s.sandboxId,
    name: s.name,
    state: s.state,
    createdAt: s.createdAt,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
    exitCode: s.exitCode,
    reason: s.reason,
    message: s.message,
    image: s.imageRef,
    imageId: s.imageId,
    restartCount: restartCountOf(s.annotations),
    hash: s.annotations[containerHashAnnotation] ?? '',
    logPath: s.logPath,
    annotations: s.annotations,
  };
}

/** Builds a PodRuntimeStatus from what the runtime listed for the pod. */
export function podRuntimeStatus(opts: {
  uid: string;
  name: string;
  namespace: string;
  sandboxes: readonly PodSandboxStatus[];
  containers: readonly KubeContainerStatus[];
}): PodRuntimeStatus {
  const sandboxes = [...opts.sandboxes].sort(
    (a, b) => b.createdAt - a.createdAt || b.config.attempt - a.config.attempt,
  );
  const containers = [...opts.containers].sort(
    (a, b) => b.createdAt - a.createdAt || b.restartCount - a.restartCount,
  );
  const newest = sandboxes[0];
  return {
    uid: opts.uid,
    name: opts.name,
    namespace: opts.namespace,
    ips: newest?.state === 'ready' ? [...newest.ips] : [],
    sandboxes,
    containers,
  };
}

/** The newest instance of the named container, if the runtime has any. */
export function findContainerStatusByName(
  status: PodRuntimeStatus,
  name: string,
): KubeContainerStatus | undefined {
  return status.containers.find((c) => c.name === name);
}

export function emptyPodRuntimeStatus(
  uid: string,
  name: string,
  namespace: string,
): PodRuntimeStatus {
  return { uid, name, namespace, ips: [], sandboxes: [], containers: [] };
}

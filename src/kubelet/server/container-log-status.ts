/**
 * Which container instance a log request reads, and upstream's answers when there is none: the
 * kubelet's `validateContainerLogStatus` (kubelet_pods.go) and the checks of its log handler
 * (server.go), for `ContainerLogSource` implementations.
 *
 * The texts are what `kubectl logs` users see (the API server wraps them in a BadRequest Status):
 *
 *   container "c" in pod "p" is waiting to start: ContainerCreating
 *   previous terminated container "c" in pod "p" not found
 */
import type { ContainerStatus, Pod, PodStatus } from '../../api/index.ts';
import type { ContainerLogFailure } from './types.ts';

const q = (s: string): string => JSON.stringify(s);

/** 404: the kubelet does not know the pod. */
export function podNotFound(pod: string): ContainerLogFailure {
  return { code: 404, error: `pod ${q(pod)} does not exist` };
}

/** 404: the pod has no such container in its spec (init, regular or ephemeral). */
export function containerNotFound(container: string, pod: string): ContainerLogFailure {
  return { code: 404, error: `container ${q(container)} not found in pod ${q(pod)}` };
}

/** 400: no status for the container yet. */
export function containerNotAvailable(container: string, pod: string): ContainerLogFailure {
  return { code: 400, error: `container ${q(container)} in pod ${q(pod)} is not available` };
}

/** 400: `--previous` for a container that has not terminated before. */
export function previousNotFound(container: string, pod: string): ContainerLogFailure {
  return {
    code: 400,
    error: `previous terminated container ${q(container)} in pod ${q(pod)} not found`,
  };
}

/** 400: terminated, and the runtime no longer knows the instance. */
export function containerTerminated(container: string, pod: string): ContainerLogFailure {
  return { code: 400, error: `container ${q(container)} in pod ${q(pod)} is terminated` };
}

/** 400: waiting, with upstream's plain words for the two image-pull reasons. */
export function containerWaiting(
  container: string,
  pod: string,
  reason: string | undefined,
): ContainerLogFailure {
  const head = `container ${q(container)} in pod ${q(pod)} is waiting to start`;
  switch (reason) {
    case undefined:
      return { code: 400, error: `${head} - no logs yet` };
    case 'ErrImagePull':
      return { code: 400, error: `${head}: image can't be pulled` };
    case 'ImagePullBackOff':
      return { code: 400, error: `${head}: trying and failing to pull image` };
    default:
      return { code: 400, error: `${head}: ${reason}` };
  }
}

/** Whether `name` is a container of the pod's spec (upstream GetContainerSpec). */
export function podHasContainer(pod: Pod, name: string): boolean {
  const spec = pod.spec;
  if (!spec) return false;
  return (
    spec.containers.some((c) => c.name === name) ||
    (spec.initContainers ?? []).some((c) => c.name === name) ||
    (spec.ephemeralContainers ?? []).some((c) => c.name === name)
  );
}

/** A container instance to read: `containerID` as in the status (`runc://<id>`), `id` without the scheme. */
export interface LogContainerId {
  readonly containerID: string;
  readonly id: string;
}

function findStatus(
  statuses: readonly ContainerStatus[] | undefined,
  name: string,
): ContainerStatus | undefined {
  return statuses?.find((s) => s.name === name);
}

function parsed(containerID: string): LogContainerId {
  const i = containerID.indexOf('://');
  return { containerID, id: i < 0 ? containerID : containerID.slice(i + 3) };
}

/**
 * The container instance whose log a request reads, from the pod's status, or the failure to
 * answer. Precedence as upstream: `previous` → lastState.terminated; running → the current
 * instance; terminated → it (or the one before, if the runtime forgot it); a previous run → that;
 * waiting → why.
 */
export function validateContainerLogStatus(opts: {
  podName: string;
  status: PodStatus | undefined;
  containerName: string;
  previous: boolean;
}): LogContainerId | ContainerLogFailure {
  const { podName, status, containerName: name, previous } = opts;
  const cs =
    findStatus(status?.containerStatuses, name) ??
    findStatus(status?.initContainerStatuses, name) ??
    findStatus(status?.ephemeralContainerStatuses, name);
  if (!cs) return containerNotAvailable(name, podName);
  const last = cs.lastState?.terminated;
  const { waiting, running, terminated } = cs.state ?? {};
  if (previous) {
    if (!last?.containerID) return previousNotFound(name, podName);
    return parsed(last.containerID);
  }
  if (running) {
    if (!cs.containerID) return containerNotAvailable(name, podName);
    return parsed(cs.containerID);
  }
  if (terminated) {
    if (terminated.containerID) return parsed(terminated.containerID);
    if (last?.containerID) return parsed(last.containerID);
    return containerTerminated(name, podName);
  }
  if (last) {
    if (!last.containerID) return containerTerminated(name, podName);
    return parsed(last.containerID);
  }
  if (waiting) return containerWaiting(name, podName, waiting.reason ?? '');
  return containerWaiting(name, podName, undefined);
}

/**
 * computePodActions: what SyncPod must do to bring a pod's containers in the runtime to what its
 * spec asks for (upstream kuberuntime_manager.go computePodActions and computeInitContainerActions,
 * with container/helpers.go ShouldContainerBeRestarted). Pure: it reads the pod, the runtime's view
 * of the pod and the crash back-off, and returns a plan.
 *
 *   sandbox missing, not ready, or without an IP ──▶ kill everything, create a sandbox
 *     (unless the pod is done: restartPolicy Never with containers that ran, or nothing left
 *     to start once initialised) and start from the first init container (or the app
 *     containers when there are none)
 *   else init containers, newest known first:
 *     regular init container exited 0 → the next one starts; failed → restart it (Never: the
 *     pod is done); running → wait; sidecars (restartPolicy Always) start in order as soon as
 *     the one before is started, and are restarted whenever they exit
 *   initialised → each app container: running and unchanged → keep; running with a changed
 *     spec (image) → kill and restart; running but failed its liveness or startup probe → kill,
 *     and restart unless restartPolicy is Never; not running → start if restartPolicy allows
 *     (Always; OnFailure after a non-zero exit; never with Never)
 *   nothing running and nothing to start → kill the pod (stop the sandbox)
 *   ephemeral containers the runtime has never seen start as soon as the sandbox stands, even
 *     while init containers run (they are for debugging); they are never restarted and keep
 *     nothing alive: not while the pod is being killed or deleted
 *
 * Containers that are to start but whose last instance exited within its crash back-off
 * (10 s doubling to 300 s) are listed in `backOff` instead, with upstream's CrashLoopBackOff
 * message; they still count as "to start" for the kill-the-pod decision, as upstream.
 */
import type { Container, Pod } from '../api/index.ts';
import { formatDuration } from './backoff.ts';
import { hashContainer } from './labels.ts';
import { isRestartableInitContainer } from './resources.ts';
import {
  findContainerStatusByName,
  type KubeContainerStatus,
  type PodRuntimeStatus,
} from './runtime-status.ts';

/** Upstream containerKillReason: why a container is killed (decides its grace period). */
export type KillReason = '' | 'Unknown' | 'LivenessProbe' | 'StartupProbe' | 'FailedPostStartHook';

/** A container's cached probe result, by runtime container id (the prober's results managers). */
export type ProbeResultQuery = (
  containerId: string,
) => 'success' | 'failure' | 'unknown' | undefined;

export interface ContainerToKill {
  readonly name: string;
  readonly message: string;
  readonly reason: KillReason;
}

export interface BackOffEntry {
  readonly name: string;
  readonly init: boolean;
  /** `back-off 10s restarting failed container=c pod=p_ns(uid)`. */
  readonly message: string;
  /** Milliseconds until the back-off ends. */
  readonly remainingMs: number;
}

export interface PodActions {
  /** Stop every container and the sandbox first. */
  readonly killPod: boolean;
  readonly createSandbox: boolean;
  /** The current sandbox ('' when there is none to reuse). */
  readonly sandboxId: string;
  /** The sandbox attempt to create (or the current one's). */
  readonly attempt: number;
  /** Indices into spec.initContainers, in start order. */
  readonly initContainersToStart: readonly number[];
  /** Indices into spec.containers, in start order. */
  readonly containersToStart: readonly number[];
  /** Indices into spec.ephemeralContainers, in start order (never in back-off: never restarted). */
  readonly ephemeralContainersToStart: readonly number[];
  /** Running containers to stop, by container id. */
  readonly containersToKill: ReadonlyMap<string, ContainerToKill>;
  /** Containers left out of the starts above because they are in crash back-off. */
  readonly backOff: readonly BackOffEntry[];
}

/** Answers how long the container's back-off has left after its last exit (0: none). */
export type BackOffQuery = (key: string, finishedAt: number) => number;

/** Upstream's format.Pod: `name_namespace(uid)`. */
export function formatPod(pod: Pod): string {
  return `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${pod.metadata?.uid ?? ''})`;
}

/** The back-off key of a container (upstream GetStableKey). */
export function containerBackOffKey(pod: Pod, container: Pick<Container, 'name'>): string {
  return `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}_${pod.metadata?.uid ?? ''}_${container.name}`;
}

export function shouldRestartOnFailure(pod: Pod): boolean {
  return (pod.spec?.restartPolicy ?? 'Always') !== 'Never';
}

function containerSucceeded(status: KubeContainerStatus | undefined): boolean {
  return status?.state === 'exited' && status.exitCode === 0;
}

function isInitContainerFailed(status: KubeContainerStatus): boolean {
  if (status.reason === 'OOMKilled') return true;
  if (status.state === 'exited' && status.exitCode !== 0) return true;
  return status.state === 'unknown';
}

/** Upstream ShouldContainerBeRestarted. */
export function shouldContainerBeRestarted(
  container: Container,
  pod: Pod,
  podStatus: PodRuntimeStatus,
): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  const status = findContainerStatusByName(podStatus, container.name);
  if (!status) return true;
  if (status.state === 'running') return false;
  if (status.state === 'unknown' || status.state === 'created') return true;
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Never') return false;
  if (policy === 'OnFailure' && status.exitCode === 0) return false;
  return true;
}

/**
 * Upstream PodSandboxChanged: whether a new sandbox is needed, the attempt number for it, and
 * the sandbox to kill ('' when none).
 */
export function podSandboxChanged(
  pod: Pod,
  podStatus: PodRuntimeStatus,
): { changed: boolean; attempt: number; sandboxId: string } {
  const newest = podStatus.sandboxes[0];
  if (!newest) return { changed: true, attempt: 0, sandboxId: '' };
  const ready = podStatus.sandboxes.filter((s) => s.state === 'ready').length;
  if (ready > 1 || newest.state !== 'ready') {
    return { changed: true, attempt: newest.config.attempt + 1, sandboxId: newest.id };
  }
  if (Boolean(pod.spec?.hostNetwork) !== newest.config.hostNetwork) {
    return { changed: true, attempt: newest.config.attempt + 1, sandboxId: '' };
  }
  if (!pod.spec?.hostNetwork && newest.ips.length === 0) {
    return { changed: true, attempt: newest.config.attempt + 1, sandboxId: newest.id };
  }
  return { changed: false, attempt: newest.config.attempt, sandboxId: newest.id };
}

function containerChanged(container: Container, status: KubeContainerStatus): boolean {
  return status.hash !== '' && status.hash !== hashContainer(container);
}

function hasAnyRegularContainerCreated(pod: Pod, podStatus: PodRuntimeStatus): boolean {
  return (pod.spec?.containers ?? []).some((c) => {
    const s = findContainerStatusByName(podStatus, c.name);
    return s !== undefined && s.state !== 'unknown';
  });
}

interface MutableActions {
  killPod: boolean;
  createSandbox: boolean;
  sandboxId: string;
  attempt: number;
  initContainersToStart: number[];
  containersToStart: number[];
  ephemeralContainersToStart: number[];
  containersToKill: Map<string, ContainerToKill>;
}

/**
 * Upstream computeInitContainerActions: fills the init container starts and kills; returns
 * whether the pod is initialised (its app containers may run).
 */
function computeInitContainerActions(
  pod: Pod,
  podStatus: PodRuntimeStatus,
  changes: MutableActions,
  probes: ProbeQueries,
): boolean {
  const inits = pod.spec?.initContainers ?? [];
  if (inits.length === 0) return true;

  // A created or running app container means initialisation finished before, even if the
  // runtime has since lost the init containers' records.
  let podHasInitialized = (pod.spec?.containers ?? []).some((c) => {
    const s = findContainerStatusByName(podStatus, c.name);
    return s?.state === 'created' || s?.state === 'running';
  });
  let isPreviouslyInitialized = podHasInitialized;
  const restartOnFailure = shouldRestartOnFailure(pod);
  const starts: number[] = [];

  // Walk backwards: the newest init container that ran tells where initialisation stands
  // (finished ones may have been removed from the runtime).
  for (let i = inits.length - 1; i >= 0; i--) {
    const container = inits[i];
    if (!container) continue;
    const restartable = isRestartableInitContainer(container);
    const status = findContainerStatusByName(podStatus, container.name);
    if (!status) {
      if (isPreviouslyInitialized && restartable) starts.push(i);
      continue;
    }
    if (isPreviouslyInitialized && !restartable) continue;

    switch (status.state) {
      case 'created':
        // Create and start happen in one step; a container left created failed to start.
        starts.push(i);
        break;
      case 'running': {
        if (!restartable) break;
        // A sidecar with a startup probe counts as started only once the probe succeeded; one
        // that failed it is restarted.
        if (container.startupProbe) {
          const startup = probes.startup?.(status.id);
          if (startup !== 'success') {
            if (startup === 'failure') {
              changes.containersToKill.set(status.id, {
                name: container.name,
                message: `Init container ${container.name} failed startup probe`,
                reason: 'StartupProbe',
              });
              starts.push(i);
            }
            break;
          }
        }
        if (i === inits.length - 1) podHasInitialized = true;
        else if (!isPreviouslyInitialized) starts.push(i + 1);
        if (containerChanged(container, status)) {
          changes.containersToKill.set(status.id, {
            name: container.name,
            message: `Init container ${container.name} definition changed`,
            reason: '',
          });
          starts.push(i);
        } else if (container.livenessProbe && probes.liveness?.(status.id) === 'failure') {
          changes.containersToKill.set(status.id, {
            name: container.name,
            message: `Init container ${container.name} failed liveness probe`,
            reason: 'LivenessProbe',
          });
          starts.push(i);
        }
        break;
      }
      case 'exited':
        if (restartable) {
          starts.push(i);
        } else if (isInitContainerFailed(status)) {
          if (!restartOnFailure) {
            changes.killPod = true;
            changes.initContainersToStart = [];
            return false;
          }
          starts.push(i);
        } else if (i === inits.length - 1) {
          podHasInitialized = true;
        } else {
          starts.push(i + 1);
        }
        break;
      case 'unknown':
        if (!restartable && !restartOnFailure) {
          changes.killPod = true;
          changes.initContainersToStart = [];
          return false;
        }
        changes.containersToKill.set(status.id, {
          name: container.name,
          message: `Init container is in "unknown" state, try killing it before restart`,
          reason: 'Unknown',
        });
        starts.push(i);
        break;
    }
    isPreviouslyInitialized = true;
  }
  if (!isPreviouslyInitialized) starts.push(0);
  changes.initContainersToStart = [...new Set(starts.reverse())];
  return podHasInitialized;
}

export interface ComputePodActionsInput {
  readonly pod: Pod;
  readonly podStatus: PodRuntimeStatus;
  /** Remaining crash back-off of a container; omitted: no back-off. */
  readonly backOff?: BackOffQuery;
  /** Current back-off length of a key, for the message (`back-off 20s ...`). */
  readonly backOffLength?: (key: string) => number;
  /** Liveness results: a failure kills the container (restarted unless restartPolicy Never). */
  readonly liveness?: ProbeResultQuery;
  /** Startup results: likewise. */
  readonly startup?: ProbeResultQuery;
}

interface ProbeQueries {
  readonly liveness?: ProbeResultQuery | undefined;
  readonly startup?: ProbeResultQuery | undefined;
}

export function computePodActions(input: ComputePodActionsInput): PodActions {
  const { pod, podStatus } = input;
  const sandbox = podSandboxChanged(pod, podStatus);
  const changes: MutableActions = {
    killPod: sandbox.changed,
    createSandbox: sandbox.changed,
    sandboxId: sandbox.sandboxId,
    attempt: sandbox.attempt,
    initContainersToStart: [],
    containersToStart: [],
    ephemeralContainersToStart: [],
    containersToKill: new Map(),
  };
  const containers = pod.spec?.containers ?? [];
  const inits = pod.spec?.initContainers ?? [];

  if (sandbox.changed) {
    if (!shouldRestartOnFailure(pod) && sandbox.attempt !== 0 && podStatus.containers.length) {
      // The pod ran and must not run again: do not make a sandbox just to find that out.
      changes.createSandbox = false;
      return finish(input, changes);
    }
    const toStart: number[] = [];
    containers.forEach((c, idx) => {
      if (
        pod.spec?.restartPolicy === 'OnFailure' &&
        containerSucceeded(findContainerStatusByName(podStatus, c.name))
      ) {
        return;
      }
      toStart.push(idx);
    });
    if (toStart.length === 0 && hasAnyRegularContainerCreated(pod, podStatus)) {
      changes.createSandbox = false;
      return finish(input, changes);
    }
    if (inits.length) changes.initContainersToStart = [0];
    else changes.containersToStart = toStart;
    return finish(input, changes);
  }

  // Upstream starts them before looking at initialisation: a pod stuck in an init container is
  // exactly what one wants to debug. Only a container the runtime never had starts: never again.
  if (!pod.metadata?.deletionTimestamp) {
    (pod.spec?.ephemeralContainers ?? []).forEach((c, idx) => {
      if (!findContainerStatusByName(podStatus, c.name))
        changes.ephemeralContainersToStart.push(idx);
    });
  }

  const initialized = computeInitContainerActions(pod, podStatus, changes, {
    liveness: input.liveness,
    startup: input.startup,
  });
  if (changes.killPod || !initialized) return finish(input, changes);

  let keepCount = 0;
  containers.forEach((container, idx) => {
    const status = findContainerStatusByName(podStatus, container.name);
    if (!status || status.state !== 'running') {
      if (shouldContainerBeRestarted(container, pod, podStatus)) {
        changes.containersToStart.push(idx);
        if (status?.state === 'unknown') {
          changes.containersToKill.set(status.id, {
            name: container.name,
            message: `Container is in "unknown" state, try killing it before restart`,
            reason: 'Unknown',
          });
        }
      }
      return;
    }
    if (containerChanged(container, status)) {
      // A changed spec restarts the container whatever the restart policy says.
      changes.containersToKill.set(status.id, {
        name: container.name,
        message: `Container ${container.name} definition changed, will be restarted`,
        reason: '',
      });
      changes.containersToStart.push(idx);
      return;
    }
    let message: string;
    let reason: KillReason;
    if (input.liveness?.(status.id) === 'failure') {
      message = `Container ${container.name} failed liveness probe`;
      reason = 'LivenessProbe';
    } else if (input.startup?.(status.id) === 'failure') {
      message = `Container ${container.name} failed startup probe`;
      reason = 'StartupProbe';
    } else {
      keepCount++;
      return;
    }
    // Killed for a probe: restarted as the restart policy allows, and the pod kept.
    if (shouldRestartOnFailure(pod)) {
      message = `${message}, will be restarted`;
      changes.containersToStart.push(idx);
    }
    changes.containersToKill.set(status.id, { name: container.name, message, reason });
  });

  if (keepCount === 0 && changes.containersToStart.length === 0) {
    changes.killPod = true;
    // Sidecars must not keep a finished pod alive.
    changes.initContainersToStart = [];
  }
  return finish(input, changes);
}

/** Moves containers that are in crash back-off out of the start lists. */
function finish(input: ComputePodActionsInput, changes: MutableActions): PodActions {
  const { pod, podStatus, backOff } = input;
  const entries: BackOffEntry[] = [];
  const filter = (indices: number[], specs: readonly Container[], init: boolean): number[] =>
    indices.filter((idx) => {
      const container = specs[idx];
      if (!container || !backOff) return true;
      // Only a container whose newest instance exited backs off (upstream doBackOff).
      const last = podStatus.containers.find(
        (c) => c.name === container.name && c.state === 'exited',
      );
      if (!last) return true;
      const key = containerBackOffKey(pod, container);
      const remainingMs = backOff(key, last.finishedAt);
      if (remainingMs <= 0) return true;
      const length = input.backOffLength?.(key) ?? remainingMs;
      entries.push({
        name: container.name,
        init,
        remainingMs,
        message: `back-off ${formatDuration(length)} restarting failed container=${container.name} pod=${formatPod(pod)}`,
      });
      return false;
    });
  const initContainersToStart = filter(
    changes.initContainersToStart,
    pod.spec?.initContainers ?? [],
    true,
  );
  const containersToStart = filter(changes.containersToStart, pod.spec?.containers ?? [], false);
  // A pod being killed has no sandbox left to start them in.
  const ephemeralContainersToStart = changes.killPod ? [] : changes.ephemeralContainersToStart;
  return {
    ...changes,
    initContainersToStart,
    containersToStart,
    ephemeralContainersToStart,
    backOff: entries,
  };
}

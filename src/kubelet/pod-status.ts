/**
 * generateAPIPodStatus: the pod's API status from its spec, the runtime's view of its containers
 * and the previous status (upstream kubelet_pods.go generateAPIPodStatus, getPhase and
 * convertToAPIContainerStatuses, status/generate.go for the conditions, prober_manager for
 * started/ready while there are no probes). Pure: time comes in as `now`.
 *
 * Phase (getPhase):
 *   a regular init container failed and restartPolicy Never        → Failed
 *   an init container pending, or an app container waiting          → Pending
 *   an app container running and none unknown                        → Running
 *   all app containers stopped: the pod terminal → Succeeded if all exited 0, else Failed;
 *     Always → Running (restarting); all 0 → Succeeded; Never → Failed; OnFailure → Running
 *   otherwise                                                        → Pending
 * Terminal phases are sticky: a pod never leaves Succeeded or Failed.
 * Ephemeral containers get statuses of their own (ephemeralContainerStatuses) and count for
 * nothing else: not the phase, not Ready or ContainersReady.
 */
import type {
  ContainerState,
  ContainerStatus,
  Container,
  Pod,
  PodCondition,
  PodPhase,
  PodStatus,
} from '../api/index.ts';
import { metaTime, podQOSClass } from '../api/index.ts';
import { isRestartableInitContainer } from './resources.ts';
import { podSandboxChanged, shouldContainerBeRestarted } from './pod-actions.ts';
import {
  findContainerStatusByName,
  type KubeContainerStatus,
  type PodRuntimeStatus,
} from './runtime-status.ts';

export const podInitializing = 'PodInitializing';
export const containerCreating = 'ContainerCreating';

/** Why a container last failed to start (upstream reasonCache): ErrImagePull, CrashLoopBackOff… */
export interface StartFailure {
  readonly reason: string;
  readonly message: string;
}

const kubeletConditions = new Set([
  'PodScheduled',
  'Ready',
  'Initialized',
  'ContainersReady',
  'PodReadyToStartContainers',
]);

function statusOf(statuses: readonly ContainerStatus[], name: string): ContainerStatus | undefined {
  return statuses.find((s) => s.name === name);
}

function hasAnyRegularContainerStarted(pod: Pod, statuses: readonly ContainerStatus[]): boolean {
  return (pod.spec?.containers ?? []).some((c) => {
    const s = statusOf(statuses, c.name);
    return s?.state?.running !== undefined || s?.state?.terminated !== undefined;
  });
}

export function getPhase(
  pod: Pod,
  info: readonly ContainerStatus[],
  podIsTerminal: boolean,
): PodPhase {
  const spec = pod.spec;
  let pendingRestartableInit = 0;
  let pendingRegularInit = 0;
  let failedInitialization = 0;
  for (const c of spec?.initContainers ?? []) {
    if (isRestartableInitContainer(c)) continue;
    const s = statusOf(info, c.name);
    if (!s) {
      pendingRegularInit++;
      continue;
    }
    if (s.state?.running) pendingRegularInit++;
    else if (s.state?.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInitialization++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) {
        if (s.lastState.terminated.exitCode !== 0) failedInitialization++;
      } else pendingRegularInit++;
    } else pendingRegularInit++;
  }

  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of spec?.initContainers ?? []) {
    if (!isRestartableInitContainer(c)) continue;
    const s = statusOf(info, c.name);
    if (!s) {
      unknown++;
      continue;
    }
    if (s.state?.running) {
      if (!s.started) pendingRestartableInit++;
      running++;
    } else if (s.state?.terminated) {
      // Terminated sidecars do not count.
    } else if (s.state?.waiting) {
      if (!s.lastState?.terminated) {
        pendingRestartableInit++;
        waiting++;
      }
    } else {
      pendingRestartableInit++;
      unknown++;
    }
  }
  for (const c of spec?.containers ?? []) {
    const s = statusOf(info, c.name);
    if (!s) {
      unknown++;
      continue;
    }
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }

  const policy = spec?.restartPolicy ?? 'Always';
  if (failedInitialization > 0 && policy === 'Never') return 'Failed';
  if (
    pendingRegularInit > 0 ||
    (pendingRestartableInit > 0 && !hasAnyRegularContainerStarted(pod, info)) ||
    waiting > 0
  ) {
    return 'Pending';
  }
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function list(names: readonly string[]): string {
  return `[${names.join(' ')}]`;
}

export function generateContainersReadyCondition(
  pod: Pod,
  statuses: readonly ContainerStatus[],
  phase: PodPhase,
): PodCondition {
  const unknown: string[] = [];
  const unready: string[] = [];
  const check = (c: Container): void => {
    const s = statusOf(statuses, c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  };
  for (const c of pod.spec?.initContainers ?? []) if (isRestartableInitContainer(c)) check(c);
  for (const c of pod.spec?.containers ?? []) check(c);
  if (phase === 'Succeeded' && unknown.length === 0) {
    return { type: 'ContainersReady', status: 'False', reason: 'PodCompleted' };
  }
  if (phase === 'Failed') return { type: 'ContainersReady', status: 'False', reason: 'PodFailed' };
  const messages: string[] = [];
  if (unknown.length) messages.push(`containers with unknown status: ${list(unknown)}`);
  if (unready.length) messages.push(`containers with unready status: ${list(unready)}`);
  if (messages.length) {
    return {
      type: 'ContainersReady',
      status: 'False',
      reason: 'ContainersNotReady',
      message: messages.join(', '),
    };
  }
  return { type: 'ContainersReady', status: 'True' };
}

export function generatePodReadyCondition(
  pod: Pod,
  conditions: readonly PodCondition[],
  statuses: readonly ContainerStatus[],
  phase: PodPhase,
): PodCondition {
  const containersReady = generateContainersReadyCondition(pod, statuses, phase);
  if (containersReady.status !== 'True') {
    return {
      type: 'Ready',
      status: containersReady.status,
      ...(containersReady.reason !== undefined ? { reason: containersReady.reason } : {}),
      ...(containersReady.message !== undefined ? { message: containersReady.message } : {}),
    };
  }
  const unready: string[] = [];
  for (const gate of pod.spec?.readinessGates ?? []) {
    const c = conditions.find((x) => x.type === gate.conditionType);
    if (!c)
      unready.push(
        `corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`,
      );
    else if (c.status !== 'True') {
      unready.push(
        `the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`,
      );
    }
  }
  if (unready.length) {
    return {
      type: 'Ready',
      status: 'False',
      reason: 'ReadinessGatesNotReady',
      message: unready.join(', '),
    };
  }
  return { type: 'Ready', status: 'True' };
}

export function generatePodInitializedCondition(
  pod: Pod,
  statuses: readonly ContainerStatus[],
  phase: PodPhase,
): PodCondition {
  const inits = pod.spec?.initContainers ?? [];
  if (inits.length === 0) return { type: 'Initialized', status: 'True' };
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const c of inits) {
    const s = statusOf(statuses, c.name);
    if (!s) {
      unknown.push(c.name);
      continue;
    }
    if (isRestartableInitContainer(c)) {
      if (!s.started) incomplete.push(c.name);
      continue;
    }
    if (!(s.state?.terminated && s.state.terminated.exitCode === 0)) incomplete.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) {
    return { type: 'Initialized', status: 'True', reason: 'PodCompleted' };
  }
  if (hasAnyRegularContainerStarted(pod, statuses)) return { type: 'Initialized', status: 'True' };
  const messages: string[] = [];
  if (unknown.length) messages.push(`containers with unknown status: ${list(unknown)}`);
  if (incomplete.length) messages.push(`containers with incomplete status: ${list(incomplete)}`);
  if (messages.length) {
    return {
      type: 'Initialized',
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: messages.join(', '),
    };
  }
  return { type: 'Initialized', status: 'True' };
}

export interface ConvertOptions {
  /** `runc`: container ids become `runc://<id>`. */
  readonly runtimeName: string;
  /** Start failures of the pod's containers, by container name. */
  readonly reasons: ReadonlyMap<string, StartFailure>;
}

function convertContainerStatus(
  cs: KubeContainerStatus,
  runtimeName: string,
  old: ContainerStatus | undefined,
): ContainerStatus {
  const containerID = `${runtimeName}://${cs.id}`;
  let state: ContainerState;
  switch (cs.state) {
    case 'running':
      state = { running: { startedAt: metaTime(cs.startedAt) } };
      break;
    case 'created':
      state = { waiting: {} };
      break;
    case 'exited':
      state = {
        terminated: {
          exitCode: cs.exitCode,
          ...(cs.reason ? { reason: cs.reason } : {}),
          ...(cs.message ? { message: cs.message } : {}),
          ...(cs.startedAt ? { startedAt: metaTime(cs.startedAt) } : {}),
          ...(cs.finishedAt ? { finishedAt: metaTime(cs.finishedAt) } : {}),
          containerID,
        },
      };
      break;
    case 'unknown':
      if (old?.state?.running) {
        // It was running and the runtime lost it: it ended, we cannot say how.
        return {
          name: cs.name,
          state: {
            terminated: {
              reason: 'ContainerStatusUnknown',
              message: 'The container could not be located when the pod was terminated',
              exitCode: 137,
            },
          },
          lastState: {},
          ready: false,
          restartCount: old.restartCount + 1,
          image: cs.image,
          imageID: cs.imageId,
          containerID,
        };
      }
      state = { waiting: {} };
      break;
  }
  return {
    name: cs.name,
    state,
    lastState: {},
    ready: false,
    restartCount: cs.restartCount,
    image: cs.image,
    imageID: cs.imageId,
    containerID,
  };
}

/**
 * Upstream convertToAPIContainerStatuses, then started/ready as the prober sets them (not for
 * ephemeral containers: the prober only sees regular and init containers, so theirs stay
 * ready false, without started, as on a real node).
 */
export function convertToAPIContainerStatuses(opts: {
  pod: Pod;
  podStatus: PodRuntimeStatus;
  previous: readonly ContainerStatus[];
  containers: readonly Container[];
  hasInitContainers: boolean;
  isInitContainer: boolean;
  isEphemeralContainer?: boolean;
  convert: ConvertOptions;
}): ContainerStatus[] {
  const { pod, podStatus, containers } = opts;
  const oldStatuses = new Map(opts.previous.map((s) => [s.name, s]));
  const defaultWaiting: ContainerState = {
    waiting: { reason: opts.hasInitContainers ? podInitializing : containerCreating },
  };
  const statuses = new Map<string, ContainerStatus>();
  for (const c of containers) {
    const old = oldStatuses.get(c.name);
    let status: ContainerStatus = {
      name: c.name,
      state: defaultWaiting,
      lastState: {},
      ready: false,
      restartCount: 0,
      image: c.image ?? '',
      imageID: '',
    };
    if (old) {
      if (old.state?.terminated) status = { ...old };
      else {
        status = {
          ...status,
          restartCount: old.restartCount,
          lastState: old.lastState ?? {},
        };
      }
    }
    statuses.set(c.name, status);
  }

  // A container that was running and is no longer known to the runtime ended somehow.
  for (const c of containers) {
    if (podStatus.containers.some((s) => s.name === c.name)) continue;
    const old = oldStatuses.get(c.name);
    if (!old || old.state?.terminated || !old.state?.running) continue;
    const status = statuses.get(c.name);
    if (!status) continue;
    const waitingReason = status.state?.waiting?.reason;
    const isDefault =
      waitingReason === (opts.hasInitContainers ? podInitializing : containerCreating);
    if (!isDefault || status.lastState?.terminated) continue;
    statuses.set(c.name, {
      ...status,
      lastState: {
        terminated: {
          reason: 'ContainerStatusUnknown',
          message:
            'The container could not be located when the pod was deleted.  The container used to be Running',
          exitCode: 137,
        },
      },
      restartCount: status.restartCount + (pod.metadata?.deletionTimestamp ? 0 : 1),
    });
  }

  // The newest instance gives the state, the one before it the lastState.
  const seen = new Map<string, number>();
  for (const cs of podStatus.containers) {
    const current = statuses.get(cs.name);
    if (!current) continue;
    const count = seen.get(cs.name) ?? 0;
    if (count >= 2) continue;
    const converted = convertContainerStatus(
      cs,
      opts.convert.runtimeName,
      oldStatuses.get(cs.name),
    );
    if (count === 0) statuses.set(cs.name, converted);
    else statuses.set(cs.name, { ...current, lastState: converted.state ?? {} });
    seen.set(cs.name, count + 1);
  }

  // Containers that should start but failed to (or wait in back-off) show why.
  for (const c of containers) {
    if (opts.isInitContainer) {
      const s = findContainerStatusByName(podStatus, c.name);
      if (s?.state === 'exited' && s.exitCode === 0) continue;
    }
    if (!shouldContainerBeRestarted(c, pod, podStatus)) continue;
    const failure = opts.convert.reasons.get(c.name);
    if (!failure) continue;
    const status = statuses.get(c.name);
    if (!status) continue;
    statuses.set(c.name, {
      ...status,
      ...(status.state?.terminated ? { lastState: status.state } : {}),
      state: { waiting: { reason: failure.reason, message: failure.message } },
    });
  }

  return containers.flatMap((c) => {
    const s = statuses.get(c.name);
    if (!s) return [];
    return [opts.isEphemeralContainer ? s : withStartedAndReady(c, s, opts.isInitContainer)];
  });
}

/**
 * started and ready as the prober manager sets them when a container has no probes: started
 * while running; ready while running (sidecars and app containers), or for a regular init
 * container once it exited 0.
 */
function withStartedAndReady(c: Container, s: ContainerStatus, isInit: boolean): ContainerStatus {
  const running = s.state?.running !== undefined;
  let ready = running;
  if (isInit && !isRestartableInitContainer(c)) {
    ready = s.state?.terminated !== undefined && s.state.terminated.exitCode === 0;
  }
  return { ...s, ready, started: running };
}

export interface GenerateStatusInput {
  readonly pod: Pod;
  readonly podStatus: PodRuntimeStatus;
  /** The status manager's last status for the pod, else the API's. */
  readonly oldStatus: PodStatus;
  readonly podIsTerminal: boolean;
  readonly convert: ConvertOptions;
  /** The node's IPs, IPv4 first. */
  readonly hostIPs: readonly string[];
  /**
   * The prober's view (ProbeManager.updatePodStatus): `started` and `ready` of each container
   * from its startup and readiness probes. Without it, started and ready follow running.
   */
  readonly probes?: { updatePodStatus(pod: Pod, status: PodStatus): PodStatus };
  /**
   * A kubelet module asked for the pod to fail (upstream ShouldEvict: activeDeadlineSeconds):
   * phase Failed with this reason and message.
   */
  readonly evict?: { readonly reason: string; readonly message: string };
}

/** Upstream generateAPIPodStatus (conditions without times; see normalizeStatus). */
export function generateAPIPodStatus(input: GenerateStatusInput): PodStatus {
  const { pod, podStatus, oldStatus } = input;
  const apiStatus = pod.status ?? {};
  const s: PodStatus = {};
  const podIPs = sortPodIPs(podStatus.ips);
  const primaryIP = podIPs[0];
  if (primaryIP !== undefined) {
    s.podIP = primaryIP;
    s.podIPs = podIPs.map((ip) => ({ ip }));
  } else if (oldStatus.podIP !== undefined) {
    // A stopped sandbox reports no IPs; the pod keeps the ones it had (a Completed pod still
    // shows its IP in `kubectl get -o wide`, as on a real cluster).
    s.podIP = oldStatus.podIP;
    if (oldStatus.podIPs) s.podIPs = oldStatus.podIPs;
  }
  s.qosClass = podQOSClass(pod);
  const hasInit = (pod.spec?.initContainers ?? []).length > 0;
  s.containerStatuses = convertToAPIContainerStatuses({
    pod,
    podStatus,
    previous: oldStatus.containerStatuses ?? [],
    containers: pod.spec?.containers ?? [],
    hasInitContainers: hasInit,
    isInitContainer: false,
    convert: input.convert,
  });
  if (hasInit) {
    s.initContainerStatuses = convertToAPIContainerStatuses({
      pod,
      podStatus,
      previous: oldStatus.initContainerStatuses ?? [],
      containers: pod.spec?.initContainers ?? [],
      hasInitContainers: hasInit,
      isInitContainer: true,
      convert: input.convert,
    });
  }
  const ephemeral = pod.spec?.ephemeralContainers ?? [];
  if (ephemeral.length) {
    s.ephemeralContainerStatuses = convertToAPIContainerStatuses({
      pod,
      podStatus,
      previous: oldStatus.ephemeralContainerStatuses ?? [],
      containers: ephemeral,
      hasInitContainers: hasInit,
      isInitContainer: false,
      isEphemeralContainer: true,
      convert: input.convert,
    });
  }
  if (input.probes) {
    const probed = input.probes.updatePodStatus(pod, {
      containerStatuses: s.containerStatuses,
      ...(s.initContainerStatuses ? { initContainerStatuses: s.initContainerStatuses } : {}),
    });
    s.containerStatuses = probed.containerStatuses ?? s.containerStatuses;
    if (s.initContainerStatuses)
      s.initContainerStatuses = probed.initContainerStatuses ?? s.initContainerStatuses;
  }
  const all = [...s.containerStatuses, ...(s.initContainerStatuses ?? [])];
  let phase = getPhase(pod, all, input.podIsTerminal);
  if (phase !== 'Failed' && phase !== 'Succeeded') {
    if (oldStatus.phase === 'Failed' || oldStatus.phase === 'Succeeded') phase = oldStatus.phase;
    else if (apiStatus.phase === 'Failed' || apiStatus.phase === 'Succeeded')
      phase = apiStatus.phase;
  }
  s.phase = phase;
  if (phase === oldStatus.phase) {
    const reason = oldStatus.reason ?? apiStatus.reason;
    const message = oldStatus.message ?? apiStatus.message;
    if (reason) s.reason = reason;
    if (message) s.message = message;
  }
  if (input.evict) {
    s.phase = 'Failed';
    s.reason = input.evict.reason;
    s.message = input.evict.message;
  }
  // Pods never leave a terminal phase.
  if (apiStatus.phase === 'Failed' || apiStatus.phase === 'Succeeded') s.phase = apiStatus.phase;

  const conditions: PodCondition[] = (apiStatus.conditions ?? []).filter(
    (c) => !kubeletConditions.has(c.type),
  );
  const allForConditions = [...(s.initContainerStatuses ?? []), ...s.containerStatuses];
  conditions.push({
    type: 'PodReadyToStartContainers',
    status: podSandboxChanged(pod, podStatus).changed ? 'False' : 'True',
  });
  conditions.push(generatePodInitializedCondition(pod, allForConditions, s.phase));
  conditions.push(generatePodReadyCondition(pod, conditions, allForConditions, s.phase));
  conditions.push(generateContainersReadyCondition(pod, allForConditions, s.phase));
  conditions.push({ type: 'PodScheduled', status: 'True' });
  s.conditions = conditions;

  const hostIP = input.hostIPs[0];
  if (hostIP !== undefined) {
    s.hostIP = hostIP;
    s.hostIPs = input.hostIPs.slice(0, 2).map((ip) => ({ ip }));
    if (pod.spec?.hostNetwork && !s.podIP) {
      s.podIP = hostIP;
      s.podIPs = [{ ip: hostIP }];
    }
  }
  if (apiStatus.nominatedNodeName) s.nominatedNodeName = apiStatus.nominatedNodeName;
  return s;
}

/** The first IPv4 and the first IPv6 address (upstream sortPodIPs for an IPv4 node). */
export function sortPodIPs(ips: readonly string[]): string[] {
  const v4 = ips.find((ip) => !ip.includes(':'));
  const v6 = ips.find((ip) => ip.includes(':'));
  return [v4, v6].filter((ip): ip is string => ip !== undefined);
}

/**
 * What the status manager does before caching a status (updateStatusInternal): keep startTime
 * once set, and give each condition a lastTransitionTime that changes only with its status.
 */
export function normalizeStatus(status: PodStatus, old: PodStatus, now: number): PodStatus {
  const startTime = old.startTime ?? status.startTime ?? metaTime(now);
  const conditions = (status.conditions ?? []).map((c) => {
    if (!kubeletConditions.has(c.type)) return c;
    const prev = old.conditions?.find((o) => o.type === c.type);
    const lastTransitionTime =
      prev && prev.status === c.status && prev.lastTransitionTime
        ? prev.lastTransitionTime
        : metaTime(now);
    return { ...c, lastTransitionTime };
  });
  return { ...status, startTime, conditions };
}

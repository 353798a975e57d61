/**
 * The kubelet's side of the container runtime (upstream kuberuntime_manager.go and
 * kuberuntime_container.go): reads a pod's runtime status, and SyncPod carries out what
 * computePodActions planned:
 *
 *   1. computePodActions
 *   2. kill the pod (every container, then the sandbox) when the sandbox changed or nothing is
 *      left to run; otherwise kill the containers that must not keep running
 *   3. prune old init container instances (only the newest of each is kept)
 *   4. create the sandbox when needed (hostname, DNS, ports, cgroup parent) and read its IPs
 *   5. start ephemeral containers (kubectl debug), each in its target container's PID namespace
 *   6. start init containers (one regular one at a time; sidecars in order)
 *   7. start app containers
 * Starting a container: ensure its image (pull policy, back-off), work out restartCount, build
 * its config (command/args merged with the image, env with $(VAR) and the downward API, mounts,
 * the termination-message file, resources, log path), create, start; each step records upstream's
 * event and, on failure, the waiting reason the status shows.
 */
import { terminationOrdering, type TerminationOrdering } from './termination-order.ts';
import { randomBytes } from 'node:crypto';
import { open, readFile, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type {
  Container,
  EphemeralContainer,
  ObjectReference,
  Pod,
  VolumeMount,
} from '../api/index.ts';
import type { EventRecorder } from '../client/index.ts';
import { type Clock, errorMessage, isAbortError, localFs, type Logger } from '../util/index.ts';
import type { BackOff } from './backoff.ts';
import { expandCommandAndArgs, mergeCommand, mergeEnv } from './container-command.ts';
import { podDNSConfig, type PodDNSOptions } from './dns.ts';
import { ContainerConfigError, makeEnvironmentVariables, type EnvSources } from './env.ts';
import { expand, mappingFuncFor } from './expansion.ts';
import type { ImageManager } from './image-manager.ts';
import type { ImageRecord } from './images/index.ts';
import { executePreStopHook, type HandlerRunner } from './lifecycle/index.ts';
import {
  containerHashAnnotation,
  containerKindAnnotation,
  hashContainer,
  newContainerLabels,
  podTerminationGracePeriodAnnotation,
  podUidLabel,
  restartCountAnnotation,
  terminationMessageHostPathAnnotation,
  terminationMessagePathAnnotation,
  terminationMessagePolicyAnnotation,
} from './labels.ts';
import {
  containerLogPath,
  containerLogsDirectory,
  podLogsDirectory,
  restartCountFromLogDir,
} from './log-paths.ts';
import { parseCriLogLine, removeContainerLogs } from './logs/index.ts';
import {
  computePodActions,
  containerBackOffKey,
  formatPod,
  type ContainerToKill,
  type PodActions,
  type ProbeResultQuery,
} from './pod-actions.ts';
import type { StartFailure } from './pod-status.ts';
import { containerResources, isRestartableInitContainer } from './resources.ts';
import {
  findContainerStatusByName,
  podRuntimeStatus,
  toKubeContainerStatus,
  type KubeContainerStatus,
  type PodRuntimeStatus,
} from './runtime-status.ts';
import type {
  ContainerConfig,
  ContainerRuntime,
  Mount,
  PodSandboxConfig,
} from './runtime/index.ts';
import { generatePodSandboxConfig } from './sandbox-config.ts';
import { generateLinuxContainerSecurity } from './security-context.ts';
import { VolumeError, type PodVolume, type PodVolumeManager } from './volumes/index.ts';

// Small files of podbay's own: synchronous underneath (util/local-fs.ts says why).
const { mkdir, writeFile } = localFs;

/** Upstream's minimal shutdown window, so containers are never SIGKILLed at once. */
export const minimumGracePeriodSeconds = 2;
const defaultTerminationGracePeriodSeconds = 30;
/** Upstream caps a termination message at 4 KiB, and a FallbackToLogsOnError tail at 80 lines / 2 KiB. */
const maxTerminationMessageBytes = 4096;
const maxFallbackLines = 80;
const maxFallbackBytes = 2048;

/** Facts about the node the container config needs. */
export interface NodeFacts {
  /** InternalIP first. */
  hostIPs(): readonly string[];
  allocatable(): Readonly<Record<string, string>>;
  memoryCapacityBytes(): number;
}

export interface RuntimeManagerOptions {
  readonly runtime: ContainerRuntime;
  readonly imageManager: ImageManager;
  readonly volumes: PodVolumeManager;
  readonly recorder: EventRecorder;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Crash back-off of containers (shared with the status generation). */
  readonly backOff: BackOff;
  readonly node: NodeFacts;
  readonly envSources: EnvSources;
  readonly dns: () => PodDNSOptions;
  readonly clusterDomain: string;
  readonly podLogsDir: string;
  /** Pods keep per-container files (termination messages) under `<dataDir>/pods/<uid>/containers`. */
  readonly dataDir: string;
  /** `runc` (from the runtime's version), used in container ids `runc://…`. */
  readonly runtimeName: string;
  /** Runs postStart and preStop hooks; without it hooks are skipped. */
  readonly handlers?: HandlerRunner;
  /** Liveness and startup results: a failed container is killed (and restarted). */
  readonly probes?: { readonly liveness: ProbeResultQuery; readonly startup: ProbeResultQuery };
}

/** What starting one container needs. */
interface StartContainerOptions {
  readonly sandboxId: string;
  readonly sandboxConfig: PodSandboxConfig;
  readonly container: Container | EphemeralContainer;
  readonly kind: ContainerKind;
  readonly pod: Pod;
  readonly podStatus: PodRuntimeStatus;
  /** Settles once the pod's network is set up; undefined when it could not be. */
  readonly podIPs: Promise<readonly string[] | undefined>;
  readonly volumes: ReadonlyMap<string, PodVolume>;
  readonly signal: AbortSignal;
}

/** What one SyncPod did that the pod worker and status need to know. */
export interface SyncPodResult {
  /** Start failures by container name (ErrImagePull, CrashLoopBackOff, …). */
  readonly failures: Map<string, StartFailure>;
  /** Containers that started (their old failure reason is cleared). */
  readonly started: Set<string>;
  /** Sync again after this long (the end of a back-off), if set. */
  readonly retryAfterMs?: number;
  /** A failure of the pod as a whole (sandbox, volumes); the worker retries with back-off. */
  readonly error?: Error;
}

/** Which list of the pod spec a container comes from. */
type ContainerKind = 'init' | 'app' | 'ephemeral';

function containerRef(pod: Pod, container: Container, init: boolean): ObjectReference {
  const m = pod.metadata;
  // Names are unique across the three lists, so the name tells an ephemeral container.
  const list = pod.spec?.ephemeralContainers?.some((c) => c.name === container.name)
    ? 'ephemeralContainers'
    : init
      ? 'initContainers'
      : 'containers';
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    ...(m?.namespace ? { namespace: m.namespace } : {}),
    ...(m?.name ? { name: m.name } : {}),
    ...(m?.uid ? { uid: m.uid } : {}),
    ...(m?.resourceVersion ? { resourceVersion: m.resourceVersion } : {}),
    fieldPath: `spec.${list}{${container.name}}`,
  };
}

export function podRef(pod: Pod): ObjectReference {
  const m = pod.metadata;
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    ...(m?.namespace ? { namespace: m.namespace } : {}),
    ...(m?.name ? { name: m.name } : {}),
    ...(m?.uid ? { uid: m.uid } : {}),
    ...(m?.resourceVersion ? { resourceVersion: m.resourceVersion } : {}),
  };
}

/** The grace period for stopping a container (upstream setTerminationGracePeriod). */
export function terminationGracePeriod(
  pod: Pod | undefined,
  annotations?: Readonly<Record<string, string>>,
): number {
  const fromPod =
    pod?.metadata?.deletionGracePeriodSeconds ?? pod?.spec?.terminationGracePeriodSeconds;
  if (fromPod !== undefined) return fromPod;
  const stored = Number(annotations?.[podTerminationGracePeriodAnnotation]);
  return Number.isFinite(stored) ? stored : defaultTerminationGracePeriodSeconds;
}

export class RuntimeManager {
  private readonly opts: RuntimeManagerOptions;

  constructor(opts: RuntimeManagerOptions) {
    this.opts = opts;
  }

  /** The pod's sandboxes and containers in the runtime, with termination messages read. */
  async getPodStatus(uid: string, name: string, namespace: string): Promise<PodRuntimeStatus> {
    const { runtime } = this.opts;
    // Only this pod's: a status per pod must not cost a walk over every pod of the node.
    const [sandboxes, containers] = await Promise.all([
      runtime.listPodSandboxes({ podUid: uid }),
      runtime.listContainers({ podUid: uid }),
    ]);
    const kube = await Promise.all(
      containers.map(async (c) => {
        const s = toKubeContainerStatus(c);
        if (s.state !== 'exited') return s;
        const message = await this.terminationMessage(s);
        if (message === undefined) return s;
        // Added to what the runtime said, as upstream does.
        return { ...s, message: s.message ? `${s.message}: ${message}` : message };
      }),
    );
    return podRuntimeStatus({
      uid,
      name,
      namespace,
      sandboxes,
      containers: kube,
    });
  }

  /** What the container wrote to its terminationMessagePath, or its log tail (FallbackToLogsOnError). */
  private async terminationMessage(s: KubeContainerStatus): Promise<string | undefined> {
    const hostPath = s.annotations[terminationMessageHostPathAnnotation];
    let message = '';
    if (hostPath) {
      try {
        const handle = await open(hostPath, 'r');
        try {
          // The last 4 KiB, as upstream's tail.ReadAtMost: a long message keeps its end.
          const { size } = await handle.stat();
          const length = Math.min(size, maxTerminationMessageBytes);
          const buf = Buffer.alloc(length);
          const { bytesRead } = await handle.read(buf, 0, length, size - length);
          message = buf.subarray(0, bytesRead).toString('utf8');
        } finally {
          await handle.close();
        }
      } catch {
        // Gone with the pod's files: nothing to add.
      }
    }
    if (
      message === '' &&
      s.exitCode !== 0 &&
      s.annotations[terminationMessagePolicyAnnotation] === 'FallbackToLogsOnError' &&
      s.logPath
    ) {
      message = await logTail(s.logPath);
    }
    return message === '' ? undefined : message;
  }

  /** SyncPod: see the steps at the top of the file. */
  async syncPod(
    pod: Pod,
    podStatus: PodRuntimeStatus,
    cgroupParent: string,
    volumes: ReadonlyMap<string, PodVolume>,
    signal: AbortSignal,
  ): Promise<SyncPodResult> {
    const { backOff, recorder, logger } = this.opts;
    const log = logger.with({
      pod: `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`,
    });
    const failures = new Map<string, StartFailure>();
    const started = new Set<string>();
    let retryAfterMs: number | undefined;
    const retryIn = (ms: number): void => {
      retryAfterMs = retryAfterMs === undefined ? ms : Math.min(retryAfterMs, ms);
    };
    const retryAfter = (): { retryAfterMs?: number } =>
      retryAfterMs !== undefined ? { retryAfterMs } : {};

    // Step 1.
    const actions: PodActions = computePodActions({
      pod,
      podStatus,
      backOff: (key, finishedAt) =>
        backOff.isInBackOffSince(key, finishedAt) ? backOff.remaining(key, finishedAt) : 0,
      backOffLength: (key) => backOff.get(key),
      ...(this.opts.probes
        ? { liveness: this.opts.probes.liveness, startup: this.opts.probes.startup }
        : {}),
    });
    log.debug('computePodActions', {
      killPod: actions.killPod,
      createSandbox: actions.createSandbox,
      init: actions.initContainersToStart.join(','),
      start: actions.containersToStart.join(','),
      ephemeral: actions.ephemeralContainersToStart.join(','),
      kill: [...actions.containersToKill.values()].map((k) => k.name).join(','),
    });
    if (actions.createSandbox && actions.sandboxId) {
      recorder.event(
        podRef(pod),
        'Normal',
        'SandboxChanged',
        'Pod sandbox changed, it will be killed and re-created.',
      );
    }

    // Step 2.
    if (actions.killPod) {
      await this.killPod(pod, podStatus);
      if (actions.createSandbox) await this.purgeInitContainers(pod, podStatus);
    } else {
      for (const [id, info] of actions.containersToKill) {
        await this.killContainer(pod, id, info);
      }
    }

    // Step 3.
    await this.pruneContainers(pod, podStatus);

    // Step 4. A new sandbox's network is set up while the containers are created: a container
    // needs it only to start, or to be created when its environment holds the pod's IPs.
    let sandboxId = actions.sandboxId;
    let sandboxConfig: PodSandboxConfig | undefined;
    /** The pod's IPs; undefined when the new sandbox's network could not be set up. */
    let podIPs: Promise<readonly string[] | undefined> = Promise.resolve([...podStatus.ips]);
    /** The network of the sandbox created by this sync, if one was. */
    let network: Promise<readonly string[]> | undefined;
    if (actions.createSandbox) {
      try {
        const created = await this.createPodSandbox(pod, actions.attempt, cgroupParent, signal);
        sandboxId = created.id;
        sandboxConfig = created.config;
        network = pod.spec?.hostNetwork
          ? created.network.then(() => [...podStatus.ips])
          : created.network;
        network.catch(() => undefined);
        podIPs = network.catch(() => undefined);
      } catch (err) {
        if (isAbortError(err)) throw err;
        return this.sandboxFailed(pod, log, err);
      }
    } else if (anyToStart(actions)) {
      const current = podStatus.sandboxes.find((s) => s.id === sandboxId);
      sandboxConfig = current?.config;
    }
    if (sandboxConfig === undefined && anyToStart(actions)) {
      return { failures, started, error: new Error('the pod sandbox is gone') };
    }

    const result = await this.startContainers({
      pod,
      actions,
      sandboxId,
      sandboxConfig,
      podStatus,
      podIPs,
      volumes,
      signal,
      failures,
      started,
      retryIn,
    });
    if (network === undefined) return { ...result, ...retryAfter() };
    try {
      await network;
    } catch (err) {
      if (isAbortError(err)) throw err;
      // As if the sandbox had failed before any container: remove it and what was created in it.
      await this.opts.runtime.removePodSandbox(sandboxId).catch((removeErr: unknown) => {
        log.warn('removing the failed pod sandbox failed', { err: errorMessage(removeErr) });
      });
      return this.sandboxFailed(pod, log, err);
    }
    return { ...result, ...retryAfter() };
  }

  /** A pod sandbox that could not be created: the event, the log line and the sync's result. */
  private sandboxFailed(pod: Pod, log: Logger, err: unknown): SyncPodResult {
    const message = errorMessage(err);
    this.opts.recorder.event(
      podRef(pod),
      'Warning',
      'FailedCreatePodSandBox',
      `Failed to create pod sandbox: ${message}`,
    );
    log.warn('CreatePodSandbox failed', { err: message });
    return {
      failures: new Map(),
      started: new Set(),
      error: new Error(`failed to create pod sandbox: ${message}`),
    };
  }

  /** Steps 5-7 of SyncPod: back-offs reported, then ephemeral, init and app containers started. */
  private async startContainers(o: {
    pod: Pod;
    actions: PodActions;
    sandboxId: string;
    sandboxConfig: PodSandboxConfig | undefined;
    podStatus: PodRuntimeStatus;
    podIPs: Promise<readonly string[] | undefined>;
    volumes: ReadonlyMap<string, PodVolume>;
    signal: AbortSignal;
    failures: Map<string, StartFailure>;
    started: Set<string>;
    retryIn: (ms: number) => void;
  }): Promise<{ failures: Map<string, StartFailure>; started: Set<string> }> {
    const { pod, actions, sandboxId, sandboxConfig, podStatus, podIPs, volumes, signal } = o;
    const { failures, started, retryIn } = o;
    const { recorder } = this.opts;

    // Crash back-off: tell the status and come back when it ends.
    for (const b of actions.backOff) {
      const spec = (b.init ? pod.spec?.initContainers : pod.spec?.containers)?.find(
        (c) => c.name === b.name,
      );
      if (spec) {
        recorder.event(
          containerRef(pod, spec, b.init),
          'Warning',
          'BackOff',
          `Back-off restarting failed container ${b.name} in pod ${formatPod(pod)}`,
        );
      }
      failures.set(b.name, { reason: 'CrashLoopBackOff', message: b.message });
      retryIn(b.remainingMs);
    }

    const startOptions = (container: Container | EphemeralContainer, kind: ContainerKind) =>
      sandboxConfig === undefined
        ? undefined
        : { sandboxId, sandboxConfig, container, kind, pod, podStatus, podIPs, volumes, signal };
    const outcome = (
      container: Container | EphemeralContainer,
      failure?: StartFailure,
    ): boolean => {
      if (failure) {
        failures.set(container.name, failure);
        if (failure.reason === 'ErrImagePull') {
          // Look again soon: inside the pull back-off the status turns to ImagePullBackOff.
          retryIn(1000);
        } else if (failure.reason === 'ImagePullBackOff') {
          retryIn(Math.max(1000, this.opts.imageManager.remainingBackOff(pod, container)));
        } else retryIn(10_000);
        return false;
      }
      started.add(container.name);
      return true;
    };
    const start = async (
      container: Container | EphemeralContainer,
      kind: ContainerKind,
    ): Promise<boolean> => {
      const o = startOptions(container, kind);
      if (o === undefined) return false;
      const created = await this.createContainer(o);
      return outcome(container, 'id' in created ? await this.runContainer(o, created.id) : created);
    };

    // Step 5. First, as upstream: a failing init container must not keep a debugger out.
    for (const idx of actions.ephemeralContainersToStart) {
      const container = pod.spec?.ephemeralContainers?.[idx];
      if (container) await start(container, 'ephemeral');
    }

    // Step 6.
    for (const idx of actions.initContainersToStart) {
      const container = pod.spec?.initContainers?.[idx];
      if (!container) continue;
      const ok = await start(container, 'init');
      if (!ok && !isRestartableInitContainer(container)) return { failures, started };
    }

    // Step 7. The app containers are created side by side (a create is mostly conmon and runc
    // waiting on the kernel), then started one after another in spec order, each once the one
    // before it has started and run its postStart hook, as upstream starts them.
    const apps = actions.containersToStart.flatMap((idx) => {
      const container = pod.spec?.containers[idx];
      const o = container && startOptions(container, 'app');
      return o ? [{ o, creating: this.createContainer(o) }] : [];
    });
    // Awaited in order below; a later one failing (say, aborted) must not be an unhandled rejection.
    for (const { creating } of apps) creating.catch(() => undefined);
    for (const { o, creating } of apps) {
      const created = await creating;
      outcome(o.container, 'id' in created ? await this.runContainer(o, created.id) : created);
    }
    return { failures, started };
  }

  private async createPodSandbox(
    pod: Pod,
    attempt: number,
    cgroupParent: string,
    signal: AbortSignal,
  ): Promise<{ id: string; config: PodSandboxConfig; network: Promise<readonly string[]> }> {
    const { runtime, recorder } = this.opts;
    const dns = podDNSConfig(pod, this.opts.dns());
    if (dns.missingClusterDNS)
      recorder.event(podRef(pod), 'Warning', 'MissingClusterDNS', dns.missingClusterDNS);
    for (const w of dns.dnsConfigForming ?? [])
      recorder.event(podRef(pod), 'Warning', 'DNSConfigForming', w);
    const config = generatePodSandboxConfig({
      pod,
      attempt,
      cgroupParent,
      dns: dns.dns,
      clusterDomain: this.opts.clusterDomain,
    });
    const m = pod.metadata;
    await mkdir(
      podLogsDirectory(this.opts.podLogsDir, m?.namespace ?? '', m?.name ?? '', m?.uid ?? ''),
      {
        recursive: true,
        mode: 0o755,
      },
    );
    const started = await runtime.startPodSandbox(config, signal);
    const network = started.network.then(
      async () => (await runtime.podSandboxStatus(started.id))?.ips ?? [],
    );
    return { id: started.id, config, network };
  }

  /**
   * Creates one container (upstream startContainer up to CreateContainer): its id, or why it was
   * not created.
   */
  private async createContainer(
    opts: StartContainerOptions,
  ): Promise<{ id: string } | StartFailure> {
    const { pod, container, kind, podStatus, signal } = opts;
    const { runtime, recorder, backOff } = this.opts;
    const ref = containerRef(pod, container, kind === 'init');
    const m = pod.metadata;
    const ns = m?.namespace ?? '';
    const name = m?.name ?? '';
    const uid = m?.uid ?? '';

    // The back-off clock starts with this restart (upstream doBackOff's Next).
    const lastExited = podStatus.containers.find(
      (c) => c.name === container.name && c.state === 'exited',
    );
    if (lastExited) backOff.next(containerBackOffKey(pod, container), lastExited.finishedAt);

    // Step 1: the image.
    const image = await this.opts.imageManager.ensureImageExists(pod, container, ref, signal);
    if (!image.ok) {
      recorder.event(ref, 'Warning', 'Failed', `Error: ${image.reason}`);
      return { reason: image.reason, message: image.message };
    }

    // Step 2: restartCount, from the newest instance or, if the runtime forgot, the logs.
    const previous = findContainerStatusByName(podStatus, container.name);
    const restartCount = previous
      ? previous.restartCount + 1
      : await restartCountFromLogDir(
          containerLogsDirectory(this.opts.podLogsDir, ns, name, uid, container.name),
        );

    // Step 3: the target of an ephemeral container, then the config.
    const target = targetContainer(pod, container, podStatus);
    if (target.error !== undefined) {
      recorder.event(ref, 'Warning', 'Failed', `Error: ${target.error}`);
      return { reason: 'CreateContainerConfigError', message: target.error };
    }
    // Only a container whose environment holds the pod's IPs waits for the network here.
    const podIPs = needsPodIPs(container) ? await opts.podIPs : [];
    if (podIPs === undefined) {
      return { reason: 'CreateContainerError', message: 'the pod network could not be set up' };
    }
    let config: ContainerConfig;
    try {
      config = await this.generateContainerConfig({
        ...opts,
        podIPs,
        image: image.image,
        restartCount,
        ...(target.id !== undefined ? { targetContainerId: target.id } : {}),
      });
    } catch (err) {
      if (isAbortError(err)) throw err;
      const message = errorMessage(err);
      recorder.event(ref, 'Warning', 'Failed', `Error: ${message}`);
      const reason =
        err instanceof ContainerConfigError || err instanceof VolumeError
          ? message === 'no command specified'
            ? 'CreateContainerError'
            : 'CreateContainerConfigError'
          : 'CreateContainerError';
      return { reason, message };
    }

    // Step 4: create.
    let id: string;
    try {
      id = await runtime.createContainer(opts.sandboxId, config, signal);
    } catch (err) {
      if (isAbortError(err)) throw err;
      const message = errorMessage(err);
      recorder.event(ref, 'Warning', 'Failed', `Error: ${message}`);
      return { reason: 'CreateContainerError', message };
    }
    recorder.event(ref, 'Normal', 'Created', `Created container: ${container.name}`);
    return { id };
  }

  /**
   * Starts a created container and runs its postStart hook (upstream startContainer from
   * StartContainer on); returns why it did not start, or undefined.
   */
  private async runContainer(
    opts: StartContainerOptions,
    id: string,
  ): Promise<StartFailure | undefined> {
    const { pod, container, kind, signal } = opts;
    const { runtime, recorder } = this.opts;
    const ref = containerRef(pod, container, kind === 'init');

    // Step 5: start, once the pod's network is there.
    const podIPs = await opts.podIPs;
    if (podIPs === undefined) {
      return { reason: 'RunContainerError', message: 'the pod network could not be set up' };
    }
    try {
      await runtime.startContainer(id);
    } catch (err) {
      const message = errorMessage(err);
      recorder.event(ref, 'Warning', 'Failed', `Error: ${message}`);
      return { reason: 'RunContainerError', message };
    }
    recorder.event(ref, 'Normal', 'Started', `Started container ${container.name}`);

    // Step 6: the postStart hook; the container counts as started only once it succeeded.
    const postStart = container.lifecycle?.postStart;
    if (postStart && this.opts.handlers) {
      const hook = await this.opts.handlers.run({
        pod,
        container,
        containerId: id,
        handler: postStart,
        podIPs,
        signal,
      });
      if (!hook.ok) {
        this.opts.logger.warn('postStart hook failed', {
          pod: `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`,
          containerName: container.name,
          err: hook.message,
        });
        // The details stay out of the event: they may hold secrets.
        recorder.event(ref, 'Warning', 'FailedPostStartHook', 'PostStartHook failed');
        try {
          await this.killContainer(pod, id, {
            name: container.name,
            message: 'FailedPostStartHook',
            reason: 'FailedPostStartHook',
          });
        } catch (err) {
          this.opts.logger.warn('killContainer failed', {
            containerId: id,
            err: errorMessage(err),
          });
        }
        return { reason: 'PostStartHookError', message: hook.message };
      }
    }
    return undefined;
  }

  /** Upstream generateContainerConfig (with the runtime's image merging done here). */
  private async generateContainerConfig(opts: {
    sandboxConfig: PodSandboxConfig;
    container: Container;
    kind: ContainerKind;
    pod: Pod;
    podIPs: readonly string[];
    volumes: ReadonlyMap<string, PodVolume>;
    image: ImageRecord;
    restartCount: number;
    targetContainerId?: string;
    signal: AbortSignal;
  }): Promise<ContainerConfig> {
    const { pod, container, image, restartCount } = opts;
    const { node } = this.opts;
    // First: a runAsNonRoot refusal must leave nothing behind (no termination-message file).
    const security = generateLinuxContainerSecurity({
      pod,
      container,
      imageUser: image.config.user,
      seccompProfileRoot: join(this.opts.dataDir, 'seccomp'),
    });
    const m = pod.metadata;
    const uid = m?.uid ?? '';
    const env = await makeEnvironmentVariables({
      pod,
      container,
      podIPs: opts.podIPs,
      hostIPs: node.hostIPs(),
      nodeAllocatable: node.allocatable(),
      sources: this.opts.envSources,
      onSkippedKeys: (message) => {
        this.opts.recorder.event(
          podRef(pod),
          'Warning',
          'InvalidEnvironmentVariableNames',
          message,
        );
      },
    });
    const { command, args } = expandCommandAndArgs(container, env);
    const argv = mergeCommand(image.config, command, args);
    const mounts = await this.makeMounts(pod, container, opts.volumes, env, opts.signal);

    // The termination message file, bind-mounted at terminationMessagePath.
    const annotations: Record<string, string> = {
      [containerHashAnnotation]: hashContainer(container),
      [restartCountAnnotation]: String(restartCount),
      [terminationMessagePathAnnotation]:
        container.terminationMessagePath ?? '/dev/termination-log',
      [terminationMessagePolicyAnnotation]: container.terminationMessagePolicy ?? 'File',
      [podTerminationGracePeriodAnnotation]: String(pod.spec?.terminationGracePeriodSeconds ?? 30),
      [containerKindAnnotation]:
        opts.kind === 'init' && isRestartableInitContainer(container) ? 'sidecar' : opts.kind,
    };
    const messagePath = container.terminationMessagePath ?? '/dev/termination-log';
    if (messagePath && !mounts.some((x) => x.containerPath === messagePath)) {
      const hostPath = join(
        this.opts.dataDir,
        'pods',
        uid,
        'containers',
        container.name,
        randomBytes(4).toString('hex'),
      );
      await mkdir(dirname(hostPath), { recursive: true, mode: 0o750 });
      await writeFile(hostPath, '', { mode: 0o666 });
      mounts.push({ containerPath: messagePath, hostPath, readOnly: false });
      annotations[terminationMessageHostPathAnnotation] = hostPath;
    }

    const logPath = containerLogPath(
      this.opts.podLogsDir,
      m?.namespace ?? '',
      m?.name ?? '',
      uid,
      container.name,
      restartCount,
    );
    await mkdir(dirname(logPath), { recursive: true, mode: 0o755 });
    return {
      name: container.name,
      attempt: restartCount,
      imageId: image.id,
      imageRef: container.image ?? '',
      args: argv,
      env: mergeEnv(image.config.env, env),
      workingDir: container.workingDir || image.config.workingDir || '/',
      mounts,
      logPath,
      stdin: Boolean(container.stdin),
      stdinOnce: Boolean(container.stdinOnce),
      tty: Boolean(container.tty),
      resources: containerResources(pod, container, node.memoryCapacityBytes()),
      security,
      stopSignal: image.config.stopSignal || 'SIGTERM',
      labels: newContainerLabels(pod, container),
      annotations,
      ...(opts.targetContainerId !== undefined
        ? { targetContainerId: opts.targetContainerId }
        : {}),
    };
  }

  /** The container's volume mounts, with subPath (and subPathExpr) resolved by the volume module. */
  private async makeMounts(
    pod: Pod,
    container: Container,
    volumes: ReadonlyMap<string, PodVolume>,
    env: readonly { name: string; value?: string }[],
    signal: AbortSignal,
  ): Promise<Mount[]> {
    const out: Mount[] = [];
    const mapping = mappingFuncFor(new Map(env.map((e) => [e.name, e.value ?? ''])));
    const mountsList: readonly VolumeMount[] = container.volumeMounts ?? [];
    for (const [i, vm] of mountsList.entries()) {
      const vol = volumes.get(vm.name);
      if (!vol) {
        throw new ContainerConfigError(
          `cannot find volume "${vm.name}" to mount into container "${container.name}"`,
        );
      }
      let subPath = vm.subPath ?? '';
      if (vm.subPathExpr) subPath = expand(vm.subPathExpr, mapping);
      let hostPath = vol.hostPath;
      if (subPath) {
        if (subPath.startsWith('/'))
          throw new ContainerConfigError(
            `error SubPath \`${subPath}\` must not be an absolute path`,
          );
        hostPath = await this.opts.volumes.prepareSubPath(
          {
            podUid: pod.metadata?.uid ?? '',
            volumeName: vm.name,
            volumeHostPath: vol.hostPath,
            subPath,
            containerName: container.name,
            mountIndex: i,
          },
          signal,
        );
      }
      out.push({
        containerPath: vm.mountPath,
        hostPath,
        readOnly: Boolean(vm.readOnly || vol.readOnly),
      });
    }
    return out;
  }

  /**
   * Stops one container (upstream killContainer): records Killing, runs its preStop hook within
   * the grace period, and gives the stop signal what is left of it (at least 2 s). A container
   * killed for a failed liveness or startup probe gets that probe's
   * terminationGracePeriodSeconds when it sets one.
   */
  async killContainer(
    pod: Pod | undefined,
    id: string,
    info: ContainerToKill,
    gracePeriodOverride?: number,
    ordering?: TerminationOrdering,
  ): Promise<void> {
    const { runtime, recorder } = this.opts;
    const status = await runtime.containerStatus(id);
    if (!status) return;
    let grace = terminationGracePeriod(pod, status.annotations);
    const spec = [
      ...(pod?.spec?.initContainers ?? []),
      ...(pod?.spec?.containers ?? []),
      ...(pod?.spec?.ephemeralContainers ?? []),
    ].find((c) => c.name === info.name);
    if (pod && spec && pod.metadata?.deletionGracePeriodSeconds === undefined) {
      const probe =
        info.reason === 'LivenessProbe'
          ? spec.livenessProbe
          : info.reason === 'StartupProbe'
            ? spec.startupProbe
            : undefined;
      if (probe?.terminationGracePeriodSeconds !== undefined)
        grace = probe.terminationGracePeriodSeconds;
    }
    if (pod && spec) {
      const init = (pod.spec?.initContainers ?? []).some((c) => c.name === info.name);
      if (status.state !== 'exited') {
        recorder.event(
          containerRef(pod, spec, init),
          'Normal',
          'Killing',
          info.message || `Stopping container ${info.name}`,
        );
      }
      if (
        spec.lifecycle?.preStop &&
        this.opts.handlers &&
        grace > 0 &&
        status.state === 'running'
      ) {
        const sandbox = await runtime.podSandboxStatus(status.sandboxId);
        grace -= await executePreStopHook({
          handlers: this.opts.handlers,
          recorder,
          clock: this.opts.clock,
          logger: this.opts.logger,
          pod,
          container: spec,
          containerId: id,
          podIPs: sandbox?.ips ?? [],
          gracePeriodSeconds: grace,
        });
      }
    }
    if (gracePeriodOverride !== undefined) grace = gracePeriodOverride;
    if (status.state === 'exited') return;
    // A sidecar's turn comes after the app containers and later sidecars have exited.
    if (ordering && grace > 0)
      grace -= await ordering.waitForTurn(info.name, grace, this.opts.clock);
    if (grace < minimumGracePeriodSeconds) grace = minimumGracePeriodSeconds;
    await runtime.stopContainer(id, grace);
  }

  /**
   * Kills every running container of the pod in parallel, sidecars after the app containers and
   * in reverse order (TerminationOrdering), and stops its sandboxes. `pod` may be undefined for a
   * pod the API no longer has.
   */
  async killPod(
    pod: Pod | undefined,
    podStatus: PodRuntimeStatus,
    gracePeriodOverride?: number,
  ): Promise<void> {
    const running = podStatus.containers.filter(
      (c) => c.state === 'running' || c.state === 'created' || c.state === 'unknown',
    );
    const ordering = terminationOrdering(pod, new Set(running.map((c) => c.name)));
    const kill = (c: KubeContainerStatus): Promise<void> =>
      this.killContainer(
        pod,
        c.id,
        { name: c.name, message: '', reason: '' },
        gracePeriodOverride,
        ordering,
      )
        .catch((err: unknown) => {
          this.opts.logger.warn('killContainer failed', {
            containerId: c.id,
            err: errorMessage(err),
          });
          throw err;
        })
        .finally(() => ordering?.terminated(c.name));
    const results = await Promise.allSettled(running.map(kill));
    for (const sb of podStatus.sandboxes) {
      if (sb.state === 'ready') await this.opts.runtime.stopPodSandbox(sb.id);
    }
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw new Error(`failed to kill containers: ${errorMessage(failed.reason)}`);
  }

  /** Removes every init container instance (the sandbox is being recreated: initialisation restarts). */
  private async purgeInitContainers(pod: Pod, podStatus: PodRuntimeStatus): Promise<void> {
    const names = new Set((pod.spec?.initContainers ?? []).map((c) => c.name));
    for (const c of podStatus.containers) {
      if (names.has(c.name)) await this.removeContainer(c);
    }
  }

  /**
   * Keeps the runtime small: of each init container only the newest exited instance (upstream
   * pruneInitContainersBeforeStart: a running sidecar keeps its previous instance, its lastState
   * and `logs --previous`), of each app container the newest two (current and previous).
   */
  private async pruneContainers(pod: Pod, podStatus: PodRuntimeStatus): Promise<void> {
    const inits = new Set((pod.spec?.initContainers ?? []).map((c) => c.name));
    const seen = new Map<string, number>();
    for (const c of podStatus.containers) {
      const init = inits.has(c.name);
      if (init && c.state !== 'exited') continue;
      const n = (seen.get(c.name) ?? 0) + 1;
      seen.set(c.name, n);
      if (n > (init ? 1 : 2) && c.state === 'exited') await this.removeContainer(c);
    }
  }

  /** Removes an exited container and its log files (as the kubelet's container GC does). */
  async removeContainer(c: KubeContainerStatus): Promise<void> {
    try {
      await this.opts.runtime.removeContainer(c.id);
      if (c.logPath) await removeContainerLogs(c.logPath);
      const msg = c.annotations[terminationMessageHostPathAnnotation];
      if (msg) await rm(msg, { force: true });
    } catch (err) {
      this.opts.logger.warn('removeContainer failed', {
        containerId: c.id,
        err: errorMessage(err),
      });
    }
  }

  /** Removes everything the runtime and the disk hold for a pod that is gone. */
  async removePod(uid: string, logDir?: { namespace: string; name: string }): Promise<void> {
    const { runtime } = this.opts;
    for (const sb of await runtime.listPodSandboxes()) {
      if (sb.config.podUid !== uid && sb.config.labels[podUidLabel] !== uid) continue;
      if (sb.state === 'ready') await runtime.stopPodSandbox(sb.id);
    }
    for (const c of await runtime.listContainers({ podUid: uid })) {
      if (c.state === 'running' || c.state === 'created')
        await runtime.stopContainer(c.id, minimumGracePeriodSeconds);
      await this.removeContainer(toKubeContainerStatus(c));
    }
    for (const sb of await runtime.listPodSandboxes()) {
      if (sb.config.podUid === uid) await runtime.removePodSandbox(sb.id);
    }
    await rm(join(this.opts.dataDir, 'pods', uid, 'containers'), { recursive: true, force: true });
    // The volume manager removes its part; the pod dir goes once it is empty.
    await rmdir(join(this.opts.dataDir, 'pods', uid)).catch(() => undefined);
    if (logDir) {
      await rm(podLogsDirectory(this.opts.podLogsDir, logDir.namespace, logDir.name, uid), {
        recursive: true,
        force: true,
      });
    }
  }
}

/** Whether the container's environment holds the pod's IPs (status.podIP or status.podIPs). */
function needsPodIPs(container: Container | EphemeralContainer): boolean {
  return (container.env ?? []).some((e) => {
    const field = e.valueFrom?.fieldRef?.fieldPath;
    return field === 'status.podIP' || field === 'status.podIPs';
  });
}

function anyToStart(actions: PodActions): boolean {
  return (
    actions.initContainersToStart.length > 0 ||
    actions.containersToStart.length > 0 ||
    actions.ephemeralContainersToStart.length > 0
  );
}

/**
 * The runtime id of the container whose PID namespace an ephemeral container joins (upstream
 * startSpec.getTargetID, applied only where the pod's PID mode is per container: with
 * shareProcessNamespace or hostPID every container already shares one). A target the runtime
 * has never had is an error the status shows, and the next sync tries again.
 */
function targetContainer(
  pod: Pod,
  container: Container | EphemeralContainer,
  podStatus: PodRuntimeStatus,
): { id?: string; error?: string } {
  const name = 'targetContainerName' in container ? container.targetContainerName : undefined;
  if (!name) return {};
  const target = findContainerStatusByName(podStatus, name);
  if (!target) return { error: `unable to find target container ${name}` };
  if (pod.spec?.shareProcessNamespace || pod.spec?.hostPID) return {};
  return { id: target.id };
}

/** The last lines of a CRI log (at most 80 lines and 2 KiB), for FallbackToLogsOnError. */
async function logTail(path: string): Promise<string> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch {
    return '';
  }
  const start = Math.max(0, data.length - 64 * 1024);
  const lines = data.subarray(start).toString('latin1').split('\n');
  // A window that starts mid-file starts mid-record: drop that piece.
  if (start > 0) lines.shift();
  const parts: Buffer[] = [];
  for (const raw of lines.slice(-(maxFallbackLines + 1))) {
    if (!raw) continue;
    // With its newline back, a full record keeps it in its message (a partial one does not).
    const parsed = parseCriLogLine(Buffer.from(`${raw}\n`, 'latin1'));
    if (typeof parsed === 'string') continue;
    parts.push(parsed.log);
  }
  let text = Buffer.concat(parts);
  const msgLines = text.toString('utf8').split('\n');
  if (msgLines.length > maxFallbackLines)
    text = Buffer.from(msgLines.slice(-maxFallbackLines).join('\n'));
  if (text.length > maxFallbackBytes) text = text.subarray(text.length - maxFallbackBytes);
  return text.toString('utf8');
}

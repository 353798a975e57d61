/**
 * The kubelet proper (upstream kubelet.go): the pod handlers the pod workers call, and the
 * housekeeping that removes what belongs to pods the API no longer has.
 *
 * syncPod (one pass, level-triggered):
 *   1. read the pod's runtime status
 *      (a pod with nothing on the node yet is admitted first: its sysctls; a rejected pod
 *      fails with SysctlForbidden)
 *   2. generate its API status and hand it to the status manager (written only when changed)
 *   3. terminal phase (Succeeded/Failed) → tell the worker to terminate it
 *   4. the pod cgroup (QoS tier, shares/quota/memory from requests and limits); for a static
 *      pod, its mirror pod in the API (created, or replaced when deleted or stale), and the
 *      status written to a new mirror at once
 *   5. volumes (emptyDir, hostPath, configMap, secret, … via the volume manager; API-data
 *      volumes are refreshed here, so a resync after a ConfigMap change updates their files)
 *   6. SyncPod in the runtime manager (sandbox, init containers, app containers)
 *   7. remember start failures (the waiting reasons), regenerate the status if anything moved
 * Probes: syncPod starts the pod's probe workers (their results feed ready/started into step 2
 * and liveness/startup kills into step 6); a pod past its activeDeadlineSeconds is failed in
 * step 2 (DeadlineExceeded) and so terminated.
 * syncTerminatingPod: stop every container (the pod's grace period) and the sandbox; write the
 *   final status (Succeeded when all exited 0, else Failed).
 * syncTerminatedPod: unmount volumes, remove the pod cgroup; for a pod being deleted, delete the
 *   API object (grace period 0, uid precondition).
 * cleanupPod: the API object is gone: remove sandboxes, containers, log and container files;
 *   a static pod's mirror pod is deleted.
 */
import { rm } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import { podQOSClass, type Pod, type PodStatus } from '../api/index.ts';
import type { EventRecorder } from '../client/index.ts';
import type { Clock, Logger } from '../util/index.ts';
import type { BackOff } from './backoff.ts';
import type { CgroupManager } from './cgroups/index.ts';
import { podUidLabel } from './labels.ts';
import { generateAPIPodStatus, type StartFailure } from './pod-status.ts';
import type { PodSyncHandlers, SyncPodOutcome } from './pod-workers.ts';
import { podCgroupResources } from './resources.ts';
import { podRef, type NodeFacts, type RuntimeManager } from './runtime-manager.ts';
import type { PodRuntimeStatus } from './runtime-status.ts';
import type { ContainerRuntime } from './runtime/index.ts';
import type { StatusManager } from './status-manager.ts';
import { parseKernelVersion, safeSysctlAllowlist, SysctlAllowlist } from './sysctl-allowlist.ts';
import { isStaticPod } from './config/index.ts';
import type { MirrorPods } from './mirror-pods.ts';
import {
  activeDeadlineMessage,
  activeDeadlineReason,
  activeDeadlineRemainingMs,
} from './lifecycle/index.ts';
import type { ProbeManager } from './prober/index.ts';
import { VolumeError, type PodVolumeManager, type VolumeSourceProvider } from './volumes/index.ts';
import { localFs, errorMessage } from '../util/index.ts';

// Small files of podbay's own: synchronous underneath (util/local-fs.ts says why).
const { mkdir, readdir, rmdir } = localFs;

export interface KubeletOptions {
  readonly runtime: ContainerRuntime;
  readonly runtimeManager: RuntimeManager;
  readonly statusManager: StatusManager;
  readonly cgroups: CgroupManager;
  readonly volumes: PodVolumeManager;
  readonly recorder: EventRecorder;
  readonly backOff: BackOff;
  readonly node: NodeFacts;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly runtimeName: string;
  readonly dataDir: string;
  readonly podLogsDir: string;
  /** The latest version of a pod its source (the informer, or the static pod files) holds. */
  readonly getPod: (uid: string) => Pod | undefined;
  /** Mirror pods of static pods; without it static pods get none. */
  readonly mirrorPods?: MirrorPods;
  /** ConfigMaps and Secrets (and node allocatable) for configMap/secret/projected volumes. */
  readonly volumeSources?: VolumeSourceProvider;
  /** Liveness, readiness and startup probes; without it containers are ready while running. */
  readonly probeManager?: ProbeManager;
  /**
   * Sysctls pods may set (admission, upstream's sysctl allowlist). Default: the safe set for this
   * kernel; the node's allowedUnsafeSysctls are added by whoever builds the kubelet.
   */
  readonly sysctls?: SysctlAllowlist;
}

function nsName(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

export class Kubelet implements PodSyncHandlers {
  private readonly opts: KubeletOptions;
  /** Why containers last failed to start, by pod uid and container name (upstream reasonCache). */
  private readonly reasons = new Map<string, Map<string, StartFailure>>();

  private readonly sysctls: SysctlAllowlist;

  constructor(opts: KubeletOptions) {
    this.opts = opts;
    this.sysctls =
      opts.sysctls ?? new SysctlAllowlist(safeSysctlAllowlist(parseKernelVersion(release())));
  }

  private reasonsOf(uid: string): Map<string, StartFailure> {
    let m = this.reasons.get(uid);
    if (!m) {
      m = new Map();
      this.reasons.set(uid, m);
    }
    return m;
  }

  private async runtimeStatus(pod: Pod): Promise<PodRuntimeStatus> {
    const m = pod.metadata;
    return this.opts.runtimeManager.getPodStatus(m?.uid ?? '', m?.name ?? '', m?.namespace ?? '');
  }

  private generateStatus(pod: Pod, podStatus: PodRuntimeStatus, podIsTerminal: boolean): PodStatus {
    const uid = pod.metadata?.uid ?? '';
    const oldStatus = this.opts.statusManager.getPodStatus(uid) ?? pod.status ?? {};
    const terminal = oldStatus.phase === 'Failed' || oldStatus.phase === 'Succeeded';
    const remaining = activeDeadlineRemainingMs(pod, oldStatus, this.opts.clock.now());
    const evict = !podIsTerminal && !terminal && remaining !== undefined && remaining <= 0;
    if (evict) {
      this.opts.recorder.event(podRef(pod), 'Normal', activeDeadlineReason, activeDeadlineMessage);
    }
    return generateAPIPodStatus({
      pod,
      podStatus,
      oldStatus,
      podIsTerminal,
      convert: { runtimeName: this.opts.runtimeName, reasons: this.reasonsOf(uid) },
      hostIPs: this.opts.node.hostIPs(),
      ...(this.opts.probeManager ? { probes: this.opts.probeManager } : {}),
      ...(evict ? { evict: { reason: activeDeadlineReason, message: activeDeadlineMessage } } : {}),
    });
  }

  async syncPod(pod: Pod, signal: AbortSignal): Promise<SyncPodOutcome> {
    const { statusManager, cgroups, volumes, recorder, runtimeManager } = this.opts;
    const uid = pod.metadata?.uid ?? '';
    // Steps 1–3.
    const podStatus = await this.runtimeStatus(pod);
    // Admission (upstream canAdmitPod: sysctls) for a pod with nothing on this node yet; a
    // rejected pod fails at once, as upstream's rejectPod.
    if (podStatus.sandboxes.length === 0 && podStatus.containers.length === 0) {
      const rejected = this.sysctls.admit(pod);
      if (rejected) {
        recorder.event(podRef(pod), 'Warning', rejected.reason, rejected.message);
        await statusManager.setPodStatus(pod, {
          qosClass: podQOSClass(pod),
          phase: 'Failed',
          reason: rejected.reason,
          message: `Pod was rejected: ${rejected.message}`,
        });
        return { terminal: true };
      }
    }
    const status = this.generateStatus(pod, podStatus, false);
    await statusManager.setPodStatus(pod, status);
    if (status.phase === 'Succeeded' || status.phase === 'Failed') return { terminal: true };

    // Step 4. The pod dir marks the pod as this agent's before anything is made for it, so
    // housekeeping never touches another agent's cgroups on a shared machine.
    await mkdir(join(this.opts.dataDir, 'pods', uid), { recursive: true, mode: 0o750 });
    const qos = podQOSClass(pod);
    const cgroupParent = await cgroups.ensurePodCgroup(uid, qos, podCgroupResources(pod, qos));
    if (this.opts.mirrorPods && isStaticPod(pod)) {
      const created = await this.opts.mirrorPods.syncMirrorPod(pod, signal);
      if (created) await statusManager.setPodStatus(pod, status);
    }

    // Step 5.
    let podVolumes;
    try {
      podVolumes = await volumes.setUpPodVolumes(pod, signal, {
        ...(this.opts.volumeSources ? { sources: this.opts.volumeSources } : {}),
        // A running pod's volume that cannot be refreshed keeps its files; say why, go on.
        onRefreshFailed: (e) => {
          recorder.event(podRef(pod), 'Warning', 'FailedMount', e.message);
        },
      });
    } catch (err) {
      const message = errorMessage(err);
      if (err instanceof VolumeError || !signal.aborted) {
        recorder.event(podRef(pod), 'Warning', 'FailedMount', message);
      }
      throw err;
    }

    // Ensure the pod is being probed (the newest version: the workers watch deletionTimestamp).
    this.opts.probeManager?.addPod(this.opts.getPod(uid) ?? pod);

    // Step 6.
    const result = await runtimeManager.syncPod(pod, podStatus, cgroupParent, podVolumes, signal);

    // Step 7.
    const reasons = this.reasonsOf(uid);
    for (const name of result.started) reasons.delete(name);
    for (const [name, failure] of result.failures) reasons.set(name, failure);
    if (result.started.size || result.failures.size || result.error) {
      const after = await this.runtimeStatus(pod);
      await statusManager.setPodStatus(
        this.opts.getPod(uid) ?? pod,
        this.generateStatus(pod, after, false),
      );
    }
    if (result.error) throw result.error;
    // Come back when the active deadline passes, to fail the pod then.
    let retryAfterMs = result.retryAfterMs;
    const deadline = activeDeadlineRemainingMs(
      pod,
      statusManager.getPodStatus(uid),
      this.opts.clock.now(),
    );
    if (deadline !== undefined) {
      const at = Math.max(0, deadline) + 1;
      retryAfterMs = retryAfterMs === undefined ? at : Math.min(retryAfterMs, at);
    }
    return retryAfterMs !== undefined ? { retryAfterMs } : {};
  }

  async syncTerminatingPod(pod: Pod, removed: boolean, _signal: AbortSignal): Promise<void> {
    const { runtimeManager, statusManager, logger } = this.opts;
    // Nothing may restart the pod's containers any more.
    this.opts.probeManager?.stopLivenessAndStartup(pod);
    const podStatus = await this.runtimeStatus(pod);
    logger.info('terminating pod', { pod: nsName(pod), removed });
    await runtimeManager.killPod(pod, podStatus);
    // Once the containers are stopped, probing ends.
    this.opts.probeManager?.removePod(pod);
    if (removed) return;
    const after = await this.runtimeStatus(pod);
    const stillRunning = after.containers.filter((c) => c.state === 'running');
    if (stillRunning.length) {
      throw new Error(`containers still running: ${stillRunning.map((c) => c.name).join(', ')}`);
    }
    await statusManager.setPodStatus(
      this.opts.getPod(pod.metadata?.uid ?? '') ?? pod,
      this.generateStatus(pod, after, true),
    );
  }

  async syncTerminatedPod(pod: Pod, removed: boolean, signal: AbortSignal): Promise<void> {
    const { volumes, cgroups, statusManager, logger } = this.opts;
    const uid = pod.metadata?.uid ?? '';
    await volumes.tearDownPodVolumes(uid);
    await cgroups.removePodCgroup(uid);
    const latest = this.opts.getPod(uid) ?? pod;
    if (!removed && latest.metadata?.deletionTimestamp) {
      await statusManager.deletePod(latest);
      logger.info('pod deleted from the API', { pod: nsName(pod) });
      // Clean up at once rather than on the informer's delete event: the agent may be stopped
      // in between, and nothing would then remove the pod's logs.
      await this.cleanupPod(latest, signal);
    }
  }

  async cleanupPod(pod: Pod, signal: AbortSignal): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    await this.opts.runtimeManager.removePod(uid, {
      namespace: pod.metadata?.namespace ?? '',
      name: pod.metadata?.name ?? '',
    });
    // Failures are logged; housekeeping deletes orphaned mirrors later.
    if (isStaticPod(pod)) await this.opts.mirrorPods?.deleteMirrorPodOf(pod, signal);
    this.forget(pod);
    this.opts.logger.info('pod removed', { pod: nsName(pod), podUID: uid });
  }

  private forget(pod: Pod): void {
    const m = pod.metadata;
    const uid = m?.uid ?? '';
    this.reasons.delete(uid);
    this.opts.statusManager.removePod(uid);
    this.opts.backOff.resetPrefix(`${m?.name ?? ''}_${m?.namespace ?? ''}_${uid}_`);
  }

  /**
   * Housekeeping (upstream HandlePodCleanups): removes sandboxes, containers, cgroups, volume
   * directories and container files of pods that are neither in the API nor known to a worker.
   */
  async cleanupOrphans(known: ReadonlySet<string>): Promise<string[]> {
    const { runtime, cgroups, volumes, runtimeManager, logger } = this.opts;
    const describe = (err: unknown): string => errorMessage(err);
    this.opts.probeManager?.cleanupPods(known);
    // What this agent made: its runtime's records, its volume dirs and pod dirs. Pod cgroups live
    // in a machine-wide hierarchy, so only those of our own pods are ever removed.
    let podDirs: string[] = [];
    try {
      podDirs = await readdir(join(this.opts.dataDir, 'pods'));
    } catch {
      // nothing yet
    }
    const ours = new Set<string>(podDirs);
    const orphans = new Map<string, { namespace: string; name: string } | undefined>();
    for (const sb of await runtime.listPodSandboxes()) {
      const uid = sb.config.podUid || sb.config.labels[podUidLabel] || '';
      if (!uid) continue;
      ours.add(uid);
      if (!known.has(uid)) {
        orphans.set(uid, { namespace: sb.config.podNamespace, name: sb.config.podName });
      }
    }
    for (const c of await runtime.listContainers()) {
      if (!c.podUid) continue;
      ours.add(c.podUid);
      if (!known.has(c.podUid) && !orphans.has(c.podUid)) orphans.set(c.podUid, undefined);
    }
    const volumeDirs = await volumes.listPodVolumeDirs();
    for (const uid of volumeDirs) ours.add(uid);

    for (const [uid, where] of orphans) {
      logger.info('removing an orphaned pod from the runtime', { podUID: uid });
      try {
        await runtimeManager.removePod(uid, where);
      } catch (err) {
        logger.warn('orphan cleanup failed', { podUID: uid, err: describe(err) });
      }
    }
    const cleaned = new Set(orphans.keys());
    for (const uid of volumeDirs) {
      if (known.has(uid)) continue;
      logger.info('removing orphaned volumes', { podUID: uid });
      cleaned.add(uid);
      await volumes.tearDownPodVolumes(uid).catch((err: unknown) => {
        logger.warn('orphaned volumes cleanup failed', { podUID: uid, err: describe(err) });
      });
    }
    for (const uid of await cgroups.listPodCgroups()) {
      if (known.has(uid) || !ours.has(uid)) continue;
      logger.info('removing orphaned pod cgroup', { podUID: uid });
      cleaned.add(uid);
      await cgroups.removePodCgroup(uid).catch((err: unknown) => {
        logger.warn('orphaned pod cgroup cleanup failed', { podUID: uid, err: describe(err) });
      });
    }
    for (const uid of podDirs) {
      if (known.has(uid)) continue;
      cleaned.add(uid);
      await rm(join(this.opts.dataDir, 'pods', uid, 'containers'), {
        recursive: true,
        force: true,
      });
      await rmdir(join(this.opts.dataDir, 'pods', uid)).catch(() => undefined);
    }
    return [...cleaned];
  }
}

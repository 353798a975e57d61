/**
 * The probe manager (upstream prober/prober_manager.go): one worker per container and probe
 * type (app containers and sidecars), three results managers, and the translation of results
 * into the status's `started` and `ready`.
 *
 * Who calls what, and when (the kubelet's pod worker for the pod, one call at a time):
 *   - addPod(pod) on every syncPod: starts the workers the pod lacks (idempotent) and hands the
 *     running ones the newest pod.
 *   - updatePodStatus(pod, status) while generating the pod's status: started/ready per container.
 *   - stopLivenessAndStartup(pod) when the pod starts terminating; removePod(pod) once its
 *     containers are stopped; cleanupPods(desired) from housekeeping.
 *   - liveness/startup results are read by computePodActions (a failure kills the container).
 *   - onUpdate(listener): every change of a cached result; the kubelet syncs the pod (liveness
 *     only on failure), as upstream's sync loop does.
 */
import type { ContainerStatus, Pod, PodStatus } from '../../api/index.ts';
import { realClock, type Clock, type Logger } from '../../util/index.ts';
import { isRestartableInitContainer } from '../resources.ts';
import type { ContainerProber } from './prober.ts';
import { ResultsManager, type ResultUpdate } from './results-manager.ts';
import type { ProbeType } from './types.ts';
import { parseContainerId, ProbeWorker, type WorkerContext } from './worker.ts';

export interface ProbeUpdate extends ResultUpdate {
  readonly probeType: ProbeType;
}

export interface ProbeManagerOptions {
  readonly prober: ContainerProber;
  /** The status manager's latest status of a pod (pod IP, container ids and states). */
  readonly getPodStatus: (uid: string) => PodStatus | undefined;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Jitter source in [0, 1); default Math.random. */
  readonly random?: () => number;
}

function key(uid: string, container: string, probeType: ProbeType): string {
  return `${uid}/${container}/${probeType}`;
}

const probeTypes: readonly ProbeType[] = ['startup', 'readiness', 'liveness'];

export class ProbeManager {
  readonly liveness = new ResultsManager();
  readonly readiness = new ResultsManager();
  readonly startup = new ResultsManager();
  private readonly workers = new Map<string, ProbeWorker>();
  private readonly running = new Set<Promise<void>>();
  private readonly ctx: WorkerContext;

  constructor(opts: ProbeManagerOptions) {
    const clock = opts.clock ?? realClock;
    this.ctx = {
      clock,
      logger: opts.logger,
      prober: opts.prober,
      getPodStatus: opts.getPodStatus,
      startedAt: clock.now(),
      random: opts.random ?? Math.random,
      removeWorker: (w) => {
        const k = key(w.pod.metadata?.uid ?? '', w.container.name, w.probeType);
        if (this.workers.get(k) === w) this.workers.delete(k);
      },
    };
  }

  private resultsFor(t: ProbeType): ResultsManager {
    switch (t) {
      case 'liveness':
        return this.liveness;
      case 'readiness':
        return this.readiness;
      case 'startup':
        return this.startup;
    }
  }

  /** Every change of a cached result, with its probe type. Returns the unsubscribe function. */
  onUpdate(listener: (update: ProbeUpdate) => void): () => void {
    const offs = probeTypes.map((probeType) =>
      this.resultsFor(probeType).onUpdate((u) => {
        listener({ ...u, probeType });
      }),
    );
    return () => {
      for (const off of offs) off();
    };
  }

  /** Starts the workers the pod's probes need (app containers and sidecars). Idempotent. */
  addPod(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    const containers = [
      ...(pod.spec?.containers ?? []),
      ...(pod.spec?.initContainers ?? []).filter(isRestartableInitContainer),
    ];
    for (const c of containers) {
      for (const probeType of probeTypes) {
        const spec =
          probeType === 'startup'
            ? c.startupProbe
            : probeType === 'readiness'
              ? c.readinessProbe
              : c.livenessProbe;
        if (!spec) continue;
        const k = key(uid, c.name, probeType);
        const existing = this.workers.get(k);
        if (existing) {
          existing.pod = pod;
          continue;
        }
        const w = new ProbeWorker({
          ctx: this.ctx,
          probeType,
          pod,
          container: c,
          results: this.resultsFor(probeType),
        });
        this.workers.set(k, w);
        const done = w.start();
        this.running.add(done);
        void done.finally(() => this.running.delete(done));
      }
    }
  }

  private stopWorkers(uid: string, types: readonly ProbeType[]): void {
    for (const w of this.workers.values()) {
      if (w.pod.metadata?.uid === uid && types.includes(w.probeType)) w.stop();
    }
  }

  /** The pod is terminating: nothing may restart its containers any more. */
  stopLivenessAndStartup(pod: Pod): void {
    this.stopWorkers(pod.metadata?.uid ?? '', ['liveness', 'startup']);
  }

  /** The pod's containers are stopped: all its workers go. */
  removePod(pod: Pod): void {
    this.stopWorkers(pod.metadata?.uid ?? '', probeTypes);
  }

  /** Stops the workers of every pod not in `desired` (housekeeping). */
  cleanupPods(desired: ReadonlySet<string>): void {
    for (const w of this.workers.values()) {
      if (!desired.has(w.pod.metadata?.uid ?? '')) w.stop();
    }
  }

  /** Stops every worker and waits for them (agent shutdown, tests). */
  async stop(): Promise<void> {
    for (const w of this.workers.values()) w.stop();
    await Promise.allSettled([...this.running]);
  }

  workerCount(): number {
    return this.workers.size;
  }

  private hasWorker(uid: string, container: string, t: ProbeType): ProbeWorker | undefined {
    const w = this.workers.get(key(uid, container, t));
    return w && !w.isStopped ? w : undefined;
  }

  /** Upstream isContainerStarted. */
  private isStarted(uid: string, s: ContainerStatus): boolean {
    if (!s.state?.running) return false;
    const r = this.startup.get(parseContainerId(s.containerID));
    if (r !== undefined) return r === 'success';
    // A startup probe that has not run yet: not started.
    return this.hasWorker(uid, s.name, 'startup') === undefined;
  }

  /** Ready from the readiness result; no probe means ready; no result yet triggers a probe. */
  private isReady(uid: string, s: ContainerStatus): boolean {
    if (!s.state?.running) return false;
    if (this.readiness.get(parseContainerId(s.containerID)) === 'success') return true;
    const w = this.hasWorker(uid, s.name, 'readiness');
    if (!w) return true;
    // Probe now rather than at the next period, so a ready container shows up soon.
    w.trigger();
    return false;
  }

  /**
   * Upstream UpdatePodStatus: sets `started` and `ready` on the status's container statuses
   * (app containers and sidecars from the probes; regular init containers are ready once they
   * exited 0). Returns a new status; the input is not changed.
   */
  updatePodStatus(pod: Pod, status: PodStatus): PodStatus {
    const uid = pod.metadata?.uid ?? '';
    const containerStatuses = status.containerStatuses?.map((s) => {
      const started = this.isStarted(uid, s);
      return { ...s, started, ready: started && this.isReady(uid, s) };
    });
    const initContainerStatuses = status.initContainerStatuses?.map((s) => {
      const started = this.isStarted(uid, s);
      const spec = (pod.spec?.initContainers ?? []).find((c) => c.name === s.name);
      if (!spec || !isRestartableInitContainer(spec)) {
        return {
          ...s,
          started,
          ready: s.state?.terminated !== undefined && s.state.terminated.exitCode === 0,
        };
      }
      return { ...s, started, ready: started && this.isReady(uid, s) };
    });
    return {
      ...status,
      ...(containerStatuses ? { containerStatuses } : {}),
      ...(initContainerStatuses ? { initContainerStatuses } : {}),
    };
  }
}

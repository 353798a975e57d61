/**
 * A probe worker (upstream prober/worker.go): probes one container with one probe type, every
 * periodSeconds, for as long as the pod lives, and keeps the result in its results manager.
 *
 *   start ─▶ (kubelet started within one period: wait a random part of it, so adopted pods do
 *            not all probe at once)
 *        ─▶ doProbe ─▶ wait for the next tick (periodSeconds), a manual trigger or stop ─┐
 *              ▲                                                                          │
 *              └──────────────────────────────────────────────────────────────────────────┘
 *
 * doProbe, each time, from the pod's latest status (the status manager's):
 *   - no status yet, or the container has no id yet              → wait
 *   - pod Succeeded/Failed                                       → stop
 *   - a new container id: the old one's result is dropped, the new one starts at the initial
 *     value (readiness Failure, liveness Success, startup Unknown) and probing resumes
 *   - on hold (liveness/startup failed this container)           → wait for a new container
 *   - container not running: result Failure; stop if it terminated and will not restart
 *   - pod being deleted: liveness/startup set Success and stop (quiet shutdown)
 *   - within initialDelaySeconds of the container's start        → wait
 *   - startup probe once started, or other probes before          → wait
 *   - probe: the result counts only after failureThreshold failures / successThreshold
 *     successes in a row; a liveness/startup failure puts the worker on hold
 */
import type { Container, ContainerStatus, Pod, PodStatus, Probe } from '../../api/index.ts';
import type { Clock, Logger } from '../../util/index.ts';
import { isRestartableInitContainer } from '../resources.ts';
import type { ContainerProber } from './prober.ts';
import { probeSpec } from './prober.ts';
import type { ResultsManager } from './results-manager.ts';
import type { ProbeType, Result } from './types.ts';
import { errorMessage } from '../../util/index.ts';

/** What a worker needs from its manager. */
export interface WorkerContext {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly prober: ContainerProber;
  /** The status manager's latest status of the pod. */
  getPodStatus(uid: string): PodStatus | undefined;
  /** When the manager started (the kubelet's start), for the start-up jitter. */
  readonly startedAt: number;
  readonly random: () => number;
  /** Called once the worker has stopped and cleaned up. */
  removeWorker(worker: ProbeWorker): void;
}

/** `runc://abc` → `abc`. */
export function parseContainerId(id: string | undefined): string {
  if (!id) return '';
  const i = id.indexOf('://');
  return i >= 0 ? id.slice(i + 3) : id;
}

function initialValue(t: ProbeType): Result {
  switch (t) {
    case 'readiness':
      return 'failure';
    case 'liveness':
      return 'success';
    case 'startup':
      return 'unknown';
  }
}

function findStatus(status: PodStatus, name: string): ContainerStatus | undefined {
  const c = status.containerStatuses?.find((s) => s.name === name);
  if (c?.containerID) return c;
  const i = status.initContainerStatuses?.find((s) => s.name === name);
  return i?.containerID ? i : undefined;
}

export class ProbeWorker {
  readonly probeType: ProbeType;
  readonly container: Container;
  /** The latest version of the pod (updated by the manager). */
  pod: Pod;
  private readonly ctx: WorkerContext;
  private readonly spec: Probe;
  private readonly results: ResultsManager;
  private containerId = '';
  private lastResult: Result = 'unknown';
  private resultRun = 0;
  private onHold = false;
  private stopped = false;
  private triggered = false;
  private wake: (() => void) | undefined;
  private done: Promise<void> | undefined;

  constructor(opts: {
    ctx: WorkerContext;
    probeType: ProbeType;
    pod: Pod;
    container: Container;
    results: ResultsManager;
  }) {
    this.ctx = opts.ctx;
    this.probeType = opts.probeType;
    this.pod = opts.pod;
    this.container = opts.container;
    this.results = opts.results;
    const spec = probeSpec(opts.container, opts.probeType);
    if (!spec) throw new Error(`container ${opts.container.name} has no ${opts.probeType} probe`);
    this.spec = spec;
  }

  private get periodMs(): number {
    return Math.max(1, this.spec.periodSeconds ?? 10) * 1000;
  }

  /** Starts the loop; resolves when the worker has stopped. */
  start(): Promise<void> {
    this.done ??= this.run();
    return this.done;
  }

  /** Stops the worker (idempotent); it cleans up and leaves its manager. */
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /** Runs a probe now (upstream manualTriggerCh; a pending trigger is not queued twice). */
  trigger(): void {
    this.triggered = true;
    this.wake?.();
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Waits `ms` or until woken by stop or a trigger. Returns false when stopped. */
  private async waitFor(ms: number, allowTrigger: boolean): Promise<boolean> {
    if (this.stopped) return false;
    if (allowTrigger && this.triggered) {
      this.triggered = false;
      return true;
    }
    if (ms <= 0) return true;
    await new Promise<void>((resolve) => {
      const cancel = this.ctx.clock.setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        if (!this.stopped && !(allowTrigger && this.triggered)) return;
        cancel();
        this.wake = undefined;
        resolve();
      };
    });
    if (allowTrigger) this.triggered = false;
    return !this.stopped;
  }

  private async run(): Promise<void> {
    const { clock } = this.ctx;
    try {
      const period = this.periodMs;
      // Spread the probes of pods adopted right after a (re)start over one period.
      if (period > clock.now() - this.ctx.startedAt) {
        if (!(await this.waitFor(Math.floor(this.ctx.random() * period), false))) return;
      }
      let nextTick = clock.now() + period;
      while (!this.stopped && (await this.doProbe())) {
        const now = clock.now();
        let waitMs = nextTick - now;
        if (waitMs <= 0) {
          // Like Go's ticker: one missed tick fires at once, the others are dropped.
          waitMs = 0;
          while (nextTick <= now) nextTick += period;
        }
        if (!(await this.waitFor(waitMs, true))) break;
        while (nextTick <= clock.now()) nextTick += period;
      }
    } catch (err) {
      this.ctx.logger.error('probe worker failed', {
        err: errorMessage(err),
      });
    } finally {
      this.stopped = true;
      if (this.containerId) this.results.remove(this.containerId);
      this.ctx.removeWorker(this);
    }
  }

  /** One pass; see the list at the top of the file. Returns whether to keep going. */
  async doProbe(): Promise<boolean> {
    const { pod, container, probeType, spec } = this;
    const status = this.ctx.getPodStatus(pod.metadata?.uid ?? '');
    if (!status) return true;
    if (status.phase === 'Failed' || status.phase === 'Succeeded') return false;

    const c = findStatus(status, container.name);
    if (!c) return true;
    const id = parseContainerId(c.containerID);
    if (id !== this.containerId) {
      if (this.containerId) this.results.remove(this.containerId);
      this.containerId = id;
      this.results.set(id, initialValue(probeType), pod);
      this.onHold = false;
    }
    if (this.onHold) return true;

    if (!c.state?.running) {
      if (this.containerId) this.results.set(this.containerId, 'failure', pod);
      // Keep going only if the container will run again.
      return (
        c.state?.terminated === undefined ||
        (pod.spec?.restartPolicy ?? 'Always') !== 'Never' ||
        isRestartableInitContainer(container)
      );
    }

    if (pod.metadata?.deletionTimestamp && (probeType === 'liveness' || probeType === 'startup')) {
      // A quiet shutdown: nothing restarts a container of a pod that is going away.
      this.results.set(this.containerId, 'success', pod);
      return false;
    }

    const startedAt = Date.parse(c.state.running.startedAt ?? '');
    if (Number.isFinite(startedAt)) {
      const elapsedSeconds = Math.floor((this.ctx.clock.now() - startedAt) / 1000);
      if (elapsedSeconds < (spec.initialDelaySeconds ?? 0)) return true;
    }

    if (c.started) {
      // The startup probe is done once the container started (kept for its next instance).
      if (probeType === 'startup') return true;
    } else if (probeType !== 'startup') {
      // Nothing but the startup probe runs before the container started.
      return true;
    }

    const { result, error } = await this.ctx.prober.probe({
      probeType,
      pod,
      status,
      container,
      containerId: this.containerId,
    });
    if (error) return true;
    if (this.stopped) return false;

    if (this.lastResult === result) this.resultRun++;
    else {
      this.lastResult = result;
      this.resultRun = 1;
    }
    if (
      (result === 'failure' && this.resultRun < (spec.failureThreshold ?? 3)) ||
      (result === 'success' && this.resultRun < (spec.successThreshold ?? 1))
    ) {
      return true;
    }
    this.results.set(this.containerId, result, pod);
    if ((probeType === 'liveness' || probeType === 'startup') && result === 'failure') {
      // The container will be restarted: stop probing it until a new instance shows up.
      this.onHold = true;
      this.resultRun = 0;
    }
    return true;
  }
}

/**
 * Pod workers (upstream pod_workers.go): one worker per pod UID, so everything done to a pod is
 * serialised, while different pods progress in parallel. Updates are coalesced: a worker that is
 * busy runs once more afterwards with the newest pod; it never queues stale versions.
 *
 *        update(pod)                     deletionTimestamp set, removed from the API,
 *            │                           or syncPod found the pod terminal (Succeeded/Failed)
 *            ▼                                              │
 *       ┌─────────┐  syncPod (level-triggered: compare,     ▼
 *       │ SyncPod │◀─ act; resynced periodically, on   ┌────────────────┐
 *       └─────────┘   PLEG events and after back-offs)  │ TerminatingPod │ syncTerminatingPod:
 *                                                       └────────────────┘ stop containers and
 *                                                               │          sandbox, final status
 *                                                               ▼
 *                                                       ┌───────────────┐  syncTerminatedPod:
 *                                                       │ TerminatedPod │  volumes, cgroup; delete
 *                                                       └───────────────┘  the API object if asked
 *                                                               │
 *                                                               ▼
 *                                 finished: kept (a completed pod stays Succeeded/Failed) until
 *                                 the API object is gone; then its runtime objects are removed and
 *                                 the worker is forgotten (cleanupPod)
 *
 * A pod that is already terminal when first seen never starts: it goes straight to terminating.
 * A static pod does not start while an older pod of the same name and namespace still has a
 * worker (upstream allowStaticPodStart): an edited manifest is a new pod (new UID) that must not
 * run beside the old one (host ports, host paths); it starts once the old one is cleaned up.
 * Failures retry with back-off (1 s doubling to 10 s).
 */
import type { Pod } from '../api/index.ts';
import { Backoff, isAbortError, type Clock, type Logger, errorMessage } from '../util/index.ts';
import { isStaticPod, podFullName } from './config/index.ts';

export type PodWorkerState = 'SyncPod' | 'TerminatingPod' | 'TerminatedPod' | 'Finished';

export interface SyncPodOutcome {
  /** The pod reached a terminal phase: terminate it. */
  readonly terminal?: boolean;
  /** Sync again after this long (end of a back-off). */
  readonly retryAfterMs?: number;
}

export interface PodSyncHandlers {
  syncPod(pod: Pod, signal: AbortSignal): Promise<SyncPodOutcome>;
  /** Stops everything of the pod; `removed`: the API object is gone already. */
  syncTerminatingPod(pod: Pod, removed: boolean, signal: AbortSignal): Promise<void>;
  /** Releases volumes and cgroup, deletes the API object when graceful deletion asked for it. */
  syncTerminatedPod(pod: Pod, removed: boolean, signal: AbortSignal): Promise<void>;
  /** The API object is gone and the pod is finished: remove its runtime objects and files. */
  cleanupPod(pod: Pod, signal: AbortSignal): Promise<void>;
}

export interface PodWorkersOptions {
  readonly handlers: PodSyncHandlers;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** Periodic resync of a running pod. Default 60 s (upstream syncFrequency). */
  readonly resyncIntervalMs?: number;
}

interface Worker {
  pod: Pod;
  state: PodWorkerState;
  /** The API object is gone. */
  removed: boolean;
  running: boolean;
  pending: boolean;
  cancelTimer: (() => void) | undefined;
  idle: (() => void)[];
  /** A static pod waiting for an older pod of its name (logged once). */
  waiting?: boolean;
}

function isTerminalPhase(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

export class PodWorkers {
  private readonly workers = new Map<string, Worker>();
  private readonly backoff: Backoff;
  private readonly opts: PodWorkersOptions;

  constructor(opts: PodWorkersOptions) {
    this.opts = opts;
    this.backoff = new Backoff({ clock: opts.clock, initialMs: 1000, maxMs: 10_000 });
  }

  /** A new or changed pod from the API. */
  updatePod(pod: Pod): void {
    const uid = pod.metadata?.uid;
    if (!uid) return;
    let w = this.workers.get(uid);
    if (!w) {
      w = {
        pod,
        state:
          isTerminalPhase(pod) || pod.metadata?.deletionTimestamp ? 'TerminatingPod' : 'SyncPod',
        removed: false,
        running: false,
        pending: false,
        cancelTimer: undefined,
        idle: [],
      };
      this.workers.set(uid, w);
    } else {
      w.pod = pod;
      if (pod.metadata?.deletionTimestamp) {
        if (w.state === 'SyncPod') w.state = 'TerminatingPod';
        // A completed pod that is now being deleted: release it and delete the API object.
        else if (w.state === 'Finished' && !w.removed) w.state = 'TerminatedPod';
      }
    }
    this.schedule(uid);
  }

  /** The pod was removed from the API (deleted, or force-deleted while running). */
  removePod(pod: Pod): void {
    const uid = pod.metadata?.uid;
    if (!uid) return;
    let w = this.workers.get(uid);
    if (!w) {
      w = {
        pod,
        state: 'TerminatingPod',
        removed: true,
        running: false,
        pending: false,
        cancelTimer: undefined,
        idle: [],
      };
      this.workers.set(uid, w);
    }
    w.removed = true;
    if (w.state === 'SyncPod') w.state = 'TerminatingPod';
    this.schedule(uid);
  }

  /** Wakes the pod's worker (PLEG event, back-off end). Unknown pods are ignored. */
  sync(uid: string): void {
    if (this.workers.has(uid)) this.schedule(uid);
  }

  /** Wakes every worker (periodic resync). */
  syncAll(): void {
    for (const uid of this.workers.keys()) this.schedule(uid);
  }

  has(uid: string): boolean {
    return this.workers.has(uid);
  }

  state(uid: string): PodWorkerState | undefined {
    return this.workers.get(uid)?.state;
  }

  knownUids(): string[] {
    return [...this.workers.keys()];
  }

  /** Resolves when the worker has nothing to do (tests, shutdown). */
  async whenIdle(uid: string): Promise<void> {
    const w = this.workers.get(uid);
    // After shutdown a pending worker never runs again: only a running one is waited for.
    if (!w || (!w.running && (!w.pending || this.opts.signal.aborted))) return;
    await new Promise<void>((resolve) => w.idle.push(resolve));
  }

  /** Resolves once every worker is idle. */
  async whenAllIdle(): Promise<void> {
    await Promise.all([...this.workers.keys()].map((uid) => this.whenIdle(uid)));
  }

  /** Cancels timers; running syncs end through the agent's signal. */
  stop(): void {
    for (const w of this.workers.values()) w.cancelTimer?.();
  }

  /** True when a worker created before `uid`'s has the same pod full name. */
  private olderPodOfSameName(uid: string, pod: Pod): boolean {
    const name = podFullName(pod);
    for (const [other, o] of this.workers) {
      if (other === uid) return false;
      if (podFullName(o.pod) === name) return true;
    }
    return false;
  }

  /** A pod was forgotten: static pods waiting for its name may start. */
  private wakeSameName(pod: Pod): void {
    const name = podFullName(pod);
    for (const [uid, o] of this.workers) {
      if (o.waiting && podFullName(o.pod) === name) this.schedule(uid);
    }
  }

  private schedule(uid: string, afterMs = 0): void {
    const w = this.workers.get(uid);
    if (!w || this.opts.signal.aborted) return;
    if (afterMs > 0) {
      w.cancelTimer?.();
      w.cancelTimer = this.opts.clock.setTimeout(() => {
        w.cancelTimer = undefined;
        this.schedule(uid);
      }, afterMs);
      return;
    }
    w.pending = true;
    if (!w.running) void this.run(uid, w);
  }

  private async run(uid: string, w: Worker): Promise<void> {
    w.running = true;
    try {
      while (w.pending && !this.opts.signal.aborted && this.workers.get(uid) === w) {
        w.pending = false;
        w.cancelTimer?.();
        w.cancelTimer = undefined;
        await this.step(uid, w);
      }
    } finally {
      w.running = false;
      // Shut down with work left: nothing will run it, so nobody may wait for it.
      if (this.opts.signal.aborted) w.pending = false;
      for (const r of w.idle.splice(0)) r();
    }
  }

  private async step(uid: string, w: Worker): Promise<void> {
    const { handlers, signal, logger } = this.opts;
    const pod = w.pod;
    const log = logger.with({
      pod: `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`,
      podUID: uid,
    });
    try {
      switch (w.state) {
        case 'SyncPod': {
          if (isStaticPod(pod) && this.olderPodOfSameName(uid, pod)) {
            if (!w.waiting) log.info('static pod waits for the previous pod of its name to stop');
            w.waiting = true;
            break;
          }
          w.waiting = false;
          const outcome = await handlers.syncPod(pod, signal);
          this.backoff.reset(uid);
          if (outcome.terminal) {
            log.info('pod is terminal; terminating it');
            w.state = 'TerminatingPod';
            w.pending = true;
          } else {
            this.schedule(uid, outcome.retryAfterMs ?? this.opts.resyncIntervalMs ?? 60_000);
          }
          break;
        }
        case 'TerminatingPod':
          await handlers.syncTerminatingPod(pod, w.removed, signal);
          this.backoff.reset(uid);
          w.state = 'TerminatedPod';
          w.pending = true;
          break;
        case 'TerminatedPod':
          await handlers.syncTerminatedPod(w.pod, w.removed, signal);
          this.backoff.reset(uid);
          w.state = 'Finished';
          w.pending = true;
          break;
        case 'Finished':
          if (w.removed) {
            await handlers.cleanupPod(w.pod, signal);
            this.workers.delete(uid);
            for (const r of w.idle.splice(0)) r();
            this.wakeSameName(w.pod);
          }
          break;
      }
    } catch (err) {
      if (isAbortError(err) || signal.aborted) {
        log.debug(`${w.state} interrupted by shutdown`, {
          err: errorMessage(err),
        });
        return;
      }
      const delay = this.backoff.next(uid);
      log.warn(`${w.state} failed; retrying`, {
        err: errorMessage(err),
        retryInMs: delay,
      });
      this.schedule(uid, delay);
    }
  }
}

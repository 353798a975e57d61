/**
 * The scheduling queue (upstream internal/queue PriorityQueue): pods waiting to be scheduled, in
 * three sub-queues.
 *
 *                 add ──▶ activeQ ──pop──▶ [in flight] ──bound──▶ (done)
 *                  ▲        ▲  ▲               │
 *   flush every 1 s│        │  │ relevant       │ failed
 *     (back-off    │        │  │ event, back-   ▼
 *      over)    backoffQ ◀──┼──┼─ off over ─ unschedulable pods ◀── rejected by plugins and no
 *                  ▲        │  │             (map)                   relevant event meanwhile
 *                  │        │  └── flush: waiting > 5 min
 *                  └────────┴── relevant event while backing off; errors; rejected with no
 *                                known plugin; relevant event while in flight
 *
 * - activeQ: ordered by priority (higher first), then by when the pod was queued (PrioritySort).
 * - backoffQ: pods waiting out their back-off: 1 s after the first attempt, doubling to 10 s
 *   (podInitialBackoff / podMaxBackoff), ordered by when it ends.
 * - unschedulable pods: rejected and waiting for a cluster event that may help. Each plugin that
 *   rejected the pod registered the events (and hints) that may make it schedulable; only those
 *   move it. Pods with spec.schedulingGates wait here until the gates are removed.
 * - in flight: popped and being scheduled; events arriving meanwhile are recorded, so a failure
 *   they might have fixed goes to backoffQ instead of waiting for the next such event.
 *
 * Everything runs on the event loop; `pop` is the only call that waits.
 */
import type { Pod } from '../../api/index.ts';
import { silentLogger, type Clock, type Logger } from '../../util/index.ts';
import { podName, podPriority } from '../framework/node-info.ts';
import { computePodResource } from '../framework/resource.ts';
import {
  actionUpdatePodLabel,
  actionUpdatePodOther,
  actionUpdatePodScaleDown,
  actionUpdatePodSchedulingGatesEliminated,
  actionUpdatePodToleration,
  eventUnschedulableTimeout,
  matchClusterEvents,
  type ClusterEvent,
  type ClusterEventWithHint,
} from '../framework/types.ts';
import { Heap } from './heap.ts';

/** A pod in the queue with its scheduling history (upstream QueuedPodInfo). */
export interface QueuedPodInfo {
  pod: Pod;
  /** namespace/name */
  readonly key: string;
  /** When the pod was last added to the queue (or put back after an attempt). */
  timestamp: number;
  /** Scheduling attempts so far. */
  attempts: number;
  /** Plugins that rejected the pod in its last attempt. */
  unschedulablePlugins: Set<string>;
  /** Held back by spec.schedulingGates. */
  gated: boolean;
  /** Tie-breaker for equal priority and timestamp. */
  seq: number;
}

interface RecordedEvent {
  readonly event: ClusterEvent;
  readonly oldObj: unknown;
  readonly newObj: unknown;
}

export interface SchedulingQueueOptions {
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Plugin name → the events that may make a pod it rejected schedulable. */
  readonly registrations: ReadonlyMap<string, readonly ClusterEventWithHint[]>;
  /** Default 1 s. */
  readonly podInitialBackoffMs?: number;
  /** Default 10 s. */
  readonly podMaxBackoffMs?: number;
  /** Unschedulable pods are retried after this long even without events. Default 5 min. */
  readonly podMaxInUnschedulablePodsDurationMs?: number;
}

/** How often back-off and unschedulable pods are flushed (upstream: 1 s and 30 s). */
const backoffFlushIntervalMs = 1000;
const unschedulableFlushIntervalMs = 30_000;

export function queueKey(pod: Pod): string {
  return podName(pod);
}

function isGated(pod: Pod): boolean {
  return (pod.spec?.schedulingGates ?? []).length > 0;
}

/** What changed about an unscheduled pod itself (upstream PodSchedulingPropertiesChange). */
export function podSchedulingPropertiesChange(oldPod: Pod, newPod: Pod): ClusterEvent[] {
  const events: ClusterEvent[] = [];
  const ev = (action: number, label: string): ClusterEvent => ({
    resource: 'UnscheduledPod',
    action,
    label,
  });
  if (
    JSON.stringify(oldPod.metadata?.labels ?? {}) !== JSON.stringify(newPod.metadata?.labels ?? {})
  ) {
    events.push(ev(actionUpdatePodLabel, 'UnscheduledPodUpdatePodLabel'));
  }
  const oldReq = computePodResource(oldPod).requests;
  const newReq = computePodResource(newPod).requests;
  if (newReq.milliCPU < oldReq.milliCPU || newReq.memory < oldReq.memory) {
    events.push(ev(actionUpdatePodScaleDown, 'UnscheduledPodUpdatePodScaleDown'));
  }
  if (
    JSON.stringify(oldPod.spec?.tolerations ?? []) !==
    JSON.stringify(newPod.spec?.tolerations ?? [])
  ) {
    events.push(ev(actionUpdatePodToleration, 'UnscheduledPodUpdatePodToleration'));
  }
  if (isGated(oldPod) && !isGated(newPod)) {
    events.push(
      ev(
        actionUpdatePodSchedulingGatesEliminated,
        'UnscheduledPodUpdatePodSchedulingGatesEliminated',
      ),
    );
  }
  if (events.length === 0) events.push(ev(actionUpdatePodOther, 'UnscheduledPodUpdate'));
  return events;
}

export class SchedulingQueue {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly registrations: ReadonlyMap<string, readonly ClusterEventWithHint[]>;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxInUnschedulableMs: number;
  private readonly activeQ: Heap<QueuedPodInfo>;
  private readonly backoffQ: Heap<QueuedPodInfo>;
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private readonly inFlight = new Map<string, RecordedEvent[]>();
  private waiters: (() => void)[] = [];
  private closed = false;
  private seq = 0;
  private cycle = 0;
  private cancelTimers: (() => void)[] = [];

  constructor(opts: SchedulingQueueOptions) {
    this.clock = opts.clock;
    this.logger = opts.logger ?? silentLogger;
    this.registrations = opts.registrations;
    this.initialBackoffMs = opts.podInitialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.podMaxBackoffMs ?? 10_000;
    this.maxInUnschedulableMs = opts.podMaxInUnschedulablePodsDurationMs ?? 300_000;
    const key = (p: QueuedPodInfo): string => p.key;
    this.activeQ = new Heap(key, (a, b) => {
      const pa = podPriority(a.pod);
      const pb = podPriority(b.pod);
      if (pa !== pb) return pa > pb;
      if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp;
      return a.seq < b.seq;
    });
    this.backoffQ = new Heap(key, (a, b) => this.backoffTime(a) < this.backoffTime(b));
  }

  /** Starts the periodic flushes; they stop at `close()`. */
  start(): void {
    const every = (ms: number, fn: () => void): void => {
      const tick = (): void => {
        if (this.closed) return;
        fn();
        this.cancelTimers.push(this.clock.setTimeout(tick, ms));
      };
      this.cancelTimers.push(this.clock.setTimeout(tick, ms));
    };
    every(backoffFlushIntervalMs, () => {
      this.flushBackoffQCompleted();
    });
    every(unschedulableFlushIntervalMs, () => {
      this.flushUnschedulablePodsLeftover();
    });
  }

  /** Wakes every `pop` with undefined and stops the flushes. Idempotent. */
  close(): void {
    this.closed = true;
    for (const c of this.cancelTimers) c();
    this.cancelTimers = [];
    this.wake();
  }

  /** The number of the scheduling cycle of the last pop. */
  schedulingCycle(): number {
    return this.cycle;
  }

  private newInfo(pod: Pod): QueuedPodInfo {
    return {
      pod,
      key: queueKey(pod),
      timestamp: this.clock.now(),
      attempts: 0,
      unschedulablePlugins: new Set(),
      gated: isGated(pod),
      seq: this.seq++,
    };
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private has(key: string): boolean {
    return this.activeQ.has(key) || this.backoffQ.has(key) || this.unschedulable.has(key);
  }

  /** A new unscheduled pod: to activeQ, or held as unschedulable while gated. */
  add(pod: Pod): void {
    const key = queueKey(pod);
    if (this.has(key)) {
      this.update(pod, pod);
      return;
    }
    const pInfo = this.newInfo(pod);
    if (pInfo.gated) {
      this.unschedulable.set(key, pInfo);
      this.logger.debug('pod is gated; waiting for its scheduling gates to be removed', {
        pod: key,
      });
      return;
    }
    this.activeQ.addOrUpdate(pInfo);
    this.wake();
  }

  /**
   * The next pod to schedule, waiting until there is one; undefined once closed or when `signal`
   * aborts. The pod is in flight until `done` or `addUnschedulableIfNotPresent`.
   */
  async pop(signal?: AbortSignal): Promise<QueuedPodInfo | undefined> {
    for (;;) {
      if (this.closed || signal?.aborted) return undefined;
      const pInfo = this.activeQ.pop();
      if (pInfo) {
        pInfo.attempts++;
        this.cycle++;
        this.inFlight.set(pInfo.key, []);
        return pInfo;
      }
      await new Promise<void>((resolve) => {
        const onAbort = (): void => {
          resolve();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiters.push(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    }
  }

  /** The pod's attempt is over (bound, or given up on without requeueing). */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /** A change to an unscheduled pod. */
  update(oldPod: Pod, newPod: Pod): void {
    const key = queueKey(newPod);
    const events = this.inFlight.get(key);
    if (events) {
      // Being scheduled: note what changed about it; the failure handler reads the latest pod.
      for (const event of podSchedulingPropertiesChange(oldPod, newPod)) {
        events.push({ event, oldObj: oldPod, newObj: newPod });
      }
      return;
    }
    for (const q of [this.activeQ, this.backoffQ]) {
      const pInfo = q.get(key);
      if (pInfo) {
        pInfo.pod = newPod;
        q.addOrUpdate(pInfo);
        return;
      }
    }
    const pInfo = this.unschedulable.get(key);
    if (!pInfo) {
      this.add(newPod);
      return;
    }
    pInfo.pod = newPod;
    if (pInfo.gated) {
      if (isGated(newPod)) return;
      pInfo.gated = false;
      this.unschedulable.delete(key);
      this.activeQ.addOrUpdate(pInfo);
      this.wake();
      return;
    }
    for (const event of podSchedulingPropertiesChange(oldPod, newPod)) {
      if (this.isPodWorthRequeuing(pInfo, event, oldPod, newPod)) {
        this.unschedulable.delete(key);
        this.requeue(pInfo, event.label);
        return;
      }
    }
  }

  /** The pod is gone (deleted, or bound by someone else). */
  delete(pod: Pod): void {
    const key = queueKey(pod);
    this.activeQ.delete(key);
    this.backoffQ.delete(key);
    this.unschedulable.delete(key);
  }

  /**
   * Puts back a pod whose attempt failed (upstream AddUnschedulableIfNotPresent): to backoffQ
   * when an event during its attempt may have helped, or when no plugin rejected it (an error, or
   * no nodes); else to the unschedulable pods.
   */
  addUnschedulableIfNotPresent(pInfo: QueuedPodInfo): void {
    const key = pInfo.key;
    const events = this.inFlight.get(key) ?? [];
    this.inFlight.delete(key);
    if (this.closed || this.has(key)) return;
    pInfo.timestamp = this.clock.now();
    pInfo.gated = isGated(pInfo.pod);
    if (pInfo.gated) {
      this.unschedulable.set(key, pInfo);
      return;
    }
    const worth =
      pInfo.unschedulablePlugins.size === 0 ||
      events.some((e) => this.isPodWorthRequeuing(pInfo, e.event, e.oldObj, e.newObj));
    if (worth) {
      this.requeue(pInfo, 'ScheduleAttemptFailure');
      return;
    }
    this.unschedulable.set(key, pInfo);
    this.logger.debug('pod moved to the unschedulable pods', {
      pod: key,
      plugins: [...pInfo.unschedulablePlugins].join(','),
    });
  }

  /**
   * A cluster event happened: moves every unschedulable pod it may help to activeQ (or backoffQ
   * while its back-off lasts), and remembers it for pods in flight. `preCheck` false skips a pod.
   */
  moveAllToActiveOrBackoffQueue(
    event: ClusterEvent,
    oldObj: unknown,
    newObj: unknown,
    preCheck?: (pod: Pod) => boolean,
  ): void {
    const moved: QueuedPodInfo[] = [];
    for (const pInfo of this.unschedulable.values()) {
      if (pInfo.gated) continue;
      if (preCheck && !preCheck(pInfo.pod)) continue;
      if (this.isPodWorthRequeuing(pInfo, event, oldObj, newObj)) moved.push(pInfo);
    }
    for (const pInfo of moved) {
      this.unschedulable.delete(pInfo.key);
      this.requeue(pInfo, event.label);
    }
    for (const events of this.inFlight.values()) events.push({ event, oldObj, newObj });
  }

  /** Whether `event` may make the pod schedulable, per the plugins that rejected it. */
  isPodWorthRequeuing(
    pInfo: QueuedPodInfo,
    event: ClusterEvent,
    oldObj: unknown,
    newObj: unknown,
  ): boolean {
    if (pInfo.unschedulablePlugins.size === 0) return true;
    if (event.resource === '*') return true;
    for (const plugin of pInfo.unschedulablePlugins) {
      for (const reg of this.registrations.get(plugin) ?? []) {
        if (!matchClusterEvents(reg.event, event)) continue;
        if (!reg.hint) return true;
        try {
          if (reg.hint(pInfo.pod, oldObj, newObj)) return true;
        } catch (err) {
          // A failing hint must not strand the pod.
          this.logger.warn('queueing hint failed; requeueing the pod', {
            pod: pInfo.key,
            plugin,
            err,
          });
          return true;
        }
      }
    }
    return false;
  }

  /** Back-off for the pod's attempts so far: 1 s, 2 s, 4 s, ... capped (upstream). */
  backoffDuration(pInfo: QueuedPodInfo): number {
    if (pInfo.attempts === 0) return 0;
    let d = this.initialBackoffMs;
    for (let i = 1; i < pInfo.attempts; i++) {
      if (d > this.maxBackoffMs - d) return this.maxBackoffMs;
      d += d;
    }
    return d;
  }

  private backoffTime(pInfo: QueuedPodInfo): number {
    return pInfo.timestamp + this.backoffDuration(pInfo);
  }

  private isPodBackingOff(pInfo: QueuedPodInfo): boolean {
    return this.backoffTime(pInfo) > this.clock.now();
  }

  private requeue(pInfo: QueuedPodInfo, label: string): void {
    if (this.isPodBackingOff(pInfo)) {
      this.backoffQ.addOrUpdate(pInfo);
      this.logger.debug('pod moved to backoffQ', { pod: pInfo.key, event: label });
      return;
    }
    this.activeQ.addOrUpdate(pInfo);
    this.logger.debug('pod moved to activeQ', { pod: pInfo.key, event: label });
    this.wake();
  }

  /** Moves pods whose back-off is over to activeQ. */
  flushBackoffQCompleted(): void {
    let moved = false;
    for (;;) {
      const top = this.backoffQ.peek();
      if (!top || this.isPodBackingOff(top)) break;
      this.backoffQ.pop();
      this.activeQ.addOrUpdate(top);
      moved = true;
    }
    if (moved) this.wake();
  }

  /** Retries pods that have waited as unschedulable longer than the maximum. */
  flushUnschedulablePodsLeftover(): void {
    const now = this.clock.now();
    const stale: QueuedPodInfo[] = [];
    for (const pInfo of this.unschedulable.values()) {
      if (!pInfo.gated && now - pInfo.timestamp > this.maxInUnschedulableMs) stale.push(pInfo);
    }
    for (const pInfo of stale) {
      this.unschedulable.delete(pInfo.key);
      this.requeue(pInfo, eventUnschedulableTimeout.label);
    }
  }

  /** Counts per sub-queue (for tests and logs). */
  stats(): { active: number; backoff: number; unschedulable: number; inFlight: number } {
    return {
      active: this.activeQ.size,
      backoff: this.backoffQ.size,
      unschedulable: this.unschedulable.size,
      inFlight: this.inFlight.size,
    };
  }

  /** Where a pod is, if anywhere (for tests). */
  whereIs(key: string): 'active' | 'backoff' | 'unschedulable' | 'inFlight' | undefined {
    if (this.activeQ.has(key)) return 'active';
    if (this.backoffQ.has(key)) return 'backoff';
    if (this.unschedulable.has(key)) return 'unschedulable';
    if (this.inFlight.has(key)) return 'inFlight';
    return undefined;
  }
}

/**
 * A results manager (upstream prober/results): the latest Result of one probe type per
 * container, by container id. Workers set results; the kubelet reads them (readiness and
 * startup into the status, liveness and startup failures into computePodActions) and is told
 * of every change, so it can sync the pod at once.
 */
import type { Pod } from '../../api/index.ts';
import type { Result } from './types.ts';

export interface ResultUpdate {
  readonly containerId: string;
  readonly result: Result;
  readonly podUid: string;
}

export class ResultsManager {
  private readonly cache = new Map<string, Result>();
  private readonly listeners = new Set<(update: ResultUpdate) => void>();

  get(containerId: string): Result | undefined {
    return this.cache.get(containerId);
  }

  /** Caches the result; listeners hear of it only when it differs from the cached one. */
  set(containerId: string, result: Result, pod: Pod): void {
    if (this.cache.get(containerId) === result) return;
    this.cache.set(containerId, result);
    const update: ResultUpdate = { containerId, result, podUid: pod.metadata?.uid ?? '' };
    for (const l of this.listeners) l(update);
  }

  remove(containerId: string): void {
    this.cache.delete(containerId);
  }

  /** Returns the unsubscribe function. */
  onUpdate(listener: (update: ResultUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

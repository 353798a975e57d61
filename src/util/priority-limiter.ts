/**
 * Bounds how much of one kind of work runs at once; waiting work goes in priority order (lower
 * number first), and in arrival order within a priority.
 *
 * Why the node agent needs it: every pod start runs a few dozen host processes (runc and its init,
 * conmon, CNI plugins, mount). A burst of 100 pods started them all at once: ~200 `runc create`
 * on two cores, each a Go runtime competing for the CPU and for the kernel's mount and cgroup
 * locks. Every pod then finished near the end (p50 13 s of a 15 s burst) and more CPU went to
 * contention than to work. With a bound, the work is the same but pods finish one after another,
 * and with priorities the pods already under way finish before new ones begin.
 */
import { AbortError } from './abort.ts';

interface Waiter {
  readonly grant: () => void;
}

export class PriorityLimiter {
  private running = 0;
  /** Waiting work by priority. */
  private readonly queues = new Map<number, Waiter[]>();

  readonly limit: number;

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`limit must be a positive integer, not ${limit}`);
    this.limit = limit;
  }

  /** How many are running and waiting now (for logs and tests). */
  get stats(): { running: number; waiting: number } {
    let waiting = 0;
    for (const q of this.queues.values()) waiting += q.length;
    return { running: this.running, waiting };
  }

  /**
   * Runs `fn` once a slot is free and no work of a lower priority number waits. An abort while
   * waiting rejects with the signal's reason (an AbortError) and gives up the place in line.
   */
  async run<T>(priority: number, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(priority, signal);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private acquire(priority: number, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.running < this.limit) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      let queue = this.queues.get(priority);
      if (!queue) {
        queue = [];
        this.queues.set(priority, queue);
      }
      const onAbort = (): void => {
        const q = this.queues.get(priority);
        const at = q?.indexOf(waiter) ?? -1;
        if (q && at >= 0) q.splice(at, 1);
        reject(abortReason(signal));
      };
      // The slot is handed over as it is released: `running` stays counted.
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private release(): void {
    const next = this.nextWaiter();
    if (next) next.grant();
    else this.running--;
  }

  private nextWaiter(): Waiter | undefined {
    let best: number | undefined;
    for (const [priority, queue] of this.queues) {
      if (queue.length > 0 && (best === undefined || priority < best)) best = priority;
    }
    return best === undefined ? undefined : this.queues.get(best)?.shift();
  }
}

function abortReason(signal: AbortSignal | undefined): Error {
  return signal?.reason instanceof Error ? signal.reason : new AbortError();
}

/**
 * The controller work queue, with client-go's `workqueue` semantics (queue.go, delaying_queue.go,
 * rate_limiting_queue.go):
 *
 * - Stingy: a key added several times before a worker takes it is processed once.
 * - Fair: keys are handed out in the order they were (first) added.
 * - Never concurrent per key: a key added while it is being processed is marked dirty and handed
 *   out again only after `done(key)`.
 *
 *   add ──▶ [dirty, queued] ──get──▶ [processing] ──done──▶ gone
 *                                        │ add while processing
 *                                        ▼
 *                              [processing, dirty] ──done──▶ [dirty, queued]
 *
 * On top: `addAfter` (delaying queue, on the injected Clock) and `addRateLimited`/`forget`/
 * `numRequeues` (per-key exponential back-off, 5 ms doubling to 1000 s, the item part of
 * client-go's DefaultControllerRateLimiter). `runWorkers` is the controller loop that maps a
 * reconcile outcome to queue actions in one place.
 */
import {
  AbortError,
  isAbortError,
  realClock,
  silentLogger,
  type Clock,
  type Logger,
} from '../util/index.ts';
import { isAborted } from './aborted.ts';

/** Decides how long a key waits before its next retry. */
export interface RateLimiter<K> {
  /** Records one more failure of `item` and returns the delay before retrying it. */
  when(item: K): number;
  /** Clears `item`'s failure history (after a success, or when giving up). */
  forget(item: K): void;
  /** Failures recorded for `item` since it was last forgotten. */
  numRequeues(item: K): number;
}

/** Per-key exponential back-off bounds (defaults 5 ms and 1000 s). */
export interface ItemExponentialFailureRateLimiterOptions {
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
}

/** `baseDelayMs × 2^failures`, capped at `maxDelayMs` (client-go's ItemExponentialFailureRateLimiter). */
export class ItemExponentialFailureRateLimiter<K> implements RateLimiter<K> {
  private readonly failures = new Map<K, number>();
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(opts: ItemExponentialFailureRateLimiterOptions = {}) {
    this.baseDelayMs = opts.baseDelayMs ?? 5;
    this.maxDelayMs = opts.maxDelayMs ?? 1_000_000;
  }

  when(item: K): number {
    const exp = this.failures.get(item) ?? 0;
    this.failures.set(item, exp + 1);
    return Math.min(this.baseDelayMs * 2 ** exp, this.maxDelayMs);
  }

  forget(item: K): void {
    this.failures.delete(item);
  }

  numRequeues(item: K): number {
    return this.failures.get(item) ?? 0;
  }
}

/** The per-key part of client-go's DefaultControllerRateLimiter: 5 ms doubling up to 1000 s. */
export function defaultControllerRateLimiter<K>(): RateLimiter<K> {
  return new ItemExponentialFailureRateLimiter<K>({ baseDelayMs: 5, maxDelayMs: 1_000_000 });
}

/** Dependencies of a work queue: the clock for delays and the rate limiter for retries. */
export interface WorkQueueOptions<K> {
  readonly clock?: Clock;
  readonly rateLimiter?: RateLimiter<K>;
  /** For logs. */
  readonly name?: string;
}

interface Waiter<K> {
  readonly resolve: (key: K | undefined) => void;
}

/** FIFO with amortised O(1) shift. */
class Fifo<K> {
  private items: K[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(k: K): void {
    this.items.push(k);
  }

  shift(): K | undefined {
    if (this.head >= this.items.length) return undefined;
    const k = this.items[this.head];
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return k;
  }
}

/**
 * A rate-limited, delaying work queue of string keys (`namespace/name`).
 *
 * Contract for workers: `const key = await queue.get()`; `undefined` means the queue is shut down
 * and empty, so the worker exits. Otherwise process the key, then always call `done(key)`, and
 * either `forget(key)` (success) or `addRateLimited(key)` (retry later). `runWorkers` does all of
 * this.
 *
 * After `shutDown()`, new adds are ignored, but keys already queued are still handed out until the
 * queue is empty (client-go behaves the same); pending `addAfter` timers are dropped.
 */
export class WorkQueue<K extends string = string> {
  private readonly queue = new Fifo<K>();
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  /** Workers blocked in `get`, oldest first; few (one per worker), so an array will do. */
  private readonly waiters: Waiter<K>[] = [];
  private readonly waiting = new Map<K, { readyAt: number; cancel: () => void }>();
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter<K>;
  private shuttingDown = false;
  private drainWaiters: (() => void)[] = [];
  readonly name: string;

  constructor(opts: WorkQueueOptions<K> = {}) {
    this.clock = opts.clock ?? realClock;
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter<K>();
    this.name = opts.name ?? 'queue';
  }

  /** Marks `key` as needing processing. No-op if it is already queued, or after shutdown. */
  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.enqueue(key);
  }

  private enqueue(key: K): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      this.dirty.delete(key);
      this.processing.add(key);
      waiter.resolve(key);
      return;
    }
    this.queue.push(key);
  }

  /** Keys queued and not yet handed out (not counting those being processed or delayed). */
  len(): number {
    return this.queue.length;
  }

  /**
   * The next key, waiting until one is available. Resolves `undefined` once the queue is shut down
   * and empty. Rejects with the signal's reason if `signal` aborts while waiting (no key is lost:
   * an aborted waiter leaves the line before any key could be handed to it).
   */
  get(signal?: AbortSignal): Promise<K | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) {
      this.dirty.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(abortReason(signal));
      };
      const waiter: Waiter<K> = {
        resolve: (k) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(k);
        },
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Marks the end of processing `key`. If it was added again meanwhile, it is queued now. Must be
   * called exactly once per key handed out by `get`.
   */
  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.enqueue(key);
    } else if (this.processing.size === 0 && this.drainWaiters.length > 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    }
  }

  /**
   * Adds `key` after `delayMs` (at once when ≤ 0). If the key is already waiting, the earlier of
   * the two times wins. Ignored after shutdown.
   */
  addAfter(key: K, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const readyAt = this.clock.now() + delayMs;
    const existing = this.waiting.get(key);
    if (existing && existing.readyAt <= readyAt) return;
    existing?.cancel();
    const cancel = this.clock.setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, delayMs);
    this.waiting.set(key, { readyAt, cancel });
  }

  /** Adds `key` after its rate limiter's back-off (one more failure recorded). */
  addRateLimited(key: K): void {
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** Clears `key`'s failure history; its next `addRateLimited` waits the base delay again. */
  forget(key: K): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.rateLimiter.numRequeues(key);
  }

  /**
   * Stops accepting keys and wakes every waiting `get` with `undefined`. Keys already queued are
   * still handed out; delayed keys are dropped. Idempotent.
   */
  shutDown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const w of this.waiting.values()) w.cancel();
    this.waiting.clear();
    for (const w of this.waiters.splice(0)) w.resolve(undefined);
  }

  /** `shutDown`, then resolves once no key is being processed (every `get` has had its `done`). */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }
}

function abortReason(signal: AbortSignal | undefined): Error {
  const r: unknown = signal?.reason;
  return r instanceof Error ? r : new AbortError();
}

/** A reconcile failure that retrying cannot fix: logged, not requeued (controller-runtime). */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
  readonly reason = 'Terminal' as const;
}

/** What a reconcile asks of the queue when it succeeds. */
export interface ReconcileResult {
  /** Requeue the key after this delay (and reset its failure back-off). */
  readonly requeueAfterMs?: number;
  /** Requeue the key with rate-limited back-off. */
  readonly requeue?: boolean;
}

/**
 * Reconciles one key against the current state of the world (read from informer caches) and
 * returns when done. Level-triggered and idempotent: it may be called for a key any number of
 * times, never concurrently for the same key. `signal` aborts on shutdown.
 */
export type ReconcileFunc<K extends string> = (
  key: K,
  signal: AbortSignal,
) => Promise<ReconcileResult | undefined> | Promise<void>;

/** The controller loop's inputs; see `runWorkers`. */
export interface RunWorkersOptions<K extends string> {
  readonly queue: WorkQueue<K>;
  /** Number of concurrent workers (different keys in parallel). */
  readonly workers: number;
  readonly reconcile: ReconcileFunc<K>;
  readonly signal: AbortSignal;
  readonly logger?: Logger;
}

/**
 * The controller loop (processNextWorkItem): `workers` loops take keys, call `reconcile`, and map
 * the outcome to queue actions:
 * - success, no request → `forget` (reset back-off);
 * - `{ requeueAfterMs }` → `forget`, then `addAfter(key, requeueAfterMs)`;
 * - `{ requeue: true }` → `addRateLimited`;
 * - `TerminalError` → logged, `forget`, not requeued;
 * - any other error → logged, `addRateLimited`;
 * - always `done(key)`.
 * When `signal` aborts, the queue is shut down, workers finish the key in hand (reconcile sees
 * the aborted signal) and take no more; resolves when all workers have stopped.
 */
export async function runWorkers<K extends string>(opts: RunWorkersOptions<K>): Promise<void> {
  const { queue, reconcile, signal } = opts;
  const logger = (opts.logger ?? silentLogger).with({ queue: queue.name });
  const onAbort = (): void => {
    queue.shutDown();
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });

  const processNextWorkItem = async (key: K): Promise<void> => {
    try {
      const result = (await reconcile(key, signal)) as ReconcileResult | undefined;
      if (result?.requeueAfterMs !== undefined && result.requeueAfterMs > 0) {
        queue.forget(key);
        queue.addAfter(key, result.requeueAfterMs);
      } else if (result?.requeue) {
        queue.addRateLimited(key);
      } else {
        queue.forget(key);
      }
    } catch (err) {
      if (err instanceof TerminalError) {
        logger.error('reconcile failed terminally; not requeueing', { key, err });
        queue.forget(key);
      } else if (signal.aborted && isAbortError(err)) {
        logger.debug('reconcile aborted by shutdown', { key });
      } else {
        logger.warn('reconcile failed; requeueing with back-off', {
          key,
          err,
          requeues: queue.numRequeues(key),
        });
        queue.addRateLimited(key);
      }
    } finally {
      queue.done(key);
    }
  };

  const worker = async (): Promise<void> => {
    while (!signal.aborted) {
      const key = await queue.get();
      if (key === undefined) return;
      if (isAborted(signal)) {
        queue.done(key);
        return;
      }
      await processNextWorkItem(key);
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.max(1, opts.workers) }, () => worker()));
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

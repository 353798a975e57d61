/**
 * Informer: client-go's reflector + DeltaFIFO + indexer + shared informer, folded into one loop on
 * the event loop. It keeps a local cache of one resource (optionally one namespace and selectors)
 * in step with the API server and tells handlers what changed.
 *
 *   run(signal)
 *     │
 *     ▼
 *   LIST in pages (limit=500, continue) ──error──▶ back off ──▶ LIST
 *     │ apply page by page; at the end, objects not listed → onDelete(DeletedFinalStateUnknown)
 *     ▼
 *   WATCH ?resourceVersion=<last seen>&allowWatchBookmarks=true&timeoutSeconds=300..600
 *     │ ADDED/MODIFIED/DELETED → cache, then handlers; BOOKMARK → remember resourceVersion
 *     ├── closed by the server (timeout) ─────────────────────────▶ WATCH again at once
 *     ├── network error, 429, 5xx, short or stalled watch ───▶ back off ──▶ WATCH again
 *     ├── 410 Expired/Gone (history compacted) ──────────────────────────▶ LIST again
 *     └── other API errors, or `maxWatchErrors` failures in a row ─▶ back off ──▶ LIST again
 *
 * Guarantees (the client-go shared informer contract, simplified):
 * - The cache moves through a subsequence of the states the server had; per object, handlers see
 *   changes in the order they happened.
 * - Handlers run one at a time, in event order, synchronously after the cache has been updated,
 *   so `store` always reflects at least what handlers have been told. They must be quick: enqueue
 *   a key into a work queue and return (level-triggered: reconcile reads the cache).
 * - A relist delivers a consistent view: updates for objects whose resourceVersion changed, adds
 *   for new ones, and deletes (as `DeletedFinalStateUnknown` tombstones carrying the last known
 *   state) for objects that vanished while the watch was down.
 * - `hasSynced()` turns true once the first complete LIST has been applied and its handlers run.
 */
import type { KubeObject, List } from '../api/index.ts';
import {
  Backoff,
  realClock,
  silentLogger,
  throwIfAborted,
  type Clock,
  type Logger,
} from '../util/index.ts';
import { isApiStatusError, isGone, isNetworkError, isResourceExpired } from './errors.ts';
import { Indexer, metaNamespaceKey, type CacheReader, type Indexers } from './indexer.ts';
import type { ListOptions, WatchOptions } from './rest-client.ts';
import { WatchProtocolError, type WatchEvent } from './watch.ts';
import { isAborted } from './aborted.ts';

/**
 * What an informer lists and watches. `ResourceClient` implements it; tests or special sources
 * may provide their own. `watch` resolves once the server accepted the watch.
 */
export interface ListerWatcher<T> {
  list(opts: ListOptions): Promise<List<T>>;
  watch(opts: WatchOptions): Promise<AsyncIterable<WatchEvent<T>>>;
}

/**
 * The last known state of an object whose deletion the informer did not see (it vanished while
 * the watch was down, and a relist noticed). Passed to `onDelete` instead of the object.
 */
export class DeletedFinalStateUnknown<T> {
  readonly key: string;
  readonly obj: T;

  constructor(key: string, obj: T) {
    this.key = key;
    this.obj = obj;
  }
}

/** The object of an `onDelete` notification, whether it was seen deleted or is a tombstone. */
export function deletedObject<T>(obj: T | DeletedFinalStateUnknown<T>): T {
  return obj instanceof DeletedFinalStateUnknown ? obj.obj : obj;
}

/**
 * Notifications. Called synchronously, one at a time, in event order; the cache already holds the
 * new state. Objects are the cached instances: never modify them. A throwing handler is logged and
 * does not stop the informer or the other handlers.
 */
export interface EventHandler<T> {
  /** A new object. `isInInitialList` is true for objects of the first LIST (or of a replay). */
  onAdd?(obj: T, isInInitialList: boolean): void;
  /** A changed object; also called with `oldObj === newObj` on every periodic resync. */
  onUpdate?(oldObj: T, newObj: T): void;
  /** A deleted object: its final state, or a tombstone when the deletion was missed. */
  onDelete?(obj: T | DeletedFinalStateUnknown<T>): void;
}

export interface HandlerRegistration {
  /** Stops notifications to this handler. Idempotent. */
  remove(): void;
  /** True once the informer has synced (the handler has then seen every initial object). */
  hasSynced(): boolean;
}

/**
 * What to cache and how to keep it current. Only `listerWatcher` is required; the defaults are
 * client-go's.
 */
export interface InformerOptions<T extends KubeObject> {
  readonly listerWatcher: ListerWatcher<T>;
  /** Watch one namespace only; all namespaces when omitted. */
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Extra indexes besides the built-in `namespace` index. */
  readonly indexers?: Indexers<T>;
  /** Periodic `onUpdate(obj, obj)` for every cached object; off when 0 or omitted. */
  readonly resyncPeriodMs?: number;
  /** LIST page size. Default 500. */
  readonly pageSize?: number;
  /** Watches last between this and twice this (random), as client-go. Default 300 s. */
  readonly minWatchTimeoutSeconds?: number;
  /** Back-off between failed LISTs / WATCHes: 800 ms doubling to 30 s (client-go's values). */
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  /** Failed watch attempts in a row after which the informer re-lists. Default 5. */
  readonly maxWatchErrors?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Randomness for watch timeouts, in [0, 1). */
  readonly random?: () => number;
  /** Name used in logs, e.g. `pods`. */
  readonly name?: string;
  /**
   * Applied to every object before it is cached and handed to handlers (client-go's
   * TransformFunc), e.g. stripManagedFields: what an informer keeps is then only what its
   * owner reads.
   */
  readonly transform?: (obj: T) => T;
}

/**
 * A transform that drops `metadata.managedFields`, which only the API server's field manager
 * reads: kube-scheduler and kube-controller-manager strip them from their informers too. The
 * object is changed in place (informer objects are the informer's own).
 */
export function stripManagedFields<T extends KubeObject>(obj: T): T {
  if (obj.metadata?.managedFields !== undefined) delete obj.metadata.managedFields;
  return obj;
}

type WatchOutcome =
  | { readonly kind: 'aborted' }
  | { readonly kind: 'closed' }
  | { readonly kind: 'expired'; readonly events: number }
  | { readonly kind: 'retry'; readonly err: unknown; readonly events: number }
  | { readonly kind: 'relist'; readonly err: unknown };

interface Registration<T> {
  readonly handler: EventHandler<T>;
  removed: boolean;
}

/** A watch that lived shorter than this without any event counts as failed (client-go's rule). */
const shortWatchMs = 1000;
/** Extra time past the requested watch timeout before a silent watch is abandoned. */
const watchStallGraceMs = 30_000;

const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => {
    setImmediate(resolve);
  });

export class Informer<T extends KubeObject> {
  private readonly opts: InformerOptions<T>;
  private readonly indexer: Indexer<T>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly random: () => number;
  private registrations: Registration<T>[] = [];
  private synced = false;
  private readonly syncWaiters = new Set<() => void>();
  private started = false;
  private lastResourceVersion = '';

  constructor(opts: InformerOptions<T>) {
    this.opts = opts;
    this.indexer = new Indexer<T>(opts.indexers);
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
    this.logger = (opts.logger ?? silentLogger).with({ informer: opts.name ?? 'informer' });
  }

  /** The cache. Read-only for consumers. */
  get store(): CacheReader<T> {
    return this.indexer;
  }

  /**
   * Adds index functions; allowed at any time (existing objects are indexed at once). Throws if a
   * name is taken.
   */
  addIndexers(indexers: Indexers<T>): void {
    this.indexer.addIndexers(indexers);
  }

  /**
   * Registers a handler. If the cache already holds objects, the handler first receives
   * `onAdd(obj, true)` for each of them, synchronously, before this returns.
   */
  addEventHandler(handler: EventHandler<T>): HandlerRegistration {
    const reg: Registration<T> = { handler, removed: false };
    this.registrations = [...this.registrations, reg];
    for (const obj of this.indexer.list()) this.call(() => handler.onAdd?.(obj, true));
    return {
      remove: () => {
        if (reg.removed) return;
        reg.removed = true;
        this.registrations = this.registrations.filter((r) => r !== reg);
      },
      hasSynced: () => this.synced,
    };
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true once synced, or false if `signal` aborts first (client-go WaitForCacheSync). */
  waitForSync(signal: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.syncWaiters.delete(waiter);
        resolve(false);
      };
      const waiter = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      };
      this.syncWaiters.add(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The resourceVersion of the last LIST or event processed ('' before the first LIST). */
  lastSyncResourceVersion(): string {
    return this.lastResourceVersion;
  }

  /**
   * Lists, watches and keeps the cache current until `signal` aborts, then resolves (after the
   * open watch is closed). Failures are retried with back-off forever; this never rejects except
   * when called twice.
   */
  async run(signal: AbortSignal): Promise<void> {
    if (this.started) throw new Error('informer already started');
    this.started = true;
    const period = this.opts.resyncPeriodMs ?? 0;
    let cancelResync: (() => void) | undefined;
    const scheduleResync = (): void => {
      cancelResync = this.clock.setTimeout(() => {
        if (signal.aborted) return;
        if (this.synced) this.resync();
        scheduleResync();
      }, period);
    };
    if (period > 0) scheduleResync();
    try {
      await this.reflect(signal);
    } finally {
      cancelResync?.();
    }
  }

  private async reflect(signal: AbortSignal): Promise<void> {
    const backoff = new Backoff({
      clock: this.clock,
      initialMs: this.opts.backoffInitialMs ?? 800,
      maxMs: this.opts.backoffMaxMs ?? 30_000,
      resetAfterMs: 120_000,
    });
    const maxWatchErrors = this.opts.maxWatchErrors ?? 5;
    let needList = true;
    let watchErrors = 0;
    let expiredInARow = 0;
    while (!signal.aborted) {
      if (needList) {
        try {
          await this.listAndReplace(signal);
        } catch (err) {
          if (isAborted(signal)) return;
          const delayMs = backoff.next('list');
          this.logger.warn('list failed; retrying', { err, delayMs });
          await this.sleep(delayMs, signal);
          continue;
        }
        backoff.reset('list');
        needList = false;
        watchErrors = 0;
      }
      const outcome = await this.watchOnce(signal);
      switch (outcome.kind) {
        case 'aborted':
          return;
        case 'closed':
          watchErrors = 0;
          expiredInARow = 0;
          backoff.reset('watch');
          break;
        case 'expired':
          needList = true;
          if (outcome.events > 0) expiredInARow = 0;
          this.logger.info('watch expired; re-listing', {
            resourceVersion: this.lastResourceVersion,
          });
          // A relist that expires again at once means the server compacts faster than we list.
          if (++expiredInARow > 1) await this.sleep(backoff.next('watch'), signal);
          break;
        case 'retry': {
          // A watch that delivered events before failing was healthy: start counting afresh.
          watchErrors = outcome.events > 0 ? 1 : watchErrors + 1;
          if (watchErrors >= maxWatchErrors) needList = true;
          const delayMs = backoff.next('watch');
          this.logger.warn(
            needList ? 'watch failed repeatedly; re-listing' : 'watch failed; retrying',
            {
              err: outcome.err,
              delayMs,
            },
          );
          await this.sleep(delayMs, signal);
          break;
        }
        case 'relist': {
          needList = true;
          const delayMs = backoff.next('watch');
          this.logger.warn('watch failed; re-listing', { err: outcome.err, delayMs });
          await this.sleep(delayMs, signal);
          break;
        }
      }
    }
  }

  private async sleep(ms: number, signal: AbortSignal): Promise<void> {
    try {
      await this.clock.sleep(ms, signal);
    } catch {
      // Aborted: the caller's loop sees the signal.
    }
  }

  /**
   * LIST in pages and bring the cache to the listed state, page by page (yielding to the event
   * loop between pages). When a continue token has expired mid-way, the list restarts unpaged, as
   * client-go's pager does. Objects cached but absent from the list are deleted at the end.
   */
  private async listAndReplace(signal: AbortSignal): Promise<void> {
    const seen = new Set<string>();
    let limit = this.opts.pageSize ?? 500;
    let cont: string | undefined;
    let resourceVersion = '';
    for (;;) {
      let page: List<T>;
      try {
        page = await this.opts.listerWatcher.list({
          ...this.selection(),
          ...(limit > 0 ? { limit } : {}),
          ...(cont !== undefined ? { continue: cont } : {}),
          signal,
        });
      } catch (err) {
        if (cont !== undefined && !signal.aborted && (isResourceExpired(err) || isGone(err))) {
          this.logger.info('continue token expired; listing without paging');
          cont = undefined;
          limit = 0;
          seen.clear();
          continue;
        }
        throw err;
      }
      throwIfAborted(signal);
      const initial = !this.synced;
      const transform = this.opts.transform;
      for (const item of page.items) {
        const obj = transform ? transform(item) : item;
        const key = metaNamespaceKey(obj);
        seen.add(key);
        const old = this.indexer.get(key);
        if (old === undefined) {
          this.indexer.upsert(key, obj);
          this.notifyAdd(obj, initial);
        } else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) {
          this.indexer.upsert(key, obj);
          this.notifyUpdate(old, obj);
        }
      }
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      cont = page.metadata?.continue || undefined;
      if (cont === undefined) break;
      await yieldToEventLoop();
    }
    const vanished: string[] = [];
    for (const key of this.indexer.listKeys()) if (!seen.has(key)) vanished.push(key);
    for (const key of vanished) {
      const old = this.indexer.delete(key);
      if (old !== undefined) this.notifyDelete(new DeletedFinalStateUnknown(key, old));
    }
    this.lastResourceVersion = resourceVersion;
    this.logger.debug('listed', { resourceVersion, objects: this.indexer.size });
    if (!this.synced) {
      this.synced = true;
      const waiters = [...this.syncWaiters];
      this.syncWaiters.clear();
      for (const w of waiters) w();
    }
  }

  private selection(): { namespace?: string; labelSelector?: string; fieldSelector?: string } {
    const o = this.opts;
    return {
      ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
      ...(o.labelSelector !== undefined ? { labelSelector: o.labelSelector } : {}),
      ...(o.fieldSelector !== undefined ? { fieldSelector: o.fieldSelector } : {}),
    };
  }

  /** One watch from the last seen resourceVersion, until it ends; says what to do next. */
  private async watchOnce(signal: AbortSignal): Promise<WatchOutcome> {
    const minTimeout = this.opts.minWatchTimeoutSeconds ?? 300;
    const timeoutSeconds = Math.floor(minTimeout * (1 + this.random()));
    const stall = new AbortController();
    const cancelStallTimer = this.clock.setTimeout(
      () => {
        stall.abort(
          new WatchProtocolError(`watch sent nothing to end it after ${timeoutSeconds} s`),
        );
      },
      timeoutSeconds * 1000 + watchStallGraceMs,
    );
    const watchSignal = AbortSignal.any([signal, stall.signal]);
    const startedAt = this.clock.now();
    let events = 0;
    try {
      const stream = await this.opts.listerWatcher.watch({
        ...this.selection(),
        resourceVersion: this.lastResourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds,
        signal: watchSignal,
      });
      for await (const event of stream) {
        events++;
        this.handleWatchEvent(event);
      }
      if (events === 0 && this.clock.now() - startedAt < shortWatchMs) {
        return {
          kind: 'retry',
          err: new Error('very short watch: closed at once without events'),
          events,
        };
      }
      return { kind: 'closed' };
    } catch (err) {
      if (signal.aborted) return { kind: 'aborted' };
      const cause: unknown = stall.signal.aborted ? stall.signal.reason : err;
      if (isResourceExpired(cause) || isGone(cause)) return { kind: 'expired', events };
      if (isRetriableWatchError(cause)) return { kind: 'retry', err: cause, events };
      return { kind: 'relist', err: cause };
    } finally {
      cancelStallTimer();
    }
  }

  private handleWatchEvent(event: WatchEvent<T>): void {
    const transform = event.type === 'BOOKMARK' ? undefined : this.opts.transform;
    const obj = transform ? transform(event.object) : event.object;
    const rv = obj.metadata?.resourceVersion;
    switch (event.type) {
      case 'BOOKMARK':
        break;
      case 'ADDED':
      case 'MODIFIED': {
        const key = metaNamespaceKey(obj);
        const old = this.indexer.upsert(key, obj);
        if (old === undefined) this.notifyAdd(obj, false);
        else this.notifyUpdate(old, obj);
        break;
      }
      case 'DELETED': {
        const old = this.indexer.delete(metaNamespaceKey(obj));
        if (old !== undefined) this.notifyDelete(obj);
        break;
      }
    }
    if (rv) this.lastResourceVersion = rv;
  }

  private resync(): void {
    for (const obj of this.indexer.list()) this.notifyUpdate(obj, obj);
  }

  private notifyAdd(obj: T, initial: boolean): void {
    for (const r of this.registrations)
      if (!r.removed) this.call(() => r.handler.onAdd?.(obj, initial));
  }

  private notifyUpdate(old: T, obj: T): void {
    for (const r of this.registrations)
      if (!r.removed) this.call(() => r.handler.onUpdate?.(old, obj));
  }

  private notifyDelete(obj: T | DeletedFinalStateUnknown<T>): void {
    for (const r of this.registrations) if (!r.removed) this.call(() => r.handler.onDelete?.(obj));
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.logger.error('event handler threw', { err });
    }
  }
}

/** Errors after which re-watching from the same resourceVersion may succeed. */
function isRetriableWatchError(err: unknown): boolean {
  if (isNetworkError(err) || err instanceof WatchProtocolError) return true;
  if (isApiStatusError(err)) return err.code === 429 || err.code >= 500;
  return false;
}

/**
 * Waits until every informer has synced; false if `signal` aborts first. Gate workers on it, as
 * controllers do with `cache.WaitForCacheSync`.
 */
export async function waitForCacheSync(
  signal: AbortSignal,
  ...informers: readonly { waitForSync(signal: AbortSignal): Promise<boolean> }[]
): Promise<boolean> {
  const results = await Promise.all(informers.map((i) => i.waitForSync(signal)));
  return results.every(Boolean);
}

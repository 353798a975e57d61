/**
 * A cache of individual API objects (ConfigMaps or Secrets) kept current by one watch per object,
 * the "Watch" change-detection strategy of upstream's kubelet configmap/secret managers
 * (pkg/kubelet/util/manager/watch_based_manager.go). The node only ever lists and watches the
 * objects its pods name (`fieldSelector=metadata.name=<name>` in the pod's namespace), so Secrets
 * of other workloads never reach it.
 *
 *   addReference(ns, name)        refs 0→1: start an informer for that one object
 *        │                        refs n→n+1: nothing
 *        ▼
 *   ┌─────────┐  LIST done   ┌────────┐  ADDED/MODIFIED/DELETED → cached object, onChange(ns, name)
 *   │ syncing │────────────▶ │ synced │──┐
 *   └─────────┘              └────────┘  │ the object is immutable: stop watching, keep it
 *        │ get() waits (syncTimeoutMs)   ▼
 *        │ then "failed to sync …"    ┌─────────┐
 *        ▼                            │ frozen  │  (as upstream: an immutable object cannot change)
 *   deleteReference(ns, name)         └─────────┘
 *        refs n→0: stop the informer, forget the object
 *
 * `get` of an object nobody registered reads it from the API directly (a GET) instead of failing
 * as upstream does: callers always register first, so this only covers races.
 */
import type { KubeObject } from '../../api/index.ts';
import {
  Informer,
  deletedObject,
  isNotFound,
  type GetOptions,
  type ListerWatcher,
} from '../../client/index.ts';
import {
  realClock,
  silentLogger,
  throwIfAborted,
  type Clock,
  type Logger,
  errorMessage,
} from '../../util/index.ts';

/** What the cache needs of a resource: list+watch (for informers) and get. */
export interface ObjectClient<T> extends ListerWatcher<T> {
  get(name: string, opts: GetOptions): Promise<T>;
}

export interface WatchingObjectCacheOptions<T> {
  readonly client: ObjectClient<T>;
  /** Upstream's group resource as error messages name it: `configmap`, `secret`. */
  readonly resource: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Called after a watched object was added, changed or deleted. Must be quick. */
  readonly onChange?: (namespace: string, name: string) => void;
  /** How long `get` waits for a new object's first LIST. Default 5 s (upstream: 1 s). */
  readonly syncTimeoutMs?: number;
  /** Objects that never change once seen (default: `immutable: true`). */
  readonly isImmutable?: (obj: T) => boolean;
}

interface Item<T> {
  refs: number;
  readonly informer: Informer<T & KubeObject>;
  readonly abort: AbortController;
  run: Promise<void>;
  object: T | undefined;
  /** Immutable and seen: the informer is stopped, the object stays. */
  frozen: boolean;
}

function isFrozen(item: { readonly frozen: boolean }): boolean {
  return item.frozen;
}

function keyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export class WatchingObjectCache<T extends KubeObject> {
  private readonly opts: WatchingObjectCacheOptions<T>;
  private readonly items = new Map<string, Item<T>>();
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly retired = new Set<Promise<void>>();
  private stopped = false;

  constructor(opts: WatchingObjectCacheOptions<T>) {
    this.opts = opts;
    this.clock = opts.clock ?? realClock;
    this.log = (opts.logger ?? silentLogger).with({ cache: opts.resource });
  }

  private isImmutable(obj: T): boolean {
    if (this.opts.isImmutable) return this.opts.isImmutable(obj);
    return (obj as { immutable?: boolean }).immutable === true;
  }

  /** How many references `namespace/name` has (tests, diagnostics). */
  references(namespace: string, name: string): number {
    return this.items.get(keyOf(namespace, name))?.refs ?? 0;
  }

  /** `namespace/name` keys of the objects being watched or kept (tests, diagnostics). */
  keys(): string[] {
    return [...this.items.keys()].sort();
  }

  /** Counts one more user of the object; the first one starts watching it. */
  addReference(namespace: string, name: string): void {
    if (this.stopped) return;
    const key = keyOf(namespace, name);
    const existing = this.items.get(key);
    if (existing) {
      existing.refs++;
      return;
    }
    const informer = new Informer<T>({
      listerWatcher: this.opts.client,
      namespace,
      fieldSelector: `metadata.name=${name}`,
      clock: this.clock,
      logger: this.log,
      name: `${this.opts.resource} ${key}`,
    });
    const abort = new AbortController();
    const item: Item<T> = {
      refs: 1,
      informer,
      abort,
      run: Promise.resolve(),
      object: undefined,
      frozen: false,
    };
    const changed = (obj: T | undefined): void => {
      if (this.items.get(key) !== item) return;
      item.object = obj;
      if (obj !== undefined && this.isImmutable(obj) && !item.frozen) {
        item.frozen = true;
        abort.abort();
        this.log.debug('object is immutable; no longer watching it', { object: key });
      }
      this.opts.onChange?.(namespace, name);
    };
    informer.addEventHandler({
      onAdd: (obj) => {
        changed(obj);
      },
      onUpdate: (oldObj, obj) => {
        if (oldObj.metadata?.resourceVersion === obj.metadata?.resourceVersion) return;
        changed(obj);
      },
      onDelete: (obj) => {
        // A DELETED event for one name; anything else the selector let through is ignored.
        if (deletedObject(obj).metadata?.name === name) changed(undefined);
      },
    });
    this.items.set(key, item);
    item.run = informer.run(abort.signal).catch((err: unknown) => {
      this.log.warn('watch stopped', {
        object: key,
        err: errorMessage(err),
      });
    });
  }

  /** Counts one user less; the last one stops watching and forgets the object. */
  deleteReference(namespace: string, name: string): void {
    const key = keyOf(namespace, name);
    const item = this.items.get(key);
    if (!item) return;
    if (--item.refs > 0) return;
    this.items.delete(key);
    item.abort.abort();
    const run = item.run;
    this.retired.add(run);
    void run.finally(() => this.retired.delete(run));
  }

  /**
   * The object, or undefined when it does not exist. Waits for a newly registered object's first
   * LIST (up to `syncTimeoutMs`); then fails with `failed to sync <resource> cache: timed out
   * waiting for the condition`, upstream's message. Other API errors (direct reads) throw.
   */
  async get(namespace: string, name: string, signal?: AbortSignal): Promise<T | undefined> {
    throwIfAborted(signal);
    const item = this.items.get(keyOf(namespace, name));
    if (!item) return this.direct(namespace, name, signal);
    if (!item.frozen && !item.informer.hasSynced()) {
      const wait = new AbortController();
      const cancel = this.clock.setTimeout(() => {
        wait.abort();
      }, this.opts.syncTimeoutMs ?? 5000);
      const onAbort = (): void => {
        wait.abort();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      let synced: boolean;
      try {
        synced = await item.informer.waitForSync(wait.signal);
      } finally {
        cancel();
        signal?.removeEventListener('abort', onAbort);
      }
      throwIfAborted(signal);
      // Re-read: a handler may have frozen it while we waited.
      if (!synced && !isFrozen(item)) {
        throw new Error(
          `failed to sync ${this.opts.resource} cache: timed out waiting for the condition`,
        );
      }
    }
    return item.object;
  }

  private async direct(namespace: string, name: string, signal?: AbortSignal) {
    try {
      return await this.opts.client.get(name, { namespace, ...(signal ? { signal } : {}) });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Stops every watch; later references are ignored. Resolves when the watches have ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    const runs = [...this.retired];
    for (const [key, item] of this.items) {
      item.abort.abort();
      runs.push(item.run);
      this.items.delete(key);
    }
    await Promise.allSettled(runs);
  }
}

/**
 * The watch cache: the API server's in-memory copy of every object, kept current by one watch on
 * the store, as kube-apiserver's cacher. It serves
 *   - reads: GET and LIST at the latest revision without touching the store;
 *   - watches: every client watch is a subscription here, fed from one store watch, and each event is
 *     serialised once however many clients watch it;
 *   - resumption: a window of recent events per resource, so a client that reconnects with a recent
 *     resourceVersion misses nothing; an older one gets 410 Gone and re-lists, as upstream.
 *
 * Revisions are the store's global revisions, so a LIST's resourceVersion is valid for a WATCH of
 * the same resource. The cache's `revision` is the last store revision it has applied; for an
 * in-process store it is always current when a write's promise resolves (events are delivered from
 * the commit path), and `waitUntilFresh` covers remote stores.
 *
 * Objects in the cache are never mutated: readers that want to change one copy it first.
 */
import type { KubeObject } from '../../api/index.ts';
import {
  type Store,
  type KeyValue,
  type WatchEvent as StoreWatchEvent,
} from '../../store/index.ts';
import type { Logger } from '../../util/index.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * One object version in the cache. `object` may be given as a function that decodes it, called on
 * first use: most objects written are never read back as objects (nothing filters or lists them
 * before they change again), and a stored value is far cheaper to hold than its parsed form, for
 * the CPU and for the garbage collector. `json` is likewise computed once, on first use.
 */
export class CachedObject {
  readonly key: string;
  readonly revision: number;
  private source: KubeObject | (() => KubeObject);
  private serialized: string | undefined;

  /** `json`, when given, is the object already serialized. */
  constructor(
    key: string,
    object: KubeObject | (() => KubeObject),
    revision: number,
    json?: string,
  ) {
    this.key = key;
    this.source = object;
    this.revision = revision;
    this.serialized = json;
  }

  get object(): KubeObject {
    if (typeof this.source === 'function') this.source = this.source();
    return this.source;
  }

  /** The object as JSON, with its resourceVersion. */
  json(): string {
    this.serialized ??= JSON.stringify(this.object);
    return this.serialized;
  }
}

export interface CacheEvent {
  readonly type: WatchEventType;
  /** For DELETED: the last state, with the deletion's resourceVersion. */
  readonly object: CachedObject;
  /** The previous state for MODIFIED and DELETED. */
  readonly prev: CachedObject | undefined;
  readonly revision: number;
}

export type CacheListener = (events: readonly CacheEvent[]) => void;

/** Thrown when a watch asks for history the cache no longer holds: the client must re-list. */
export class TooOldResourceVersionError extends Error {
  override readonly name = 'TooOldResourceVersionError';
  readonly requested: number;
  readonly oldest: number;

  constructor(requested: number, oldest: number) {
    super(`too old resource version: ${requested} (${oldest})`);
    this.requested = requested;
    this.oldest = oldest;
  }
}

/** Decodes a stored value into an object carrying its resourceVersion. */
export function decodeStored(kv: KeyValue, revision = kv.modRevision): KubeObject {
  const obj = JSON.parse(
    Buffer.from(kv.value.buffer, kv.value.byteOffset, kv.value.byteLength).toString('utf8'),
  ) as KubeObject;
  obj.metadata = { ...obj.metadata, resourceVersion: String(revision) };
  return obj;
}

export interface ResourceCacheOptions {
  /** Keep at least this many recent events for resumption. */
  readonly minEvents: number;
  /** Never keep more than this many. */
  readonly maxEvents: number;
  /** Events older than this (by wall clock) may be dropped once above minEvents. */
  readonly maxAgeMs: number;
  readonly now: () => number;
}

interface BufferedEvent {
  readonly event: CacheEvent;
  readonly at: number;
}

/** The cache of one resource (all namespaces): current objects by key plus a window of events. */
export class ResourceCache {
  private readonly objects = new Map<string, CachedObject>();
  private sortedKeys: string[] | undefined;
  private readonly buffer: BufferedEvent[] = [];
  private bufferStart = 0;
  /** Watches from a revision >= this can be served from the buffer. */
  private oldestServable: number;
  private readonly listeners = new Set<CacheListener>();
  private readonly opts: ResourceCacheOptions;

  constructor(startRevision: number, opts: ResourceCacheOptions) {
    this.oldestServable = startRevision;
    this.opts = opts;
  }

  /** Starts the resumable window at `revision` (when the cache is (re)loaded from the store). */
  resetWindow(revision: number): void {
    this.oldestServable = revision;
    this.buffer.length = 0;
    this.bufferStart = 0;
  }

  /** Loads an object present at startup (no event). */
  load(obj: CachedObject): void {
    this.objects.set(obj.key, obj);
    this.sortedKeys = undefined;
  }

  get(key: string): CachedObject | undefined {
    return this.objects.get(key);
  }

  get size(): number {
    return this.objects.size;
  }

  /** Current objects whose key starts with `prefix` ('' for all), in key order. */
  list(prefix = '', startAfter = ''): CachedObject[] {
    this.sortedKeys ??= [...this.objects.keys()].sort();
    const keys = this.sortedKeys;
    let i = 0;
    const from = startAfter > prefix ? startAfter : prefix;
    // Binary search for the first key >= from.
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((keys[mid] ?? '') < from) lo = mid + 1;
      else hi = mid;
    }
    i = lo;
    const out: CachedObject[] = [];
    for (; i < keys.length; i++) {
      const k = keys[i] ?? '';
      if (!k.startsWith(prefix)) break;
      if (startAfter && k <= startAfter) continue;
      const o = this.objects.get(k);
      if (o) out.push(o);
    }
    return out;
  }

  /** Applies one event from the store and tells subscribers. */
  apply(events: readonly CacheEvent[]): void {
    for (const e of events) {
      if (e.type === 'DELETED') {
        if (this.objects.delete(e.object.key)) this.sortedKeys = undefined;
      } else {
        if (!this.objects.has(e.object.key)) this.sortedKeys = undefined;
        this.objects.set(e.object.key, e.object);
      }
      this.buffer.push({ event: e, at: this.opts.now() });
    }
    this.trim();
    for (const l of this.listeners) l(events);
  }

  private trim(): void {
    const now = this.opts.now();
    let live = this.buffer.length - this.bufferStart;
    while (live > this.opts.minEvents) {
      const first = this.buffer[this.bufferStart];
      if (!first) break;
      if (live <= this.opts.maxEvents && now - first.at < this.opts.maxAgeMs) break;
      this.oldestServable = first.event.revision;
      this.bufferStart++;
      live--;
    }
    // Compact the array now and then rather than shifting on every event.
    if (this.bufferStart > 1024 && this.bufferStart * 2 > this.buffer.length) {
      this.buffer.splice(0, this.bufferStart);
      this.bufferStart = 0;
    }
  }

  /**
   * Subscribes to events after `fromRevision`: first the buffered ones (synchronously, in this
   * call), then live ones. Throws `TooOldResourceVersionError` if the window no longer reaches back.
   * Returns the unsubscribe function.
   */
  subscribe(fromRevision: number, listener: CacheListener): () => void {
    if (fromRevision < this.oldestServable) {
      throw new TooOldResourceVersionError(fromRevision, this.oldestServable);
    }
    const backlog: CacheEvent[] = [];
    for (let i = this.bufferStart; i < this.buffer.length; i++) {
      const b = this.buffer[i];
      if (b && b.event.revision > fromRevision) backlog.push(b.event);
    }
    if (backlog.length) listener(backlog);
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Number of live subscriptions (for metrics and tests). */
  get subscribers(): number {
    return this.listeners.size;
  }
}

export interface WatchCacheOptions {
  readonly store: Store;
  /** Store key prefix of everything the API serves, e.g. `/registry/`. */
  readonly prefix: string;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly minEvents?: number;
  readonly maxEvents?: number;
  readonly maxAgeMs?: number;
}

/**
 * All resource caches, fed by one store watch. Store keys are `<prefix><resource>/<rest>`; the
 * cache key of an object is `<rest>` (`namespace/name` or `name`).
 */
export class WatchCache {
  private readonly caches = new Map<string, ResourceCache>();
  private readonly opts: WatchCacheOptions;
  private readonly abort = new AbortController();
  private rev = 0;
  private readonly waiters: { rev: number; resolve: () => void }[] = [];
  private failed: Error | undefined;

  constructor(opts: WatchCacheOptions) {
    this.opts = opts;
  }

  /** The last store revision applied. */
  get revision(): number {
    return this.rev;
  }

  /** Loads everything under the prefix and starts following the store. */
  async start(): Promise<void> {
    const { store, prefix } = this.opts;
    const listed = await store.list(prefix);
    this.rev = listed.revision;
    // Caches made before the start (by storages) begin their watch window here.
    for (const c of this.caches.values()) c.resetWindow(listed.revision);
    for (const kv of listed.items) {
      const split = this.split(kv.key);
      if (!split) continue;
      this.cacheFor(split.resource).load(
        new CachedObject(split.rest, () => decodeStored(kv), kv.modRevision),
      );
    }
    store.watch(prefix, {
      afterRevision: listed.revision,
      signal: this.abort.signal,
      onEvents: (events) => {
        this.onStoreEvents(events);
      },
      onClose: (err) => {
        // The in-process stores only close on shutdown; a remote store's watch breaking means the
        // cache can no longer be trusted. Surface it: readers get 503 until a restart.
        this.failed = err;
        this.opts.logger.error('watch cache lost the store watch', { err: err.message });
      },
    });
  }

  stop(): void {
    this.abort.abort();
  }

  /** The cache of a resource (created empty on first use). */
  cacheFor(resource: string): ResourceCache {
    let c = this.caches.get(resource);
    if (!c) {
      c = new ResourceCache(this.rev, {
        minEvents: this.opts.minEvents ?? 100,
        maxEvents: this.opts.maxEvents ?? 10_000,
        maxAgeMs: this.opts.maxAgeMs ?? 5 * 60_000,
        now: this.opts.now ?? Date.now,
      });
      this.caches.set(resource, c);
    }
    return c;
  }

  /** Resolves once the cache has applied `revision`, or rejects after `timeoutMs`. */
  async waitUntilFresh(revision: number, timeoutMs = 3_000): Promise<void> {
    if (this.failed) throw this.failed;
    if (this.rev >= revision) return;
    await new Promise<void>((resolve, reject) => {
      const waiter = { rev: revision, resolve };
      this.waiters.push(waiter);
      const t = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`watch cache did not reach revision ${revision} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiter.resolve = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private split(key: string): { resource: string; rest: string } | undefined {
    const { prefix } = this.opts;
    if (!key.startsWith(prefix)) return undefined;
    const slash = key.indexOf('/', prefix.length);
    if (slash < 0) return undefined;
    return { resource: key.slice(prefix.length, slash), rest: key.slice(slash + 1) };
  }

  private onStoreEvents(events: readonly StoreWatchEvent[]): void {
    const byResource = new Map<string, CacheEvent[]>();
    let maxRev = this.rev;
    for (const e of events) {
      const split = this.split(e.kv.key);
      const revision = e.kv.modRevision;
      if (revision > maxRev) maxRev = revision;
      if (!split) continue;
      const cache = this.cacheFor(split.resource);
      const prev = cache.get(split.rest);
      const kv = e.kv;
      const obj = new CachedObject(split.rest, () => decodeStored(kv, revision), revision);
      const type = e.type === 'delete' ? 'DELETED' : prev ? 'MODIFIED' : 'ADDED';
      const ev: CacheEvent = { type, object: obj, prev, revision };
      let list = byResource.get(split.resource);
      if (!list) byResource.set(split.resource, (list = []));
      list.push(ev);
    }
    this.rev = maxRev;
    for (const [resource, list] of byResource) this.cacheFor(resource).apply(list);
    if (this.waiters.length) {
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i];
        if (w && w.rev <= this.rev) {
          this.waiters.splice(i, 1);
          w.resolve();
        }
      }
    }
  }
}

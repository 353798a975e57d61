/**
 * The store: a revisioned key-value store with watch, on the etcd/kine model. It knows nothing of
 * API objects: keys are strings like `/registry/pods/default/web`, values are bytes.
 *
 * Revisions. Every successful write (create, update, delete) gets the next global revision, starting
 * at 1; revisions are never reused and never go backwards, also across restarts. Each key keeps the
 * revision that created it (`createRevision`) and the one that last changed it (`modRevision`).
 * The API server uses `modRevision` as the object's resourceVersion.
 *
 * Durability. A write's promise resolves only after it is durable (for SQLite: committed with
 * synchronous=FULL), so a `kill -9` never loses an acknowledged write.
 *
 * Watch. Watchers see every event after their start revision, in revision order, exactly once, with
 * no gaps. A watcher that cannot keep up (its buffer overflows) is closed with an error and must
 * re-list: it never silently misses events.
 *
 * Compaction. `compact(rev)` forgets history older than `rev`: afterwards any read at a revision
 * below `rev`, or watch starting below it, fails with `Compacted`. Current values are never lost.
 */

export interface KeyValue {
  readonly key: string;
  readonly value: Uint8Array;
  readonly createRevision: number;
  readonly modRevision: number;
}

/** A change to one key. For `delete`, `kv` is the value the key had (with the delete's revision as `modRevision`). */
export interface WatchEvent {
  readonly type: 'put' | 'delete';
  readonly kv: KeyValue;
  /** The value before this event, if the key existed. */
  readonly prevKv?: KeyValue;
}

export interface ListOptions {
  /**
   * Read the state as of this revision (0/undefined: current). Below the compacted revision:
   * `Compacted`; above the current revision: `Unavailable` (not there yet; retry later).
   */
  readonly revision?: number;
  /** Only keys strictly greater than this (for paging: the last key of the previous page). */
  readonly startAfter?: string;
  /** At most this many items (0/undefined: no limit). */
  readonly limit?: number;
}

export interface ListResult {
  readonly items: readonly KeyValue[];
  /** The revision the list was read at (the store's current revision unless one was given). */
  readonly revision: number;
  /** True when `limit` cut the list and more keys follow. */
  readonly more: boolean;
  /** Keys left after this page, when `more`. */
  readonly remaining: number;
}

export interface WatchOptions {
  /** Deliver events with revision strictly greater than this. Below the compacted revision: `Compacted`. */
  readonly afterRevision: number;
  /** Stops the watch. */
  readonly signal: AbortSignal;
  /**
   * Called with each batch of events, in revision order. Events of one write come in one call.
   * Called synchronously from the commit path for in-process stores: do no blocking work here.
   */
  readonly onEvents: (events: readonly WatchEvent[]) => void;
  /** Called once if the watch ends for any reason but the signal (overflow, store closed, error). */
  readonly onClose?: (err: StoreError | Error) => void;
}

/**
 * Errors are a closed union, mapped once to HTTP statuses at the API boundary.
 * `Conflict` and `KeyExists` carry the current value so callers can retry without a read.
 */
export type StoreErrorCode = 'KeyExists' | 'Conflict' | 'NotFound' | 'Compacted' | 'Unavailable';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;
  /** For `Conflict` and `KeyExists`: the key's current value. */
  readonly current: KeyValue | undefined;
  /** For `Compacted`: the compacted revision. */
  readonly compactRevision: number | undefined;

  constructor(
    code: StoreErrorCode,
    message: string,
    extra: { current?: KeyValue; compactRevision?: number } = {},
  ) {
    super(message);
    this.code = code;
    this.current = extra.current;
    this.compactRevision = extra.compactRevision;
  }
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}

export interface Store {
  /** For logs and metrics: 'memory', 'sqlite', 'etcd'. */
  readonly backend: string;

  /** The latest revision (0 before the first write). */
  currentRevision(): Promise<number>;

  /** The value of `key` at `revision` (default current), or undefined. Revision rules as in `ListOptions`. */
  get(key: string, opts?: { revision?: number }): Promise<KeyValue | undefined>;

  /** Keys with the prefix, in key order. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;

  /** Number of keys with the prefix now. */
  count(prefix: string): Promise<number>;

  /** Creates `key`. `KeyExists` if it exists. */
  create(key: string, value: Uint8Array): Promise<KeyValue>;

  /**
   * Replaces `key` if its modRevision is `expectedModRevision`.
   * `NotFound` if absent; `Conflict` (with the current value) if changed since.
   */
  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue>;

  /**
   * Deletes `key`, if given only when its modRevision is `expectedModRevision`. Resolves with the
   * deleted value, whose modRevision is the delete's revision. `NotFound`; `Conflict`.
   */
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;

  /** Starts watching keys with the prefix. Throws `Compacted` if `afterRevision` is too old. */
  watch(prefix: string, opts: WatchOptions): void;

  /**
   * Forgets history below `revision`. Never removes current values. At or below the compacted
   * revision it does nothing; beyond the current revision it rejects with a `RangeError`.
   */
  compact(revision: number): Promise<void>;

  /** The oldest revision still readable (0 if nothing was compacted). */
  compactedRevision(): Promise<number>;

  /** Flushes and closes. Pending writes finish first; later calls fail with `Unavailable`. */
  close(): Promise<void>;
}

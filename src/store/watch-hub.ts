import type { Logger } from '../util/index.ts';
import { compacted } from './errors.ts';
import { hasPrefix } from './keys.ts';
import type { StoreError, WatchEvent, WatchOptions } from './types.ts';

/**
 * Where a watch hub reads history from. Backends implement it over their own log (an array for the
 * memory store, the `log` table for SQLite). All three calls are synchronous and see only
 * committed state.
 */
export interface EventSource {
  /**
   * Events with revision in (`after`, `upTo`] whose key starts with `prefix`, in revision order,
   * at most `limit` of them. Only called with `after` >= the compacted revision.
   */
  readEvents(prefix: string, after: number, upTo: number, limit: number): WatchEvent[];
  /** The latest committed revision. */
  currentRevision(): number;
  /** The oldest readable revision. */
  compactedRevision(): number;
}

interface Watcher {
  readonly prefix: string;
  readonly opts: WatchOptions;
  /** Every event up to this revision has been delivered or queued for delivery. */
  position: number;
  /** Live watchers get events from `publish`; the others are still replaying history. */
  live: boolean;
  closed: boolean;
  readonly onAbort: () => void;
}

/**
 * Fans committed events out to watchers, for the in-process backends.
 *
 * A new watcher that starts behind the current revision replays history from the backend's log in
 * chunks (one chunk per macrotask, so a long replay does not block the event loop), and becomes live
 * when it reaches the current revision. While it replays, commits do not reach it through `publish`:
 * it reads them from the log in a later chunk. The switch to live happens synchronously at the
 * current revision, so no event is missed or seen twice, and nothing needs buffering.
 *
 * Live delivery is synchronous from `publish`, which backends call right after a commit. Deliveries
 * go through one FIFO, so a callback that causes another commit (the memory store commits
 * synchronously) cannot make a watcher see events out of order.
 *
 * A watcher whose callback throws is closed with that error. Aborting the signal removes the
 * watcher without calling `onClose`.
 */
export class WatchHub {
  private readonly watchers = new Set<Watcher>();
  private readonly source: EventSource;
  private readonly logger: Logger;
  private readonly chunk: number;
  private readonly queue: (() => void)[] = [];
  private draining = false;

  constructor(source: EventSource, logger: Logger, replayChunk = 1000) {
    this.source = source;
    this.logger = logger;
    this.chunk = replayChunk;
  }

  /** Number of open watchers. */
  get size(): number {
    return this.watchers.size;
  }

  /**
   * Registers a watcher. The caller has already checked that the store is open and that
   * `opts.afterRevision` is not compacted.
   */
  add(prefix: string, opts: WatchOptions): void {
    if (opts.signal.aborted) return;
    const watcher: Watcher = {
      prefix,
      opts,
      position: opts.afterRevision,
      live: false,
      closed: false,
      onAbort: () => {
        this.remove(watcher);
      },
    };
    opts.signal.addEventListener('abort', watcher.onAbort, { once: true });
    this.watchers.add(watcher);
    if (watcher.position >= this.source.currentRevision()) {
      watcher.live = true;
    } else {
      this.scheduleReplay(watcher);
    }
  }

  /** Delivers one commit's events (in revision order) to live watchers. */
  publish(events: readonly WatchEvent[]): void {
    const last = events[events.length - 1];
    if (last === undefined || this.watchers.size === 0) return;
    for (const w of this.watchers) {
      if (!w.live) continue;
      const after = w.position;
      w.position = Math.max(w.position, last.kv.modRevision);
      let matching: WatchEvent[] | undefined;
      for (const ev of events) {
        if (ev.kv.modRevision > after && hasPrefix(ev.kv.key, w.prefix)) {
          (matching ??= []).push(ev);
        }
      }
      if (matching !== undefined) this.enqueue(w, matching);
    }
    this.drain();
  }

  /** Closes every watcher with `err` (store closed or failed). */
  closeAll(err: StoreError | Error): void {
    for (const w of [...this.watchers]) this.close(w, err);
  }

  private scheduleReplay(w: Watcher): void {
    setImmediate(() => {
      this.replay(w);
    });
  }

  private replay(w: Watcher): void {
    if (w.closed) return;
    try {
      const compactRevision = this.source.compactedRevision();
      if (w.position < compactRevision) {
        // Compaction overtook a watcher that was still replaying: the history it needs is gone.
        this.close(w, compacted(w.position, compactRevision));
        return;
      }
      const upTo = this.source.currentRevision();
      const events = this.source.readEvents(w.prefix, w.position, upTo, this.chunk);
      const last = events[events.length - 1];
      if (events.length >= this.chunk && last !== undefined) {
        w.position = last.kv.modRevision;
        this.scheduleReplay(w);
      } else {
        w.position = upTo;
        w.live = true;
      }
      if (events.length > 0) this.enqueue(w, events);
      this.drain();
    } catch (err) {
      this.close(w, err instanceof Error ? err : new Error(String(err)));
    }
  }

  private enqueue(w: Watcher, events: readonly WatchEvent[]): void {
    this.queue.push(() => {
      if (w.closed) return;
      try {
        w.opts.onEvents(events);
      } catch (err) {
        this.logger.warn('watch callback failed; closing the watch', { prefix: w.prefix, err });
        this.close(w, err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      // Tasks queued while draining (re-entrant commits) are appended and run in this same loop.
      for (let i = 0; i < this.queue.length; i++) this.queue[i]?.();
    } finally {
      this.queue.length = 0;
      this.draining = false;
    }
  }

  private remove(w: Watcher): boolean {
    if (w.closed) return false;
    w.closed = true;
    w.opts.signal.removeEventListener('abort', w.onAbort);
    this.watchers.delete(w);
    return true;
  }

  private close(w: Watcher, err: StoreError | Error): void {
    if (!this.remove(w)) return;
    try {
      w.opts.onClose?.(err);
    } catch (cbErr) {
      this.logger.warn('watch onClose callback failed', { prefix: w.prefix, err: cbErr });
    }
  }
}

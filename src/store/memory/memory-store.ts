import { ownBytes, silentLogger, type Logger } from '../../util/index.ts';
import {
  checkRevision,
  closedError,
  compacted,
  conflict,
  futureRevision,
  keyExists,
  notFound,
} from '../errors.ts';
import { compareKeys, hasPrefix, lowerBound } from '../keys.ts';
import type {
  KeyValue,
  ListOptions,
  ListResult,
  Store,
  WatchEvent,
  WatchOptions,
} from '../types.ts';
import { WatchHub } from '../watch-hub.ts';

/** One version of a key; `value` undefined marks a deletion (tombstone). */
interface Version {
  readonly modRevision: number;
  readonly createRevision: number;
  readonly value: Uint8Array | undefined;
}

/** How to create a `MemoryStore`. */
export interface MemoryStoreOptions {
  readonly logger?: Logger;
}

/**
 * The whole `Store` contract in memory: history, reads at old revisions, watch from an old
 * revision and compaction, exactly like the SQLite backend but without durability. For unit
 * tests, integration tests and `memory://` (a throw-away cluster).
 *
 * Every write is applied synchronously when it is called (JavaScript gives us the atomicity), and
 * watchers are notified before the write's promise resolves. Values are copied on the way in, so a
 * caller that reuses its buffer cannot change stored history.
 *
 * Costs: reads of one key and writes are O(log n) plus, for a key never seen before, an O(n)
 * insertion into the sorted key array; list is O(keys in range). Compaction is O(all keys).
 * History is kept until `compact`, so a long-lived memory store needs compacting like any other.
 */
export class MemoryStore implements Store {
  readonly backend = 'memory';

  private revision = 0;
  private compactRevision = 0;
  /** Every key with retained history, newest version last. */
  private readonly versions = new Map<string, Version[]>();
  /** The keys of `versions`, sorted with `compareKeys`. */
  private keys: string[] = [];
  /** Events with revision compactRevision+1 .. revision; the event of revision r is at r-compactRevision-1. */
  private log: WatchEvent[] = [];
  private closed = false;
  private readonly hub: WatchHub;

  constructor(opts: MemoryStoreOptions = {}) {
    const logger = (opts.logger ?? silentLogger).with({ component: 'store', backend: 'memory' });
    this.hub = new WatchHub(
      {
        readEvents: (prefix, after, upTo, limit) => this.readEvents(prefix, after, upTo, limit),
        currentRevision: () => this.revision,
        compactedRevision: () => this.compactRevision,
      },
      logger,
    );
  }

  currentRevision(): Promise<number> {
    return this.run(() => this.revision);
  }

  compactedRevision(): Promise<number> {
    return this.run(() => this.compactRevision);
  }

  get(key: string, opts: { revision?: number } = {}): Promise<KeyValue | undefined> {
    return this.run(() => this.at(key, this.readRevision(opts.revision)));
  }

  list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    return this.run(() => this.listNow(prefix, opts));
  }

  count(prefix: string): Promise<number> {
    return this.run(() => {
      let n = 0;
      for (let i = lowerBound(this.keys, prefix, true); i < this.keys.length; i++) {
        const key = this.keys[i] ?? '';
        if (!hasPrefix(key, prefix)) break;
        if (this.current(key) !== undefined) n++;
      }
      return n;
    });
  }

  create(key: string, value: Uint8Array): Promise<KeyValue> {
    return this.run(() => this.createNow(key, value));
  }

  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue> {
    return this.run(() => this.updateNow(key, value, expectedModRevision));
  }

  delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    return this.run(() => this.deleteNow(key, expectedModRevision));
  }

  watch(prefix: string, opts: WatchOptions): void {
    this.checkOpen();
    checkRevision('afterRevision', opts.afterRevision);
    if (opts.afterRevision < this.compactRevision) {
      throw compacted(opts.afterRevision, this.compactRevision);
    }
    this.hub.add(prefix, opts);
  }

  compact(revision: number): Promise<void> {
    return this.run(() => {
      this.compactNow(revision);
    });
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.hub.closeAll(closedError());
    }
    return Promise.resolve();
  }

  /** Runs a synchronous operation on the open store, turning a throw into a rejected promise. */
  private run<T>(op: () => T): Promise<T> {
    try {
      this.checkOpen();
      return Promise.resolve(op());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private listNow(prefix: string, opts: ListOptions): ListResult {
    const revision = this.readRevision(opts.revision);
    const limit = opts.limit ?? 0;
    checkRevision('limit', limit);
    const after = opts.startAfter;
    let i =
      after !== undefined && compareKeys(after, prefix) >= 0
        ? lowerBound(this.keys, after, false)
        : lowerBound(this.keys, prefix, true);
    const items: KeyValue[] = [];
    let remaining = 0;
    for (; i < this.keys.length; i++) {
      const key = this.keys[i] ?? '';
      if (!hasPrefix(key, prefix)) break;
      const kv = this.at(key, revision);
      if (kv === undefined) continue;
      if (limit > 0 && items.length >= limit) remaining++;
      else items.push(kv);
    }
    return { items, revision, more: remaining > 0, remaining };
  }

  private createNow(key: string, value: Uint8Array): KeyValue {
    const cur = this.current(key);
    if (cur !== undefined) throw keyExists(key, cur);
    const rev = this.revision + 1;
    const kv: KeyValue = { key, value: ownBytes(value), createRevision: rev, modRevision: rev };
    this.commit(
      key,
      { modRevision: rev, createRevision: rev, value: kv.value },
      { type: 'put', kv },
    );
    return kv;
  }

  private updateNow(key: string, value: Uint8Array, expectedModRevision: number): KeyValue {
    const cur = this.current(key);
    if (cur === undefined) throw notFound(key);
    if (cur.modRevision !== expectedModRevision) throw conflict(key, expectedModRevision, cur);
    const rev = this.revision + 1;
    const kv: KeyValue = {
      key,
      value: ownBytes(value),
      createRevision: cur.createRevision,
      modRevision: rev,
    };
    this.commit(
      key,
      { modRevision: rev, createRevision: cur.createRevision, value: kv.value },
      { type: 'put', kv, prevKv: cur },
    );
    return kv;
  }

  private deleteNow(key: string, expectedModRevision: number | undefined): KeyValue {
    const cur = this.current(key);
    if (cur === undefined) throw notFound(key);
    if (expectedModRevision !== undefined && cur.modRevision !== expectedModRevision) {
      throw conflict(key, expectedModRevision, cur);
    }
    const rev = this.revision + 1;
    const kv: KeyValue = { ...cur, modRevision: rev };
    this.commit(
      key,
      { modRevision: rev, createRevision: cur.createRevision, value: undefined },
      { type: 'delete', kv, prevKv: cur },
    );
    return kv;
  }

  private compactNow(revision: number): void {
    checkRevision('revision', revision);
    if (revision > this.revision) {
      throw new RangeError(
        `cannot compact at revision ${revision}, beyond the current revision ${this.revision}`,
      );
    }
    if (revision <= this.compactRevision) return;
    let dropped = false;
    for (const [key, versions] of this.versions) {
      // Keep the newest version at or below `revision` (reads at `revision` need it) unless it is a
      // deletion, and everything after it.
      let keep = versions.length;
      while (keep > 0 && (versions[keep - 1]?.modRevision ?? 0) > revision) keep--;
      let from = keep - 1;
      if (from >= 0 && versions[from]?.value === undefined) from++;
      if (from <= 0) continue;
      const rest = versions.slice(from);
      if (rest.length === 0) {
        this.versions.delete(key);
        dropped = true;
      } else {
        this.versions.set(key, rest);
      }
    }
    if (dropped) this.keys = this.keys.filter((k) => this.versions.has(k));
    this.log = this.log.slice(revision - this.compactRevision);
    this.compactRevision = revision;
  }

  private checkOpen(): void {
    if (this.closed) throw closedError();
  }

  /** The revision a read is served at: validated, defaulting to current. */
  private readRevision(requested: number | undefined): number {
    if (requested === undefined || requested === 0) return this.revision;
    checkRevision('revision', requested);
    if (requested < this.compactRevision) throw compacted(requested, this.compactRevision);
    if (requested > this.revision) throw futureRevision(requested, this.revision);
    return requested;
  }

  private current(key: string): KeyValue | undefined {
    const versions = this.versions.get(key);
    const v = versions?.[versions.length - 1];
    return v === undefined ? undefined : toKv(key, v);
  }

  private at(key: string, revision: number): KeyValue | undefined {
    const versions = this.versions.get(key);
    if (versions === undefined) return undefined;
    for (let i = versions.length - 1; i >= 0; i--) {
      const v = versions[i];
      if (v !== undefined && v.modRevision <= revision) return toKv(key, v);
    }
    return undefined;
  }

  private commit(key: string, version: Version, event: WatchEvent): void {
    this.revision = version.modRevision;
    const versions = this.versions.get(key);
    if (versions === undefined) {
      this.versions.set(key, [version]);
      this.keys.splice(lowerBound(this.keys, key, true), 0, key);
    } else {
      versions.push(version);
    }
    this.log.push(event);
    this.hub.publish([event]);
  }

  private readEvents(prefix: string, after: number, upTo: number, limit: number): WatchEvent[] {
    const out: WatchEvent[] = [];
    const end = Math.min(upTo, this.revision) - this.compactRevision;
    for (let i = after - this.compactRevision; i < end && out.length < limit; i++) {
      const ev = this.log[i];
      if (ev !== undefined && hasPrefix(ev.kv.key, prefix)) out.push(ev);
    }
    return out;
  }
}

function toKv(key: string, v: Version): KeyValue | undefined {
  if (v.value === undefined) return undefined;
  return { key, value: v.value, createRevision: v.createRevision, modRevision: v.modRevision };
}

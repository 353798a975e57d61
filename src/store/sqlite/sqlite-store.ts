/**
 * The SQLite backend: the embedded default store of `podbay server`.
 *
 * Layout (one file, WAL mode):
 *
 *   log(revision INTEGER PRIMARY KEY, name, create_revision, prev_revision, deleted, value)
 *       one row per write; the row id is the revision. A delete is a row with deleted=1 and no
 *       value (the deleted value is the row `prev_revision` points at).
 *       index log_name_revision(name, revision, deleted): reads at a revision and lists.
 *   meta(key PRIMARY KEY, value): schema_version, revision (highest revision ever issued),
 *       compact_revision (oldest readable), compact_cursor (how far compaction has swept).
 *
 * Write path (group commit):
 *
 *   create/update/delete ──▶ queue ──(setImmediate)──▶ flush: BEGIN IMMEDIATE
 *                                                        for each op: check condition against the
 *                                                          in-memory key map (+ this batch's changes),
 *                                                          take the next revision, INSERT
 *                                                        UPDATE meta.revision; COMMIT (fsync)
 *                                                      ──▶ key map, watchers, then promises resolve
 *
 * All writes that arrive in one event-loop turn share one transaction and one fsync; once 32 wait
 * (`commitAt`), they are committed as soon as the task that queued the 32nd ends, in a microtask.
 * Revisions are allocated inside the transaction by the only writer, so they have no gaps and
 * commit in order.
 * A failing condition fails only its own operation. Nothing is acknowledged before COMMIT returns.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';

import Database from 'better-sqlite3';

import {
  errorMessage,
  ownBytes,
  realClock,
  silentLogger,
  type Clock,
  type Logger,
} from '../../util/index.ts';
import {
  checkRevision,
  closedError,
  compacted,
  conflict,
  futureRevision,
  keyExists,
  notFound,
} from '../errors.ts';
import { compareKeys, hasPrefix, prefixEnd } from '../keys.ts';
import {
  StoreError,
  isStoreError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type WatchEvent,
  type WatchOptions,
} from '../types.ts';
import { WatchHub } from '../watch-hub.ts';

/** How to open a `SqliteStore`; only `path` is required, the rest are tuning and test hooks. */
export interface SqliteStoreOptions {
  /** The database file. Its directory is created if missing. */
  readonly path: string;
  readonly logger?: Logger;
  /** Drives the periodic checkpoint timer. Default: the real clock. */
  readonly clock?: Clock;
  /**
   * After a write, the WAL is checkpointed and truncated within this many milliseconds (SQLite
   * also checkpoints by itself every ~4 MiB of WAL). Default 30 s.
   */
  readonly checkpointIntervalMs?: number;
  /** The most rows one compaction batch may look at; batches shrink when slow. Default 5000. */
  readonly compactionBatchRows?: number;
  /** The most operations one write transaction takes; the rest go in the next one. Default 4096. */
  readonly maxBatchOps?: number;
  /**
   * Once this many writes wait, they are committed when the task that queued the last of them
   * ends (a microtask), not at the end of the event-loop turn; writes queued after it in the same
   * task still join. Default 32.
   *
   * Why: 64 clients' creates otherwise move as one wave, all committed and answered together, so
   * the API thread idles while their answers go out and the next requests come in, and the front
   * thread and the clients idle while it works. Committing the first half of a wave while the rest
   * still arrives keeps two half-waves in flight: 64-client creates ~1.1-1.2x (2026-11-23, with the
   * API thread posting answers `MESSAGES_PER_POST` at a time, front/messages.ts).
   */
  readonly commitAt?: number;
  /**
   * Caps the database file (like etcd's backend quota). A write that would grow it beyond fails
   * with `Unavailable` and changes nothing; reads, and writes that fit in freed space (after a
   * compaction), go on. Default: no cap.
   */
  readonly quotaBytes?: number;
}

/** Group-commit counters since open; `operations / transactions` is the mean batch size. */
export interface WriteStats {
  /** Write transactions committed (group commits). */
  readonly transactions: number;
  /** Operations those transactions carried, failed conditions included. */
  readonly operations: number;
}

/** What the last finished (or resumed) compaction did; for logs, metrics and tests. */
export interface CompactionStats {
  readonly revision: number;
  /** Write transactions used; each held the write lock only briefly. */
  readonly batches: number;
  readonly scannedRows: number;
  readonly deletedRows: number;
  readonly durationMs: number;
  /** The longest single batch, in milliseconds. */
  readonly maxBatchMs: number;
}

const SCHEMA_VERSION = 1;
/** A batch that took longer than this shrinks; the ~100 ms write-lock budget has room for a commit. */
const COMPACT_SLOW_MS = 40;
const COMPACT_FAST_MS = 10;
const COMPACT_MIN_ROWS = 64;
/** An upper bound that sorts after every TEXT value: SQLite orders all BLOBs after all TEXT. */
const NO_UPPER_BOUND = Buffer.alloc(0);

type Db = Database.Database;
type Row = unknown[];

/** What the key map remembers about a live key: enough to check conditions without a read. */
interface KeyMeta {
  readonly createRevision: number;
  readonly modRevision: number;
}

type OpKind = 'create' | 'update' | 'delete';

interface PendingOp {
  readonly kind: OpKind;
  readonly key: string;
  readonly value: Buffer | null;
  readonly expected: number | undefined;
  readonly resolve: (kv: KeyValue) => void;
  readonly reject: (err: Error) => void;
}

/** The statements the store runs, prepared once. */
interface Statements {
  readonly begin: Database.Statement;
  readonly commit: Database.Statement;
  readonly rollback: Database.Statement;
  readonly insert: Database.Statement<[number, string, number, number, number, Buffer | null]>;
  readonly setMeta: Database.Statement<[number, string]>;
  readonly valueAt: Database.Statement<[number], Buffer | null>;
  readonly getAt: Database.Statement<[string, number]>;
  readonly listFrom: Database.Statement<[string, string | Buffer, number, number]>;
  readonly listAfter: Database.Statement<[string, string | Buffer, number, number]>;
  readonly countAfter: Database.Statement<[string, string | Buffer, number], number>;
  readonly events: Database.Statement<[number, number, string, string | Buffer, number]>;
  readonly compactScan: Database.Statement<[number, number, number]>;
  readonly deleteRow: Database.Statement<[number]>;
}

/**
 * `Store` on SQLite (better-sqlite3): WAL, synchronous=FULL, one connection that is the only
 * writer, group commit per event-loop turn, watch fan-out from the commit path.
 *
 * Exclusive access: the connection uses `locking_mode=EXCLUSIVE`, so once open it holds SQLite's
 * exclusive lock on the file until it closes. A second store (in this or any other process) fails
 * to open with a clear error instead of writing beside us. The kernel drops the lock when the
 * process dies, so a crash never leaves a stale lock behind. (It also means no other program can
 * read the file while podbay runs; use the API.)
 *
 * Durability: a write's promise resolves after COMMIT returned with synchronous=FULL (the WAL is
 * fsynced). If a COMMIT fails we cannot know what reached the disk, so the store stops: every
 * later call fails with `Unavailable` and the process should restart (recovery then decides).
 *
 * Reads run synchronously on the same connection and see exactly the committed state, because
 * every transaction starts and ends within one synchronous call.
 *
 * Failures: a failed condition fails only its operation. If SQLite itself aborts a transaction
 * (disk full, quota), every operation of that batch fails with `Unavailable` and nothing changes.
 *
 * Lifecycle: call `close()`. After a write, a checkpoint timer (`checkpointIntervalMs`) is armed
 * on the clock; an open store that was written to recently keeps the process alive until it fires.
 *
 * Compaction runs in small write transactions with a yield to the event loop between them, so
 * writes keep flowing; see `compact`.
 */
export class SqliteStore implements Store {
  readonly backend = 'sqlite';
  readonly path: string;

  private readonly db: Db;
  private readonly stmts: Statements;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly hub: WatchHub;
  private readonly checkpointIntervalMs: number;
  private readonly maxBatchOps: number;
  private readonly commitAt: number;
  private readonly compactionBatchRows: number;

  /** Live keys; the source of truth for conditions. Changed only after a COMMIT succeeded. */
  private readonly keys = new Map<string, KeyMeta>();
  private revision: number;
  private compactRevision: number;
  private compactCursor: number;

  private queue: PendingOp[] = [];
  private flushScheduled = false;
  private closing = false;
  private closed = false;
  private closePromise: Promise<void> | undefined;
  /** Set when the store can no longer trust its state (a COMMIT failed). */
  private failure: StoreError | undefined;
  private cancelCheckpoint: (() => void) | undefined;
  private compaction: Promise<void> = Promise.resolve();
  private stats: CompactionStats | undefined;
  private transactions = 0;
  private operations = 0;

  private constructor(db: Db, opts: SqliteStoreOptions, logger: Logger) {
    this.db = db;
    this.path = opts.path;
    this.logger = logger;
    this.clock = opts.clock ?? realClock;
    this.checkpointIntervalMs = opts.checkpointIntervalMs ?? 30_000;
    this.maxBatchOps = opts.maxBatchOps ?? 4096;
    this.commitAt = Math.max(1, opts.commitAt ?? 32);
    this.compactionBatchRows = Math.max(1, opts.compactionBatchRows ?? 5000);
    this.stmts = prepareStatements(db);
    const meta = readMeta(db);
    this.revision = meta.revision;
    this.compactRevision = meta.compactRevision;
    this.compactCursor = meta.compactCursor;
    this.hub = new WatchHub(
      {
        readEvents: (prefix, after, upTo, limit) => this.readEvents(prefix, after, upTo, limit),
        currentRevision: () => this.revision,
        compactedRevision: () => this.compactRevision,
      },
      logger,
    );
  }

  /**
   * Opens (creating if needed) the store at `opts.path`. Fails with a one-sentence error when the
   * file is held by another store, is not a podbay database, or cannot be created.
   */
  static open(opts: SqliteStoreOptions): Promise<SqliteStore> {
    try {
      return Promise.resolve(SqliteStore.openSync(opts));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private static openSync(opts: SqliteStoreOptions): SqliteStore {
    const started = performance.now();
    const logger = (opts.logger ?? silentLogger).with({
      component: 'store',
      backend: 'sqlite',
      path: opts.path,
    });
    const dir = dirname(opts.path);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new Error(`cannot create the store directory ${dir}: ${errorMessage(err)}`, {
        cause: err,
      });
    }
    try {
      // SQLite needs to create the -wal file next to the database.
      accessSync(dir, constants.W_OK);
    } catch (err) {
      throw new Error(`the store directory ${dir} is not writable`, { cause: err });
    }
    let db: Db;
    try {
      // timeout 0: if another process holds the file, fail now rather than wait for it.
      db = new Database(opts.path, { timeout: 0 });
    } catch (err) {
      throw openError(opts.path, err);
    }
    try {
      initialise(db, opts.quotaBytes);
      const store = new SqliteStore(db, opts, logger);
      store.checkpoint('open');
      store.loadKeys();
      logger.info('store opened', {
        revision: store.revision,
        compactRevision: store.compactRevision,
        keys: store.keys.size,
        ms: Math.round(performance.now() - started),
      });
      if (store.compactCursor < store.compactRevision) store.resumeCompaction();
      return store;
    } catch (err) {
      db.close();
      throw openError(opts.path, err);
    }
  }

  /** Group-commit counters since open. */
  get writeStats(): WriteStats {
    return { transactions: this.transactions, operations: this.operations };
  }

  /** What the last compaction did (undefined before the first one in this process). */
  get lastCompaction(): CompactionStats | undefined {
    return this.stats;
  }

  currentRevision(): Promise<number> {
    return this.read(() => this.revision);
  }

  compactedRevision(): Promise<number> {
    return this.read(() => this.compactRevision);
  }

  get(key: string, opts: { revision?: number } = {}): Promise<KeyValue | undefined> {
    return this.read(() => {
      const rev = this.readRevision(opts.revision);
      if (rev === this.revision) {
        const meta = this.keys.get(key);
        return meta === undefined ? undefined : this.readKv(key, meta);
      }
      const row = this.stmts.getAt.get(key, rev) as Row | undefined;
      if (row === undefined || row[2] === 1) return undefined;
      return {
        key,
        value: row[3] as Buffer,
        createRevision: row[1] as number,
        modRevision: row[0] as number,
      };
    });
  }

  list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    return this.read(() => this.listNow(prefix, opts));
  }

  count(prefix: string): Promise<number> {
    return this.read(() => {
      if (prefix === '') return this.keys.size;
      let n = 0;
      for (const key of this.keys.keys()) if (hasPrefix(key, prefix)) n++;
      return n;
    });
  }

  create(key: string, value: Uint8Array): Promise<KeyValue> {
    return this.enqueue('create', key, ownBytes(value), undefined);
  }

  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue> {
    return this.enqueue('update', key, ownBytes(value), expectedModRevision);
  }

  delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    return this.enqueue('delete', key, null, expectedModRevision);
  }

  watch(prefix: string, opts: WatchOptions): void {
    this.checkUsable();
    checkRevision('afterRevision', opts.afterRevision);
    if (opts.afterRevision < this.compactRevision) {
      throw compacted(opts.afterRevision, this.compactRevision);
    }
    this.hub.add(prefix, opts);
  }

  /**
   * Forgets history below `revision`. The new floor is made durable first (reads below it fail
   * from then on), then old rows are deleted in batches of at most `compactionBatchRows`, each its
   * own short transaction, with a yield to the event loop in between so that group commits go on.
   * Batches that take longer than ~40 ms shrink. Compactions run one at a time, in call order.
   * A revision at or below the compacted one does nothing; one beyond the current revision is a
   * `RangeError`. If the process stops half-way, the sweep resumes at the next open.
   */
  compact(revision: number): Promise<void> {
    try {
      this.checkUsable();
      checkRevision('revision', revision);
      if (revision > this.revision) {
        throw new RangeError(
          `cannot compact at revision ${revision}, beyond the current revision ${this.revision}`,
        );
      }
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const run = this.compaction.then(() => this.runCompaction(revision));
    this.compaction = run.catch(() => undefined);
    return run;
  }

  /**
   * Writes the queued operations (one last group commit), closes every watcher with
   * `Unavailable`, checkpoints and truncates the WAL, and closes the file. Idempotent.
   */
  close(): Promise<void> {
    this.closePromise ??= this.closeNow();
    return this.closePromise;
  }

  private async closeNow(): Promise<void> {
    this.closing = true;
    while (this.queue.length > 0) this.flush();
    this.cancelCheckpoint?.();
    this.cancelCheckpoint = undefined;
    this.closed = true;
    this.hub.closeAll(closedError());
    // A running compaction notices `closed` at its next batch and stops; wait for it so that
    // the connection is not closed under it.
    await this.compaction;
    if (this.failure === undefined) this.checkpoint('close');
    this.db.close();
    this.logger.info('store closed', { revision: this.revision });
  }

  // ---- writes ---------------------------------------------------------------------------------

  private enqueue(
    kind: OpKind,
    key: string,
    value: Buffer | null,
    expected: number | undefined,
  ): Promise<KeyValue> {
    return new Promise<KeyValue>((resolve, reject) => {
      const unusable = this.unusable();
      if (unusable !== undefined) {
        reject(unusable);
        return;
      }
      this.queue.push({ kind, key, value, expected, resolve, reject });
      // Once per crossing: a flush that finds the queue empty (taken by an earlier one) does nothing.
      if (this.queue.length === this.commitAt) {
        queueMicrotask(() => {
          this.flush();
        });
      }
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.flush();
        });
      }
    });
  }

  /** One group commit: takes up to `maxBatchOps` queued operations and writes them in one transaction. */
  private flush(): void {
    if (this.queue.length === 0) return;
    let batch = this.queue;
    if (batch.length > this.maxBatchOps) {
      batch = this.queue.slice(0, this.maxBatchOps);
      this.queue = this.queue.slice(this.maxBatchOps);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.flush();
        });
      }
    } else {
      this.queue = [];
    }
    if (this.failure !== undefined) {
      for (const op of batch) op.reject(this.failure);
      return;
    }
    try {
      this.writeBatch(batch);
    } catch (err) {
      // writeBatch settles every operation itself; reaching here means a bug, so stop safely.
      const failure = this.fail(err);
      for (const op of batch) op.reject(failure);
    }
  }

  private writeBatch(batch: readonly PendingOp[]): void {
    const outcomes: (KeyValue | Error)[] = [];
    const events: WatchEvent[] = [];
    const staged = new Map<string, KeyMeta | null>();
    const wantEvents = this.hub.size > 0;
    let rev = this.revision;
    try {
      this.stmts.begin.run();
    } catch (err) {
      // Nothing was written: fail this batch, keep the store.
      const e = unavailable('could not start a write transaction', err);
      for (const op of batch) op.reject(e);
      return;
    }
    let aborted: unknown;
    for (const op of batch) {
      try {
        const kv = this.apply(op, rev + 1, staged, wantEvents ? events : undefined);
        rev++;
        outcomes.push(kv);
      } catch (err) {
        if (isStoreError(err)) {
          outcomes.push(err);
        } else if (this.db.inTransaction) {
          // A statement failed on its own (SQLite rolled back just that statement).
          outcomes.push(unavailable(`could not write ${op.key}`, err));
        } else {
          aborted = err;
          break;
        }
      }
    }
    let commitFailed = false;
    if (aborted === undefined) {
      try {
        if (rev !== this.revision) this.stmts.setMeta.run(rev, 'revision');
        commitFailed = true;
        this.stmts.commit.run();
        commitFailed = false;
      } catch (err) {
        aborted = err;
      }
    }
    if (aborted !== undefined) {
      this.rollbackQuietly();
      const e = unavailable('the write transaction failed', aborted);
      if (commitFailed) this.fail(aborted);
      for (const op of batch) op.reject(e);
      return;
    }
    this.transactions++;
    this.operations += batch.length;
    if (rev !== this.revision) this.scheduleCheckpoint();
    this.revision = rev;
    for (const [key, meta] of staged) {
      if (meta === null) this.keys.delete(key);
      else this.keys.set(key, meta);
    }
    if (events.length > 0) this.hub.publish(events);
    for (let i = 0; i < batch.length; i++) {
      const op = batch[i];
      const outcome = outcomes[i];
      if (op === undefined || outcome === undefined) continue;
      if (outcome instanceof Error) op.reject(outcome);
      else op.resolve(outcome);
    }
  }

  /**
   * Checks one operation's condition against the key map plus this batch's earlier changes and,
   * if it holds, inserts its row with revision `rev`. Throws a StoreError when the condition
   * fails (nothing written), or the SQLite error when the insert fails.
   */
  private apply(
    op: PendingOp,
    rev: number,
    staged: Map<string, KeyMeta | null>,
    events: WatchEvent[] | undefined,
  ): KeyValue {
    const { key } = op;
    const cur = staged.has(key) ? (staged.get(key) ?? undefined) : this.keys.get(key);
    switch (op.kind) {
      case 'create': {
        if (cur !== undefined) throw keyExists(key, this.readKv(key, cur));
        const value = op.value ?? Buffer.alloc(0);
        this.stmts.insert.run(rev, key, rev, 0, 0, value);
        staged.set(key, { createRevision: rev, modRevision: rev });
        const kv: KeyValue = { key, value, createRevision: rev, modRevision: rev };
        events?.push({ type: 'put', kv });
        return kv;
      }
      case 'update': {
        if (cur === undefined) throw notFound(key);
        if (cur.modRevision !== op.expected) {
          throw conflict(key, op.expected ?? 0, this.readKv(key, cur));
        }
        const prevKv = events === undefined ? undefined : this.readKv(key, cur);
        const value = op.value ?? Buffer.alloc(0);
        this.stmts.insert.run(rev, key, cur.createRevision, cur.modRevision, 0, value);
        staged.set(key, { createRevision: cur.createRevision, modRevision: rev });
        const kv: KeyValue = { key, value, createRevision: cur.createRevision, modRevision: rev };
        if (prevKv !== undefined) events?.push({ type: 'put', kv, prevKv });
        return kv;
      }
      case 'delete': {
        if (cur === undefined) throw notFound(key);
        const prevKv = this.readKv(key, cur);
        if (op.expected !== undefined && cur.modRevision !== op.expected) {
          throw conflict(key, op.expected, prevKv);
        }
        this.stmts.insert.run(rev, key, cur.createRevision, cur.modRevision, 1, null);
        staged.set(key, null);
        const kv: KeyValue = { ...prevKv, modRevision: rev };
        events?.push({ type: 'delete', kv, prevKv });
        return kv;
      }
    }
  }

  private rollbackQuietly(): void {
    if (!this.db.inTransaction) return;
    try {
      this.stmts.rollback.run();
    } catch (err) {
      this.logger.warn('rollback failed', { err: errorMessage(err) });
    }
  }

  /**
   * Runs `fn` in its own write transaction (compaction, meta changes). A failed COMMIT stops the
   * store, like a failed group commit.
   */
  private writeTransaction(fn: () => void): void {
    this.stmts.begin.run();
    try {
      fn();
    } catch (err) {
      this.rollbackQuietly();
      throw err;
    }
    try {
      this.stmts.commit.run();
    } catch (err) {
      this.rollbackQuietly();
      this.fail(err);
      throw err;
    }
  }

  /** Stops the store after an error that leaves its state uncertain. */
  private fail(err: unknown): StoreError {
    if (this.failure !== undefined) return this.failure;
    const failure = unavailable('the store failed and must be reopened', err);
    this.failure = failure;
    this.logger.error('store failed; restart to recover', { err: errorMessage(err) });
    const queued = this.queue;
    this.queue = [];
    for (const op of queued) op.reject(failure);
    this.hub.closeAll(failure);
    return failure;
  }

  // ---- reads ----------------------------------------------------------------------------------

  /** Runs a synchronous read on the usable store, turning a throw into a rejected promise. */
  private read<T>(fn: () => T): Promise<T> {
    try {
      this.checkUsable();
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private unusable(): StoreError | undefined {
    if (this.failure !== undefined) return this.failure;
    if (this.closing) return closedError();
    return undefined;
  }

  private checkUsable(): void {
    const err = this.unusable();
    if (err !== undefined) throw err;
  }

  private readRevision(requested: number | undefined): number {
    if (requested === undefined || requested === 0) return this.revision;
    checkRevision('revision', requested);
    if (requested < this.compactRevision) throw compacted(requested, this.compactRevision);
    if (requested > this.revision) throw futureRevision(requested, this.revision);
    return requested;
  }

  private readKv(key: string, meta: KeyMeta): KeyValue {
    const value = this.stmts.valueAt.get(meta.modRevision);
    if (value === undefined || value === null) {
      throw new Error(`store inconsistency: no value for ${key} at revision ${meta.modRevision}`);
    }
    return { key, value, createRevision: meta.createRevision, modRevision: meta.modRevision };
  }

  private listNow(prefix: string, opts: ListOptions): ListResult {
    const revision = this.readRevision(opts.revision);
    const limit = opts.limit ?? 0;
    checkRevision('limit', limit);
    const upper = prefixEnd(prefix) ?? NO_UPPER_BOUND;
    const after = opts.startAfter;
    const rows = (
      after !== undefined && compareKeys(after, prefix) >= 0
        ? this.stmts.listAfter.all(after, upper, revision, limit > 0 ? limit + 1 : -1)
        : this.stmts.listFrom.all(prefix, upper, revision, limit > 0 ? limit + 1 : -1)
    ) as Row[];
    const more = limit > 0 && rows.length > limit;
    if (more) rows.length = limit;
    const items: KeyValue[] = new Array<KeyValue>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as Row;
      items[i] = {
        key: r[0] as string,
        value: r[1] as Buffer,
        createRevision: r[2] as number,
        modRevision: r[3] as number,
      };
    }
    let remaining = 0;
    const last = items[items.length - 1];
    if (more && last !== undefined) {
      remaining = this.stmts.countAfter.get(last.key, upper, revision) ?? 0;
    }
    return { items, revision, more, remaining };
  }

  private readEvents(prefix: string, after: number, upTo: number, limit: number): WatchEvent[] {
    const upper = prefixEnd(prefix) ?? NO_UPPER_BOUND;
    const rows = this.stmts.events.all(after, upTo, prefix, upper, limit) as Row[];
    const events: WatchEvent[] = [];
    for (const r of rows) {
      const revision = r[0] as number;
      const key = r[1] as string;
      const createRevision = r[2] as number;
      const prevRevision = r[3] as number;
      const prevValue = r[6] as Buffer | null;
      if (prevRevision > 0 && prevValue === null) {
        throw new Error(`store inconsistency: revision ${prevRevision} of ${key} is missing`);
      }
      const prevKv: KeyValue | undefined =
        prevValue === null
          ? undefined
          : { key, value: prevValue, createRevision, modRevision: prevRevision };
      if (r[4] === 1) {
        if (prevKv === undefined)
          throw new Error(`store inconsistency: delete of ${key} has no value`);
        events.push({ type: 'delete', kv: { ...prevKv, modRevision: revision }, prevKv });
      } else {
        const kv: KeyValue = { key, value: r[5] as Buffer, createRevision, modRevision: revision };
        events.push(prevKv === undefined ? { type: 'put', kv } : { type: 'put', kv, prevKv });
      }
    }
    return events;
  }

  private loadKeys(): void {
    const rows = this.db
      .prepare(
        `SELECT m.name, l.create_revision, l.revision
           FROM (SELECT name, MAX(revision) AS r FROM log GROUP BY name) AS m
           CROSS JOIN log AS l ON l.revision = m.r
          WHERE l.deleted = 0`,
      )
      .raw(true);
    for (const r of rows.iterate() as IterableIterator<Row>) {
      this.keys.set(r[0] as string, {
        createRevision: r[1] as number,
        modRevision: r[2] as number,
      });
    }
  }

  // ---- compaction -------------------------------------------------------------------------------

  private async runCompaction(target: number): Promise<void> {
    this.checkUsable();
    if (target <= this.compactRevision) return;
    // Raise the floor durably before deleting anything: a crash in between leaves garbage for the
    // next sweep, never a read that silently misses history.
    this.writeTransaction(() => {
      this.stmts.setMeta.run(target, 'compact_revision');
    });
    this.compactRevision = target;
    await this.sweep(target);
  }

  private resumeCompaction(): void {
    const target = this.compactRevision;
    this.logger.info('resuming an interrupted compaction', {
      revision: target,
      from: this.compactCursor,
    });
    this.compaction = this.sweep(target).catch((err: unknown) => {
      this.logger.warn('resumed compaction stopped', { err: errorMessage(err) });
    });
  }

  /**
   * Deletes history below `target`, scanning each log row once over the store's lifetime:
   * a row at or below `target` makes the row it replaced (`prev_revision`) unreadable, so that
   * row goes; a deletion row at or below `target` is no longer needed either. The newest version
   * of each key at `target` stays, so reads at `target` and watches after it still work.
   */
  private async sweep(target: number): Promise<void> {
    const started = performance.now();
    let batches = 0;
    let scannedRows = 0;
    let deletedRows = 0;
    let maxBatchMs = 0;
    let batchRows = this.compactionBatchRows;
    while (this.compactCursor < target) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.closed) throw closedError();
      this.checkUsable();
      const t0 = performance.now();
      const from = this.compactCursor;
      const rows = this.stmts.compactScan.all(from, target, batchRows) as Row[];
      const last = rows[rows.length - 1];
      const next = rows.length < batchRows || last === undefined ? target : (last[0] as number);
      this.writeTransaction(() => {
        for (const r of rows) {
          const prev = r[1] as number;
          if (prev > 0) deletedRows += this.stmts.deleteRow.run(prev).changes;
          if (r[2] === 1) deletedRows += this.stmts.deleteRow.run(r[0] as number).changes;
        }
        this.stmts.setMeta.run(next, 'compact_cursor');
      });
      this.compactCursor = next;
      batches++;
      scannedRows += rows.length;
      const ms = performance.now() - t0;
      maxBatchMs = Math.max(maxBatchMs, ms);
      if (ms > COMPACT_SLOW_MS) batchRows = Math.max(COMPACT_MIN_ROWS, batchRows >> 1);
      else if (ms < COMPACT_FAST_MS) batchRows = Math.min(this.compactionBatchRows, batchRows * 2);
    }
    const stats: CompactionStats = {
      revision: target,
      batches,
      scannedRows,
      deletedRows,
      durationMs: performance.now() - started,
      maxBatchMs,
    };
    this.stats = stats;
    this.logger.info('compacted', {
      revision: target,
      batches,
      deletedRows,
      ms: Math.round(stats.durationMs),
      maxBatchMs: Math.round(maxBatchMs),
    });
  }

  // ---- checkpoints ------------------------------------------------------------------------------

  private scheduleCheckpoint(): void {
    if (this.cancelCheckpoint !== undefined || this.closing) return;
    this.cancelCheckpoint = this.clock.setTimeout(() => {
      this.cancelCheckpoint = undefined;
      if (!this.closed && this.failure === undefined) this.checkpoint('periodic');
    }, this.checkpointIntervalMs);
  }

  /** Copies the WAL into the database and truncates it to zero bytes. */
  private checkpoint(reason: string): void {
    try {
      const res = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number }[];
      this.logger.debug('checkpoint', { reason, busy: res[0]?.busy, frames: res[0]?.log });
    } catch (err) {
      this.logger.warn('checkpoint failed', { reason, err: errorMessage(err) });
    }
  }
}

/** Pragmas, schema and the first write transaction, which takes the exclusive lock. */
function initialise(db: Db, quotaBytes: number | undefined): void {
  // EXCLUSIVE before the first access: SQLite then keeps its lock until close and does not use a
  // shared-memory index for the WAL (no -shm file), so no other connection can get in.
  db.pragma('locking_mode = EXCLUSIVE');
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') throw new Error(`could not switch to WAL mode (got ${String(mode)})`);
  db.pragma('synchronous = FULL');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -16384');
  // SQLite checkpoints by itself every 1000 WAL pages; after a checkpoint the WAL file is cut
  // back to this size, so it cannot keep a one-off peak forever.
  db.pragma('journal_size_limit = 16777216');
  if (quotaBytes !== undefined) {
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.pragma(`max_page_count = ${Math.max(1, Math.floor(quotaBytes / pageSize))}`);
  }
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(`
      CREATE TABLE IF NOT EXISTS meta (
        key   TEXT PRIMARY KEY,
        value INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS log (
        revision        INTEGER PRIMARY KEY,
        name            TEXT    NOT NULL,
        create_revision INTEGER NOT NULL,
        prev_revision   INTEGER NOT NULL,
        deleted         INTEGER NOT NULL,
        value           BLOB
      );
      CREATE INDEX IF NOT EXISTS log_name_revision ON log (name, revision, deleted);
      INSERT OR IGNORE INTO meta (key, value) VALUES
        ('schema_version', ${SCHEMA_VERSION}), ('revision', 0),
        ('compact_revision', 0), ('compact_cursor', 0);
    `);
    const version = db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).pluck().get();
    if (version !== SCHEMA_VERSION) {
      throw new Error(
        `schema version ${String(version)} is not supported (want ${SCHEMA_VERSION})`,
      );
    }
    db.exec('COMMIT');
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
  // The lock is ours now; a wait can only come from a reader we did not expect.
  db.pragma('busy_timeout = 5000');
}

function readMeta(db: Db): { revision: number; compactRevision: number; compactCursor: number } {
  const get = db.prepare<[string], number>('SELECT value FROM meta WHERE key = ?').pluck();
  const stored = get.get('revision') ?? 0;
  // The newest row is the floor too, should the counter ever lag (it is written in the same
  // transaction, so it should not).
  const newest = db.prepare<[], number | null>('SELECT MAX(revision) FROM log').pluck().get();
  return {
    revision: Math.max(stored, newest ?? 0),
    compactRevision: get.get('compact_revision') ?? 0,
    compactCursor: get.get('compact_cursor') ?? 0,
  };
}

function prepareStatements(db: Db): Statements {
  const list = (lower: '>=' | '>'): Database.Statement<[string, string | Buffer, number, number]> =>
    db
      .prepare<[string, string | Buffer, number, number]>(
        // The subquery walks the covering index in key order and picks each key's newest revision
        // at the read revision; CROSS JOIN keeps that order, so no sort is needed.
        `SELECT m.name, l.value, l.create_revision, l.revision
           FROM (SELECT name, MAX(revision) AS r FROM log
                  WHERE name ${lower} ? AND name < ? AND revision <= ?
                  GROUP BY name ORDER BY name) AS m
           CROSS JOIN log AS l ON l.revision = m.r
          WHERE l.deleted = 0
          ORDER BY m.name
          LIMIT ?`,
      )
      .raw(true);
  return {
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
    insert: db.prepare(
      `INSERT INTO log (revision, name, create_revision, prev_revision, deleted, value)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    setMeta: db.prepare('UPDATE meta SET value = ? WHERE key = ?'),
    valueAt: db
      .prepare<[number], Buffer | null>('SELECT value FROM log WHERE revision = ?')
      .pluck(),
    getAt: db
      .prepare<[string, number]>(
        `SELECT revision, create_revision, deleted, value FROM log
          WHERE name = ? AND revision <= ? ORDER BY revision DESC LIMIT 1`,
      )
      .raw(true),
    listFrom: list('>='),
    listAfter: list('>'),
    countAfter: db
      .prepare<[string, string | Buffer, number], number>(
        // `deleted` is a bare column: SQLite takes it from the row that has MAX(revision).
        `SELECT COUNT(*) FROM (SELECT MAX(revision) AS r, deleted FROM log
                                 WHERE name > ? AND name < ? AND revision <= ?
                                 GROUP BY name)
          WHERE deleted = 0`,
      )
      .pluck(),
    events: db
      .prepare<[number, number, string, string | Buffer, number]>(
        // `+l.name` keeps the planner on the revision range (primary key), the order we need.
        `SELECT l.revision, l.name, l.create_revision, l.prev_revision, l.deleted, l.value, p.value
           FROM log AS l LEFT JOIN log AS p ON p.revision = l.prev_revision
          WHERE l.revision > ? AND l.revision <= ? AND +l.name >= ? AND +l.name < ?
          ORDER BY l.revision
          LIMIT ?`,
      )
      .raw(true),
    compactScan: db
      .prepare<[number, number, number]>(
        `SELECT revision, prev_revision, deleted FROM log
          WHERE revision > ? AND revision <= ? ORDER BY revision LIMIT ?`,
      )
      .raw(true),
    deleteRow: db.prepare<[number]>('DELETE FROM log WHERE revision = ?'),
  };
}

function sqliteCode(err: unknown): string {
  if (err instanceof Error && 'code' in err && typeof err.code === 'string') return err.code;
  return '';
}

function unavailable(what: string, cause: unknown): StoreError {
  const err = new StoreError('Unavailable', `${what}: ${errorMessage(cause)}`);
  err.cause = cause;
  return err;
}

/** Turns a failure to open into one sentence a user can act on. */
function openError(path: string, err: unknown): Error {
  const code = sqliteCode(err);
  let message: string;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    message = `the store ${path} is in use by another process (is another podbay server using this data directory?)`;
  } else if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    message = `the store ${path} is not a valid podbay database (${errorMessage(err)})`;
  } else if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY')) {
    message = `cannot open the store ${path}: the file or its directory is not writable (${errorMessage(err)})`;
  } else {
    message = `cannot open the store ${path}: ${errorMessage(err)}`;
  }
  return new Error(message, { cause: err });
}

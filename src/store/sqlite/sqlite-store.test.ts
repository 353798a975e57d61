import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { FakeClock } from '../../util/index.ts';
import { runStoreConformance } from '../testing/index.ts';
import { spawnTypeScript } from '../testing/spawn-typescript.ts';
import { isStoreError, type KeyValue } from '../types.ts';
import { SqliteStore } from './sqlite-store.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (v: Uint8Array): string => new TextDecoder().decode(v);

runStoreConformance('sqlite', async () => {
  const own = mkdtempSync(join(tmpdir(), 'podbay-store-'));
  const store = await SqliteStore.open({ path: join(own, 'state.db') });
  return {
    store,
    cleanup: () => {
      rmSync(own, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
});

let dir: string;
let dbPath: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podbay-sqlite-'));
  dbPath = join(dir, 'state.db');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function walSize(path: string): number {
  return existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('SqliteStore persistence', () => {
  it('keeps data, history, the revision and the compaction floor across a reopen', async () => {
    const a = await SqliteStore.open({ path: dbPath });
    const k = await a.create('/p/k', enc('v1'));
    await a.update('/p/k', enc('v2'), k.modRevision);
    await a.create('/p/gone', enc('g'));
    await a.delete('/p/gone');
    await a.compact(2);
    await a.close();

    const b = await SqliteStore.open({ path: dbPath });
    expect(await b.currentRevision()).toBe(4);
    expect(await b.compactedRevision()).toBe(2);
    expect(dec((await b.get('/p/k'))!.value)).toBe('v2');
    expect(dec((await b.get('/p/k', { revision: 2 }))!.value)).toBe('v2');
    expect(await b.get('/p/gone')).toBeUndefined();
    expect(dec((await b.get('/p/gone', { revision: 3 }))!.value)).toBe('g');
    expect(isStoreError(await rejection(b.get('/p/k', { revision: 1 })), 'Compacted')).toBe(true);
    // Conditions use the reloaded key map.
    expect(isStoreError(await rejection(b.create('/p/k', enc('x'))), 'KeyExists')).toBe(true);
    expect((await b.update('/p/k', enc('v3'), 2)).modRevision).toBe(5);
    await b.close();
  });

  it('never reuses a revision after the newest key was deleted and compacted away', async () => {
    const a = await SqliteStore.open({ path: dbPath });
    for (let i = 0; i < 5; i++) await a.create(`/r/${i}`, enc('x'));
    await a.delete('/r/4'); // revision 6, the newest row is a deletion
    await a.compact(6); // ...which compaction removes
    await a.close();

    const raw = new Database(dbPath);
    expect(raw.prepare('SELECT MAX(revision) FROM log').pluck().get()).toBeLessThan(6);
    raw.close();

    const b = await SqliteStore.open({ path: dbPath });
    expect(await b.currentRevision()).toBe(6);
    expect((await b.create('/r/new', enc('x'))).modRevision).toBe(7);
    await b.close();
  });

  it('refuses to open a database that another store holds, and opens it once released', async () => {
    const a = await SqliteStore.open({ path: dbPath });
    await a.create('/l/k', enc('x'));
    const err = await rejection(SqliteStore.open({ path: dbPath }));
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe(
      `the store ${dbPath} is in use by another process (is another podbay server using this data directory?)`,
    );
    // The failed attempt changed nothing.
    expect((await a.create('/l/k2', enc('x'))).modRevision).toBe(2);
    await a.close();
    const b = await SqliteStore.open({ path: dbPath });
    expect(await b.count('/l/')).toBe(2);
    await b.close();
  });

  it('refuses a file that is not a database with a clear error', async () => {
    writeFileSync(
      dbPath,
      'this is not sqlite, just some text that is long enough to have a header\n'.repeat(20),
    );
    const err = (await rejection(SqliteStore.open({ path: dbPath }))) as Error;
    expect(err.message).toMatch(/^the store .*state\.db is not a valid podbay database/);
  });
});

describe('SqliteStore group commit', () => {
  it('writes the operations queued in one task in one transaction, however many', async () => {
    const store = await SqliteStore.open({ path: dbPath });
    const before = store.writeStats;
    const kvs = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => store.create(`/g/${i}`, enc('x'))),
    );
    expect(store.writeStats.transactions - before.transactions).toBe(1);
    expect(store.writeStats.operations - before.operations).toBe(1000);
    expect(kvs.map((kv) => kv.modRevision)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    await store.close();
  });

  it('commits once `commitAt` writes wait, when their task ends, not at the end of the turn', async () => {
    const store = await SqliteStore.open({ path: dbPath, commitAt: 3 });
    // Settled by the time a setImmediate queued before the writes runs (the turn's end), or not.
    const settledBeforeTurnEnd = async (writes: number, prefix: string): Promise<boolean> => {
      let settled = false;
      const atTurnEnd = new Promise<boolean>((resolve) => {
        setImmediate(() => {
          resolve(settled);
        });
      });
      const txBefore = store.writeStats.transactions;
      await Promise.all(
        Array.from({ length: writes }, (_, i) => store.create(`${prefix}/${i}`, enc('x'))),
      ).then(() => {
        settled = true;
      });
      expect(store.writeStats.transactions - txBefore).toBe(1);
      return atTurnEnd;
    };
    // Each case starts on a turn of its own, with no flush of the other's still due.
    const nextTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
    await nextTurn();
    expect(await settledBeforeTurnEnd(3, '/early')).toBe(true);
    await nextTurn();
    expect(await settledBeforeTurnEnd(2, '/turn')).toBe(false);
    await store.close();
  });

  it('fails only the operation whose condition fails, not its batch-mates', async () => {
    const store = await SqliteStore.open({ path: dbPath });
    const b = await store.create('/g/b', enc('b1'));
    const txBefore = store.writeStats.transactions;
    const results = await Promise.allSettled([
      store.create('/g/a', enc('a1')),
      store.create('/g/a', enc('a-again')),
      store.update('/g/b', enc('stale'), b.modRevision + 7),
      store.update('/g/b', enc('b2'), b.modRevision),
      store.delete('/g/missing'),
      store.create('/g/c', enc('c1')),
    ]);
    expect(store.writeStats.transactions - txBefore).toBe(1);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    const revs = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.modRevision] : []));
    expect(revs).toEqual([2, 3, 4]);
    const codes = results.flatMap((r) =>
      r.status === 'rejected' && isStoreError(r.reason) ? [r.reason.code] : [],
    );
    expect(codes).toEqual(['KeyExists', 'Conflict', 'NotFound']);
    // The KeyExists error carries the value created earlier in the same transaction.
    const existsErr = (results[1] as PromiseRejectedResult).reason as { current?: KeyValue };
    expect(dec(existsErr.current!.value)).toBe('a1');
    expect(dec((await store.get('/g/b'))!.value)).toBe('b2');
    await store.close();
  });
});

describe('SqliteStore WAL checkpoints', () => {
  it('keeps the WAL bounded under sustained writes and empties it on close', async () => {
    const store = await SqliteStore.open({ path: dbPath });
    const value = new Uint8Array(1024).fill(97);
    let maxWal = 0;
    const rounds = 40;
    const perRound = 1000;
    for (let round = 0; round < rounds; round++) {
      await Promise.all(
        Array.from({ length: perRound }, (_, i) => store.create(`/w/${round}/${i}`, value)),
      );
      maxWal = Math.max(maxWal, walSize(dbPath));
    }
    // About 40 MiB went through the WAL; SQLite's auto-checkpoint and the size limit keep it small.
    expect(maxWal).toBeGreaterThan(0);
    expect(maxWal).toBeLessThan(20 * 1024 * 1024);
    await store.close();
    expect(walSize(dbPath)).toBe(0);
  });

  it('checkpoints and truncates the WAL on the timer after writes', async () => {
    const clock = new FakeClock();
    const store = await SqliteStore.open({ path: dbPath, clock, checkpointIntervalMs: 5000 });
    expect(walSize(dbPath)).toBe(0);
    expect(clock.pending()).toBe(0);
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.create(`/t/${i}`, enc('x'))));
    expect(walSize(dbPath)).toBeGreaterThan(0);
    expect(clock.pending()).toBe(1);
    await clock.step(4999);
    expect(walSize(dbPath)).toBeGreaterThan(0);
    await clock.step(1);
    expect(walSize(dbPath)).toBe(0);
    // No writes, no timer: an idle store keeps nothing scheduled.
    expect(clock.pending()).toBe(0);
    expect((await store.list('/t/')).items).toHaveLength(200);
    await store.close();
  });
});

describe('SqliteStore compaction', () => {
  it('compacts a long history in many short batches while writes go on', async () => {
    const store = await SqliteStore.open({ path: dbPath, compactionBatchRows: 200 });
    // 50 keys updated 100 times each: 5050 rows, of which 5000 become garbage.
    const keys = Array.from({ length: 50 }, (_, i) => `/h/${i}`);
    const revs = new Map<string, number>();
    for (const k of keys) revs.set(k, (await store.create(k, enc('0'))).modRevision);
    for (let round = 1; round <= 100; round++) {
      const updated = await Promise.all(
        keys.map((k) => store.update(k, enc(String(round)), revs.get(k)!)),
      );
      for (const kv of updated) revs.set(kv.key, kv.modRevision);
    }
    const head = await store.currentRevision();
    expect(head).toBe(5050);

    let compactionDone = false;
    const compaction = store.compact(head).then(() => {
      compactionDone = true;
    });
    // A write issued after the compaction started commits while it is still running.
    const write = await store.create('/h/during', enc('x'));
    expect(compactionDone).toBe(false);
    await compaction;
    expect(write.modRevision).toBe(head + 1);

    const stats = store.lastCompaction!;
    expect(stats.revision).toBe(head);
    expect(stats.batches).toBeGreaterThanOrEqual(Math.floor(5050 / 200));
    expect(stats.scannedRows).toBe(5050);
    expect(stats.deletedRows).toBe(5000);
    // Current values are intact.
    const list = await store.list('/h/');
    expect(list.items).toHaveLength(51);
    expect(list.items.filter((kv) => dec(kv.value) === '100')).toHaveLength(50);
    await store.close();

    const raw = new Database(dbPath);
    expect(raw.prepare('SELECT COUNT(*) FROM log').pluck().get()).toBe(51);
    raw.close();
  });

  it('compacts only what it has not swept before, and a watch from the floor still sees deletions', async () => {
    const store = await SqliteStore.open({ path: dbPath, compactionBatchRows: 10 });
    const a = await store.create('/s/a', enc('a1')); // 1
    await store.update('/s/a', enc('a2'), a.modRevision); // 2
    await store.compact(2);
    expect(store.lastCompaction).toMatchObject({ scannedRows: 2, deletedRows: 1 });
    await store.delete('/s/a'); // 3
    await store.create('/s/b', enc('b')); // 4
    await store.compact(4);
    // Only rows 3 and 4 are new to the sweep; 3 (a deletion) and its predecessor 2 go.
    expect(store.lastCompaction).toMatchObject({ scannedRows: 2, deletedRows: 2 });
    expect((await store.list('/s/')).items.map((kv) => kv.key)).toEqual(['/s/b']);
    await store.close();
  });
});

interface Ack {
  op: 'put' | 'upd' | 'del';
  key: string;
  revision: number;
}

/** The state a key may be in after a crash, given its acknowledged writes. */
function allowedStates(n: number, acks: Ack[], key: string): string[] {
  const last = acks[acks.length - 1];
  if (last === undefined) return [];
  if (last.op === 'del') return ['absent'];
  // A later write of this key may have been in flight: allow its outcome as well.
  const allowed = [`${key}#${last.op === 'upd' ? 2 : 1}@${last.revision}`];
  if (last.op === 'put' && n % 3 === 0) allowed.push(`${key}#2@later`);
  if (n % 10 === 0) allowed.push('absent');
  return allowed;
}

describe('SqliteStore crash durability', () => {
  const script = fileURLToPath(new URL('../testing/crash-writer.ts', import.meta.url));

  it('keeps every acknowledged write through repeated kill -9, with an intact database', async () => {
    const cycles = 5;
    /** Key → the state observed after the crash that ended its run; must never change again. */
    const settled = new Map<string, string>();
    let lastRevision = 0;

    for (let cycle = 0; cycle < cycles; cycle++) {
      const child = spawnTypeScript(script, [dbPath, String(cycle)], { dir });
      let out = '';
      let err = '';
      child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
      const exited = new Promise<void>((resolve) => {
        child.once('exit', () => {
          resolve();
        });
      });
      const deadline = Date.now() + 30_000;
      while (!out.includes('\n')) {
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`crash writer did not start: ${err}`);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      const startRevision = Number(/^ready (\d+)/.exec(out)?.[1]);
      // The child reopened exactly what the parent verified and closed.
      expect(startRevision).toBe(lastRevision);

      // Let it write for a random while, and once per test try to open the file it holds.
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 400));
      if (cycle === 1) {
        const busy = (await rejection(SqliteStore.open({ path: dbPath }))) as Error;
        expect(busy.message).toMatch(/is in use by another process/);
      }
      child.kill('SIGKILL');
      await exited;
      expect(child.signalCode).toBe('SIGKILL');

      const lines = out.split('\n').slice(1, -1); // the last piece may be a cut-off line
      const acks: Ack[] = lines.map((line) => {
        const [op, key, revision] = line.split(' ');
        return { op: op as Ack['op'], key: key!, revision: Number(revision) };
      });
      expect(acks.length).toBeGreaterThan(0);
      const acked = acks.map((a) => a.revision);
      expect(new Set(acked).size).toBe(acked.length);
      expect(Math.min(...acked)).toBeGreaterThan(lastRevision);

      // integrity_check on a copy, so that the store below is the first to recover the WAL.
      const check = join(dir, `check-${cycle}`);
      mkdirSync(check);
      copyFileSync(dbPath, join(check, 'state.db'));
      if (existsSync(`${dbPath}-wal`)) copyFileSync(`${dbPath}-wal`, join(check, 'state.db-wal'));
      const raw = new Database(join(check, 'state.db'));
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      raw.close();

      const store = await SqliteStore.open({ path: dbPath });
      const revision = await store.currentRevision();
      expect(revision).toBeGreaterThanOrEqual(Math.max(...acked));
      lastRevision = revision;

      const byKey = new Map<string, Ack[]>();
      for (const a of acks) byKey.set(a.key, [...(byKey.get(a.key) ?? []), a]);
      for (const [key, keyAcks] of byKey) {
        const n = Number(key.split('/').pop());
        const kv = await store.get(key);
        const state =
          kv === undefined
            ? 'absent'
            : `${dec(kv.value)}@${kv.modRevision === keyAcks[keyAcks.length - 1]!.revision ? kv.modRevision : 'later'}`;
        expect(allowedStates(n, keyAcks, key)).toContain(state);
        settled.set(key, state);
      }
      // Everything settled by earlier cycles is still exactly as it was.
      for (const [key, state] of settled) {
        const kv = await store.get(key);
        if (state === 'absent') expect(kv).toBeUndefined();
        else expect(kv === undefined ? 'absent' : dec(kv.value)).toBe(state.split('@')[0]);
      }
      await store.close();
    }
  }, 120_000);
});

describe('SqliteStore quota', () => {
  it('fails writes that do not fit with Unavailable, keeps the rest, and recovers after compaction', async () => {
    const store = await SqliteStore.open({ path: dbPath, quotaBytes: 1024 * 1024 });
    const value = new Uint8Array(4000).fill(1);
    const k = await store.create('/q/k', value);
    let rev = k.modRevision;
    let full: unknown;
    for (let i = 0; i < 1000 && full === undefined; i++) {
      try {
        rev = (await store.update('/q/k', value, rev)).modRevision;
      } catch (err) {
        full = err;
      }
    }
    expect(isStoreError(full, 'Unavailable')).toBe(true);
    expect((full as Error).message).toMatch(/full/);
    const head = await store.currentRevision();
    expect(head).toBe(rev);
    // The failed write took no revision, and the store still reads and serves conditions.
    expect((await store.get('/q/k'))!.modRevision).toBe(rev);
    expect(isStoreError(await rejection(store.update('/q/k', value, rev - 1)), 'Conflict')).toBe(
      true,
    );
    // Compaction frees the history, and writes fit again.
    await store.compact(head);
    expect((await store.update('/q/k', value, rev)).modRevision).toBe(head + 1);
    await store.close();
  });
});

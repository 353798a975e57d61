import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  isStoreError,
  StoreError,
  type KeyValue,
  type Store,
  type StoreErrorCode,
  type WatchEvent,
} from '../types.ts';

/** What a backend's test hands the suite: a fresh, empty store and a way to remove its traces. */
export interface OpenedStore {
  readonly store: Store;
  /** Called after the store was closed (by the suite). */
  readonly cleanup: () => Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const enc = (s: string): Uint8Array => encoder.encode(s);
const dec = (v: Uint8Array): string => decoder.decode(v);

/** The rejection of `p`; fails the test if `p` resolves. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the operation to fail, but it succeeded');
}

async function storeError(p: Promise<unknown>, code: StoreErrorCode): Promise<StoreError> {
  const err = await rejection(p);
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).code).toBe(code);
  return err as StoreError;
}

function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw, but it returned');
}

/** Polls `cond` until it holds; fails after a generous deadline (a correctness bound, not a speed test). */
async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

interface Collector {
  readonly events: WatchEvent[];
  readonly batches: (readonly WatchEvent[])[];
  readonly closes: (StoreError | Error)[];
  readonly abort: () => void;
  readonly revisions: () => number[];
  readonly waitFor: (n: number) => Promise<void>;
}

function collect(store: Store, prefix: string, afterRevision: number): Collector {
  const ac = new AbortController();
  const events: WatchEvent[] = [];
  const batches: (readonly WatchEvent[])[] = [];
  const closes: (StoreError | Error)[] = [];
  store.watch(prefix, {
    afterRevision,
    signal: ac.signal,
    onEvents: (evs) => {
      batches.push(evs);
      events.push(...evs);
    },
    onClose: (err) => closes.push(err),
  });
  return {
    events,
    batches,
    closes,
    abort: () => {
      ac.abort();
    },
    revisions: () => events.map((e) => e.kv.modRevision),
    waitFor: (n) => until(() => events.length >= n || closes.length > 0, `${n} watch events`),
  };
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}

function summary(kv: KeyValue | undefined): unknown {
  return kv === undefined
    ? undefined
    : {
        key: kv.key,
        value: dec(kv.value),
        createRevision: kv.createRevision,
        modRevision: kv.modRevision,
      };
}

/**
 * The behaviour every `Store` backend must have, as one vitest suite. Each test gets a fresh store
 * from `open` and closes it afterwards. Call it from a backend's `*.test.ts`:
 *
 *   runStoreConformance('memory', async () => ({ store: new MemoryStore(), cleanup: async () => {} }));
 */
export function runStoreConformance(name: string, open: () => Promise<OpenedStore>): void {
  describe(`store conformance: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });

    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    describe('create and get', () => {
      it('starts empty at revision 0', async () => {
        expect(await store.currentRevision()).toBe(0);
        expect(await store.compactedRevision()).toBe(0);
        expect(await store.get('/a')).toBeUndefined();
        expect(await store.list('/')).toEqual({
          items: [],
          revision: 0,
          more: false,
          remaining: 0,
        });
        expect(await store.count('/')).toBe(0);
      });

      it('gives each create the next revision, as both createRevision and modRevision', async () => {
        const a = await store.create('/r/a', enc('one'));
        const b = await store.create('/r/b', enc('two'));
        expect(summary(a)).toEqual({
          key: '/r/a',
          value: 'one',
          createRevision: 1,
          modRevision: 1,
        });
        expect(summary(b)).toEqual({
          key: '/r/b',
          value: 'two',
          createRevision: 2,
          modRevision: 2,
        });
        expect(await store.currentRevision()).toBe(2);
        expect(summary(await store.get('/r/a'))).toEqual(summary(a));
        expect(await store.get('/r/c')).toBeUndefined();
      });

      it('refuses to create an existing key with KeyExists carrying the current value', async () => {
        const first = await store.create('/k', enc('v1'));
        const err = await storeError(store.create('/k', enc('v2')), 'KeyExists');
        expect(summary(err.current)).toEqual(summary(first));
        expect(await store.currentRevision()).toBe(1);
        expect(dec((await store.get('/k'))!.value)).toBe('v1');
      });

      it('stores bytes exactly and is not affected by later changes to the caller buffer', async () => {
        const bytes = new Uint8Array([0, 255, 1, 0, 128]);
        await store.create('/bin', bytes);
        await store.create('/empty', new Uint8Array(0));
        bytes[0] = 42;
        expect([...(await store.get('/bin'))!.value]).toEqual([0, 255, 1, 0, 128]);
        expect((await store.get('/empty'))!.value.length).toBe(0);
      });

      it('keeps each value in memory of its own, not in a view of a larger buffer', async () => {
        // Buffer.from of a short string is a view into Node's shared 8 KiB pool.
        const pooled = Buffer.from('{"kind":"ConfigMap"}');
        expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.byteLength);
        const created = await store.create('/own', pooled);
        const updated = await store.update('/own', pooled, created.modRevision);
        for (const kv of [created, updated, (await store.get('/own'))!]) {
          expect(kv.value.buffer.byteLength).toBe(pooled.byteLength);
        }
      });
    });

    describe('list', () => {
      const keys = [
        '/a',
        '/a/',
        '/a/x',
        '/a/y/z',
        '/a/\u00e9',
        '/a/\ufffd',
        '/a/\u{1f600}',
        '/a0',
        '/ab',
        '/b/x',
      ];

      it('returns exactly the keys under the prefix, in code point order', async () => {
        // Created in reverse so that insertion order cannot pass for key order.
        for (const k of [...keys].reverse()) await store.create(k, enc(k));
        const under = await store.list('/a/');
        expect(under.items.map((kv) => kv.key)).toEqual([
          '/a/',
          '/a/x',
          '/a/y/z',
          '/a/\u00e9',
          '/a/\ufffd',
          '/a/\u{1f600}',
        ]);
        expect(under.items.every((kv) => dec(kv.value) === kv.key)).toBe(true);
        expect(under.revision).toBe(keys.length);
        expect(under.more).toBe(false);
        const all = await store.list('');
        expect(all.items.map((kv) => kv.key)).toEqual([
          '/a',
          '/a/',
          '/a/x',
          '/a/y/z',
          '/a/\u00e9',
          '/a/\ufffd',
          '/a/\u{1f600}',
          '/a0',
          '/ab',
          '/b/x',
        ]);
        expect((await store.list('/a')).items).toHaveLength(9);
        expect((await store.list('/c')).items).toEqual([]);
        expect(await store.count('/a/')).toBe(6);
        expect(await store.count('')).toBe(keys.length);
      });

      it('pages with limit and startAfter, reporting more and remaining', async () => {
        for (let i = 0; i < 25; i++)
          await store.create(`/p/${String(i).padStart(2, '0')}`, enc('x'));
        await store.create('/q/after', enc('x'));
        const first = await store.list('/p/', { limit: 10 });
        expect(first.items.map((kv) => kv.key)).toEqual(range(0, 9).map((i) => `/p/0${i}`));
        expect(first).toMatchObject({ more: true, remaining: 15 });
        // Writes between pages must not show up in later pages read at the first page's revision.
        await store.create('/p/10a', enc('late'));
        await store.delete('/p/15');
        const second = await store.list('/p/', {
          limit: 10,
          startAfter: first.items[9]!.key,
          revision: first.revision,
        });
        expect(second.items.map((kv) => kv.key)).toEqual(range(10, 19).map((i) => `/p/${i}`));
        expect(second).toMatchObject({ more: true, remaining: 5, revision: first.revision });
        const third = await store.list('/p/', {
          limit: 10,
          startAfter: second.items[9]!.key,
          revision: first.revision,
        });
        expect(third.items.map((kv) => kv.key)).toEqual(range(20, 24).map((i) => `/p/${i}`));
        expect(third).toMatchObject({ more: false, remaining: 0 });
        // At the current revision the late writes are visible.
        const now = await store.list('/p/', { startAfter: '/p/10' });
        expect(now.items.map((kv) => kv.key)).toContain('/p/10a');
        expect(now.items.map((kv) => kv.key)).not.toContain('/p/15');
        expect(now.revision).toBe(await store.currentRevision());
      });

      it('treats startAfter below the prefix as the prefix and beyond it as the end', async () => {
        await store.create('/m/1', enc('x'));
        await store.create('/m/2', enc('x'));
        expect((await store.list('/m/', { startAfter: '/a' })).items).toHaveLength(2);
        expect((await store.list('/m/', { startAfter: '/m/1' })).items.map((kv) => kv.key)).toEqual(
          ['/m/2'],
        );
        expect((await store.list('/m/', { startAfter: '/n' })).items).toEqual([]);
        const exact = await store.list('/m/', { limit: 2 });
        expect(exact).toMatchObject({ more: false, remaining: 0 });
      });

      it('leaves deleted keys out of lists and counts', async () => {
        await store.create('/d/1', enc('x'));
        await store.create('/d/2', enc('x'));
        await store.create('/d/3', enc('x'));
        await store.delete('/d/2');
        expect((await store.list('/d/')).items.map((kv) => kv.key)).toEqual(['/d/1', '/d/3']);
        expect(await store.count('/d/')).toBe(2);
        const paged = await store.list('/d/', { limit: 1 });
        expect(paged).toMatchObject({ more: true, remaining: 1 });
      });
    });

    describe('update and delete', () => {
      it('updates when the expected revision matches, keeping createRevision', async () => {
        const created = await store.create('/u', enc('v1'));
        await store.create('/other', enc('x'));
        const updated = await store.update('/u', enc('v2'), created.modRevision);
        expect(summary(updated)).toEqual({
          key: '/u',
          value: 'v2',
          createRevision: 1,
          modRevision: 3,
        });
        expect(summary(await store.get('/u'))).toEqual(summary(updated));
      });

      it('refuses a stale update with Conflict carrying the current value', async () => {
        const v1 = await store.create('/u', enc('v1'));
        const v2 = await store.update('/u', enc('v2'), v1.modRevision);
        const err = await storeError(store.update('/u', enc('v3'), v1.modRevision), 'Conflict');
        expect(summary(err.current)).toEqual(summary(v2));
        expect(dec((await store.get('/u'))!.value)).toBe('v2');
        expect(await store.currentRevision()).toBe(2);
      });

      it('reports NotFound for updates and deletes of absent keys', async () => {
        await storeError(store.update('/none', enc('x'), 1), 'NotFound');
        await storeError(store.delete('/none'), 'NotFound');
        await storeError(store.delete('/none', 1), 'NotFound');
        await store.create('/gone', enc('x'));
        await store.delete('/gone');
        await storeError(store.update('/gone', enc('x'), 1), 'NotFound');
        await storeError(store.delete('/gone'), 'NotFound');
        expect(await store.currentRevision()).toBe(2);
      });

      it('deletes unconditionally or at the expected revision, returning the deleted value', async () => {
        const a = await store.create('/a', enc('va'));
        const b = await store.create('/b', enc('vb'));
        const deleted = await store.delete('/a');
        expect(summary(deleted)).toEqual({
          key: '/a',
          value: 'va',
          createRevision: a.createRevision,
          modRevision: 3,
        });
        expect(await store.get('/a')).toBeUndefined();
        const err = await storeError(store.delete('/b', b.modRevision + 100), 'Conflict');
        expect(summary(err.current)).toEqual(summary(b));
        expect(await store.get('/b')).toBeDefined();
        const deletedB = await store.delete('/b', b.modRevision);
        expect(deletedB.modRevision).toBe(4);
        expect(await store.get('/b')).toBeUndefined();
      });

      it('gives a re-created key a new createRevision', async () => {
        await store.create('/k', enc('1'));
        await store.delete('/k');
        const again = await store.create('/k', enc('2'));
        expect(again.createRevision).toBe(3);
        expect(again.modRevision).toBe(3);
      });

      it('moves the revision by exactly one per successful write and not at all on failures', async () => {
        const seen: number[] = [];
        const a = await store.create('/m/a', enc('1'));
        seen.push(a.modRevision);
        await rejection(store.create('/m/a', enc('1')));
        const a2 = await store.update('/m/a', enc('2'), a.modRevision);
        seen.push(a2.modRevision);
        await rejection(store.update('/m/a', enc('3'), a.modRevision));
        const b = await store.create('/m/b', enc('1'));
        seen.push(b.modRevision);
        const d = await store.delete('/m/a');
        seen.push(d.modRevision);
        await rejection(store.delete('/m/a'));
        expect(seen).toEqual([1, 2, 3, 4]);
        expect(await store.currentRevision()).toBe(4);
      });
    });

    describe('history', () => {
      it('reads keys as of an old revision, including keys deleted since', async () => {
        const v1 = await store.create('/h/k', enc('v1')); // 1
        await store.create('/h/other', enc('o')); // 2
        const v2 = await store.update('/h/k', enc('v2'), v1.modRevision); // 3
        await store.delete('/h/k'); // 4
        await store.create('/h/late', enc('l')); // 5
        expect(summary(await store.get('/h/k', { revision: 1 }))).toEqual(summary(v1));
        expect(summary(await store.get('/h/k', { revision: 2 }))).toEqual(summary(v1));
        expect(summary(await store.get('/h/k', { revision: 3 }))).toEqual(summary(v2));
        expect(await store.get('/h/k', { revision: 4 })).toBeUndefined();
        expect(await store.get('/h/k')).toBeUndefined();
        expect(await store.get('/h/late', { revision: 4 })).toBeUndefined();

        const at3 = await store.list('/h/', { revision: 3 });
        expect(at3.revision).toBe(3);
        expect(at3.items.map(summary)).toEqual([
          summary(v2),
          { key: '/h/other', value: 'o', createRevision: 2, modRevision: 2 },
        ]);
        const now = await store.list('/h/');
        expect(now.items.map((kv) => kv.key)).toEqual(['/h/late', '/h/other']);
        expect(now.revision).toBe(5);
      });

      it('refuses reads at a revision the store has not reached with Unavailable', async () => {
        await store.create('/f', enc('x'));
        await storeError(store.get('/f', { revision: 5 }), 'Unavailable');
        await storeError(store.list('/', { revision: 5 }), 'Unavailable');
      });
    });

    describe('watch', () => {
      it('replays history after the start revision, then delivers live events, without gaps or duplicates', async () => {
        for (let i = 1; i <= 5; i++) await store.create(`/w/${i}`, enc(`${i}`));
        const w = collect(store, '/w/', 2);
        await w.waitFor(3);
        expect(w.revisions()).toEqual([3, 4, 5]);
        await store.create('/w/6', enc('6'));
        await store.update('/w/1', enc('1b'), 1);
        await w.waitFor(5);
        expect(w.revisions()).toEqual([3, 4, 5, 6, 7]);
        expect(w.events.map((e) => e.kv.key)).toEqual(['/w/3', '/w/4', '/w/5', '/w/6', '/w/1']);
        expect(w.closes).toEqual([]);
        for (const batch of w.batches) expect(batch.length).toBeGreaterThan(0);
        w.abort();
      });

      it('loses nothing when writes continue while a long history is replayed', async () => {
        const history = 1500;
        await Promise.all(range(1, history).map((i) => store.create(`/c/${i}`, enc(`${i}`))));
        const w = collect(store, '/c/', 0);
        const live = range(history + 1, history + 500).map((i) =>
          store.create(`/c/${i}`, enc(`${i}`)),
        );
        await Promise.all(live);
        await w.waitFor(history + 500);
        expect(w.revisions()).toEqual(range(1, history + 500));
        const keysSeen = new Set(w.events.map((e) => e.kv.key));
        expect(keysSeen.size).toBe(history + 500);
        expect(w.closes).toEqual([]);
        w.abort();
      });

      it('delivers only keys under the watched prefix', async () => {
        const w = collect(store, '/x/', 0);
        await store.create('/x', enc('not under'));
        await store.create('/x/1', enc('a'));
        await store.create('/xy/1', enc('b'));
        await store.create('/y/1', enc('c'));
        await store.create('/x/2', enc('d'));
        await store.delete('/xy/1');
        await store.delete('/x/1');
        await w.waitFor(3);
        await store.create('/x/3', enc('sentinel'));
        await w.waitFor(4);
        expect(w.events.map((e) => [e.type, e.kv.key, e.kv.modRevision])).toEqual([
          ['put', '/x/1', 2],
          ['put', '/x/2', 5],
          ['delete', '/x/1', 7],
          ['put', '/x/3', 8],
        ]);
        w.abort();
      });

      it('carries prevKv for updates and deletes, and the deleted value in delete events', async () => {
        const w = collect(store, '/e/', 0);
        const c = await store.create('/e/k', enc('v1'));
        const u = await store.update('/e/k', enc('v2'), c.modRevision);
        await store.delete('/e/k');
        await w.waitFor(3);
        const [put, upd, del] = w.events;
        expect(put!.type).toBe('put');
        expect(summary(put!.kv)).toEqual(summary(c));
        expect(put!.prevKv).toBeUndefined();
        expect(upd!.type).toBe('put');
        expect(summary(upd!.kv)).toEqual(summary(u));
        expect(summary(upd!.prevKv)).toEqual(summary(c));
        expect(del!.type).toBe('delete');
        expect(summary(del!.kv)).toEqual({
          key: '/e/k',
          value: 'v2',
          createRevision: 1,
          modRevision: 3,
        });
        expect(summary(del!.prevKv)).toEqual(summary(u));

        // The same events, replayed from history by a watcher that starts late.
        const late = collect(store, '/e/', 0);
        await late.waitFor(3);
        expect(late.events.map((e) => [e.type, summary(e.kv), summary(e.prevKv)])).toEqual(
          w.events.map((e) => [e.type, summary(e.kv), summary(e.prevKv)]),
        );
        w.abort();
        late.abort();
      });

      it('starting at the current or a future revision delivers only later events', async () => {
        await store.create('/n/1', enc('x'));
        await store.create('/n/2', enc('x'));
        const atCurrent = collect(store, '/n/', 2);
        const future = collect(store, '/n/', 4);
        for (let i = 3; i <= 6; i++) await store.create(`/n/${i}`, enc('x'));
        await atCurrent.waitFor(4);
        await future.waitFor(2);
        expect(atCurrent.revisions()).toEqual([3, 4, 5, 6]);
        expect(future.revisions()).toEqual([5, 6]);
        atCurrent.abort();
        future.abort();
      });

      it('stops delivering after abort, without calling onClose', async () => {
        const w = collect(store, '/s/', 0);
        await store.create('/s/1', enc('x'));
        await w.waitFor(1);
        w.abort();
        await store.create('/s/2', enc('x'));
        const sentinel = collect(store, '/s/', 0);
        await sentinel.waitFor(2);
        expect(w.revisions()).toEqual([1]);
        expect(w.closes).toEqual([]);
        sentinel.abort();
      });

      it('keeps every watcher in order when a watch callback itself writes', async () => {
        const ac = new AbortController();
        store.watch('/re/', {
          afterRevision: 0,
          signal: ac.signal,
          onEvents: (events) => {
            // A reaction written from inside the callback (the memory store commits it at once).
            if (events.some((e) => e.kv.key === '/re/1')) void store.create('/re/2', enc('x'));
          },
        });
        const w = collect(store, '/re/', 0);
        await store.create('/re/1', enc('x'));
        await w.waitFor(2);
        expect(w.revisions()).toEqual([1, 2]);
        ac.abort();
        w.abort();
      });

      it('ignores a watch whose signal is already aborted', async () => {
        const ac = new AbortController();
        ac.abort();
        const got: WatchEvent[] = [];
        store.watch('/', { afterRevision: 0, signal: ac.signal, onEvents: (e) => got.push(...e) });
        await store.create('/z', enc('x'));
        const sentinel = collect(store, '/', 0);
        await sentinel.waitFor(1);
        expect(got).toEqual([]);
        sentinel.abort();
      });
    });

    describe('compaction', () => {
      it('makes old revisions unreadable with Compacted and keeps current values', async () => {
        const a1 = await store.create('/c/a', enc('a1')); // 1
        await store.create('/c/b', enc('b1')); // 2
        const a2 = await store.update('/c/a', enc('a2'), a1.modRevision); // 3
        await store.create('/c/gone', enc('g')); // 4
        await store.delete('/c/gone'); // 5
        const b1 = (await store.get('/c/b'))!;
        await store.update('/c/b', enc('b2'), b1.modRevision); // 6
        await store.delete('/c/a'); // 7

        await store.compact(5);
        expect(await store.compactedRevision()).toBe(5);
        const err = await storeError(store.get('/c/a', { revision: 4 }), 'Compacted');
        expect(err.compactRevision).toBe(5);
        await storeError(store.list('/c/', { revision: 1 }), 'Compacted');
        const w = thrown(() => {
          store.watch('/c/', {
            afterRevision: 4,
            signal: new AbortController().signal,
            onEvents: () => undefined,
          });
        });
        expect(isStoreError(w, 'Compacted')).toBe(true);
        expect((w as StoreError).compactRevision).toBe(5);

        // Reads at the compaction revision itself still see the state as of it.
        expect(summary(await store.get('/c/a', { revision: 5 }))).toEqual(summary(a2));
        expect(summary(await store.get('/c/b', { revision: 5 }))).toEqual(summary(b1));
        expect(await store.get('/c/gone', { revision: 5 })).toBeUndefined();
        expect((await store.list('/c/', { revision: 5 })).items.map((kv) => kv.key)).toEqual([
          '/c/a',
          '/c/b',
        ]);
        // Current state is intact.
        expect((await store.list('/c/')).items.map(summary)).toEqual([
          { key: '/c/b', value: 'b2', createRevision: 2, modRevision: 6 },
        ]);
        // A watch from the compaction revision replays every later event, with full values.
        const watch = collect(store, '/c/', 5);
        await watch.waitFor(2);
        expect(watch.events.map((e) => [e.type, summary(e.kv), summary(e.prevKv)])).toEqual([
          ['put', { key: '/c/b', value: 'b2', createRevision: 2, modRevision: 6 }, summary(b1)],
          ['delete', { key: '/c/a', value: 'a2', createRevision: 1, modRevision: 7 }, summary(a2)],
        ]);
        watch.abort();
      });

      it('never reuses revisions, also after compacting away a deletion at the newest revision', async () => {
        const k = await store.create('/r/k', enc('x'));
        await store.delete('/r/k', k.modRevision); // 2, the newest revision
        await store.compact(2);
        expect(await store.currentRevision()).toBe(2);
        const again = await store.create('/r/k', enc('y'));
        expect(again.modRevision).toBe(3);
        expect(again.createRevision).toBe(3);
        expect(await store.get('/r/k', { revision: 2 })).toBeUndefined();
      });

      it('ignores compaction at or below the compacted revision and refuses it beyond the current one', async () => {
        for (let i = 0; i < 4; i++) await store.create(`/i/${i}`, enc('x'));
        await store.compact(3);
        await store.compact(2);
        await store.compact(3);
        expect(await store.compactedRevision()).toBe(3);
        expect(await rejection(store.compact(10))).toBeInstanceOf(RangeError);
        expect(await store.compactedRevision()).toBe(3);
        expect(await store.count('/i/')).toBe(4);
      });

      it('closes a replaying watcher with Compacted when compaction overtakes it', async () => {
        for (let i = 0; i < 20; i++) await store.create(`/o/${i}`, enc('x'));
        const w = collect(store, '/o/', 0);
        // Compaction is requested before the watcher's first replay step can run.
        const compaction = store.compact(15);
        await compaction;
        await until(() => w.closes.length > 0 || w.events.length >= 20, 'the watcher to finish');
        if (w.closes.length > 0) {
          expect(isStoreError(w.closes[0], 'Compacted')).toBe(true);
        }
        // Whatever was delivered before the close has no gaps.
        expect(w.revisions()).toEqual(range(1, w.events.length));
        expect(w.closes.length === 1 || w.events.length === 20).toBe(true);
        w.abort();
      });
    });

    describe('concurrent writers', () => {
      it('lets exactly one of many identical conditional updates win', async () => {
        const base = await store.create('/cc/k', enc('0'));
        const attempts = range(1, 300).map((i) =>
          store.update('/cc/k', enc(`${i}`), base.modRevision),
        );
        const results = await Promise.allSettled(attempts);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r) => r.status === 'rejected');
        expect(won).toHaveLength(1);
        const winner = (won[0] as PromiseFulfilledResult<KeyValue>).value;
        for (const r of lost) {
          const err = r.reason as unknown;
          expect(isStoreError(err, 'Conflict')).toBe(true);
          expect((err as StoreError).current?.modRevision).toBe(winner.modRevision);
        }
        expect(await store.currentRevision()).toBe(2);
        expect(dec((await store.get('/cc/k'))!.value)).toBe(dec(winner.value));
      });

      it('loses no increment when hundreds of read-modify-write loops overlap', async () => {
        await store.create('/cc/counter', enc('0'));
        const workers = 200;
        const perWorker = 3;
        const wins: number[] = [];
        const worker = async (): Promise<void> => {
          let cur = (await store.get('/cc/counter'))!;
          for (let done = 0; done < perWorker;) {
            const next = String(Number(dec(cur.value)) + 1);
            try {
              cur = await store.update('/cc/counter', enc(next), cur.modRevision);
              wins.push(cur.modRevision);
              done++;
            } catch (err) {
              if (!isStoreError(err, 'Conflict') || err.current === undefined) throw err;
              cur = err.current;
            }
          }
        };
        await Promise.all(range(1, workers).map(worker));
        const total = workers * perWorker;
        expect(dec((await store.get('/cc/counter'))!.value)).toBe(String(total));
        expect([...wins].sort((a, b) => a - b)).toEqual(range(2, total + 1));
        expect(await store.currentRevision()).toBe(total + 1);
      });

      it('creates a contested key once and many distinct keys with distinct consecutive revisions', async () => {
        const same = await Promise.allSettled(
          range(1, 100).map((i) => store.create('/cc/one', enc(`${i}`))),
        );
        expect(same.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of same) {
          if (r.status === 'rejected') expect(isStoreError(r.reason, 'KeyExists')).toBe(true);
        }
        const many = await Promise.all(
          range(1, 500).map((i) => store.create(`/cc/many/${i}`, enc('x'))),
        );
        expect(many.map((kv) => kv.modRevision).sort((a, b) => a - b)).toEqual(range(2, 501));
        expect(await store.count('/cc/many/')).toBe(500);
      });
    });

    describe('close', () => {
      it('finishes pending writes, then fails every later call with Unavailable', async () => {
        const w = collect(store, '/', 0);
        const pending = store.create('/pending', enc('x'));
        const closing = store.close();
        const kv = await pending;
        await closing;
        expect(kv.modRevision).toBe(1);
        expect(w.closes).toHaveLength(1);
        expect(isStoreError(w.closes[0], 'Unavailable')).toBe(true);
        await storeError(store.create('/later', enc('x')), 'Unavailable');
        await storeError(store.update('/pending', enc('x'), 1), 'Unavailable');
        await storeError(store.delete('/pending'), 'Unavailable');
        await storeError(store.get('/pending'), 'Unavailable');
        await storeError(store.list('/'), 'Unavailable');
        await storeError(store.count('/'), 'Unavailable');
        await storeError(store.currentRevision(), 'Unavailable');
        await storeError(store.compact(1), 'Unavailable');
        const err = thrown(() => {
          store.watch('/', {
            afterRevision: 0,
            signal: new AbortController().signal,
            onEvents: () => undefined,
          });
        });
        expect(isStoreError(err, 'Unavailable')).toBe(true);
        await store.close();
      });
    });
  });
}

import { describe, it, expect } from 'vitest';
import { FakeClock } from '../util/index.ts';
import {
  ItemExponentialFailureRateLimiter,
  TerminalError,
  WorkQueue,
  runWorkers,
  type ReconcileResult,
} from './work-queue.ts';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('WorkQueue', () => {
  it('deduplicates keys that are queued and hands them out in first-added order', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('b');
    q.add('a');
    q.add('c');
    expect(q.len()).toBe(3);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
    expect(await q.get()).toBe('c');
    expect(q.len()).toBe(0);
  });

  it('re-queues a key added while it is processed only after done(), never handing it out twice at once', async () => {
    const q = new WorkQueue();
    q.add('a');
    expect(await q.get()).toBe('a');
    q.add('a');
    q.add('a');
    expect(q.len()).toBe(0);
    const next = q.get();
    let got: string | undefined;
    void next.then((k) => (got = k));
    await tick();
    expect(got).toBeUndefined();
    q.done('a');
    expect(await next).toBe('a');
    q.done('a');
    expect(q.len()).toBe(0);
  });

  it('wakes waiting getters in order, one key each', async () => {
    const q = new WorkQueue();
    const g1 = q.get();
    const g2 = q.get();
    q.add('x');
    q.add('y');
    expect(await g1).toBe('x');
    expect(await g2).toBe('y');
  });

  it('rejects a get whose signal aborts, without losing the key added afterwards', async () => {
    const q = new WorkQueue();
    const ctl = new AbortController();
    const aborted = q.get(ctl.signal);
    ctl.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    q.add('k');
    expect(await q.get()).toBe('k');
    await expect(q.get(AbortSignal.abort())).rejects.toBeDefined();
  });

  it('adds after a delay on the injected clock; the earlier of two delays wins', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    q.addAfter('a', 1000);
    q.addAfter('b', 5000);
    q.addAfter('b', 2000);
    q.addAfter('c', 1000);
    q.addAfter('c', 9000);
    q.addAfter('now', 0);
    expect(q.len()).toBe(1);
    expect(await q.get()).toBe('now');
    await clock.step(999);
    expect(q.len()).toBe(0);
    await clock.step(1);
    expect(q.len()).toBe(2);
    await clock.step(1000);
    expect(q.len()).toBe(3);
    expect(clock.pending()).toBe(0);
  });

  it('rate-limits per key: 5 ms doubling to 1000 s, reset by forget', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const before = clock.now();
      q.addRateLimited('a');
      while (q.len() === 0) await clock.step(1);
      delays.push(clock.now() - before);
      expect(await q.get()).toBe('a');
      q.done('a');
    }
    expect(delays).toEqual([5, 10, 20, 40]);
    expect(q.numRequeues('a')).toBe(4);
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
    const rl = new ItemExponentialFailureRateLimiter<string>();
    let last = 0;
    for (let i = 0; i < 40; i++) last = rl.when('x');
    expect(last).toBe(1_000_000);
    expect(rl.when('y')).toBe(5);
  });

  it('after shutDown ignores adds, drops delayed keys, still hands out queued keys, then undefined', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    const waiting = q.get();
    q.shutDown();
    expect(await waiting).toBeUndefined();

    const q2 = new WorkQueue({ clock });
    q2.add('a');
    q2.addAfter('later', 100);
    q2.shutDown();
    q2.add('b');
    expect(q2.isShuttingDown()).toBe(true);
    expect(clock.pending()).toBe(0);
    expect(await q2.get()).toBe('a');
    expect(await q2.get()).toBeUndefined();
  });

  it('shutDownWithDrain waits until keys in processing are done', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('b');
    const a = await q.get();
    const b = await q.get();
    let drained = false;
    const drain = q.shutDownWithDrain().then(() => (drained = true));
    await tick();
    expect(drained).toBe(false);
    q.done(a!);
    await tick();
    expect(drained).toBe(false);
    q.done(b!);
    await drain;
    expect(drained).toBe(true);
    await new WorkQueue().shutDownWithDrain();
  });
});

describe('runWorkers', () => {
  it('never reconciles one key concurrently, runs different keys in parallel, and coalesces adds', async () => {
    const q = new WorkQueue();
    const ctl = new AbortController();
    const active = new Map<string, number>();
    let maxSameKey = 0;
    let maxParallel = 0;
    const calls: string[] = [];
    const releases: (() => void)[] = [];
    const reconcile = async (key: string): Promise<undefined> => {
      calls.push(key);
      active.set(key, (active.get(key) ?? 0) + 1);
      maxSameKey = Math.max(maxSameKey, active.get(key)!);
      maxParallel = Math.max(
        maxParallel,
        [...active.values()].reduce((x, y) => x + y, 0),
      );
      await new Promise<void>((r) => releases.push(r));
      active.set(key, active.get(key)! - 1);
      return undefined;
    };
    const running = runWorkers({ queue: q, workers: 3, reconcile, signal: ctl.signal });
    q.add('a');
    q.add('b');
    await tick();
    q.add('a'); // while a is in flight: one more pass after it, however many adds
    q.add('a');
    q.add('a');
    await tick();
    expect(calls.sort()).toEqual(['a', 'b']);
    for (const r of releases.splice(0)) r();
    for (let i = 0; i < 10 && calls.length < 3; i++) await tick();
    expect(calls.filter((k) => k === 'a')).toHaveLength(2);
    for (const r of releases.splice(0)) r();
    await tick();
    ctl.abort();
    await running;
    expect(maxSameKey).toBe(1);
    expect(maxParallel).toBe(2);
  });

  it('maps outcomes to queue actions: error → rate-limited retry, TerminalError → dropped, requeueAfterMs → delayed, requeue → rate-limited', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    const ctl = new AbortController();
    const calls: { key: string; at: number }[] = [];
    const plan = new Map<string, (n: number) => ReconcileResult | undefined>([
      [
        'fails',
        (n) => {
          if (n < 3) throw new Error(`attempt ${n} failed`);
          return undefined;
        },
      ],
      [
        'terminal',
        () => {
          throw new TerminalError('bad spec');
        },
      ],
      ['periodic', (n) => (n < 2 ? { requeueAfterMs: 30_000 } : undefined)],
      ['again', (n) => (n < 2 ? { requeue: true } : undefined)],
    ]);
    const counts = new Map<string, number>();
    const start = clock.now();
    const running = runWorkers({
      queue: q,
      workers: 2,
      signal: ctl.signal,
      reconcile: (key) => {
        const n = (counts.get(key) ?? 0) + 1;
        counts.set(key, n);
        calls.push({ key, at: clock.now() - start });
        return Promise.resolve(plan.get(key)!(n));
      },
    });
    for (const k of plan.keys()) q.add(k);
    await clock.step(100);
    await clock.step(40_000);
    ctl.abort();
    await running;
    const times = (k: string) => calls.filter((c) => c.key === k).map((c) => c.at);
    expect(times('fails')).toEqual([0, 5, 15]);
    expect(q.numRequeues('fails')).toBe(0);
    expect(times('terminal')).toEqual([0]);
    expect(times('periodic')).toEqual([0, 30_000]);
    expect(times('again')).toEqual([0, 5]);
  });

  it('stops on abort: the key in hand sees the aborted signal, queued keys are left, and it resolves', async () => {
    const q = new WorkQueue();
    const ctl = new AbortController();
    let sawAbort = false;
    let started!: () => void;
    const inFlight = new Promise<void>((r) => (started = r));
    const calls: string[] = [];
    const running = runWorkers({
      queue: q,
      workers: 1,
      signal: ctl.signal,
      reconcile: async (key, signal) => {
        calls.push(key);
        started();
        await new Promise<void>((resolve) => {
          signal.addEventListener(
            'abort',
            () => {
              resolve();
            },
            { once: true },
          );
        });
        sawAbort = signal.aborted;
        throw signal.reason;
      },
    });
    q.add('a');
    q.add('b');
    await inFlight;
    ctl.abort();
    await running;
    expect(sawAbort).toBe(true);
    expect(calls).toEqual(['a']);
    expect(q.isShuttingDown()).toBe(true);
    expect(q.numRequeues('a')).toBe(0);
  });
});

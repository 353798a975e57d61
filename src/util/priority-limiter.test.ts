import { describe, expect, it } from 'vitest';
import { AbortError } from './abort.ts';
import { PriorityLimiter } from './priority-limiter.ts';

/** A task that runs until `finish` is called, recording when it started. */
function gate(
  started: string[],
  name: string,
): { task: () => Promise<string>; finish: () => void } {
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    task: async () => {
      started.push(name);
      await done;
      return name;
    },
    finish: () => {
      finish();
    },
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('PriorityLimiter', () => {
  it('runs at most `limit` tasks at once', async () => {
    const limiter = new PriorityLimiter(2);
    const started: string[] = [];
    const gates = ['a', 'b', 'c'].map((n) => gate(started, n));
    const results = gates.map((g) => limiter.run(0, g.task));
    await tick();
    expect(started).toEqual(['a', 'b']);
    expect(limiter.stats).toEqual({ running: 2, waiting: 1 });
    gates[0]!.finish();
    await tick();
    expect(started).toEqual(['a', 'b', 'c']);
    gates[1]!.finish();
    gates[2]!.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
    expect(limiter.stats).toEqual({ running: 0, waiting: 0 });
  });

  it('hands a free slot to the lowest priority number first, then in arrival order', async () => {
    const limiter = new PriorityLimiter(1);
    const started: string[] = [];
    const first = gate(started, 'first');
    const running = limiter.run(5, first.task);
    const waiting = [
      { name: 'late-3', priority: 3 },
      { name: 'early-1', priority: 1 },
      { name: 'second-3', priority: 3 },
      { name: 'later-1', priority: 1 },
    ].map(({ name, priority }) => limiter.run(priority, () => Promise.resolve(started.push(name))));
    await tick();
    expect(started).toEqual(['first']);
    first.finish();
    await Promise.all([running, ...waiting]);
    expect(started).toEqual(['first', 'early-1', 'later-1', 'late-3', 'second-3']);
  });

  it('frees the slot when a task fails', async () => {
    const limiter = new PriorityLimiter(1);
    await expect(limiter.run(0, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run(0, () => Promise.resolve('next'))).toBe('next');
    expect(limiter.stats).toEqual({ running: 0, waiting: 0 });
  });

  it('an abort while waiting rejects and gives up the place in line', async () => {
    const limiter = new PriorityLimiter(1);
    const started: string[] = [];
    const first = gate(started, 'first');
    const running = limiter.run(0, first.task);
    const controller = new AbortController();
    const aborted = limiter.run(
      0,
      () => Promise.resolve(started.push('aborted')),
      controller.signal,
    );
    const after = limiter.run(0, () => Promise.resolve(started.push('after')));
    controller.abort(new AbortError('pod deleted'));
    await expect(aborted).rejects.toThrow('pod deleted');
    expect(limiter.stats).toEqual({ running: 1, waiting: 1 });
    first.finish();
    await Promise.all([running, after]);
    expect(started).toEqual(['first', 'after']);
  });

  it('refuses an already aborted signal without running the task', async () => {
    const limiter = new PriorityLimiter(1);
    const controller = new AbortController();
    controller.abort();
    let ran = false;
    await expect(
      limiter.run(
        0,
        () => {
          ran = true;
          return Promise.resolve();
        },
        controller.signal,
      ),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(ran).toBe(false);
  });

  it('refuses a limit below 1', () => {
    expect(() => new PriorityLimiter(0)).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { FakeClock } from '../util/index.ts';
import { BackOff, formatDuration } from './backoff.ts';

describe('BackOff', () => {
  it('restarts at once, then waits 10 s, 20 s, 40 s … capped at 300 s', async () => {
    const clock = new FakeClock();
    const b = new BackOff({ clock });
    const key = 'p_ns_uid_c';
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const finishedAt = clock.now();
      if (b.isInBackOffSince(key, finishedAt)) {
        waits.push(b.remaining(key, finishedAt));
        await clock.step(b.remaining(key, finishedAt));
      } else waits.push(0);
      expect(b.isInBackOffSince(key, finishedAt)).toBe(false);
      b.next(key, finishedAt);
    }
    expect(waits).toEqual([0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });

  it('is keyed per container', () => {
    const clock = new FakeClock();
    const b = new BackOff({ clock });
    b.next('a', clock.now());
    expect(b.isInBackOffSince('a', clock.now())).toBe(true);
    expect(b.isInBackOffSince('b', clock.now())).toBe(false);
  });

  it('resets after ten minutes without a restart', async () => {
    const clock = new FakeClock();
    const b = new BackOff({ clock });
    b.next('a', clock.now());
    b.next('a', clock.now());
    b.next('a', clock.now());
    expect(b.get('a')).toBe(40_000);
    await clock.step(600_001);
    expect(b.isInBackOffSince('a', clock.now())).toBe(false);
    b.next('a', clock.now());
    expect(b.get('a')).toBe(10_000);
  });

  it('keeps doubling within ten minutes', async () => {
    const clock = new FakeClock();
    const b = new BackOff({ clock });
    b.next('a', clock.now());
    await clock.step(599_000);
    b.next('a', clock.now());
    expect(b.get('a')).toBe(20_000);
  });

  it('image pulls back off since the last attempt', async () => {
    const clock = new FakeClock();
    const b = new BackOff({ clock });
    b.next('img', clock.now());
    expect(b.isInBackOffSinceUpdate('img')).toBe(true);
    await clock.step(10_000);
    expect(b.isInBackOffSinceUpdate('img')).toBe(false);
  });
});

describe('formatDuration', () => {
  it.each([
    [10_000, '10s'],
    [40_000, '40s'],
    [80_000, '1m20s'],
    [300_000, '5m0s'],
  ])('%d ms → %s', (ms, want) => {
    expect(formatDuration(ms)).toBe(want);
  });
});

import { describe, it, expect } from 'vitest';
import { goSliceStable } from './go-sort.ts';

/** A small deterministic generator (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('goSliceStable', () => {
  it('is a stable sort for a proper comparator, at every size around the block boundaries', () => {
    const next = rng(42);
    for (const n of [0, 1, 2, 19, 20, 21, 39, 40, 41, 80, 97, 200, 1000]) {
      const items = Array.from({ length: n }, (_, i) => ({ key: Math.floor(next() * 10), i }));
      const got = items.slice();
      goSliceStable(got, (a, b) => a.key < b.key);
      const want = items.slice().sort((a, b) => a.key - b.key);
      expect(got).toEqual(want);
    }
  });

  it('follows Go step for step when the comparator always answers "less"', () => {
    // Insertion sort swaps every element to the front: a short run comes out reversed.
    const a = ['a', 'b', 'c', 'd'];
    goSliceStable(a, () => true);
    expect(a).toEqual(['d', 'c', 'b', 'a']);
  });

  it('matches upstream for items missing from the ordering list', () => {
    // Comparator of strategic merge patch: by position in `order`, "less" when either is missing.
    const order = ['a', 'b'];
    const less = (x: string, y: string): boolean => {
      const ix = order.indexOf(x);
      const iy = order.indexOf(y);
      return ix >= 0 && iy >= 0 ? ix < iy : true;
    };
    const items = ['c', 'd', 'a', 'b'];
    goSliceStable(items, less);
    expect(items).toEqual(['a', 'b', 'd', 'c']);
  });
});

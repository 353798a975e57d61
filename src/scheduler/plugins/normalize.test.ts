import { describe, expect, it } from 'vitest';
import { defaultNormalizeScore } from './normalize.ts';

describe('defaultNormalizeScore', () => {
  const cases: [string, number[], boolean, number[]][] = [
    ['scales to the maximum with integer division', [1, 2, 3], false, [33, 66, 100]],
    ['reversed', [1, 2, 3], true, [67, 34, 0]],
    ['all zero', [0, 0], false, [0, 0]],
    ['all zero reversed', [0, 0], true, [100, 100]],
  ];
  for (const [name, input, reverse, want] of cases) {
    it(name, () => {
      const list = input.map((score, i) => ({ name: String(i), score }));
      defaultNormalizeScore(100, reverse, list);
      expect(list.map((s) => s.score)).toEqual(want);
    });
  }
});

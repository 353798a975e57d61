import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../testing/builders.ts';
import { scores } from '../testing/score-table.ts';
import { BalancedAllocation } from './balanced-allocation.ts';

describe('NodeResourcesBalancedAllocation', () => {
  it('favours nodes whose cpu and memory fractions stay close', () => {
    const pod = makePod('p', { cpu: '1', memory: '1Gi' });
    // a: cpu 1/4 = .25, mem 1/4 = .25 → std 0 → 100. b: cpu 1/2 = .5, mem 1/8 = .125 → std .1875 → 81
    expect(
      scores(new BalancedAllocation(), pod, [
        { node: makeNode('a', { cpu: '4', memory: '4Gi' }) },
        { node: makeNode('b', { cpu: '2', memory: '8Gi' }) },
      ]),
    ).toEqual([100, 81]);
  });

  it('caps fractions at 1 and skips pods that request nothing', () => {
    // cpu 8/4 → 1, mem 1/4 → .25 → std .375 → 62
    expect(
      scores(new BalancedAllocation(), makePod('p', { cpu: '8', memory: '1Gi' }), [
        { node: makeNode('a', { cpu: '4', memory: '4Gi' }) },
      ]),
    ).toEqual([62]);
    expect(scores(new BalancedAllocation(), makePod('p'), [{ node: makeNode('a') }])).toBe('skip');
  });
});

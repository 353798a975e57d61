import { describe, expect, it } from 'vitest';
import type { Taint, Toleration } from '../../api/index.ts';
import { makeNode } from '../testing/builders.ts';
import {
  conditionTaints,
  effectiveTaints,
  findMatchingUntoleratedTaint,
  doNotScheduleTaint,
  toleratesTaint,
} from './taints.ts';

describe('toleratesTaint', () => {
  const taint: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  const cases: [string, Toleration, boolean][] = [
    [
      'Equal with the same key, value and effect',
      { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' },
      true,
    ],
    ['empty operator means Equal', { key: 'dedicated', value: 'gpu' }, true],
    ['Equal with another value', { key: 'dedicated', operator: 'Equal', value: 'cpu' }, false],
    ['Exists with the key', { key: 'dedicated', operator: 'Exists' }, true],
    ['Exists with no key tolerates everything', { operator: 'Exists' }, true],
    ['another effect', { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, false],
    ['another key', { key: 'other', operator: 'Exists' }, false],
    [
      'empty key with Equal matches any key, value must match',
      { operator: 'Equal', value: 'gpu' },
      true,
    ],
  ];
  for (const [name, t, want] of cases) {
    it(name, () => {
      expect(toleratesTaint(t, taint)).toBe(want);
    });
  }
});

describe('condition taints', () => {
  const cases: [string, ReturnType<typeof makeNode>, string[]][] = [
    ['Ready True: none', makeNode('n'), []],
    ['Ready False: not-ready', makeNode('n', { ready: 'False' }), ['node.kubernetes.io/not-ready']],
    [
      'Ready Unknown: unreachable',
      makeNode('n', { ready: 'Unknown' }),
      ['node.kubernetes.io/unreachable'],
    ],
    [
      'no Ready condition: not-ready',
      makeNode('n', { ready: 'missing' }),
      ['node.kubernetes.io/not-ready'],
    ],
    [
      'pressure conditions',
      makeNode('n', {
        conditions: [
          { type: 'MemoryPressure', status: 'True' },
          { type: 'DiskPressure', status: 'False' },
          { type: 'PIDPressure', status: 'True' },
        ],
      }),
      ['node.kubernetes.io/memory-pressure', 'node.kubernetes.io/pid-pressure'],
    ],
  ];
  for (const [name, node, keys] of cases) {
    it(name, () => {
      const taints = conditionTaints(node);
      expect(taints.map((t) => t.key)).toEqual(keys);
      expect(taints.every((t) => t.effect === 'NoSchedule')).toBe(true);
    });
  }

  it('adds them to the node taints without duplicates', () => {
    const node = makeNode('n', {
      ready: 'False',
      taints: [
        { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
        { key: 'a', value: 'b', effect: 'PreferNoSchedule' },
      ],
    });
    expect(effectiveTaints(node).map((t) => t.key)).toEqual(['node.kubernetes.io/not-ready', 'a']);
  });

  it('finds the first untolerated NoSchedule/NoExecute taint in node order', () => {
    const taints: Taint[] = [
      { key: 'soft', effect: 'PreferNoSchedule' },
      { key: 'x', value: '1', effect: 'NoSchedule' },
      { key: 'y', value: '2', effect: 'NoExecute' },
    ];
    expect(findMatchingUntoleratedTaint(taints, [], doNotScheduleTaint)?.key).toBe('x');
    expect(
      findMatchingUntoleratedTaint(taints, [{ key: 'x', operator: 'Exists' }], doNotScheduleTaint)
        ?.key,
    ).toBe('y');
    expect(
      findMatchingUntoleratedTaint(taints, [{ operator: 'Exists' }], doNotScheduleTaint),
    ).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { NodeSelectorTerm } from '../../api/index.ts';
import { makeNode, makePod } from '../testing/builders.ts';
import { NodeSelectorMatcher, RequiredNodeAffinity } from './node-selector.ts';

const node = makeNode('node1', { labels: { zone: 'a', disk: 'ssd', gen: '5' } });

describe('NodeSelectorMatcher', () => {
  const cases: [string, NodeSelectorTerm[], boolean][] = [
    ['In', [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }], true],
    [
      'In, no match',
      [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }],
      false,
    ],
    ['NotIn', [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['b'] }] }], true],
    [
      'NotIn on a missing label',
      [{ matchExpressions: [{ key: 'gpu', operator: 'NotIn', values: ['x'] }] }],
      true,
    ],
    ['Exists', [{ matchExpressions: [{ key: 'disk', operator: 'Exists' }] }], true],
    ['DoesNotExist', [{ matchExpressions: [{ key: 'disk', operator: 'DoesNotExist' }] }], false],
    ['Gt', [{ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }] }], true],
    ['Lt', [{ matchExpressions: [{ key: 'gen', operator: 'Lt', values: ['4'] }] }], false],
    [
      'Gt with a non-integer value never matches',
      [{ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['x'] }] }],
      false,
    ],
    [
      'expressions in a term are ANDed',
      [
        {
          matchExpressions: [
            { key: 'zone', operator: 'In', values: ['a'] },
            { key: 'disk', operator: 'In', values: ['hdd'] },
          ],
        },
      ],
      false,
    ],
    [
      'terms are ORed',
      [
        { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] },
        { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] },
      ],
      true,
    ],
    ['an empty term matches nothing', [{}], false],
    [
      'an invalid term never matches, the others still may',
      [
        { matchExpressions: [{ key: 'zone', operator: 'In', values: [] }] },
        { matchExpressions: [{ key: 'zone', operator: 'Exists' }] },
      ],
      true,
    ],
    [
      'matchFields on metadata.name',
      [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node1'] }] }],
      true,
    ],
    [
      'matchFields NotIn',
      [{ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['node1'] }] }],
      false,
    ],
    [
      'matchFields needs exactly one value',
      [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node1', 'node2'] }] }],
      false,
    ],
  ];
  for (const [name, terms, want] of cases) {
    it(name, () => {
      expect(new NodeSelectorMatcher(terms).match(node)).toBe(want);
    });
  }
});

describe('RequiredNodeAffinity', () => {
  it('needs every nodeSelector label and one required term', () => {
    expect(new RequiredNodeAffinity(makePod('p')).match(node)).toBe(true);
    expect(
      new RequiredNodeAffinity(makePod('p', { nodeSelector: { zone: 'a', disk: 'ssd' } })).match(
        node,
      ),
    ).toBe(true);
    expect(
      new RequiredNodeAffinity(makePod('p', { nodeSelector: { zone: 'a', disk: 'hdd' } })).match(
        node,
      ),
    ).toBe(false);
    const withAffinity = makePod('p', {
      nodeSelector: { zone: 'a' },
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['9'] }] },
            ],
          },
        },
      },
    });
    expect(new RequiredNodeAffinity(withAffinity).match(node)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../api/index.ts';
import { makeNode, makePod } from '../testing/builders.ts';
import { filterTable, unschedulable } from '../testing/filter-table.ts';
import { scores } from '../testing/score-table.ts';
import { NodeResourcesFit } from './node-resources-fit.ts';

describe('NodeResourcesFit', () => {
  filterTable(new NodeResourcesFit(), [
    {
      name: 'fits an empty node',
      pod: makePod('p', { cpu: '1', memory: '1Gi' }),
      node: makeNode('n', { cpu: '1', memory: '1Gi' }),
    },
    {
      name: 'not enough cpu left',
      pod: makePod('p', { cpu: '600m' }),
      node: makeNode('n', { cpu: '1' }),
      existing: [makePod('q', { cpu: '500m' })],
      want: unschedulable('Insufficient cpu'),
    },
    {
      name: 'cpu and memory both short, in upstream order',
      pod: makePod('p', { cpu: '2', memory: '2Gi' }),
      node: makeNode('n', { cpu: '1', memory: '1Gi' }),
      want: unschedulable('Insufficient cpu', 'Insufficient memory'),
    },
    {
      name: 'too many pods, even for a pod requesting nothing',
      pod: makePod('p'),
      node: makeNode('n', { pods: '1' }),
      existing: [makePod('q')],
      want: unschedulable('Too many pods'),
    },
    {
      name: 'ephemeral storage',
      pod: makePod('p', { requests: { 'ephemeral-storage': '2Gi' } }),
      node: makeNode('n', { ephemeralStorage: '1Gi' }),
      want: unschedulable('Insufficient ephemeral-storage'),
    },
    {
      name: 'extended resource',
      pod: makePod('p', { requests: { 'example.com/gpu': '2' } }),
      node: makeNode('n', { extra: { 'example.com/gpu': '1' } }),
      want: unschedulable('Insufficient example.com/gpu'),
    },
    {
      name: 'init containers count at their peak, not summed',
      pod: makePod('p', {
        initContainers: [
          { name: 'i1', image: 'x', resources: { requests: { cpu: '1' } } },
          { name: 'i2', image: 'x', resources: { requests: { cpu: '1' } } },
        ],
        cpu: '500m',
      }),
      node: makeNode('n', { cpu: '1' }),
    },
    {
      name: 'pod overhead counts',
      pod: makePod('p', { cpu: '900m', overhead: { cpu: '200m' } }),
      node: makeNode('n', { cpu: '1' }),
      want: unschedulable('Insufficient cpu'),
    },
    {
      name: 'terminating pods still hold their requests',
      pod: makePod('p', { cpu: '600m' }),
      node: makeNode('n', { cpu: '1' }),
      existing: [makePod('q', { cpu: '500m', deletionTimestamp: '2026-01-01T00:00:00Z' })],
      want: unschedulable('Insufficient cpu'),
    },
  ]);
});

describe('NodeResourcesFit LeastAllocated', () => {
  const cases: [string, Pod, { node: Node; pods?: Pod[] }[], number[]][] = [
    [
      // cpu: (4000-1000)*100/4000 = 75; memory: (8Gi-2Gi)*100/8Gi = 75 → 75
      'one request on an empty node',
      makePod('p', { cpu: '1', memory: '2Gi' }),
      [{ node: makeNode('a', { cpu: '4', memory: '8Gi' }) }],
      [75],
    ],
    [
      // a: cpu 3000/4000 → 25, mem 6Gi/8Gi → 25 → 25; b: 75
      'the emptier node scores higher',
      makePod('p', { cpu: '1', memory: '2Gi' }),
      [
        {
          node: makeNode('a', { cpu: '4', memory: '8Gi' }),
          pods: [makePod('q', { cpu: '2', memory: '4Gi' })],
        },
        { node: makeNode('b', { cpu: '4', memory: '8Gi' }) },
      ],
      [25, 75],
    ],
    [
      // requests missing count as 100m / 200Mi: cpu (1000-100)*100/1000 = 90; mem (1Gi-200Mi)*100/1Gi = 80 → 85
      'pods without requests count as 100m and 200Mi',
      makePod('p'),
      [{ node: makeNode('a', { cpu: '1', memory: '1Gi' }) }],
      [85],
    ],
    [
      'over capacity scores 0 for that resource',
      makePod('p', { cpu: '8', memory: '1Gi' }),
      [{ node: makeNode('a', { cpu: '4', memory: '2Gi' }) }],
      [25],
    ],
  ];
  for (const [name, pod, nodes, want] of cases) {
    it(name, () => {
      expect(scores(new NodeResourcesFit(), pod, nodes)).toEqual(want);
    });
  }
});

import { describe } from 'vitest';
import { makeNode, makePod } from '../testing/builders.ts';
import { filterTable, unresolvable } from '../testing/filter-table.ts';
import { NodeUnschedulable } from './node-unschedulable.ts';

describe('NodeUnschedulable', () => {
  filterTable(new NodeUnschedulable(), [
    { name: 'schedulable node', pod: makePod('p'), node: makeNode('n') },
    {
      name: 'cordoned node',
      pod: makePod('p'),
      node: makeNode('n', { unschedulable: true }),
      want: unresolvable('node(s) were unschedulable'),
    },
    {
      name: 'cordoned node, pod tolerates the unschedulable taint',
      pod: makePod('p', {
        tolerations: [
          { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
        ],
      }),
      node: makeNode('n', { unschedulable: true }),
    },
  ]);
});

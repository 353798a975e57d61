import { describe } from 'vitest';
import { makeNode, makePod } from '../testing/builders.ts';
import { filterTable, unschedulable } from '../testing/filter-table.ts';
import { NodePorts } from './node-ports.ts';

describe('NodePorts', () => {
  filterTable(new NodePorts(), [
    {
      name: 'no host ports',
      pod: makePod('p'),
      node: makeNode('n'),
      existing: [makePod('q', { hostPorts: [{ hostPort: 80 }] })],
    },
    {
      name: 'free port',
      pod: makePod('p', { hostPorts: [{ hostPort: 81 }] }),
      node: makeNode('n'),
      existing: [makePod('q', { hostPorts: [{ hostPort: 80 }] })],
    },
    {
      name: 'port taken',
      pod: makePod('p', { hostPorts: [{ hostPort: 80 }] }),
      node: makeNode('n'),
      existing: [makePod('q', { hostPorts: [{ hostPort: 80 }] })],
      want: unschedulable("node(s) didn't have free ports for the requested pod ports"),
    },
    {
      name: 'same port, other protocol',
      pod: makePod('p', { hostPorts: [{ hostPort: 53, protocol: 'UDP' }] }),
      node: makeNode('n'),
      existing: [makePod('q', { hostPorts: [{ hostPort: 53 }] })],
    },
  ]);
});

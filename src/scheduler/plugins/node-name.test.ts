import { describe } from 'vitest';
import { makeNode, makePod } from '../testing/builders.ts';
import { filterTable, unresolvable } from '../testing/filter-table.ts';
import { NodeName } from './node-name.ts';

describe('NodeName', () => {
  filterTable(new NodeName(), [
    { name: 'no node name', pod: makePod('p'), node: makeNode('n') },
    { name: 'the named node', pod: makePod('p', { nodeName: 'n' }), node: makeNode('n') },
    {
      name: 'another node',
      pod: makePod('p', { nodeName: 'm' }),
      node: makeNode('n'),
      want: unresolvable("node(s) didn't match the requested node name"),
    },
  ]);
});

import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../testing/builders.ts';
import { filterTable, unresolvable } from '../testing/filter-table.ts';
import { scores } from '../testing/score-table.ts';
import { TaintToleration } from './taint-toleration.ts';

describe('TaintToleration', () => {
  filterTable(new TaintToleration(), [
    { name: 'no taints', pod: makePod('p'), node: makeNode('n') },
    {
      name: 'untolerated NoSchedule taint',
      pod: makePod('p'),
      node: makeNode('n', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
      want: unresolvable('node(s) had untolerated taint {dedicated: gpu}'),
    },
    {
      name: 'untolerated NoExecute taint without value',
      pod: makePod('p'),
      node: makeNode('n', { taints: [{ key: 'maintenance', effect: 'NoExecute' }] }),
      want: unresolvable('node(s) had untolerated taint {maintenance: }'),
    },
    {
      name: 'PreferNoSchedule does not filter',
      pod: makePod('p'),
      node: makeNode('n', { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }] }),
    },
    {
      name: 'tolerated taint',
      pod: makePod('p', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu' }] }),
      node: makeNode('n', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
    },
    {
      name: 'not-ready node',
      pod: makePod('p'),
      node: makeNode('n', { ready: 'False' }),
      want: unresolvable('node(s) had untolerated taint {node.kubernetes.io/not-ready: }'),
    },
    {
      name: 'unreachable node',
      pod: makePod('p'),
      node: makeNode('n', { ready: 'Unknown' }),
      want: unresolvable('node(s) had untolerated taint {node.kubernetes.io/unreachable: }'),
    },
    {
      name: 'not-ready node, pod tolerates not-ready NoSchedule',
      pod: makePod('p', {
        tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }],
      }),
      node: makeNode('n', { ready: 'False' }),
    },
    {
      name: 'the default 300 s NoExecute tolerations do not tolerate the NoSchedule taint',
      pod: makePod('p', {
        tolerations: [
          {
            key: 'node.kubernetes.io/not-ready',
            operator: 'Exists',
            effect: 'NoExecute',
            tolerationSeconds: 300,
          },
        ],
      }),
      node: makeNode('n', { ready: 'False' }),
      want: unresolvable('node(s) had untolerated taint {node.kubernetes.io/not-ready: }'),
    },
  ]);
});

describe('TaintToleration score', () => {
  it('scores fewer untolerated PreferNoSchedule taints higher, normalised and reversed', () => {
    const soft = (k: string) => ({ key: k, effect: 'PreferNoSchedule' as const });
    const pod = makePod('p', {
      tolerations: [{ key: 'b', operator: 'Exists', effect: 'PreferNoSchedule' }],
    });
    expect(
      scores(new TaintToleration(), pod, [
        { node: makeNode('none') },
        { node: makeNode('one', { taints: [soft('a')] }) },
        { node: makeNode('two', { taints: [soft('a'), soft('c')] }) },
        { node: makeNode('tolerated', { taints: [soft('b')] }) },
      ]),
    ).toEqual([100, 50, 0, 100]);
    expect(scores(new TaintToleration(), makePod('p'), [{ node: makeNode('x') }])).toEqual([100]);
  });
});

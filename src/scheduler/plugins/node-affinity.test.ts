import { describe, expect, it } from 'vitest';
import { CycleState } from '../framework/types.ts';
import { makeNode, makePod } from '../testing/builders.ts';
import { filterTable, unresolvable } from '../testing/filter-table.ts';
import { scores } from '../testing/score-table.ts';
import { NodeAffinity } from './node-affinity.ts';

const zoneA = makeNode('n', { labels: { zone: 'a' } });

describe('NodeAffinity', () => {
  filterTable(new NodeAffinity(), [
    { name: 'no constraints', pod: makePod('p'), node: zoneA },
    {
      name: 'nodeSelector matches',
      pod: makePod('p', { nodeSelector: { zone: 'a' } }),
      node: zoneA,
    },
    {
      name: 'nodeSelector does not match',
      pod: makePod('p', { nodeSelector: { zone: 'b' } }),
      node: zoneA,
      want: unresolvable("node(s) didn't match Pod's node affinity/selector"),
    },
    {
      name: 'required affinity does not match',
      pod: makePod('p', {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] },
              ],
            },
          },
        },
      }),
      node: zoneA,
      want: unresolvable("node(s) didn't match Pod's node affinity/selector"),
    },
    {
      name: 'required affinity matches one of its terms',
      pod: makePod('p', {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] },
                { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] },
              ],
            },
          },
        },
      }),
      node: zoneA,
    },
  ]);

  it('PreFilter narrows to nodes named in every term, and reports a conflict when none are', () => {
    const pl = new NodeAffinity();
    const byName = (...terms: string[][]) =>
      makePod('p', {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: terms.map((names) => ({
                matchFields: [{ key: 'metadata.name', operator: 'In', values: names }],
              })),
            },
          },
        },
      });
    expect(pl.preFilter(new CycleState(), byName(['a'], ['b'])).result).toEqual(
      new Set(['a', 'b']),
    );
    expect(pl.preFilter(new CycleState(), makePod('p')).status?.code).toBe('Skip');
    const twoInOneTerm = makePod('p', {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchFields: [
                  { key: 'metadata.name', operator: 'In', values: ['a'] },
                  { key: 'metadata.name', operator: 'In', values: ['b'] },
                ],
              },
            ],
          },
        },
      },
    });
    const conflict = pl.preFilter(new CycleState(), twoInOneTerm).status;
    expect([conflict?.code, conflict?.message()]).toEqual([
      'UnschedulableAndUnresolvable',
      'pod affinity terms conflict',
    ]);
  });
});

describe('NodeAffinity score', () => {
  it('adds the weights of matching preferred terms, normalised', () => {
    const pod = makePod('p', {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 10,
              preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] },
            },
            {
              weight: 30,
              preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] },
            },
          ],
        },
      },
    });
    expect(
      scores(new NodeAffinity(), pod, [
        { node: makeNode('both', { labels: { zone: 'a', disk: 'ssd' } }) },
        { node: makeNode('zone', { labels: { zone: 'a' } }) },
        { node: makeNode('none') },
      ]),
    ).toEqual([100, 25, 0]);
    expect(scores(new NodeAffinity(), makePod('p'), [{ node: makeNode('x') }])).toBe('skip');
  });
});

import { describe, expect, it } from 'vitest';
import { Diagnosis, FitError, NodeToStatus, truncateMessage } from './fit-error.ts';
import { Status } from './status.ts';

const unsched = (...r: string[]): Status => new Status('Unschedulable', r);
const unresolvable = (...r: string[]): Status => new Status('UnschedulableAndUnresolvable', r);

function diagnosis(
  statuses: Record<string, Status>,
  o: { absent?: Status; pre?: string; post?: string } = {},
): Diagnosis {
  const m = new NodeToStatus(o.absent);
  for (const [n, s] of Object.entries(statuses)) m.set(n, s);
  const d = new Diagnosis(m);
  if (o.pre) d.preFilterMsg = o.pre;
  if (o.post) d.postFilterMsg = o.post;
  return d;
}

describe('FitError.message', () => {
  const cases: { name: string; nodes: number; d: Diagnosis; want: string }[] = [
    {
      name: 'one node, one reason, with preemption finding nothing',
      nodes: 1,
      d: diagnosis(
        { node1: unsched('Insufficient cpu') },
        {
          post: 'preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
        },
      ),
      want: '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    },
    {
      name: 'reasons counted over nodes and sorted as strings',
      nodes: 4,
      d: diagnosis({
        a: unsched('Insufficient memory'),
        b: unsched('Insufficient cpu', 'Insufficient memory'),
        c: unresolvable("node(s) didn't match Pod's node affinity/selector"),
        d: unresolvable('node(s) had untolerated taint {dedicated: gpu}'),
      }),
      want: "0/4 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient memory.",
    },
    {
      name: 'string order, not numeric: "10 ..." before "2 ..."',
      nodes: 12,
      d: diagnosis(
        Object.fromEntries([
          ...Array.from({ length: 10 }, (_, i) => [`m${i}`, unsched('Too many pods')]),
          ['x', unsched('Insufficient cpu')],
          ['y', unsched('Insufficient cpu')],
        ]),
      ),
      want: '0/12 nodes are available: 10 Too many pods, 2 Insufficient cpu.',
    },
    {
      name: 'nodes ruled out by PreFilter count under the absent-nodes status',
      nodes: 4,
      d: diagnosis(
        { node1: unsched('Insufficient cpu') },
        { absent: unresolvable("node(s) didn't satisfy plugin(s) [NodeAffinity]") },
      ),
      want: "0/4 nodes are available: 1 Insufficient cpu, 3 node(s) didn't satisfy plugin(s) [NodeAffinity].",
    },
    {
      name: 'a PreFilter rejection replaces the per-node reasons',
      nodes: 3,
      d: diagnosis(
        {},
        {
          absent: unresolvable('pod affinity terms conflict'),
          pre: 'pod affinity terms conflict',
          post: 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
        },
      ),
      want: '0/3 nodes are available: pod affinity terms conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    },
    {
      name: 'an absent-nodes status without reasons adds nothing',
      nodes: 2,
      d: diagnosis({ a: unsched('Insufficient cpu') }),
      want: '0/2 nodes are available: 1 Insufficient cpu.',
    },
    {
      name: 'preemption not eligible',
      nodes: 1,
      d: diagnosis(
        { a: unsched('Insufficient cpu') },
        { post: 'preemption: not eligible due to preemptionPolicy=Never.' },
      ),
      want: '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.',
    },
    {
      name: 'no reasons at all',
      nodes: 0,
      d: diagnosis({}),
      want: '0/0 nodes are available:',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(new FitError(c.nodes, c.d).message()).toBe(c.want);
    });
  }
});

describe('truncateMessage', () => {
  it('keeps short messages and cuts long ones to 1024 characters ending in " ..."', () => {
    expect(truncateMessage('short')).toBe('short');
    const long = 'x'.repeat(2000);
    const cut = truncateMessage(long);
    expect(cut).toHaveLength(1024);
    expect(cut.endsWith('x ...')).toBe(true);
    expect(truncateMessage('x'.repeat(1024))).toBe('x'.repeat(1024));
  });
});

describe('Status', () => {
  it('puts the error first in the message and treats rejections as rejections', () => {
    const s = new Status('UnschedulableAndUnresolvable', ['b']).withError(new Error('a'));
    expect(s.message()).toBe('a, b');
    expect(s.isRejected()).toBe(true);
    expect(Status.asStatus(new Error('boom')).isRejected()).toBe(false);
    expect(new Status('Unschedulable', ['x', 'y']).withPlugin('P').plugin).toBe('P');
  });
});

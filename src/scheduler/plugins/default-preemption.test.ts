import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../api/index.ts';
import { NodeInfo } from '../framework/node-info.ts';
import { CycleState } from '../framework/types.ts';
import { makeNode, makePod } from '../testing/builders.ts';
import { DefaultPreemption, type Candidate } from './default-preemption.ts';
import { newDefaultFramework } from './registry.ts';

/** A framework over fixed nodes whose preemption evictions are only recorded. */
function setup(nodes: readonly { node: Node; pods?: readonly Pod[] }[]) {
  const infos = nodes.map(({ node, pods }) => {
    const ni = new NodeInfo(node.metadata?.name ?? '', node);
    for (const p of pods ?? []) ni.addPod(p);
    return ni;
  });
  const evicted: string[] = [];
  const fw = newDefaultFramework({
    preemption: {
      nodeInfos: () => infos,
      runFilterPlugins: (state, pod, ni) => fw.runFilterPlugins(state, pod, ni),
      latestPod: () => undefined,
      preemptPod: (_preemptor, victim, node) => {
        evicted.push(`${victim.metadata?.name ?? ''}@${node}`);
        return Promise.resolve();
      },
    },
    now: () => Date.UTC(2026, 0, 1),
    random: () => 0,
  });
  /** Schedules the pod; when it fits nowhere, runs preemption and returns the full message. */
  const attempt = async (pod: Pod) => {
    const state = new CycleState();
    const r = fw.schedulePod(state, pod, infos);
    if (r.kind !== 'unschedulable') return { kind: r.kind, evicted };
    const pl = fw.postFilterPlugins[0];
    if (!pl) throw new Error('no PostFilter plugin');
    const { result, status } = await pl.postFilter(
      state,
      pod,
      r.fitError.diagnosis.nodeToStatus,
      new AbortController().signal,
    );
    r.fitError.diagnosis.postFilterMsg = status.message();
    return {
      kind: r.kind,
      message: r.fitError.message(),
      nominated: result?.nominatedNodeName,
      status: status.code,
      evicted,
    };
  };
  return { attempt, infos };
}

describe('DefaultPreemption', () => {
  const cases: {
    name: string;
    nodes: { node: Node; pods?: Pod[] }[];
    pod: Pod;
    message: string;
    nominated?: string;
    evicted?: string[];
  }[] = [
    {
      name: 'no lower-priority pods anywhere',
      nodes: [{ node: makeNode('n1', { cpu: '1' }), pods: [makePod('a', { cpu: '800m' })] }],
      pod: makePod('p', { cpu: '500m' }),
      message:
        '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
      nominated: '',
    },
    {
      name: 'nodes preemption cannot fix are "not helpful"',
      nodes: [
        { node: makeNode('n1', { cpu: '1' }) },
        { node: makeNode('n2', { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }) },
        { node: makeNode('n3', { unschedulable: true }) },
      ],
      pod: makePod('p', { cpu: '2' }),
      message:
        '0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {k: v}, 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
      nominated: '',
    },
    {
      name: 'evicting every lower-priority pod would still not be enough',
      nodes: [
        {
          node: makeNode('n1', { cpu: '1' }),
          pods: [
            makePod('low', { cpu: '200m', priority: 0 }),
            makePod('high', { cpu: '700m', priority: 100 }),
          ],
        },
      ],
      pod: makePod('p', { cpu: '500m', priority: 50 }),
      message:
        '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu.',
      nominated: '',
    },
    {
      name: 'preemptionPolicy Never',
      nodes: [{ node: makeNode('n1', { cpu: '1' }), pods: [makePod('low', { cpu: '800m' })] }],
      pod: makePod('p', { cpu: '500m', priority: 100, preemptionPolicy: 'Never' }),
      message:
        '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.',
    },
    {
      name: 'evicts the fewest, least important pods and nominates the node',
      nodes: [
        {
          node: makeNode('n1', { cpu: '1' }),
          pods: [
            makePod('a', { cpu: '300m', priority: 1 }),
            makePod('b', { cpu: '300m', priority: 2 }),
            makePod('c', { cpu: '300m', priority: 3 }),
          ],
        },
      ],
      pod: makePod('p', { cpu: '400m', priority: 10 }),
      // Removing all three frees 1000m; reprieving c then b (most important first) leaves 400m.
      message: '0/1 nodes are available: 1 Insufficient cpu.',
      nominated: 'n1',
      evicted: ['a@n1'],
    },
    {
      name: 'prefers the node whose most important victim matters least',
      nodes: [
        {
          node: makeNode('n1', { cpu: '1' }),
          pods: [makePod('mid', { cpu: '800m', priority: 5 })],
        },
        {
          node: makeNode('n2', { cpu: '1' }),
          pods: [makePod('low', { cpu: '800m', priority: 1 })],
        },
      ],
      pod: makePod('p', { cpu: '500m', priority: 10 }),
      message: '0/2 nodes are available: 2 Insufficient cpu.',
      nominated: 'n2',
      evicted: ['low@n2'],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { attempt } = setup(c.nodes);
      const r = await attempt(c.pod);
      expect(r.message).toBe(c.message);
      expect(r.nominated).toBe(c.nominated);
      expect(r.evicted).toEqual(c.evicted ?? []);
    });
  }

  it('is not eligible while victims on its nominated node are still terminating', () => {
    const victim = makePod('v', { cpu: '800m', deletionTimestamp: '2026-01-01T00:00:00Z' });
    victim.status = {
      ...victim.status,
      conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' }],
    };
    const ni = new NodeInfo('n1', makeNode('n1', { cpu: '1' }));
    ni.addPod(victim);
    const pl = new DefaultPreemption({
      handle: {
        nodeInfos: () => [ni],
        runFilterPlugins: () => undefined,
        latestPod: () => undefined,
        preemptPod: () => Promise.resolve(),
      },
      now: () => 0,
    });
    const pod = makePod('p', { priority: 10, nominatedNodeName: 'n1' });
    expect(pl.podEligibleToPreemptOthers(pod, undefined)).toBe(
      'not eligible due to a terminating pod on the nominated node.',
    );
    expect(
      pl.podEligibleToPreemptOthers(makePod('q', { priority: 10 }), undefined),
    ).toBeUndefined();
  });

  it('picks candidates by upstream criteria: fewer victims, then later start', () => {
    const pl = new DefaultPreemption({
      handle: {
        nodeInfos: () => [],
        runFilterPlugins: () => undefined,
        latestPod: () => undefined,
        preemptPod: () => Promise.resolve(),
      },
      now: () => 0,
    });
    const v = (name: string, priority: number, startTime: string) =>
      makePod(name, { priority, startTime });
    const candidates: Candidate[] = [
      {
        node: 'two',
        victims: [v('a', 1, '2026-01-01T00:00:00Z'), v('b', 1, '2026-01-01T00:00:00Z')],
      },
      { node: 'old', victims: [v('c', 1, '2026-01-01T00:00:00Z')] },
      { node: 'new', victims: [v('d', 1, '2026-01-02T00:00:00Z')] },
    ];
    expect(pl.selectCandidate(candidates)?.node).toBe('new');
  });
});

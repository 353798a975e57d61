import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../api/index.ts';
import { newDefaultFramework } from '../plugins/registry.ts';
import { makeNode, makePod } from '../testing/builders.ts';
import type { Framework } from './framework.ts';
import { NodeInfo } from './node-info.ts';
import { CycleState } from './types.ts';

function framework(random: () => number = () => 0): Framework {
  const fw: Framework = newDefaultFramework({
    preemption: {
      nodeInfos: () => [],
      runFilterPlugins: (state, pod, ni) => fw.runFilterPlugins(state, pod, ni),
      latestPod: () => undefined,
      preemptPod: () => Promise.resolve(),
    },
    now: () => 0,
    random,
  });
  return fw;
}

function infos(nodes: readonly { node: Node; pods?: readonly Pod[] }[]): NodeInfo[] {
  return nodes.map(({ node, pods }) => {
    const ni = new NodeInfo(node.metadata?.name ?? '', node);
    for (const p of pods ?? []) ni.addPod(p);
    return ni;
  });
}

describe('Framework.schedulePod', () => {
  it('says there are no nodes', () => {
    expect(framework().schedulePod(new CycleState(), makePod('p'), []).kind).toBe('noNodes');
  });

  it('picks the least allocated node', () => {
    const nodes = infos([
      { node: makeNode('busy', { cpu: '4' }), pods: [makePod('a', { cpu: '3', memory: '1Gi' })] },
      { node: makeNode('idle', { cpu: '4' }) },
    ]);
    const r = framework().schedulePod(
      new CycleState(),
      makePod('p', { cpu: '500m', memory: '1Gi' }),
      nodes,
    );
    expect(r).toMatchObject({
      kind: 'scheduled',
      host: 'idle',
      feasibleNodes: 2,
      evaluatedNodes: 2,
    });
  });

  it('breaks ties at random among the best nodes', () => {
    const nodes = infos([
      { node: makeNode('a') },
      { node: makeNode('b') },
      { node: makeNode('c') },
    ]);
    const pod = makePod('p', { cpu: '100m' });
    // Reservoir sampling: a replacement happens when random() * ties < 1.
    const host = (r: number): string => {
      const res = framework(() => r).schedulePod(new CycleState(), pod, nodes);
      return res.kind === 'scheduled' ? res.host : '';
    };
    expect(host(0)).toBe('c');
    expect(host(0.99)).toBe('a');
  });

  it('reports nodes a PreFilter plugin ruled out as not satisfying it', () => {
    const nodes = infos([
      { node: makeNode('n1', { cpu: '1' }), pods: [makePod('a', { cpu: '1' })] },
      { node: makeNode('n2') },
      { node: makeNode('n3') },
    ]);
    const pod = makePod('p', {
      cpu: '500m',
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] },
            ],
          },
        },
      },
    });
    const r = framework().schedulePod(new CycleState(), pod, nodes);
    expect(r.kind).toBe('unschedulable');
    if (r.kind !== 'unschedulable') return;
    expect(r.fitError.message()).toBe(
      "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].",
    );
    expect([...r.fitError.diagnosis.unschedulablePlugins].sort()).toEqual([
      'NodeAffinity',
      'NodeResourcesFit',
    ]);
  });

  it('reports the first failing filter per node, in upstream plugin order', () => {
    // Cordoned and tainted and too small: NodeUnschedulable runs first.
    const nodes = infos([
      {
        node: makeNode('n', {
          cpu: '1',
          unschedulable: true,
          taints: [{ key: 'k', effect: 'NoSchedule' }],
        }),
      },
    ]);
    const r = framework().schedulePod(new CycleState(), makePod('p', { cpu: '2' }), nodes);
    expect(r.kind === 'unschedulable' && r.fitError.message()).toBe(
      '0/1 nodes are available: 1 node(s) were unschedulable.',
    );
  });

  it('tries the nominated node first', () => {
    const nodes = infos([{ node: makeNode('a') }, { node: makeNode('b') }]);
    const r = framework(() => 0).schedulePod(
      new CycleState(),
      makePod('p', { nominatedNodeName: 'a' }),
      nodes,
    );
    expect(r).toMatchObject({ kind: 'scheduled', host: 'a', feasibleNodes: 1 });
  });

  it('finds enough feasible nodes, as upstream sizes it', () => {
    const fw = framework();
    expect(fw.numFeasibleNodesToFind(50)).toBe(50);
    expect(fw.numFeasibleNodesToFind(100)).toBe(100);
    expect(fw.numFeasibleNodesToFind(150)).toBe(100);
    expect(fw.numFeasibleNodesToFind(1000)).toBe(420);
    expect(fw.numFeasibleNodesToFind(5000)).toBe(500);
    expect(fw.numFeasibleNodesToFind(20000)).toBe(1000);
  });
});

/**
 * The default profile (upstream's default plugin set, v1.32), in upstream's order: Filter runs
 * NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit (the
 * first rejection is what a node reports); Score weighs TaintToleration 3, NodeAffinity 2,
 * NodeResourcesFit (LeastAllocated) 1 and NodeResourcesBalancedAllocation 1; PostFilter is
 * DefaultPreemption.
 */
import { Framework } from '../framework/framework.ts';
import { BalancedAllocation } from './balanced-allocation.ts';
import { DefaultPreemption, type PreemptionHandle } from './default-preemption.ts';
import { NodeAffinity } from './node-affinity.ts';
import { NodeName } from './node-name.ts';
import { NodePorts } from './node-ports.ts';
import { NodeResourcesFit } from './node-resources-fit.ts';
import { NodeUnschedulable } from './node-unschedulable.ts';
import { TaintToleration } from './taint-toleration.ts';

export interface DefaultFrameworkOptions {
  readonly preemption: PreemptionHandle;
  readonly now: () => number;
  readonly random?: () => number;
  readonly percentageOfNodesToScore?: number;
}

export function newDefaultFramework(opts: DefaultFrameworkOptions): Framework {
  const nodeUnschedulable = new NodeUnschedulable();
  const nodeName = new NodeName();
  const taintToleration = new TaintToleration();
  const nodeAffinity = new NodeAffinity();
  const nodePorts = new NodePorts();
  const fit = new NodeResourcesFit();
  return new Framework({
    preFilter: [nodeAffinity, nodePorts, fit],
    filter: [nodeUnschedulable, nodeName, taintToleration, nodeAffinity, nodePorts, fit],
    postFilter: [new DefaultPreemption({ handle: opts.preemption, now: opts.now })],
    score: [taintToleration, nodeAffinity, fit, new BalancedAllocation()],
    ...(opts.random ? { random: opts.random } : {}),
    ...(opts.percentageOfNodesToScore !== undefined
      ? { percentageOfNodesToScore: opts.percentageOfNodesToScore }
      : {}),
  });
}

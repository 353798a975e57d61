/**
 * NodeUnschedulable (upstream plugins/nodeunschedulable): keeps pods off cordoned nodes
 * (spec.unschedulable), unless the pod tolerates the node.kubernetes.io/unschedulable taint.
 */
import type { Pod } from '../../api/index.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import { Status } from '../framework/status.ts';
import { taintNodeUnschedulable, tolerationsTolerateTaint } from '../framework/taints.ts';
import {
  actionAdd,
  actionUpdateNodeTaint,
  actionUpdatePodToleration,
  asNode,
  type ClusterEventWithHint,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
} from '../framework/types.ts';

export const nodeUnschedulableName = 'NodeUnschedulable';
export const errReasonUnschedulable = 'node(s) were unschedulable';

function toleratesUnschedulable(pod: Pod): boolean {
  return tolerationsTolerateTaint(pod.spec?.tolerations, {
    key: taintNodeUnschedulable,
    effect: 'NoSchedule',
  });
}

export class NodeUnschedulable implements FilterPlugin, EnqueueExtensions {
  readonly name = nodeUnschedulableName;

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | undefined {
    if (!nodeInfo.node?.spec?.unschedulable || toleratesUnschedulable(pod)) return undefined;
    return new Status('UnschedulableAndUnresolvable', [errReasonUnschedulable]);
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      {
        event: { resource: 'Node', action: actionAdd | actionUpdateNodeTaint, label: 'Node' },
        hint: (pod, _old, newObj) =>
          !asNode(newObj)?.spec?.unschedulable || toleratesUnschedulable(pod),
      },
      {
        event: { resource: 'UnscheduledPod', action: actionUpdatePodToleration, label: 'Pod' },
      },
    ];
  }
}

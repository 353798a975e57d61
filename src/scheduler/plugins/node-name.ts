/**
 * NodeName (upstream plugins/nodename): a pod that names its node fits only that node. The
 * scheduler never sees pods with spec.nodeName set (they are the kubelet's), so this matters only
 * for preemption dry runs and completeness.
 */
import type { Pod } from '../../api/index.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import { Status } from '../framework/status.ts';
import {
  actionAdd,
  actionUpdate,
  asNode,
  type ClusterEventWithHint,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
} from '../framework/types.ts';

export const nodeNameName = 'NodeName';
export const errReasonNodeName = "node(s) didn't match the requested node name";

function fits(pod: Pod, nodeName: string): boolean {
  const wanted = pod.spec?.nodeName;
  return !wanted || wanted === nodeName;
}

export class NodeName implements FilterPlugin, EnqueueExtensions {
  readonly name = nodeNameName;

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | undefined {
    if (fits(pod, nodeInfo.name)) return undefined;
    return new Status('UnschedulableAndUnresolvable', [errReasonNodeName]);
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      {
        event: { resource: 'Node', action: actionAdd | actionUpdate, label: 'Node' },
        hint: (pod, _old, newObj) => fits(pod, asNode(newObj)?.metadata?.name ?? ''),
      },
    ];
  }
}

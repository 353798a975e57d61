/**
 * NodePorts (upstream plugins/nodeports): a pod asking for host ports fits only nodes where no
 * other pod holds the same protocol/port on the same (or every) address.
 */
import type { Pod } from '../../api/index.ts';
import { podHostPorts, type HostPort, type NodeInfo } from '../framework/node-info.ts';
import { Status } from '../framework/status.ts';
import {
  actionAdd,
  actionDelete,
  asPod,
  stateKey,
  type ClusterEventWithHint,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  type PreFilterPlugin,
  type PreFilterResult,
} from '../framework/types.ts';

export const nodePortsName = 'NodePorts';
export const errReasonNodePorts = "node(s) didn't have free ports for the requested pod ports";

const preFilterStateKey = stateKey<HostPort[]>('PreFilterNodePorts');

function samePort(a: HostPort, b: HostPort): boolean {
  if (a.protocol !== b.protocol || a.port !== b.port) return false;
  return a.hostIP === b.hostIP || a.hostIP === '0.0.0.0' || b.hostIP === '0.0.0.0';
}

export class NodePorts implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  readonly name = nodePortsName;

  preFilter(
    state: CycleState,
    pod: Pod,
  ): { readonly result?: PreFilterResult; readonly status?: Status | undefined } {
    const ports = podHostPorts(pod);
    if (ports.length === 0) return { status: new Status('Skip') };
    state.write(preFilterStateKey, ports);
    return {};
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | undefined {
    const wanted = state.read(preFilterStateKey) ?? podHostPorts(pod);
    for (const p of wanted) {
      if (nodeInfo.usedPorts.conflicts(p)) {
        return new Status('Unschedulable', [errReasonNodePorts]);
      }
    }
    return undefined;
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      {
        // A deleted pod frees its ports; only one that held a port this pod wants helps.
        event: { resource: 'AssignedPod', action: actionDelete, label: 'AssignedPodDelete' },
        hint: (pod, oldObj) => {
          const deleted = asPod(oldObj);
          if (!deleted) return true;
          const freed = podHostPorts(deleted);
          return podHostPorts(pod).some((p) => freed.some((f) => samePort(p, f)));
        },
      },
      { event: { resource: 'Node', action: actionAdd, label: 'NodeAdd' } },
    ];
  }
}

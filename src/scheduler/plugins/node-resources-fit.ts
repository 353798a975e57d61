/**
 * NodeResourcesFit (upstream plugins/noderesources, fit.go): the node must have room for the
 * pod's requests (cpu, memory, ephemeral-storage, extended resources, and one more pod) next to
 * the requests of the pods already there, assumed ones included. Scores with the LeastAllocated
 * strategy: the more cpu and memory stay free after placing the pod, the better.
 *
 * "Insufficient cpu" and friends are Unschedulable, not Unresolvable: evicting lower-priority pods
 * (preemption) may make room.
 */
import type { Node, Pod } from '../../api/index.ts';
import { NodeInfo, PodInfo } from '../framework/node-info.ts';
import { nodeAllocatable, isExtendedResourceName, type Resource } from '../framework/resource.ts';
import { Status } from '../framework/status.ts';
import {
  actionAdd,
  actionDelete,
  actionUpdateNodeAllocatable,
  asNode,
  asPod,
  maxNodeScore,
  stateKey,
  type ClusterEventWithHint,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  type PreFilterPlugin,
  type PreFilterResult,
  type ScorePlugin,
} from '../framework/types.ts';

export const nodeResourcesFitName = 'NodeResourcesFit';

/** One resource the pod needs more of than the node has left (upstream InsufficientResource). */
export interface InsufficientResource {
  readonly resourceName: string;
  readonly reason: string;
  readonly requested: number;
  readonly used: number;
  readonly capacity: number;
}

/** Everything the pod does not get on the node, in upstream's order (pods, cpu, memory, ...). */
export function fitsRequest(
  podRequest: Resource,
  nodeInfo: NodeInfo,
  ignoredExtendedResources: ReadonlySet<string> = new Set(),
): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const alloc = nodeInfo.allocatable;
  const used = nodeInfo.requested;
  if (nodeInfo.numPods + 1 > alloc.allowedPodNumber) {
    out.push({
      resourceName: 'pods',
      reason: 'Too many pods',
      requested: 1,
      used: nodeInfo.numPods,
      capacity: alloc.allowedPodNumber,
    });
  }
  if (podRequest.isZero()) return out;
  const check = (
    name: string,
    requested: number,
    inUse: number,
    capacity: number,
    reason = `Insufficient ${name}`,
  ): void => {
    if (requested > 0 && requested > capacity - inUse) {
      out.push({ resourceName: name, reason, requested, used: inUse, capacity });
    }
  };
  check('cpu', podRequest.milliCPU, used.milliCPU, alloc.milliCPU);
  check('memory', podRequest.memory, used.memory, alloc.memory);
  check(
    'ephemeral-storage',
    podRequest.ephemeralStorage,
    used.ephemeralStorage,
    alloc.ephemeralStorage,
  );
  for (const [name, quant] of podRequest.scalar) {
    if (quant === 0) continue;
    if (isExtendedResourceName(name) && ignoredExtendedResources.has(name)) continue;
    check(name, quant, used.scalar.get(name) ?? 0, alloc.scalar.get(name) ?? 0);
  }
  return out;
}

/** Whether the pod would fit the node if it were empty. */
function fitsEmptyNode(pod: Pod, node: Node): boolean {
  return (
    fitsRequest(new PodInfo(pod).res.requests, new NodeInfo(node.metadata?.name ?? '', node))
      .length === 0
  );
}

interface ScoreState {
  readonly milliCPU: number;
  readonly memory: number;
}

const preFilterStateKey = stateKey<Resource>('PreFilterNodeResourcesFit');
const preScoreStateKey = stateKey<ScoreState>('PreScoreNodeResourcesFit');

/** (capacity - requested) * 100 / capacity, 0 when over (upstream leastRequestedScore). */
function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * maxNodeScore) / capacity);
}

export class NodeResourcesFit
  implements PreFilterPlugin, FilterPlugin, ScorePlugin, EnqueueExtensions
{
  readonly name = nodeResourcesFitName;
  readonly weight: number;
  private readonly ignored: ReadonlySet<string>;

  constructor(opts: { weight?: number; ignoredResources?: readonly string[] } = {}) {
    this.weight = opts.weight ?? 1;
    this.ignored = new Set(opts.ignoredResources ?? []);
  }

  preFilter(
    state: CycleState,
    pod: Pod,
  ): { readonly result?: PreFilterResult; readonly status?: Status | undefined } {
    state.write(preFilterStateKey, new PodInfo(pod).res.requests);
    return {};
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | undefined {
    const request = state.read(preFilterStateKey) ?? new PodInfo(pod).res.requests;
    const insufficient = fitsRequest(request, nodeInfo, this.ignored);
    if (insufficient.length === 0) return undefined;
    return new Status(
      'Unschedulable',
      insufficient.map((r) => r.reason),
    );
  }

  preScore(state: CycleState, pod: Pod): Status | undefined {
    const res = new PodInfo(pod).res;
    const s: ScoreState = { milliCPU: res.nonZeroMilliCPU, memory: res.nonZeroMemory };
    state.write(preScoreStateKey, s);
    return undefined;
  }

  /** LeastAllocated over cpu and memory, weight 1 each, counting scoring's default requests. */
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    let s = state.read(preScoreStateKey);
    if (!s) {
      const res = new PodInfo(pod).res;
      s = { milliCPU: res.nonZeroMilliCPU, memory: res.nonZeroMemory };
    }
    const alloc = nodeInfo.allocatable;
    const req = nodeInfo.nonZeroRequested;
    const parts: [number, number][] = [
      [req.milliCPU + s.milliCPU, alloc.milliCPU],
      [req.memory + s.memory, alloc.memory],
    ];
    let total = 0;
    let weights = 0;
    for (const [requested, capacity] of parts) {
      if (capacity === 0) continue;
      total += leastRequestedScore(requested, capacity);
      weights += 1;
    }
    return weights === 0 ? 0 : Math.trunc(total / weights);
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      {
        // Any scheduled pod going away frees what it requested.
        event: { resource: 'AssignedPod', action: actionDelete, label: 'AssignedPodDelete' },
        hint: (_pod, oldObj) => Boolean(asPod(oldObj)?.spec?.nodeName),
      },
      {
        event: { resource: 'Node', action: actionAdd | actionUpdateNodeAllocatable, label: 'Node' },
        hint: (pod, oldObj, newObj) => {
          const node = asNode(newObj);
          if (!node || !fitsEmptyNode(pod, node)) return false;
          const old = asNode(oldObj);
          if (!old) return true;
          return grew(pod, nodeAllocatable(old), nodeAllocatable(node));
        },
      },
    ];
  }
}

/** Whether the node now offers more of something the pod asks for (or room for more pods). */
function grew(pod: Pod, before: Resource, after: Resource): boolean {
  if (after.allowedPodNumber > before.allowedPodNumber) return true;
  const req = new PodInfo(pod).res.requests;
  if (req.milliCPU > 0 && after.milliCPU > before.milliCPU) return true;
  if (req.memory > 0 && after.memory > before.memory) return true;
  if (req.ephemeralStorage > 0 && after.ephemeralStorage > before.ephemeralStorage) return true;
  for (const [name, q] of req.scalar) {
    if (q > 0 && (after.scalar.get(name) ?? 0) > (before.scalar.get(name) ?? 0)) return true;
  }
  return false;
}

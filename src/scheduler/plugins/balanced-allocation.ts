/**
 * NodeResourcesBalancedAllocation (upstream plugins/noderesources, balanced_allocation.go): favours
 * nodes whose cpu and memory would be used in similar proportions after placing the pod, so one
 * resource is not exhausted while the other idles. Score = (1 - std of the used fractions) * 100;
 * with two resources the std is half their difference. Counts actual requests; pods that request
 * nothing are not scored by it (they would otherwise pile onto one node).
 */
import type { Pod } from '../../api/index.ts';
import { PodInfo, type NodeInfo } from '../framework/node-info.ts';
import type { Resource } from '../framework/resource.ts';
import { Status } from '../framework/status.ts';
import { maxNodeScore, stateKey, type CycleState, type ScorePlugin } from '../framework/types.ts';

export const balancedAllocationName = 'NodeResourcesBalancedAllocation';

const preScoreStateKey = stateKey<Resource>('PreScoreNodeResourcesBalancedAllocation');

export class BalancedAllocation implements ScorePlugin {
  readonly name = balancedAllocationName;
  readonly weight: number;

  constructor(opts: { weight?: number } = {}) {
    this.weight = opts.weight ?? 1;
  }

  preScore(state: CycleState, pod: Pod): Status | undefined {
    const req = new PodInfo(pod).res.requests;
    if (req.milliCPU === 0 && req.memory === 0) return new Status('Skip');
    state.write(preScoreStateKey, req);
    return undefined;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const req = state.read(preScoreStateKey) ?? new PodInfo(pod).res.requests;
    const alloc = nodeInfo.allocatable;
    const used = nodeInfo.requested;
    const fractions: number[] = [];
    const add = (requested: number, capacity: number): void => {
      if (capacity === 0) return;
      fractions.push(Math.min(1, requested / capacity));
    };
    add(used.milliCPU + req.milliCPU, alloc.milliCPU);
    add(used.memory + req.memory, alloc.memory);
    let std = 0;
    if (fractions.length === 2) {
      std = Math.abs(((fractions[0] ?? 0) - (fractions[1] ?? 0)) / 2);
    } else if (fractions.length > 2) {
      const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
      std = Math.sqrt(fractions.reduce((a, f) => a + (f - mean) ** 2, 0) / fractions.length);
    }
    return Math.trunc((1 - std) * maxNodeScore);
  }
}

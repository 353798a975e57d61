/**
 * TaintToleration (upstream plugins/tainttoleration): a pod may land on a node only if it tolerates
 * every NoSchedule and NoExecute taint there (the node's own and those its conditions imply, see
 * framework/taints.ts); among the nodes it fits, fewer untolerated PreferNoSchedule taints score
 * higher.
 */
import type { Pod, Toleration } from '../../api/index.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import { Status } from '../framework/status.ts';
import {
  doNotScheduleTaint,
  effectiveTaints,
  findMatchingUntoleratedTaint,
  tolerationsTolerateTaint,
} from '../framework/taints.ts';
import {
  actionAdd,
  actionUpdateNodeTaint,
  actionUpdatePodToleration,
  asNode,
  maxNodeScore,
  stateKey,
  type ClusterEventWithHint,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  type NodeScore,
  type ScorePlugin,
} from '../framework/types.ts';
import { defaultNormalizeScore } from './normalize.ts';

export const taintTolerationName = 'TaintToleration';

const preScoreStateKey = stateKey<Toleration[]>('PreScoreTaintToleration');

/** The message for a node whose taint the pod does not tolerate. */
export function errReasonUntoleratedTaint(key: string, value: string | undefined): string {
  return `node(s) had untolerated taint {${key}: ${value ?? ''}}`;
}

export class TaintToleration implements FilterPlugin, ScorePlugin, EnqueueExtensions {
  readonly name = taintTolerationName;
  readonly weight: number;

  constructor(opts: { weight?: number } = {}) {
    this.weight = opts.weight ?? 3;
  }

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | undefined {
    const taint = findMatchingUntoleratedTaint(
      nodeInfo.taints,
      pod.spec?.tolerations,
      doNotScheduleTaint,
    );
    if (!taint) return undefined;
    return new Status('UnschedulableAndUnresolvable', [
      errReasonUntoleratedTaint(taint.key, taint.value),
    ]);
  }

  preScore(state: CycleState, pod: Pod): Status | undefined {
    // Only tolerations that can apply to PreferNoSchedule taints count.
    const tolerations = (pod.spec?.tolerations ?? []).filter(
      (t) => !t.effect || t.effect === 'PreferNoSchedule',
    );
    state.write(preScoreStateKey, tolerations);
    return undefined;
  }

  score(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number {
    const tolerations = state.read(preScoreStateKey) ?? [];
    let intolerable = 0;
    for (const taint of nodeInfo.taints) {
      if (taint.effect !== 'PreferNoSchedule') continue;
      if (!tolerationsTolerateTaint(tolerations, taint)) intolerable++;
    }
    return intolerable;
  }

  normalizeScore(_state: CycleState, _pod: Pod, scores: NodeScore[]): void {
    defaultNormalizeScore(maxNodeScore, true, scores);
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      {
        event: { resource: 'Node', action: actionAdd | actionUpdateNodeTaint, label: 'Node' },
        hint: (pod, _old, newObj) => {
          const node = asNode(newObj);
          if (!node) return false;
          const taint = findMatchingUntoleratedTaint(
            effectiveTaints(node),
            pod.spec?.tolerations,
            doNotScheduleTaint,
          );
          return taint === undefined;
        },
      },
      {
        event: { resource: 'UnscheduledPod', action: actionUpdatePodToleration, label: 'Pod' },
      },
    ];
  }
}

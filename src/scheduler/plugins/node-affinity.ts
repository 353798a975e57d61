/**
 * NodeAffinity (upstream plugins/nodeaffinity): the pod's spec.nodeSelector and required node
 * affinity must match the node; preferred node affinity terms add their weights to a node's score.
 *
 * PreFilter narrows the nodes when every required term pins metadata.name (as a DaemonSet pod's
 * affinity does): nodes outside that set are reported as "node(s) didn't satisfy plugin(s)
 * [NodeAffinity]" without being filtered.
 */
import type { Pod } from '../../api/index.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import { NodeSelectorMatcher, RequiredNodeAffinity } from '../framework/node-selector.ts';
import { Status } from '../framework/status.ts';
import {
  actionAdd,
  actionUpdateNodeLabel,
  asNode,
  maxNodeScore,
  stateKey,
  type ClusterEventWithHint,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  type NodeScore,
  type PreFilterPlugin,
  type PreFilterResult,
  type ScorePlugin,
} from '../framework/types.ts';
import { defaultNormalizeScore } from './normalize.ts';

export const nodeAffinityName = 'NodeAffinity';
export const errReasonPod = "node(s) didn't match Pod's node affinity/selector";
export const errReasonConflict = 'pod affinity terms conflict';

interface WeightedMatcher {
  readonly weight: number;
  readonly matcher: NodeSelectorMatcher;
}

const preFilterStateKey = stateKey<RequiredNodeAffinity>('PreFilterNodeAffinity');
const preScoreStateKey = stateKey<WeightedMatcher[]>('PreScoreNodeAffinity');

export class NodeAffinity implements PreFilterPlugin, FilterPlugin, ScorePlugin, EnqueueExtensions {
  readonly name = nodeAffinityName;
  readonly weight: number;

  constructor(opts: { weight?: number } = {}) {
    this.weight = opts.weight ?? 2;
  }

  preFilter(
    state: CycleState,
    pod: Pod,
  ): { readonly result?: PreFilterResult; readonly status?: Status | undefined } {
    const required =
      pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (!required && !pod.spec?.nodeSelector) {
      // Nothing for Filter to check.
      return { status: new Status('Skip') };
    }
    state.write(preFilterStateKey, new RequiredNodeAffinity(pod));
    const terms = required?.nodeSelectorTerms ?? [];
    if (terms.length === 0) return {};
    // Affinity to specific nodes by name: the union over terms of the intersection within a term.
    let names: Set<string> | undefined;
    for (const term of terms) {
      let termNames: Set<string> | undefined;
      for (const r of term.matchFields ?? []) {
        if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
        const s = new Set(r.values ?? []);
        termNames = termNames ? new Set([...termNames].filter((n) => s.has(n))) : s;
      }
      // A term without a name constraint lets every node through (terms are ORed).
      if (!termNames) return {};
      names = new Set([...(names ?? []), ...termNames]);
    }
    if (names && names.size === 0) {
      return { status: new Status('UnschedulableAndUnresolvable', [errReasonConflict]) };
    }
    return names ? { result: names } : {};
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | undefined {
    const node = nodeInfo.node;
    if (!node) return undefined;
    const required = state.read(preFilterStateKey) ?? new RequiredNodeAffinity(pod);
    if (required.match(node)) return undefined;
    return new Status('UnschedulableAndUnresolvable', [errReasonPod]);
  }

  preScore(state: CycleState, pod: Pod): Status | undefined {
    const preferred =
      pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    if (preferred.length === 0) return new Status('Skip');
    const matchers: WeightedMatcher[] = preferred
      .filter((t) => t.weight !== 0)
      .map((t) => ({ weight: t.weight, matcher: new NodeSelectorMatcher([t.preference]) }));
    state.write(preScoreStateKey, matchers);
    return undefined;
  }

  score(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number {
    const node = nodeInfo.node;
    if (!node) return 0;
    let count = 0;
    for (const m of state.read(preScoreStateKey) ?? []) {
      if (m.matcher.match(node)) count += m.weight;
    }
    return count;
  }

  normalizeScore(_state: CycleState, _pod: Pod, scores: NodeScore[]): void {
    defaultNormalizeScore(maxNodeScore, false, scores);
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      {
        event: { resource: 'Node', action: actionAdd | actionUpdateNodeLabel, label: 'Node' },
        hint: (pod, _old, newObj) => {
          const node = asNode(newObj);
          return node !== undefined && new RequiredNodeAffinity(pod).match(node);
        },
      },
    ];
  }
}

/** Runs a score plugin over nodes (PreScore, Score, NormalizeScore) as the framework does. */
import type { Node, Pod } from '../../api/index.ts';
import { NodeInfo } from '../framework/node-info.ts';
import { CycleState, type NodeScore, type ScorePlugin } from '../framework/types.ts';

/** The normalised scores per node, or 'skip' when PreScore skips the plugin for the pod. */
export function scores(
  plugin: ScorePlugin,
  pod: Pod,
  nodes: readonly { node: Node; pods?: readonly Pod[] }[],
): number[] | 'skip' {
  const state = new CycleState();
  const infos = nodes.map(({ node, pods }) => {
    const ni = new NodeInfo(node.metadata?.name ?? '', node);
    for (const p of pods ?? []) ni.addPod(p);
    return ni;
  });
  if (plugin.preScore?.(state, pod, infos)?.code === 'Skip') return 'skip';
  const list: NodeScore[] = infos.map((ni) => ({
    name: ni.name,
    score: plugin.score(state, pod, ni),
  }));
  plugin.normalizeScore?.(state, pod, list);
  return list.map((s) => s.score);
}

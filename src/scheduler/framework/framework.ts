/**
 * Runs a profile's plugins for one pod and picks its node (upstream frameworkImpl plus
 * schedule_one.go's schedulePod / findNodesThatFitPod / prioritizeNodes / selectHost).
 *
 *   schedulePod(pod, nodes):
 *     1. no nodes → "no nodes available to schedule pods"
 *     2. PreFilter; a rejection fails every node with its message
 *     3. the pod's nominated node first (after preemption); if it passes, it is the only choice
 *     4. Filter nodes from a rotating start until enough fit (all nodes below 100)
 *     5. none fits → FitError (the caller runs PostFilter)
 *     6. one fits → it; else PreScore, Score, NormalizeScore, weights; the highest total wins,
 *        ties broken at random
 *
 * Synchronous: no await between reading the node infos and returning.
 */
import type { Pod } from '../../api/index.ts';
import { Diagnosis, FitError, NodeToStatus } from './fit-error.ts';
import type { NodeInfo } from './node-info.ts';
import { Status } from './status.ts';
import {
  isEnqueueExtensions,
  type ClusterEventWithHint,
  type CycleState,
  type FilterPlugin,
  type NodeScore,
  type PostFilterPlugin,
  type PreFilterPlugin,
  type ScorePlugin,
} from './types.ts';

/** Below this many nodes, every node is filtered (upstream minFeasibleNodesToFind). */
const minFeasibleNodesToFind = 100;
const minFeasibleNodesPercentageToFind = 5;

export interface FrameworkOptions {
  readonly preFilter: readonly PreFilterPlugin[];
  readonly filter: readonly FilterPlugin[];
  readonly postFilter: readonly PostFilterPlugin[];
  readonly score: readonly ScorePlugin[];
  /** 0 (default): adaptive, as upstream (50% minus 1% per 125 nodes, at least 5%). */
  readonly percentageOfNodesToScore?: number;
  /** Randomness for breaking ties, in [0, 1). */
  readonly random?: () => number;
}

export type ScheduleResult =
  | {
      readonly kind: 'scheduled';
      readonly host: string;
      readonly evaluatedNodes: number;
      readonly feasibleNodes: number;
    }
  | { readonly kind: 'noNodes' }
  | { readonly kind: 'unschedulable'; readonly fitError: FitError }
  | { readonly kind: 'error'; readonly status: Status };

export class Framework {
  readonly preFilterPlugins: readonly PreFilterPlugin[];
  readonly filterPlugins: readonly FilterPlugin[];
  readonly postFilterPlugins: readonly PostFilterPlugin[];
  readonly scorePlugins: readonly ScorePlugin[];
  private readonly percentage: number;
  private readonly random: () => number;
  private nextStartNodeIndex = 0;

  constructor(opts: FrameworkOptions) {
    this.preFilterPlugins = opts.preFilter;
    this.filterPlugins = opts.filter;
    this.postFilterPlugins = opts.postFilter;
    this.scorePlugins = opts.score;
    this.percentage = opts.percentageOfNodesToScore ?? 0;
    this.random = opts.random ?? Math.random;
  }

  /** Every plugin's event registrations, by plugin name (for the queue). */
  eventRegistrations(): Map<string, readonly ClusterEventWithHint[]> {
    const out = new Map<string, readonly ClusterEventWithHint[]>();
    const all = [
      ...this.preFilterPlugins,
      ...this.filterPlugins,
      ...this.postFilterPlugins,
      ...this.scorePlugins,
    ];
    for (const p of all) {
      if (!out.has(p.name) && isEnqueueExtensions(p)) out.set(p.name, p.eventsToRegister());
    }
    return out;
  }

  /**
   * PreFilter plugins in order: Skip turns off that plugin's Filter; a rejection ends the run;
   * node sets from several plugins are intersected.
   */
  runPreFilterPlugins(
    state: CycleState,
    pod: Pod,
  ): { result: Set<string> | undefined; status: Status | undefined; pluginsWithNodes: string[] } {
    let result: Set<string> | undefined;
    const pluginsWithNodes: string[] = [];
    for (const pl of this.preFilterPlugins) {
      const r = pl.preFilter(state, pod);
      const s = r.status;
      if (s?.code === 'Skip') {
        state.skipFilterPlugins.add(pl.name);
        continue;
      }
      if (s && !s.isSuccess()) {
        const status = s.isRejected()
          ? s.withPlugin(pl.name)
          : new Status(
              'Error',
              [],
              pl.name,
              new Error(`running PreFilter plugin "${pl.name}": ${s.message()}`),
            );
        return { result: undefined, status, pluginsWithNodes };
      }
      if (r.result !== undefined) {
        pluginsWithNodes.push(pl.name);
        const names = r.result;
        result = result ? new Set([...result].filter((n) => names.has(n))) : new Set(names);
        if (result.size === 0) {
          const msg =
            pluginsWithNodes.length === 1
              ? `node(s) didn't satisfy plugin ${pluginsWithNodes[0] ?? ''}`
              : `node(s) didn't satisfy plugin(s) [${pluginsWithNodes.join(' ')}] simultaneously`;
          return {
            result: undefined,
            status: new Status('UnschedulableAndUnresolvable', [msg]),
            pluginsWithNodes,
          };
        }
      }
    }
    return { result, status: undefined, pluginsWithNodes };
  }

  /** Filter plugins in order; the first rejection is the node's status. */
  runFilterPlugins(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | undefined {
    for (const pl of this.filterPlugins) {
      if (state.skipFilterPlugins.has(pl.name)) continue;
      const s = pl.filter(state, pod, nodeInfo);
      if (s && !s.isSuccess()) {
        if (!s.isRejected()) {
          return new Status(
            'Error',
            [],
            pl.name,
            new Error(`running "${pl.name}" filter plugin: ${s.message()}`),
          );
        }
        return s.withPlugin(pl.name);
      }
    }
    return undefined;
  }

  /** How many feasible nodes are enough (upstream numFeasibleNodesToFind). */
  numFeasibleNodesToFind(numAllNodes: number): number {
    if (numAllNodes < minFeasibleNodesToFind) return numAllNodes;
    let percentage = this.percentage;
    if (percentage === 0) {
      percentage = Math.max(50 - Math.trunc(numAllNodes / 125), minFeasibleNodesPercentageToFind);
    }
    const n = Math.trunc((numAllNodes * percentage) / 100);
    return n < minFeasibleNodesToFind ? minFeasibleNodesToFind : n;
  }

  /** See the steps at the top of the file. */
  schedulePod(state: CycleState, pod: Pod, allNodes: readonly NodeInfo[]): ScheduleResult {
    if (allNodes.length === 0) return { kind: 'noNodes' };
    const diagnosis = new Diagnosis(new NodeToStatus());
    const feasible = this.findNodesThatFitPod(state, pod, allNodes, diagnosis);
    if (feasible instanceof Status) return { kind: 'error', status: feasible };
    if (feasible.length === 0) {
      return { kind: 'unschedulable', fitError: new FitError(allNodes.length, diagnosis) };
    }
    const evaluatedNodes = feasible.length + diagnosis.nodeToStatus.size;
    const only = feasible[0];
    if (feasible.length === 1 && only) {
      return { kind: 'scheduled', host: only.name, evaluatedNodes, feasibleNodes: 1 };
    }
    const scores = this.prioritizeNodes(state, pod, feasible);
    return {
      kind: 'scheduled',
      host: this.selectHost(scores),
      evaluatedNodes,
      feasibleNodes: feasible.length,
    };
  }

  private findNodesThatFitPod(
    state: CycleState,
    pod: Pod,
    allNodes: readonly NodeInfo[],
    diagnosis: Diagnosis,
  ): NodeInfo[] | Status {
    const pre = this.runPreFilterPlugins(state, pod);
    if (pre.status) {
      if (!pre.status.isRejected()) return pre.status;
      // Every node shares the PreFilter status, so preemption sees them all as rejected by it.
      diagnosis.nodeToStatus.setAbsentNodesStatus(pre.status);
      diagnosis.preFilterMsg = pre.status.message();
      diagnosis.addPluginStatus(pre.status);
      for (const p of pre.pluginsWithNodes) diagnosis.unschedulablePlugins.add(p);
      return [];
    }
    // After preemption the pod is nominated to a node: try it alone first.
    const nominated = pod.status?.nominatedNodeName;
    if (nominated) {
      const ni = allNodes.find((n) => n.name === nominated);
      if (ni && (pre.result === undefined || pre.result.has(ni.name))) {
        const s = this.runFilterPlugins(state, pod, ni);
        if (s === undefined || s.isSuccess()) return [ni];
      }
    }
    let nodes = allNodes;
    if (pre.result !== undefined) {
      const names = pre.result;
      nodes = allNodes.filter((n) => names.has(n.name));
      diagnosis.nodeToStatus.setAbsentNodesStatus(
        new Status('UnschedulableAndUnresolvable', [
          `node(s) didn't satisfy plugin(s) [${[...pre.pluginsWithNodes].sort().join(' ')}]`,
        ]),
      );
      for (const p of pre.pluginsWithNodes) diagnosis.unschedulablePlugins.add(p);
    }
    return this.findNodesThatPassFilters(state, pod, nodes, diagnosis);
  }

  private findNodesThatPassFilters(
    state: CycleState,
    pod: Pod,
    nodes: readonly NodeInfo[],
    diagnosis: Diagnosis,
  ): NodeInfo[] {
    const numAll = nodes.length;
    if (numAll === 0) return [];
    const wanted = this.numFeasibleNodesToFind(numAll);
    const feasible: NodeInfo[] = [];
    let processed = 0;
    for (let i = 0; i < numAll && feasible.length < wanted; i++) {
      const ni = nodes[(this.nextStartNodeIndex + i) % numAll];
      if (!ni) continue;
      processed++;
      const s = this.runFilterPlugins(state, pod, ni);
      if (s === undefined || s.isSuccess()) {
        feasible.push(ni);
      } else {
        diagnosis.nodeToStatus.set(ni.name, s);
        diagnosis.addPluginStatus(s);
      }
    }
    // Start the next pod where this one stopped, so every node gets its turn.
    this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % numAll;
    return feasible;
  }

  /** Total weighted score per feasible node. */
  prioritizeNodes(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): NodeScore[] {
    const totals: NodeScore[] = nodes.map((n) => ({ name: n.name, score: 0 }));
    if (this.scorePlugins.length === 0) {
      for (const t of totals) t.score = 1;
      return totals;
    }
    for (const pl of this.scorePlugins) {
      const s = pl.preScore?.(state, pod, nodes);
      if (s?.code === 'Skip') state.skipScorePlugins.add(pl.name);
    }
    for (const pl of this.scorePlugins) {
      if (state.skipScorePlugins.has(pl.name)) continue;
      const scores: NodeScore[] = nodes.map((n) => ({
        name: n.name,
        score: pl.score(state, pod, n),
      }));
      pl.normalizeScore?.(state, pod, scores);
      scores.forEach((s, i) => {
        const t = totals[i];
        if (t) t.score += s.score * pl.weight;
      });
    }
    return totals;
  }

  /** The highest score; among equals, each has the same chance (reservoir sampling, as upstream). */
  selectHost(scores: readonly NodeScore[]): string {
    let best: NodeScore | undefined;
    let ties = 0;
    for (const s of scores) {
      if (!best || s.score > best.score) {
        best = s;
        ties = 1;
      } else if (s.score === best.score) {
        ties++;
        if (Math.floor(this.random() * ties) === 0) best = s;
      }
    }
    return best?.name ?? '';
  }
}

/**
 * DefaultPreemption (upstream plugins/defaultpreemption and framework/preemption): when a pod fits
 * no node, look for nodes where evicting lower-priority pods would make it fit.
 *
 *   postFilter(pod):
 *     1. not eligible (preemptionPolicy Never, or victims still terminating on its nominated
 *        node) → Unschedulable "preemption: not eligible due to ..."
 *     2. candidates: nodes whose rejection was Unschedulable (resolvable); on each, remove every
 *        lower-priority pod; if the pod then passes the filters, add back (reprieve) as many of
 *        them as still leave room, most important first; the rest are the victims
 *     3. no candidate → Unschedulable "preemption: 0/N nodes are available: ..." with each node's
 *        reason ("No preemption victims found for incoming pod", a filter's reason, or
 *        "Preemption is not helpful for scheduling" for nodes preemption cannot fix), and the
 *        pod's nomination is cleared
 *     4. best candidate (fewest and least important victims); evict its victims (DisruptionTarget
 *        condition, delete, "Preempted" event) → Success with the node to nominate
 *
 * The pod itself is not bound in this cycle: it waits, nominated, for the victims to go and is
 * retried when they are deleted. PodDisruptionBudgets are not considered (podbay serves none).
 */
import type { Pod } from '../../api/index.ts';
import { FitError, Diagnosis, NodeToStatus } from '../framework/fit-error.ts';
import { podPriority, type NodeInfo, type PodInfo } from '../framework/node-info.ts';
import { Status, isSuccess } from '../framework/status.ts';
import type { CycleState, PostFilterPlugin, PostFilterResult } from '../framework/types.ts';

export const defaultPreemptionName = 'DefaultPreemption';
export const errReasonNoVictims = 'No preemption victims found for incoming pod';
export const errReasonNotHelpful = 'Preemption is not helpful for scheduling';
export const errReasonPolicyNever = 'not eligible due to preemptionPolicy=Never.';
export const errReasonTerminatingOnNominated =
  'not eligible due to a terminating pod on the nominated node.';

/** What preemption needs from the scheduler. */
export interface PreemptionHandle {
  /** The node infos of the current cycle (not to be modified: clone first). */
  nodeInfos(): readonly NodeInfo[];
  /** Runs the Filter plugins (after this cycle's PreFilter) on one node. */
  runFilterPlugins(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | undefined;
  /** The latest version of the pod, from the informer. */
  latestPod(pod: Pod): Pod | undefined;
  /** Evicts one victim in favour of `preemptor`; throws when that failed. */
  preemptPod(preemptor: Pod, victim: Pod, nodeName: string, signal: AbortSignal): Promise<void>;
}

export interface Candidate {
  readonly node: string;
  /** Most important first. */
  readonly victims: readonly Pod[];
}

const maxInt32 = 2 ** 31 - 1;

function startTime(pod: Pod, now: number): number {
  const t = pod.status?.startTime;
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? now : ms;
}

/** Higher priority first, then the one that started earlier (upstream MoreImportantPod). */
function moreImportant(a: Pod, b: Pod, now: number): number {
  const pa = podPriority(a);
  const pb = podPriority(b);
  if (pa !== pb) return pb - pa;
  return startTime(a, now) - startTime(b, now);
}

/** A pod being deleted because the scheduler preempted it. */
function terminatingByPreemption(pod: Pod): boolean {
  if (!pod.metadata?.deletionTimestamp) return false;
  return (pod.status?.conditions ?? []).some(
    (c) =>
      c.type === 'DisruptionTarget' && c.status === 'True' && c.reason === 'PreemptionByScheduler',
  );
}

export class DefaultPreemption implements PostFilterPlugin {
  readonly name = defaultPreemptionName;
  private readonly handle: PreemptionHandle;
  private readonly now: () => number;

  constructor(opts: { handle: PreemptionHandle; now: () => number }) {
    this.handle = opts.handle;
    this.now = opts.now;
  }

  async postFilter(
    state: CycleState,
    pod: Pod,
    m: NodeToStatus,
    signal: AbortSignal,
  ): Promise<{ readonly result?: PostFilterResult; readonly status: Status }> {
    const { result, status } = await this.preempt(state, pod, m, signal);
    const msg = status.message();
    if (msg !== '') {
      return {
        ...(result ? { result } : {}),
        status: new Status(status.code, [`preemption: ${msg}`], status.plugin),
      };
    }
    return { ...(result ? { result } : {}), status };
  }

  private async preempt(
    state: CycleState,
    podIn: Pod,
    m: NodeToStatus,
    signal: AbortSignal,
  ): Promise<{ result?: PostFilterResult; status: Status }> {
    const pod = this.handle.latestPod(podIn) ?? podIn;
    const nominated = pod.status?.nominatedNodeName ?? '';
    const notEligible = this.podEligibleToPreemptOthers(
      pod,
      nominated ? m.get(nominated) : undefined,
    );
    if (notEligible) return { status: new Status('Unschedulable', [notEligible]) };

    const allNodes = this.handle.nodeInfos();
    if (allNodes.length === 0) return { status: Status.asStatus(new Error('no nodes available')) };
    const { candidates, nodeToStatus } = this.findCandidates(state, pod, allNodes, m);
    if (candidates.length === 0) {
      nodeToStatus.setAbsentNodesStatus(
        new Status('UnschedulableAndUnresolvable', [errReasonNotHelpful]),
      );
      const fitError = new FitError(allNodes.length, new Diagnosis(nodeToStatus));
      return {
        result: { nominatedNodeName: '' },
        status: new Status('Unschedulable', [fitError.message()]),
      };
    }
    const best = this.selectCandidate(candidates);
    if (!best) return { status: new Status('Unschedulable', ['no candidate node for preemption']) };
    try {
      for (const victim of best.victims) {
        await this.handle.preemptPod(pod, victim, best.node, signal);
      }
    } catch (err) {
      return { status: Status.asStatus(err) };
    }
    return { result: { nominatedNodeName: best.node }, status: new Status('Success') };
  }

  /** undefined when eligible, else the reason (upstream PodEligibleToPreemptOthers). */
  podEligibleToPreemptOthers(
    pod: Pod,
    nominatedNodeStatus: Status | undefined,
  ): string | undefined {
    if (pod.spec?.preemptionPolicy === 'Never') return errReasonPolicyNever;
    const nominated = pod.status?.nominatedNodeName;
    if (nominated) {
      // The nominated node no longer fits at all: preempting elsewhere is fine.
      if (nominatedNodeStatus?.code === 'UnschedulableAndUnresolvable') return undefined;
      const ni = this.handle.nodeInfos().find((n) => n.name === nominated);
      if (ni) {
        const prio = podPriority(pod);
        for (const p of ni.pods) {
          if (podPriority(p.pod) < prio && terminatingByPreemption(p.pod)) {
            return errReasonTerminatingOnNominated;
          }
        }
      }
    }
    return undefined;
  }

  /** Candidates on the nodes where preemption may help, and why the others cannot host the pod. */
  findCandidates(
    state: CycleState,
    pod: Pod,
    allNodes: readonly NodeInfo[],
    m: NodeToStatus,
  ): { candidates: Candidate[]; nodeToStatus: NodeToStatus } {
    const nodeToStatus = new NodeToStatus();
    const candidates: Candidate[] = [];
    for (const ni of m.nodesForStatusCode(allNodes, 'Unschedulable')) {
      const { victims, status } = this.selectVictimsOnNode(state, pod, ni.clone());
      if (isSuccess(status) && victims.length > 0) {
        candidates.push({ node: ni.name, victims });
        continue;
      }
      nodeToStatus.set(
        ni.name,
        status && !status.isSuccess()
          ? status
          : Status.asStatus(new Error(`expected at least one victim pod on node "${ni.name}"`)),
      );
    }
    return { candidates, nodeToStatus };
  }

  /** The fewest victims on `nodeInfo` (a clone) that make room (upstream SelectVictimsOnNode). */
  selectVictimsOnNode(
    state: CycleState,
    pod: Pod,
    nodeInfo: NodeInfo,
  ): { victims: Pod[]; status: Status | undefined } {
    const prio = podPriority(pod);
    const potential: PodInfo[] = [];
    for (const pi of [...nodeInfo.pods]) {
      if (podPriority(pi.pod) < prio) {
        potential.push(pi);
        nodeInfo.removePod(pi.key);
      }
    }
    if (potential.length === 0) {
      return {
        victims: [],
        status: new Status('UnschedulableAndUnresolvable', [errReasonNoVictims]),
      };
    }
    // Even without every lower-priority pod the pod does not fit: this node cannot help.
    const s = this.handle.runFilterPlugins(state, pod, nodeInfo);
    if (!isSuccess(s)) return { victims: [], status: s };
    const now = this.now();
    potential.sort((a, b) => moreImportant(a.pod, b.pod, now));
    const victims: Pod[] = [];
    for (const pi of potential) {
      nodeInfo.addPodInfo(pi);
      if (!isSuccess(this.handle.runFilterPlugins(state, pod, nodeInfo))) {
        nodeInfo.removePod(pi.key);
        victims.push(pi.pod);
      }
    }
    return { victims, status: undefined };
  }

  /**
   * The candidate that hurts least (upstream pickOneNodeForPreemption): lowest most-important
   * victim, then lowest sum of priorities, then fewest victims, then the latest-started
   * most-important victims, then the first.
   */
  selectCandidate(candidates: readonly Candidate[]): Candidate | undefined {
    const now = this.now();
    const highest = (c: Candidate): number => (c.victims[0] ? podPriority(c.victims[0]) : 0);
    const sumPriorities = (c: Candidate): number =>
      c.victims.reduce((s, v) => s + podPriority(v) + maxInt32 + 1, 0);
    const earliestStartOfHighest = (c: Candidate): number => {
      const top = highest(c);
      let earliest = Infinity;
      for (const v of c.victims) {
        if (podPriority(v) === top) earliest = Math.min(earliest, startTime(v, now));
      }
      return earliest;
    };
    const keep = (
      list: Candidate[],
      score: (c: Candidate) => number,
      prefer: 'min' | 'max',
    ): Candidate[] => {
      let best = prefer === 'min' ? Infinity : -Infinity;
      for (const c of list) {
        const s = score(c);
        if (prefer === 'min' ? s < best : s > best) best = s;
      }
      return list.filter((c) => score(c) === best);
    };
    let list = [...candidates];
    list = keep(list, highest, 'min');
    list = keep(list, sumPriorities, 'min');
    list = keep(list, (c) => c.victims.length, 'min');
    list = keep(list, earliestStartOfHighest, 'max');
    return list[0];
  }
}

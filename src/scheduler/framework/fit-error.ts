/**
 * Why a pod fits no node, and the message users read about it (upstream framework.Diagnosis,
 * NodeToStatus and FitError). The message has the upstream shape, character for character:
 *
 *   0/<all nodes> nodes are available: <PreFilter message>. <PostFilter message>
 *   0/<all nodes> nodes are available: <n reason>, <n reason>. <PostFilter message>
 *
 * where each "<n reason>" counts the nodes that gave that reason (nodes not listed explicitly all
 * count under the absent-nodes status), the pieces sorted as strings; and the PostFilter message
 * is preemption's, itself such a message after "preemption: ".
 */
import { Status, type StatusCode } from './status.ts';

/** The format of the summary's head (upstream NoNodeAvailableMsg). */
export function noNodeAvailableMsg(numAllNodes: number): string {
  return `0/${numAllNodes} nodes are available`;
}

/** What an empty cluster says (upstream ErrNoNodesAvailable). */
export const errNoNodesAvailable = 'no nodes available to schedule pods';

/**
 * The status of each rejected node, plus one shared status for nodes not listed (those a PreFilter
 * plugin ruled out, or every node when a PreFilter plugin failed).
 */
export class NodeToStatus {
  private readonly statuses = new Map<string, Status>();
  private absent: Status;

  constructor(absent: Status = new Status('UnschedulableAndUnresolvable')) {
    this.absent = absent;
  }

  set(node: string, status: Status): void {
    this.statuses.set(node, status);
  }

  /** The node's status: its own, else the absent-nodes status. */
  get(node: string): Status {
    return this.statuses.get(node) ?? this.absent;
  }

  /** Number of nodes with their own status. */
  get size(): number {
    return this.statuses.size;
  }

  setAbsentNodesStatus(status: Status): void {
    this.absent = status;
  }

  absentNodesStatus(): Status {
    return this.absent;
  }

  explicit(): IterableIterator<[string, Status]> {
    return this.statuses.entries();
  }

  /** Nodes (of `allNodes`) whose status has `code`; used to find where preemption may help. */
  nodesForStatusCode<N extends { readonly name: string }>(
    allNodes: readonly N[],
    code: StatusCode,
  ): N[] {
    return allNodes.filter((n) => this.get(n.name).code === code);
  }
}

/** Everything known about one failed scheduling attempt. */
export class Diagnosis {
  readonly nodeToStatus: NodeToStatus;
  /** Plugins that rejected the pod: the queue retries it when events they care about happen. */
  readonly unschedulablePlugins = new Set<string>();
  preFilterMsg = '';
  postFilterMsg = '';

  constructor(nodeToStatus: NodeToStatus = new NodeToStatus()) {
    this.nodeToStatus = nodeToStatus;
  }

  addPluginStatus(status: Status): void {
    if (status.plugin && status.isRejected()) this.unschedulablePlugins.add(status.plugin);
  }
}

/** Go's sort.Strings: byte order, which for these ASCII reasons is UTF-16 order. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The pod fits no node: `message()` is the text of the FailedScheduling event and condition. */
export class FitError {
  readonly numAllNodes: number;
  readonly diagnosis: Diagnosis;

  constructor(numAllNodes: number, diagnosis: Diagnosis) {
    this.numAllNodes = numAllNodes;
    this.diagnosis = diagnosis;
  }

  message(): string {
    let msg = `${noNodeAvailableMsg(this.numAllNodes)}:`;
    const d = this.diagnosis;
    if (d.preFilterMsg !== '') {
      // Every node has the PreFilter status then; listing them again would repeat the reason.
      msg += ` ${d.preFilterMsg}.`;
    } else {
      const counts = new Map<string, number>();
      const nts = d.nodeToStatus;
      for (const [, status] of nts.explicit()) {
        for (const reason of status.allReasons()) counts.set(reason, (counts.get(reason) ?? 0) + 1);
      }
      if (nts.size < this.numAllNodes) {
        const absent = this.numAllNodes - nts.size;
        for (const reason of nts.absentNodesStatus().allReasons()) {
          counts.set(reason, (counts.get(reason) ?? 0) + absent);
        }
      }
      const histogram = [...counts].map(([reason, n]) => `${n} ${reason}`).sort(compareStrings);
      if (histogram.length > 0) msg += ` ${histogram.join(', ')}.`;
    }
    if (d.postFilterMsg !== '') msg += ` ${d.postFilterMsg}`;
    return msg;
  }
}

/** Events and conditions carry at most this many characters (upstream NoteLengthLimit). */
export const noteLengthLimit = 1024;

/** Cuts an over-long message as upstream's truncateMessage does: "<start> ...". */
export function truncateMessage(message: string, max = noteLengthLimit): string {
  if (message.length <= max) return message;
  const suffix = ' ...';
  return message.slice(0, max - suffix.length) + suffix;
}

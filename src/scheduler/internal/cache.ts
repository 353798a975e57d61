/**
 * The scheduler cache (upstream internal/cache): a NodeInfo per node with the pods bound to it, fed
 * by the node and pod informers, plus pods the scheduler has *assumed* onto a node while their
 * binding is in flight, so the next pod sees their requests and ports at once.
 *
 *   assumePod ──▶ [assumed] ──finishBinding──▶ [assumed, bound] ──addPod (informer)──▶ [added]
 *                     │                                                                  │
 *                  forgetPod (binding failed)                               updatePod / removePod
 *                     ▼
 *                  (gone)
 *
 * Assumed pods do not expire (upstream's default since 1.x, durationToExpireAssumedPod = 0): the
 * informer's add (the bound pod) or delete always follows a successful binding.
 *
 * Nodes: a NodeInfo can outlive its Node while pods still point at it (the node was deleted first);
 * only NodeInfos with a Node are scheduling candidates.
 */
import type { Node, Pod } from '../../api/index.ts';
import { NodeInfo, PodInfo, podKey } from '../framework/node-info.ts';

interface PodState {
  pod: Pod;
  nodeName: string;
  assumed: boolean;
  bindingFinished: boolean;
}

export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly podStates = new Map<string, PodState>();

  private nodeInfo(name: string): NodeInfo {
    let ni = this.nodes.get(name);
    if (!ni) {
      ni = new NodeInfo(name);
      this.nodes.set(name, ni);
    }
    return ni;
  }

  private cleanup(name: string): void {
    const ni = this.nodes.get(name);
    if (ni && !ni.node && ni.numPods === 0) this.nodes.delete(name);
  }

  // ---- nodes ------------------------------------------------------------------------------------

  addNode(node: Node): void {
    this.nodeInfo(node.metadata?.name ?? '').setNode(node);
  }

  updateNode(node: Node): void {
    this.addNode(node);
  }

  removeNode(node: Node): void {
    const name = node.metadata?.name ?? '';
    const ni = this.nodes.get(name);
    if (!ni) return;
    ni.removeNode();
    this.cleanup(name);
  }

  /** Scheduling candidates: every NodeInfo with a Node, in a stable order. */
  nodeInfoList(): NodeInfo[] {
    const out: NodeInfo[] = [];
    for (const ni of this.nodes.values()) if (ni.node) out.push(ni);
    return out;
  }

  getNodeInfo(name: string): NodeInfo | undefined {
    const ni = this.nodes.get(name);
    return ni?.node ? ni : undefined;
  }

  // ---- pods -------------------------------------------------------------------------------------

  /** Counts `pod` (with spec.nodeName set) on its node before the binding is confirmed. */
  assumePod(pod: Pod): void {
    const key = podKey(pod);
    if (this.podStates.has(key)) throw new Error(`pod ${key} is in the cache, so can't be assumed`);
    const nodeName = pod.spec?.nodeName ?? '';
    this.nodeInfo(nodeName).addPodInfo(new PodInfo(pod));
    this.podStates.set(key, { pod, nodeName, assumed: true, bindingFinished: false });
  }

  finishBinding(pod: Pod): void {
    const s = this.podStates.get(podKey(pod));
    if (s?.assumed) s.bindingFinished = true;
  }

  /** Drops an assumed pod whose binding failed. */
  forgetPod(pod: Pod): void {
    const key = podKey(pod);
    const s = this.podStates.get(key);
    if (!s?.assumed) return;
    this.nodes.get(s.nodeName)?.removePod(key);
    this.cleanup(s.nodeName);
    this.podStates.delete(key);
  }

  isAssumedPod(pod: Pod): boolean {
    return this.podStates.get(podKey(pod))?.assumed ?? false;
  }

  /** A bound pod seen by the informer; confirms an assumed one (perhaps on another node). */
  addPod(pod: Pod): void {
    const key = podKey(pod);
    const s = this.podStates.get(key);
    if (s) {
      this.nodes.get(s.nodeName)?.removePod(key);
      this.cleanup(s.nodeName);
    }
    const nodeName = pod.spec?.nodeName ?? '';
    this.nodeInfo(nodeName).addPodInfo(new PodInfo(pod));
    this.podStates.set(key, { pod, nodeName, assumed: false, bindingFinished: false });
  }

  updatePod(pod: Pod): void {
    this.addPod(pod);
  }

  removePod(pod: Pod): void {
    const key = podKey(pod);
    const s = this.podStates.get(key);
    const nodeName = s?.nodeName ?? pod.spec?.nodeName ?? '';
    this.nodes.get(nodeName)?.removePod(key);
    this.cleanup(nodeName);
    this.podStates.delete(key);
  }

  /** Number of pods known (bound and assumed). */
  get podCount(): number {
    return this.podStates.size;
  }
}

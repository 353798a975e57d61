/**
 * What the scheduler knows about one node (upstream framework.NodeInfo): the Node object, the pods
 * bound or assumed to it, their summed requests, the host ports they hold, and what the node can
 * allocate. The scheduler cache keeps one per node and updates it as pods come and go; preemption
 * works on clones.
 */
import type { Node, Pod, Taint } from '../../api/index.ts';
import { computePodResource, nodeAllocatable, Resource, type PodResource } from './resource.ts';
import { effectiveTaints } from './taints.ts';

/** The address that means "every address" for host ports. */
export const defaultBindAllHostIP = '0.0.0.0';

export interface HostPort {
  readonly hostIP: string;
  readonly protocol: string;
  readonly port: number;
}

/**
 * Host ports a pod asks for: those of its containers and of its sidecars (restartable init
 * containers), which hold their ports as long as the pod runs. Empty IP means all addresses,
 * empty protocol TCP.
 */
export function podHostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  const containers = [
    ...(pod.spec?.containers ?? []),
    ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'),
  ];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({
        hostIP: p.hostIP || defaultBindAllHostIP,
        protocol: p.protocol || 'TCP',
        port: p.hostPort,
      });
    }
  }
  return out;
}

/** Host ports in use on a node: IP → "protocol/port" (upstream HostPortInfo). */
export class HostPortInfo {
  private readonly byIP = new Map<string, Map<string, number>>();

  add(p: HostPort): void {
    let m = this.byIP.get(p.hostIP);
    if (!m) {
      m = new Map();
      this.byIP.set(p.hostIP, m);
    }
    const k = `${p.protocol}/${p.port}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }

  remove(p: HostPort): void {
    const m = this.byIP.get(p.hostIP);
    if (!m) return;
    const k = `${p.protocol}/${p.port}`;
    const n = (m.get(k) ?? 0) - 1;
    if (n > 0) m.set(k, n);
    else m.delete(k);
    if (m.size === 0) this.byIP.delete(p.hostIP);
  }

  /**
   * Whether `p` conflicts with a port in use: 0.0.0.0 conflicts with the same protocol/port on any
   * address; a specific address conflicts with itself and with 0.0.0.0.
   */
  conflicts(p: HostPort): boolean {
    const k = `${p.protocol}/${p.port}`;
    if (p.hostIP === defaultBindAllHostIP) {
      for (const m of this.byIP.values()) if (m.has(k)) return true;
      return false;
    }
    return (
      (this.byIP.get(defaultBindAllHostIP)?.has(k) ?? false) ||
      (this.byIP.get(p.hostIP)?.has(k) ?? false)
    );
  }

  get size(): number {
    let n = 0;
    for (const m of this.byIP.values()) n += m.size;
    return n;
  }

  clone(): HostPortInfo {
    const c = new HostPortInfo();
    for (const [ip, m] of this.byIP) c.byIP.set(ip, new Map(m));
    return c;
  }
}

/** The cache key of a pod: its UID (names can be reused), else namespace/name. */
export function podKey(pod: Pod): string {
  const m = pod.metadata;
  return m?.uid || `${m?.namespace ?? ''}/${m?.name ?? ''}`;
}

/** `namespace/name`, for logs and the queue. */
export function podName(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/** The pod's priority (spec.priority, 0 when unset). */
export function podPriority(pod: Pod): number {
  return pod.spec?.priority ?? 0;
}

/** A pod with what scheduling needs computed once. */
export class PodInfo {
  readonly pod: Pod;
  readonly key: string;
  private resource: PodResource | undefined;
  private ports: HostPort[] | undefined;

  constructor(pod: Pod) {
    this.pod = pod;
    this.key = podKey(pod);
  }

  get res(): PodResource {
    this.resource ??= computePodResource(this.pod);
    return this.resource;
  }

  get hostPorts(): readonly HostPort[] {
    this.ports ??= podHostPorts(this.pod);
    return this.ports;
  }
}

let generation = 0;
function nextGeneration(): number {
  return ++generation;
}

export class NodeInfo {
  readonly name: string;
  /** undefined while pods point at a node the cache has not seen (or has seen deleted). */
  node: Node | undefined;
  /** Node taints plus those its conditions imply (see taints.ts). */
  taints: readonly Taint[] = [];
  allocatable = new Resource();
  /** Sum of the requests of the pods here, including assumed ones. */
  requested = new Resource();
  /** Requests with scoring's defaults for containers that request no cpu or memory. */
  nonZeroRequested = new Resource();
  usedPorts = new HostPortInfo();
  private podMap = new Map<string, PodInfo>();
  /** Bumped on every change. */
  generation = nextGeneration();

  constructor(name: string, node?: Node) {
    this.name = name;
    if (node) this.setNode(node);
  }

  get pods(): IterableIterator<PodInfo> {
    return this.podMap.values();
  }

  get numPods(): number {
    return this.podMap.size;
  }

  hasPod(key: string): boolean {
    return this.podMap.has(key);
  }

  setNode(node: Node): void {
    this.node = node;
    this.taints = effectiveTaints(node);
    this.allocatable = nodeAllocatable(node);
    this.generation = nextGeneration();
  }

  removeNode(): void {
    this.node = undefined;
    this.taints = [];
    this.allocatable = new Resource();
    this.generation = nextGeneration();
  }

  addPodInfo(pi: PodInfo): void {
    if (this.podMap.has(pi.key)) this.removePod(pi.key);
    this.podMap.set(pi.key, pi);
    this.update(pi, 1);
  }

  addPod(pod: Pod): void {
    this.addPodInfo(new PodInfo(pod));
  }

  /** Removes a pod by key; false when it was not here. */
  removePod(key: string): boolean {
    const pi = this.podMap.get(key);
    if (!pi) return false;
    this.podMap.delete(key);
    this.update(pi, -1);
    return true;
  }

  private update(pi: PodInfo, sign: 1 | -1): void {
    const res = pi.res;
    this.requested.addResource(res.requests, sign);
    this.nonZeroRequested.milliCPU += sign * res.nonZeroMilliCPU;
    this.nonZeroRequested.memory += sign * res.nonZeroMemory;
    for (const p of pi.hostPorts) {
      if (sign > 0) this.usedPorts.add(p);
      else this.usedPorts.remove(p);
    }
    this.generation = nextGeneration();
  }

  /** A copy whose pod set and sums can change without touching this one (pods are shared). */
  clone(): NodeInfo {
    const c = new NodeInfo(this.name);
    c.node = this.node;
    c.taints = this.taints;
    c.allocatable = this.allocatable.clone();
    c.requested = this.requested.clone();
    c.nonZeroRequested = this.nonZeroRequested.clone();
    c.usedPorts = this.usedPorts.clone();
    c.podMap = new Map(this.podMap);
    c.generation = this.generation;
    return c;
  }
}

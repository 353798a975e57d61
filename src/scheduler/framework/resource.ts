/**
 * Resource arithmetic for scheduling (upstream framework.Resource and component-helpers'
 * resource.PodRequests): what a pod requests and what a node can give, as plain numbers
 * (millicores for cpu, bytes for memory and ephemeral-storage, a count for pods and extended
 * resources).
 *
 * A pod's request is what it needs at its peak, as upstream computes it:
 *
 *   max( sum(app containers) + sum(sidecars),
 *        max over init containers i of (init container i + sidecars started before i) )
 *   + pod overhead
 *
 * where sidecars are init containers with restartPolicy Always (they keep running next to the
 * app containers and the init containers after them).
 */
import { Quantity, type Container, type Node, type Pod } from '../../api/index.ts';

/** Requests by resource name. */
export type ResourceList = Map<string, Quantity>;

export const resourceCPU = 'cpu';
export const resourceMemory = 'memory';
export const resourceEphemeralStorage = 'ephemeral-storage';
export const resourcePods = 'pods';

/** Used in scoring for a container without a cpu request (upstream DefaultMilliCPURequest). */
export const defaultMilliCPURequest = 100;
/** Used in scoring for a container without a memory request (upstream DefaultMemoryRequest). */
export const defaultMemoryRequest = 200 * 1024 * 1024;

const prefixedNativePrefix = 'kubernetes.io/';

/** Native resources have no domain, or the kubernetes.io domain. */
export function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes(prefixedNativePrefix);
}

/** Resources named `<domain>/<name>` outside kubernetes.io (devices, ...). */
export function isExtendedResourceName(name: string): boolean {
  return !isNativeResource(name) && !name.startsWith('requests.');
}

/** Resources counted as plain integers besides cpu, memory, ephemeral-storage and pods. */
export function isScalarResourceName(name: string): boolean {
  return (
    isExtendedResourceName(name) ||
    name.startsWith('hugepages-') ||
    name.includes(prefixedNativePrefix) ||
    name.startsWith('attachable-volumes-')
  );
}

/** Parses a request map, leaving out values that do not parse (validation rejects those). */
export function resourceList(m: Readonly<Record<string, string>> | undefined): ResourceList {
  const out: ResourceList = new Map();
  for (const [k, v] of Object.entries(m ?? {})) {
    const q = Quantity.tryParse(v);
    if (q instanceof Quantity) out.set(k, q);
  }
  return out;
}

function addTo(into: ResourceList, add: ResourceList): void {
  for (const [k, q] of add) {
    const cur = into.get(k);
    into.set(k, cur ? cur.add(q) : q);
  }
}

function maxInto(into: ResourceList, other: ResourceList): void {
  for (const [k, q] of other) {
    const cur = into.get(k);
    if (!cur || q.cmp(cur) > 0) into.set(k, q);
  }
}

function withNonMissing(reqs: ResourceList, nonMissing: ResourceList | undefined): ResourceList {
  if (!nonMissing) return reqs;
  const out = new Map(reqs);
  for (const [k, q] of nonMissing) if (!out.has(k)) out.set(k, q);
  return out;
}

function isSidecar(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

export interface PodRequestsOptions {
  /** Stand-ins for requests a container leaves out (scoring counts every pod as using something). */
  readonly nonMissingContainerRequests?: ResourceList;
  readonly excludeOverhead?: boolean;
}

/** The pod's effective requests (see the top of the file). */
export function podRequests(pod: Pod, opts: PodRequestsOptions = {}): ResourceList {
  const spec = pod.spec;
  const reqs: ResourceList = new Map();
  const nonMissing = opts.nonMissingContainerRequests;
  for (const c of spec?.containers ?? []) {
    addTo(reqs, withNonMissing(resourceList(c.resources?.requests), nonMissing));
  }
  const sidecars: ResourceList = new Map();
  const initPeak: ResourceList = new Map();
  for (const c of spec?.initContainers ?? []) {
    const own = withNonMissing(resourceList(c.resources?.requests), nonMissing);
    let inUse: ResourceList;
    if (isSidecar(c)) {
      // A sidecar runs from here on, next to the app containers.
      addTo(reqs, own);
      addTo(sidecars, own);
      inUse = new Map(sidecars);
    } else {
      inUse = new Map(own);
      addTo(inUse, sidecars);
    }
    maxInto(initPeak, inUse);
  }
  maxInto(reqs, initPeak);
  if (!opts.excludeOverhead && spec?.overhead) addTo(reqs, resourceList(spec.overhead));
  return reqs;
}

/** Upstream framework.Resource: the numbers the filters and scorers compare. */
export class Resource {
  milliCPU = 0;
  memory = 0;
  ephemeralStorage = 0;
  allowedPodNumber = 0;
  readonly scalar = new Map<string, number>();

  static from(list: ResourceList): Resource {
    const r = new Resource();
    r.add(list);
    return r;
  }

  /** Adds a resource list (cpu in millicores, the rest in units). */
  add(list: ResourceList): void {
    for (const [name, q] of list) {
      switch (name) {
        case resourceCPU:
          this.milliCPU += Number(q.milliValue());
          break;
        case resourceMemory:
          this.memory += Number(q.value());
          break;
        case resourcePods:
          this.allowedPodNumber += Number(q.value());
          break;
        case resourceEphemeralStorage:
          this.ephemeralStorage += Number(q.value());
          break;
        default:
          if (isScalarResourceName(name)) {
            this.scalar.set(name, (this.scalar.get(name) ?? 0) + Number(q.value()));
          }
      }
    }
  }

  /** Adds (sign 1) or subtracts (sign -1) another Resource. */
  addResource(other: Resource, sign: 1 | -1 = 1): void {
    this.milliCPU += sign * other.milliCPU;
    this.memory += sign * other.memory;
    this.ephemeralStorage += sign * other.ephemeralStorage;
    this.allowedPodNumber += sign * other.allowedPodNumber;
    for (const [k, v] of other.scalar) this.scalar.set(k, (this.scalar.get(k) ?? 0) + sign * v);
  }

  clone(): Resource {
    const r = new Resource();
    r.addResource(this);
    return r;
  }

  isZero(): boolean {
    return (
      this.milliCPU === 0 &&
      this.memory === 0 &&
      this.ephemeralStorage === 0 &&
      [...this.scalar.values()].every((v) => v === 0)
    );
  }
}

/** What a node offers pods: status.allocatable (capacity when a node reports no allocatable). */
export function nodeAllocatable(node: Node): Resource {
  const status = node.status;
  return Resource.from(resourceList(status?.allocatable ?? status?.capacity));
}

const nonMissingDefaults: ResourceList = new Map([
  [resourceCPU, Quantity.fromMilli(defaultMilliCPURequest)],
  [resourceMemory, Quantity.fromInt(defaultMemoryRequest)],
]);

/** The defaults scoring assumes for containers that request no cpu or memory. */
export function nonZeroDefaults(): ResourceList {
  return nonMissingDefaults;
}

/** A pod's requests as numbers, and its cpu/memory with scoring's defaults for missing requests. */
export interface PodResource {
  readonly requests: Resource;
  readonly nonZeroMilliCPU: number;
  readonly nonZeroMemory: number;
}

export function computePodResource(pod: Pod): PodResource {
  const requests = Resource.from(podRequests(pod));
  const nonZero = podRequests(pod, { nonMissingContainerRequests: nonMissingDefaults });
  return {
    requests,
    nonZeroMilliCPU: Number(nonZero.get(resourceCPU)?.milliValue() ?? 0n),
    nonZeroMemory: Number(nonZero.get(resourceMemory)?.value() ?? 0n),
  };
}

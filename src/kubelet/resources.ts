/**
 * From a pod's requests and limits to Linux resources, as upstream's cm/helpers_linux.go and
 * qos/policy.go do:
 *   - cpu.shares from the cpu request (1024 per core, at least 2; a container with a limit but
 *     no request uses the limit);
 *   - CFS quota from the cpu limit, with a 100 ms period (at least 1 ms of quota);
 *   - the memory limit in bytes;
 *   - oom_score_adj: Guaranteed -997, BestEffort 1000, Burstable 1000 - 1000 × request /
 *     capacity, kept between 3 and 999;
 *   - the pod cgroup: shares from the summed requests; for Guaranteed pods quota and memory from
 *     the summed limits; for Burstable pods each only when every container declares it;
 *     BestEffort pods get the minimum shares.
 */
import { Quantity, podQOSClass, type Container, type Pod, type PodQOSClass } from '../api/index.ts';
import type { PodCgroupResources } from './cgroups/types.ts';
import type { LinuxContainerResources } from './runtime/types.ts';

export const minShares = 2;
export const maxShares = 262144;
export const sharesPerCpu = 1024;
export const quotaPeriod = 100_000;
export const minQuotaPeriod = 1000;
export const guaranteedOOMScoreAdj = -997;
export const besteffortOOMScoreAdj = 1000;

type ResourceList = Readonly<Record<string, string>> | undefined;

/** A quantity from a resource list; zero when missing or malformed (already validated upstream). */
export function quantityOf(list: ResourceList, name: string): Quantity {
  const raw = list?.[name];
  if (raw === undefined) return Quantity.zero;
  const q = Quantity.tryParse(raw);
  return q instanceof Quantity ? q : Quantity.zero;
}

export function milliCPUToShares(milliCPU: number): number {
  if (milliCPU === 0) return minShares;
  const shares = Math.floor((milliCPU * sharesPerCpu) / 1000);
  if (shares < minShares) return minShares;
  if (shares > maxShares) return maxShares;
  return shares;
}

/** CFS quota for a cpu limit; 0 means no limit. */
export function milliCPUToQuota(milliCPU: number, period: number = quotaPeriod): number {
  if (milliCPU === 0) return 0;
  const quota = Math.floor((milliCPU * period) / 1000);
  return quota < minQuotaPeriod ? minQuotaPeriod : quota;
}

function milli(list: ResourceList, name: string): number {
  return Number(quantityOf(list, name).milliValue());
}

function bytes(list: ResourceList, name: string): number {
  return Number(quantityOf(list, name).value());
}

export function isRestartableInitContainer(c: Pick<Container, 'restartPolicy'>): boolean {
  return c.restartPolicy === 'Always';
}

/**
 * The OOM score adjustment of one container (upstream GetContainerOOMScoreAdjust).
 * `memoryCapacity` is the node's memory in bytes.
 */
export function containerOOMScoreAdjust(
  pod: Pod,
  container: Container,
  memoryCapacity: number,
  qos: PodQOSClass = podQOSClass(pod),
): number {
  if (qos === 'Guaranteed') return guaranteedOOMScoreAdj;
  if (qos === 'BestEffort') return besteffortOOMScoreAdj;
  const request = bytes(container.resources?.requests, 'memory');
  // Go's integer division truncates toward zero.
  const adj =
    memoryCapacity > 0
      ? 1000 - Math.trunc((1000 * request) / memoryCapacity)
      : besteffortOOMScoreAdj;
  if (adj < 1000 + guaranteedOOMScoreAdj) return 1000 + guaranteedOOMScoreAdj;
  if (adj === besteffortOOMScoreAdj) return adj - 1;
  return adj;
}

/** Linux resources for one container (upstream generateLinuxContainerResources). */
export function containerResources(
  pod: Pod,
  container: Container,
  memoryCapacity: number,
): LinuxContainerResources {
  const requests = container.resources?.requests;
  const limits = container.resources?.limits;
  const cpuRequest = milli(requests, 'cpu');
  const cpuLimit = milli(limits, 'cpu');
  const memoryLimit = bytes(limits, 'memory');
  const cpuShares = milliCPUToShares(cpuRequest === 0 && cpuLimit !== 0 ? cpuLimit : cpuRequest);
  const cpuQuota = milliCPUToQuota(cpuLimit);
  return {
    cpuShares,
    cpuPeriod: quotaPeriod,
    ...(cpuQuota > 0 ? { cpuQuota } : {}),
    ...(memoryLimit > 0 ? { memoryLimitBytes: memoryLimit } : {}),
    oomScoreAdj: containerOOMScoreAdjust(pod, container, memoryCapacity),
  };
}

interface Totals {
  cpu: number;
  memory: number;
}

/**
 * Effective pod requests or limits (upstream PodRequests/PodLimits): the app containers and the
 * sidecars together, or the largest need during initialisation (an init container plus the
 * sidecars started before it), whichever is larger.
 */
export function podTotals(pod: Pod, which: 'requests' | 'limits'): Totals {
  const of = (c: Container): Totals => ({
    cpu: milli(c.resources?.[which], 'cpu'),
    memory: bytes(c.resources?.[which], 'memory'),
  });
  const sum: Totals = { cpu: 0, memory: 0 };
  for (const c of pod.spec?.containers ?? []) {
    const r = of(c);
    sum.cpu += r.cpu;
    sum.memory += r.memory;
  }
  const sidecars: Totals = { cpu: 0, memory: 0 };
  const init: Totals = { cpu: 0, memory: 0 };
  for (const c of pod.spec?.initContainers ?? []) {
    const r = of(c);
    if (isRestartableInitContainer(c)) {
      sidecars.cpu += r.cpu;
      sidecars.memory += r.memory;
      init.cpu = Math.max(init.cpu, sidecars.cpu);
      init.memory = Math.max(init.memory, sidecars.memory);
    } else {
      init.cpu = Math.max(init.cpu, r.cpu + sidecars.cpu);
      init.memory = Math.max(init.memory, r.memory + sidecars.memory);
    }
  }
  return {
    cpu: Math.max(sum.cpu + sidecars.cpu, init.cpu),
    memory: Math.max(sum.memory + sidecars.memory, init.memory),
  };
}

/** The pod cgroup's limits (upstream ResourceConfigForPod, CFS quota enforced). */
export function podCgroupResources(
  pod: Pod,
  qos: PodQOSClass = podQOSClass(pod),
): PodCgroupResources {
  if (qos === 'BestEffort') return { cpuShares: minShares, cpuPeriod: quotaPeriod };
  const requests = podTotals(pod, 'requests');
  const limits = podTotals(pod, 'limits');
  let cpuLimitsDeclared = true;
  let memoryLimitsDeclared = true;
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    if (milli(c.resources?.limits, 'cpu') === 0) cpuLimitsDeclared = false;
    if (bytes(c.resources?.limits, 'memory') === 0) memoryLimitsDeclared = false;
  }
  const cpuShares = milliCPUToShares(requests.cpu);
  const cpuQuota = milliCPUToQuota(limits.cpu);
  const withQuota = qos === 'Guaranteed' || cpuLimitsDeclared;
  const withMemory = qos === 'Guaranteed' || memoryLimitsDeclared;
  return {
    cpuShares,
    cpuPeriod: quotaPeriod,
    ...(withQuota && cpuQuota > 0 ? { cpuQuota } : {}),
    ...(withMemory && limits.memory > 0 ? { memoryLimitBytes: limits.memory } : {}),
  };
}

/**
 * A pod's quality-of-service class (upstream `GetPodQOS`), from the cpu and memory requests and
 * limits of its init and app containers:
 *   - BestEffort: no container sets any cpu or memory request or limit;
 *   - Guaranteed: every container limits both cpu and memory, and the summed requests equal the
 *     summed limits for each;
 *   - Burstable: everything else.
 * The API server records it in `status.qosClass`; the kubelet maps it to cgroups and OOM scores.
 */
import { Quantity } from '../../quantity/index.ts';
import type { PodQOSClass } from './enums.ts';
import type { Pod } from './pod.ts';

const computeResources = new Set(['cpu', 'memory']);

function positive(v: string): Quantity | undefined {
  const q = Quantity.tryParse(v);
  return q instanceof Quantity && q.sign() > 0 ? q : undefined;
}

export function podQOSClass(pod: Pick<Pod, 'spec'>): PodQOSClass {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  for (const c of containers) {
    for (const [name, value] of Object.entries(c.resources?.requests ?? {})) {
      if (!computeResources.has(name)) continue;
      const q = positive(value);
      if (q) requests.set(name, requests.get(name)?.add(q) ?? q);
    }
    const found = new Set<string>();
    for (const [name, value] of Object.entries(c.resources?.limits ?? {})) {
      if (!computeResources.has(name)) continue;
      const q = positive(value);
      if (!q) continue;
      found.add(name);
      limits.set(name, limits.get(name)?.add(q) ?? q);
    }
    if (!found.has('cpu') || !found.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || !lim.equal(req)) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

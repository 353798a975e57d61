/**
 * The runtime's sandbox config for a pod (upstream generatePodSandboxConfig and
 * GeneratePodHostNameAndDomain): hostname (spec.hostname or the pod name, cut to 63 characters
 * without a trailing '-' or '.'), the subdomain FQDN, namespaces shared with the host, hostPort
 * mappings, DNS, hostAliases, labels and annotations.
 */
import type { Pod } from '../api/index.ts';
import { newSandboxLabels } from './labels.ts';
import type { DnsConfig, PodSandboxConfig, PortMapping } from './runtime/types.ts';

export function truncatePodHostname(hostname: string): string {
  if (hostname.length <= 63) return hostname;
  return hostname.slice(0, 63).replace(/[-.]+$/, '');
}

export function podHostnameAndDomain(
  pod: Pod,
  clusterDomain: string,
): { hostname: string; hostDomain?: string } {
  const hostname = truncatePodHostname(pod.spec?.hostname || (pod.metadata?.name ?? ''));
  const sub = pod.spec?.subdomain;
  if (!sub) return { hostname };
  return { hostname, hostDomain: `${sub}.${pod.metadata?.namespace ?? ''}.svc.${clusterDomain}` };
}

/** Ports with a hostPort, from app and init containers (upstream makePortMappings). */
export function portMappings(pod: Pod): PortMapping[] {
  const out: PortMapping[] = [];
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({
        protocol: p.protocol ?? 'TCP',
        containerPort: p.containerPort,
        hostPort: p.hostPort,
        hostIP: p.hostIP ?? '',
      });
    }
  }
  return out;
}

export function generatePodSandboxConfig(opts: {
  pod: Pod;
  attempt: number;
  cgroupParent: string;
  dns: DnsConfig;
  clusterDomain: string;
}): PodSandboxConfig {
  const { pod } = opts;
  const { hostname, hostDomain } = podHostnameAndDomain(pod, opts.clusterDomain);
  return {
    podUid: pod.metadata?.uid ?? '',
    podName: pod.metadata?.name ?? '',
    podNamespace: pod.metadata?.namespace ?? '',
    attempt: opts.attempt,
    hostname,
    ...(hostDomain !== undefined ? { hostDomain } : {}),
    hostNetwork: Boolean(pod.spec?.hostNetwork),
    hostPID: Boolean(pod.spec?.hostPID),
    hostIPC: Boolean(pod.spec?.hostIPC),
    ...(pod.spec?.shareProcessNamespace === true ? { shareProcessNamespace: true } : {}),
    cgroupParent: opts.cgroupParent,
    portMappings: portMappings(pod),
    dns: opts.dns,
    hostAliases: (pod.spec?.hostAliases ?? []).map((a) => ({
      ip: a.ip,
      hostnames: [...(a.hostnames ?? [])],
    })),
    labels: newSandboxLabels(pod),
    annotations: { ...(pod.metadata?.annotations ?? {}) },
  };
}

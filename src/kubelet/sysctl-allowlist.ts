/**
 * The kubelet's sysctl admission (upstream pkg/kubelet/sysctl): a pod may set only sysctls that
 * are namespaced by the kernel and isolated from other pods, the safe set of v1.32 (each from the
 * kernel release where it became per network namespace), plus what the node's
 * allowedUnsafeSysctls permit. Namespaced sysctls are refused when the pod shares that namespace
 * with the host (net.* with hostNetwork, IPC sysctls with hostIPC). A refused pod is rejected
 * before it runs: phase Failed, reason SysctlForbidden, message "Pod was rejected: forbidden
 * sysctl: …".
 */
import type { Pod } from '../api/index.ts';
import { normalizeSysctlName } from './security-context.ts';

export const sysctlForbiddenReason = 'SysctlForbidden';

type SysctlNamespace = 'ipc' | 'net';

/** A kernel release, major and minor. */
type Release = readonly [number, number];
/** The safe sysctls with the kernel release that namespaced them. */
const safeSysctls: readonly { readonly name: string; readonly minKernel?: Release }[] = [
  { name: 'kernel.shm_rmid_forced' },
  { name: 'net.ipv4.ip_local_port_range' },
  { name: 'net.ipv4.tcp_syncookies' },
  { name: 'net.ipv4.ping_group_range' },
  { name: 'net.ipv4.ip_unprivileged_port_start' },
  { name: 'net.ipv4.ip_local_reserved_ports', minKernel: [3, 16] },
  { name: 'net.ipv4.tcp_keepalive_time', minKernel: [4, 5] },
  { name: 'net.ipv4.tcp_fin_timeout', minKernel: [4, 6] },
  { name: 'net.ipv4.tcp_keepalive_intvl', minKernel: [4, 5] },
  { name: 'net.ipv4.tcp_keepalive_probes', minKernel: [4, 5] },
  { name: 'net.ipv4.tcp_rmem', minKernel: [4, 15] },
  { name: 'net.ipv4.tcp_wmem', minKernel: [4, 15] },
];

/** Which namespace a sysctl belongs to, or undefined when it is not known to be namespaced. */
export function namespacedBy(name: string): SysctlNamespace | undefined {
  if (name === 'kernel.sem') return 'ipc';
  if (
    name.startsWith('kernel.shm') ||
    name.startsWith('kernel.msg') ||
    name.startsWith('fs.mqueue.')
  )
    return 'ipc';
  if (name.startsWith('net.')) return 'net';
  return undefined;
}

/** `6.1.0-18-amd64` → [6, 1]; undefined when unreadable. */
export function parseKernelVersion(release: string): Release | undefined {
  const m = /^(\d+)\.(\d+)/.exec(release);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** The safe list for this kernel; sysctls that need a newer kernel (or an unknown one) are left out. */
export function safeSysctlAllowlist(kernel: Release | undefined): string[] {
  return safeSysctls
    .filter(({ minKernel: min }) => {
      if (min === undefined) return true;
      if (kernel === undefined) return false;
      return kernel[0] > min[0] || (kernel[0] === min[0] && kernel[1] >= min[1]);
    })
    .map(({ name }) => name);
}

export class SysctlAllowlist {
  private readonly sysctls = new Map<string, SysctlNamespace>();
  private readonly prefixes = new Map<string, SysctlNamespace>();

  /**
   * `patterns`: sysctl names or prefixes ending in `*` (the safe list plus allowedUnsafeSysctls).
   * Throws for a pattern that is not known to be namespaced, as the kubelet refuses to start.
   */
  constructor(patterns: readonly string[]) {
    for (const raw of patterns) {
      const p = normalizeSysctlName(raw);
      if (p.endsWith('*')) {
        const prefix = p.slice(0, -1);
        const ns = namespacedBy(prefix);
        if (!ns) throw new Error(`the sysctls "${p}" are not known to be namespaced`);
        this.prefixes.set(prefix, ns);
      } else {
        const ns = namespacedBy(p);
        if (!ns) throw new Error(`the sysctl "${p}" are not known to be namespaced`);
        this.sysctls.set(p, ns);
      }
    }
  }

  /** Undefined when allowed; else upstream's reason text. */
  validate(name: string, hostNet: boolean, hostIPC: boolean): string | undefined {
    const s = normalizeSysctlName(name);
    const check = (ns: SysctlNamespace): string | undefined => {
      if (ns === 'ipc' && hostIPC) return `"${s}" not allowed with host ipc enabled`;
      if (ns === 'net' && hostNet) return `"${s}" not allowed with host net enabled`;
      return undefined;
    };
    const exact = this.sysctls.get(s);
    if (exact) return check(exact);
    for (const [prefix, ns] of this.prefixes) if (s.startsWith(prefix)) return check(ns);
    return `"${s}" not allowlisted`;
  }

  /** Admission of a pod: undefined when admitted, else the rejection (reason and message). */
  admit(pod: Pod): { reason: string; message: string } | undefined {
    const sysctls = pod.spec?.securityContext?.sysctls ?? [];
    const hostNet = pod.spec?.hostNetwork === true;
    const hostIPC = pod.spec?.hostIPC === true;
    for (const s of sysctls) {
      const err = this.validate(s.name, hostNet, hostIPC);
      if (err !== undefined)
        return { reason: sysctlForbiddenReason, message: `forbidden sysctl: ${err}` };
    }
    return undefined;
  }
}

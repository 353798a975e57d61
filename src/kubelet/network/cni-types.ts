/**
 * The parts of the CNI specification (1.0.0) podbay speaks: network configuration lists, the
 * result a plugin prints on ADD, and the error object it prints on failure. Debian 12's
 * containernetworking-plugins 1.1.1 implement spec versions 0.1.0 up to 1.0.0.
 */

export const CNI_VERSION = '1.0.0';

/** One plugin's entry in a conflist (`plugins[]`); plugin-specific keys pass through untouched. */
export interface CniPluginConf {
  readonly type: string;
  /** Capabilities the plugin accepts through `runtimeConfig` (CONVENTIONS.md), e.g. portMappings. */
  readonly capabilities?: Readonly<Record<string, boolean>>;
  readonly [key: string]: unknown;
}

/** A network configuration list (a `.conflist`). */
export interface CniNetworkConfigList {
  readonly cniVersion: string;
  readonly name: string;
  readonly disableCheck?: boolean;
  readonly plugins: readonly CniPluginConf[];
}

export interface CniInterface {
  readonly name: string;
  readonly mac?: string;
  /** The netns path for interfaces inside the container; absent for host-side ones. */
  readonly sandbox?: string;
}

export interface CniIPConfig {
  /** CIDR notation: `10.244.0.5/24`. */
  readonly address: string;
  readonly gateway?: string;
  /** Index into `interfaces`. */
  readonly interface?: number;
}

/** A 1.0.0 result. */
export interface CniResult {
  readonly cniVersion: string;
  readonly interfaces?: readonly CniInterface[];
  readonly ips?: readonly CniIPConfig[];
  readonly routes?: readonly { readonly dst: string; readonly gw?: string }[];
  readonly dns?: Readonly<Record<string, unknown>>;
}

/** The error object a failing plugin prints on stdout. */
export interface CniErrorObject {
  readonly cniVersion?: string;
  readonly code: number;
  readonly msg: string;
  readonly details?: string;
}

/** A port mapping in the `portMappings` capability's format (CONVENTIONS.md). */
export interface CniPortMapping {
  readonly hostPort: number;
  readonly containerPort: number;
  /** Lower case, as kubelet and containerd send it: `tcp`, `udp`, `sctp`. */
  readonly protocol: string;
  readonly hostIP?: string;
}

export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'VERSION';

/** Spec: container ids are alphanumerics plus `_.-`, starting with an alphanumeric. */
const validName = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function isValidCniName(name: string): boolean {
  return validName.test(name);
}

/** The pod's addresses: those of `ifName` inside the sandbox, as containerd picks them. */
export function podIPsFromResult(result: CniResult, ifName: string): string[] {
  const interfaces = result.interfaces ?? [];
  const ips: string[] = [];
  for (const ip of result.ips ?? []) {
    const idx = ip.interface;
    if (idx !== undefined) {
      const itf = interfaces[idx];
      if (itf && (itf.name !== ifName || !itf.sandbox)) continue;
    }
    const addr = ip.address.split('/')[0] ?? '';
    if (addr === '' || addr.startsWith('127.') || addr === '::1') continue;
    ips.push(addr);
  }
  // IPv4 first, as the kubelet reports podIPs.
  return [...ips.filter((a) => !a.includes(':')), ...ips.filter((a) => a.includes(':'))];
}

export function isCniResult(v: unknown): v is CniResult {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { cniVersion?: unknown }).cniVersion === 'string'
  );
}

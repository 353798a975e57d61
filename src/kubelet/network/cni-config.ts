/**
 * podbay's network: one conflist named `podbay`, built from options rather than read from
 * /etc/cni/net.d, so that what a pod gets does not depend on files other software leaves there.
 *
 *   loopback                  brings up `lo` in the pod (unless the runtime did, see conflistForPod)
 *   bridge (podbay0)          veth into the pod, bridge as gateway, hairpin for reaching its own
 *     host-local IPAM         hostPorts; addresses on disk. Masquerade to the outside is one rule
 *                             for the whole pod CIDR, set up once (cni-iptables.ts), not ipMasq
 *   firewall (optional)       FORWARD accepts for the pod's address when the host drops forwards
 *   portmap                   hostPort DNAT, fed by the portMappings capability
 */
import path from 'node:path';
import {
  CNI_VERSION,
  type CniNetworkConfigList,
  type CniPluginConf,
  type CniResult,
} from './cni-types.ts';

export interface PodbayConflistOptions {
  readonly networkName: string;
  readonly bridgeName: string;
  /** IPv4 CIDR, e.g. 10.244.0.0/24. */
  readonly podCIDR: string;
  /** host-local's store: one directory per network, one file per address. */
  readonly ipamDataDir: string;
  readonly mtu?: number;
  readonly firewall: boolean;
}

export function buildPodbayConflist(opts: PodbayConflistOptions): CniNetworkConfigList {
  const bridge: CniPluginConf = {
    type: 'bridge',
    bridge: opts.bridgeName,
    isGateway: true,
    ipMasq: false,
    hairpinMode: true,
    ...(opts.mtu !== undefined ? { mtu: opts.mtu } : {}),
    ipam: {
      type: 'host-local',
      ranges: [[{ subnet: opts.podCIDR }]],
      routes: [{ dst: '0.0.0.0/0' }],
      dataDir: opts.ipamDataDir,
    },
  };
  const plugins: CniPluginConf[] = [{ type: 'loopback' }, bridge];
  if (opts.firewall) plugins.push({ type: 'firewall', backend: 'iptables' });
  plugins.push({ type: 'portmap', capabilities: { portMappings: true }, snat: true });
  return { cniVersion: CNI_VERSION, name: opts.networkName, plugins };
}

/**
 * The conflist a pod's ADD runs: portmap only for a pod with host ports, loopback only when the
 * runtime has not brought `lo` up itself. Without host ports portmap has nothing to do and its DEL
 * nothing to undo; skipping a plugin saves a process at each end. The cache keeps the list the
 * ADD ran, so DEL and CHECK run the same.
 */
export function conflistForPod(
  list: CniNetworkConfigList,
  opts: { readonly hasPortMappings: boolean; readonly loopbackUp: boolean },
): CniNetworkConfigList {
  const skip = new Set([
    ...(opts.hasPortMappings ? [] : ['portmap']),
    ...(opts.loopbackUp ? ['loopback'] : []),
  ]);
  if (skip.size === 0) return list;
  return { ...list, plugins: list.plugins.filter((p) => !skip.has(p.type)) };
}

/**
 * The configuration one plugin gets on stdin (libcni's buildOneConfig): its own entry plus the
 * list's name and version, the previous result, and a runtimeConfig holding just the capability
 * arguments it declared.
 */
export function buildPluginConfig(
  list: CniNetworkConfigList,
  plugin: CniPluginConf,
  prevResult: CniResult | undefined,
  capabilityArgs: Readonly<Record<string, unknown>>,
): string {
  const conf: Record<string, unknown> = { ...plugin, name: list.name, cniVersion: list.cniVersion };
  if (prevResult !== undefined) conf['prevResult'] = prevResult;
  const runtimeConfig: Record<string, unknown> = {};
  for (const [cap, enabled] of Object.entries(plugin.capabilities ?? {})) {
    if (enabled && cap in capabilityArgs) runtimeConfig[cap] = capabilityArgs[cap];
  }
  if (Object.keys(runtimeConfig).length > 0) conf['runtimeConfig'] = runtimeConfig;
  return JSON.stringify(conf);
}

/** Parses and checks an IPv4 CIDR; returns the network address and prefix length. */
export function parseIPv4CIDR(cidr: string): { network: string; prefix: number } {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const prefix = m ? Number(m[5]) : NaN;
  if (!m || octets.some((o) => o > 255) || prefix < 8 || prefix > 30) {
    throw new Error(
      `invalid pod CIDR ${JSON.stringify(cidr)}: want an IPv4 network like 10.244.0.0/24 (prefix 8 to 30)`,
    );
  }
  const value = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const network = value - (value % size);
  if (network !== value) {
    throw new Error(
      `invalid pod CIDR ${JSON.stringify(cidr)}: host bits are set (did you mean ${toDotted(network)}/${prefix}?)`,
    );
  }
  return { network: toDotted(network), prefix };
}

export const DEFAULT_POD_CIDR = '10.244.0.0/24';

/**
 * The bridge of a pod CIDR: `podbay0` for the default one, else one of its own named after the
 * range (`pb0af4ab00-24` for 10.244.171.0/24). The bridge plugin gives a bridge one gateway
 * address only, so servers with different ranges on one machine cannot share one.
 */
export function bridgeNameFor(podCIDR: string): string {
  const { network, prefix } = parseIPv4CIDR(podCIDR);
  if (`${network}/${prefix}` === DEFAULT_POD_CIDR) return 'podbay0';
  const hex = network
    .split('.')
    .map((o) => Number(o).toString(16).padStart(2, '0'))
    .join('');
  return `pb${hex}-${prefix}`;
}

function toDotted(v: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(v / 2 ** s) % 256).join('.');
}

/** Where ADD results are cached, as libcni does: `<dir>/<network>-<containerId>-<ifName>`. */
export function resultCachePath(
  dir: string,
  networkName: string,
  containerId: string,
  ifName: string,
): string {
  return path.join(dir, `${networkName}-${containerId}-${ifName}`);
}

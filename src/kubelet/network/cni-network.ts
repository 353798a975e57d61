/**
 * `CniNetwork`: pod networking with Debian's CNI plugins (containernetworking-plugins 1.1.1,
 * spec 1.0.0), run the way libcni runs a conflist, without a Go shim:
 *
 *   setUp(sandbox)                                   tearDown(sandbox)
 *     1. once per process: ip_forward=1, dirs,         1. cached config, result and port mappings
 *        plugins present, firewall needed?                (fall back to the current config and the
 *     2. a cached result for this sandbox in the          attachment's mappings)
 *        same netns that passes CHECK: return it       2. DEL each plugin in reverse order, with the
 *        (setUp is idempotent); otherwise DEL it          cached result as prevResult, CNI_NETNS
 *     3. ADD each plugin in order, each getting the       empty when the namespace is gone
 *        previous result; on any failure DEL the       3. remove bridge's masquerade chain (bridge
 *        whole list so nothing is left half-done          leaves it when the netns or veth is gone)
 *     4. cache the result (DEL and CHECK need it)      4. drop the cached result
 *     5. return the pod's IPs (eth0's, IPv4 first)
 *
 * Every operation on one sandbox runs in a per-sandbox queue; different sandboxes run in parallel
 * (host-local locks its own directory, iptables callers wait for the xtables lock). Plugins run
 * asynchronously with a timeout; their JSON error messages become `NetworkError`s worded as
 * libcni words them: `plugin type="bridge" name="podbay" failed (add): <msg>`.
 *
 * Host side, checked on this machine (iptables-nft), with bridge-nf-call-iptables 1 and 0:
 *   - Pod to pod on the bridge works with or without br_netfilter; bridge's masquerade chain
 *     accepts traffic to the pod CIDR first, so pods see each other's real addresses.
 *   - A pod reaching another pod's (or its own) hostPort through the host's address works without
 *     br_netfilter too: portmap's hairpin mark matches the pod's whole subnet (it writes the
 *     pod address with its /24 mask), so such connections are masqueraded and replies return
 *     through the host rather than straight across the bridge.
 *   - hostPort from outside and from the host's own addresses: portmap's DNAT in PREROUTING and
 *     OUTPUT. From 127.0.0.1: portmap marks the connection for masquerade and sets route_localnet on
 *     the bridge itself (packets from 127/8 may then be routed to the pod). A pod reaching its own
 *     hostPort works through the bridge's hairpin mode plus the same masquerade mark.
 *   - Forwarding: bridge (isGateway) and we set net.ipv4.ip_forward=1. When the host's FORWARD
 *     policy is DROP (Docker does that), the firewall plugin is added to accept pod traffic.
 */
import path from 'node:path';
import {
  isAbortError,
  localFs,
  realClock,
  silentLogger,
  type Clock,
  type Logger,
  errorMessage,
} from '../../util/index.ts';
import type { PortMapping } from '../runtime/types.ts';
import { ResultCache, type CachedAttachment } from './cni-cache.ts';
import {
  bridgeNameFor,
  buildPluginConfig,
  buildPodbayConflist,
  conflistForPod,
  DEFAULT_POD_CIDR,
  parseIPv4CIDR,
} from './cni-config.ts';
import { execPlugin, findPlugin } from './cni-exec.ts';
import {
  cniChainName,
  ensurePodMasquerade,
  forwardPolicyDrops,
  podMasqueradeChain,
  natChainExists,
  removeNatChain,
  type IptablesOptions,
} from './cni-iptables.ts';
import {
  isCniResult,
  isValidCniName,
  podIPsFromResult,
  type CniCommand,
  type CniNetworkConfigList,
  type CniPluginConf,
  type CniPortMapping,
  type CniResult,
} from './cni-types.ts';
import { KeyedQueue } from './keyed-queue.ts';
import { NetworkError, type PodNetwork, type PodNetworkAttachment } from './types.ts';

// The network's own small files and /proc/sys: synchronous underneath (util/local-fs.ts says why).
const { mkdir, readFile, readdir, statfs, writeFile } = localFs;

export interface CniNetworkOptions {
  /** podbay's data dir: IPAM state in `<dataDir>/cni/networks`, cached results in `<dataDir>/cni/results`. */
  readonly dataDir: string;
  /** The conflist's name (also host-local's directory and part of iptables chain hashes); default `podbay`. */
  readonly networkName?: string;
  /** Default `podbay0` for the default pod CIDR, one named after the range for another. */
  readonly bridgeName?: string;
  /** IPv4 pod network; default 10.244.0.0/24. */
  readonly podCIDR?: string;
  /** Where plugin executables are looked up, in order; default /usr/lib/cni, /opt/cni/bin. */
  readonly pluginDirs?: readonly string[];
  /** The pod's interface; default eth0. */
  readonly ifName?: string;
  readonly mtu?: number;
  /** Add the firewall plugin: always, never, or when FORWARD's policy is DROP (default 'auto'). */
  readonly firewall?: boolean | 'auto';
  /** Per plugin invocation; default 30 s. */
  readonly pluginTimeoutMs?: number;
  /** For tests: the root of sysctl files (default /proc/sys) and the iptables binary. */
  readonly sysctlDir?: string;
  readonly iptablesPath?: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/** The filesystem magic numbers of a network namespace file (nsfs; procfs for /proc/<pid>/ns/net). */
const NSFS_MAGIC = 0x6e736673;
const PROC_SUPER_MAGIC = 0x9fa0;

/** True if `p` is a live namespace file (a bind mount of one, or /proc/<pid>/ns/net). */
async function isNetns(p: string): Promise<boolean> {
  if (p === '') return false;
  try {
    const s = await statfs(p);
    return s.type === NSFS_MAGIC || s.type === PROC_SUPER_MAGIC;
  } catch {
    return false;
  }
}

function toCniPortMappings(mappings: readonly PortMapping[]): CniPortMapping[] {
  return mappings
    .filter((m) => m.hostPort > 0 && m.containerPort > 0)
    .map((m) => ({
      hostPort: m.hostPort,
      containerPort: m.containerPort,
      protocol: m.protocol.toLowerCase(),
      ...(m.hostIP !== '' ? { hostIP: m.hostIP } : {}),
    }));
}

/** CNI_ARGS as containerd and the kubelet's dockershim pass them. */
function cniArgsFor(a: PodNetworkAttachment): [string, string][] {
  return [
    ['IgnoreUnknown', '1'],
    ['K8S_POD_NAMESPACE', a.podNamespace],
    ['K8S_POD_NAME', a.podName],
    ['K8S_POD_INFRA_CONTAINER_ID', a.sandboxId],
    ['K8S_POD_UID', a.podUid],
  ];
}

interface Invocation {
  readonly list: CniNetworkConfigList;
  readonly containerId: string;
  readonly netns: string;
  readonly cniArgs: readonly (readonly [string, string])[];
  readonly capabilityArgs: Readonly<Record<string, unknown>>;
}

export class CniNetwork implements PodNetwork {
  readonly networkName: string;
  readonly bridgeName: string;
  readonly podCIDR: string;
  readonly ifName: string;
  /** host-local's store and the result cache. */
  readonly ipamDataDir: string;
  readonly resultsDir: string;

  private readonly pluginDirs: readonly string[];
  private readonly firewall: boolean | 'auto';
  private readonly mtu: number | undefined;
  private readonly timeoutMs: number;
  private readonly sysctlDir: string;
  private readonly iptables: IptablesOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly cache: ResultCache;
  private readonly queue = new KeyedQueue();
  private hostReady: Promise<CniNetworkConfigList> | undefined;

  constructor(opts: CniNetworkOptions) {
    this.networkName = opts.networkName ?? 'podbay';
    this.podCIDR = opts.podCIDR ?? DEFAULT_POD_CIDR;
    this.bridgeName = opts.bridgeName ?? bridgeNameFor(this.podCIDR);
    this.ifName = opts.ifName ?? 'eth0';
    if (!isValidCniName(this.networkName)) {
      throw new Error(
        `invalid CNI network name ${JSON.stringify(this.networkName)}: use letters, digits, '_', '.', '-'`,
      );
    }
    if (!/^[a-zA-Z0-9_.-]{1,15}$/.test(this.bridgeName)) {
      throw new Error(
        `invalid bridge name ${JSON.stringify(this.bridgeName)}: at most 15 letters, digits, '_', '.', '-'`,
      );
    }
    parseIPv4CIDR(this.podCIDR);
    this.ipamDataDir = path.join(opts.dataDir, 'cni', 'networks');
    this.resultsDir = path.join(opts.dataDir, 'cni', 'results');
    this.pluginDirs = opts.pluginDirs ?? ['/usr/lib/cni', '/opt/cni/bin'];
    this.firewall = opts.firewall ?? 'auto';
    this.mtu = opts.mtu;
    this.timeoutMs = opts.pluginTimeoutMs ?? 30_000;
    this.sysctlDir = opts.sysctlDir ?? '/proc/sys';
    this.clock = opts.clock ?? realClock;
    this.iptables = {
      iptables: opts.iptablesPath ?? 'iptables',
      clock: this.clock,
      timeoutMs: this.timeoutMs,
    };
    this.log = (opts.logger ?? silentLogger).with({ component: 'cni', network: this.networkName });
    this.cache = new ResultCache(this.resultsDir);
  }

  // async: an invalid attachment is a rejection, like every other failure.

  async setUp(attachment: PodNetworkAttachment, signal?: AbortSignal): Promise<{ ips: string[] }> {
    this.validate(attachment);
    return this.queue.run(attachment.sandboxId, () => this.doSetUp(attachment, signal));
  }

  async tearDown(attachment: PodNetworkAttachment): Promise<void> {
    this.validate(attachment);
    return this.queue.run(attachment.sandboxId, () => this.doTearDown(attachment));
  }

  /**
   * CNI CHECK of a sandbox's attachment against its cached result: resolves when every plugin
   * agrees the pod's network is as ADD left it, rejects with a NetworkError saying what is not.
   */

  async check(attachment: PodNetworkAttachment, signal?: AbortSignal): Promise<void> {
    this.validate(attachment);
    return this.queue.run(attachment.sandboxId, async () => {
      const cached = await this.cache.read(this.networkName, attachment.sandboxId, this.ifName);
      if (!cached) {
        throw new NetworkError(
          `network "${this.networkName}" has no cached result for sandbox ${attachment.sandboxId}`,
        );
      }
      await this.runCheck(cached, attachment.netnsPath, signal);
    });
  }

  /** Sandbox ids with a cached attachment (set up and not yet torn down), for orphan cleanup. */
  async listAttachments(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.resultsDir);
    } catch {
      return [];
    }
    const prefix = `${this.networkName}-`;
    const suffix = `-${this.ifName}`;
    return names
      .filter((n) => n.startsWith(prefix) && n.endsWith(suffix))
      .map((n) => n.slice(prefix.length, n.length - suffix.length))
      .filter((id) => id !== '' && isValidCniName(id));
  }

  private validate(a: PodNetworkAttachment): void {
    if (!isValidCniName(a.sandboxId)) {
      throw new NetworkError(`invalid characters in containerID: ${JSON.stringify(a.sandboxId)}`);
    }
  }

  /** Once per process (retried after a failure): what the host must provide before any ADD. */
  private ensureHost(): Promise<CniNetworkConfigList> {
    this.hostReady ??= this.prepareHost().catch((err: unknown) => {
      this.hostReady = undefined;
      throw err;
    });
    return this.hostReady;
  }

  private async prepareHost(): Promise<CniNetworkConfigList> {
    await mkdir(this.ipamDataDir, { recursive: true, mode: 0o755 });
    await mkdir(this.resultsDir, { recursive: true, mode: 0o700 });
    const forward = path.join(this.sysctlDir, 'net', 'ipv4', 'ip_forward');
    try {
      const current = (await readFile(forward, 'utf8')).trim();
      if (current !== '1') {
        await writeFile(forward, '1');
        this.log.info('enabled IPv4 forwarding', { sysctl: 'net.ipv4.ip_forward=1' });
      }
    } catch (err) {
      throw new NetworkError(
        `failed to enable IPv4 forwarding (net.ipv4.ip_forward=1): ${errorMessage(err)}`,
      );
    }
    const firewall =
      this.firewall === 'auto' ? await forwardPolicyDrops(this.iptables) : this.firewall;
    const list = buildPodbayConflist({
      networkName: this.networkName,
      bridgeName: this.bridgeName,
      podCIDR: this.podCIDR,
      ipamDataDir: this.ipamDataDir,
      ...(this.mtu !== undefined ? { mtu: this.mtu } : {}),
      firewall,
    });
    for (const type of new Set(list.plugins.flatMap((p) => [p.type, ipamType(p)]))) {
      if (type === undefined) continue;
      try {
        await findPlugin(type, this.pluginDirs);
      } catch (err) {
        throw new NetworkError(`${errorMessage(err)} (install containernetworking-plugins)`);
      }
    }
    if (firewall) this.log.info('host drops forwarded packets: adding the firewall plugin');
    const chain = podMasqueradeChain(this.bridgeName);
    try {
      await ensurePodMasquerade(this.iptables, chain, this.podCIDR);
    } catch (err) {
      throw new NetworkError(
        `failed to set up the pods' masquerade (${chain}): ${errorMessage(err)}`,
      );
    }
    return list;
  }

  private async doSetUp(a: PodNetworkAttachment, signal?: AbortSignal): Promise<{ ips: string[] }> {
    const log = this.log.with({
      pod: `${a.podNamespace}/${a.podName}`,
      sandbox: a.sandboxId.slice(0, 12),
    });
    const list = await this.ensureHost();
    const cached = await this.cache.read(this.networkName, a.sandboxId, this.ifName);
    if (cached) {
      if (cached.netns === a.netnsPath) {
        try {
          await this.runCheck(cached, a.netnsPath, signal);
          const ips = podIPsFromResult(cached.result, this.ifName);
          if (ips.length > 0) {
            log.debug('network already set up', { ips: ips.join(',') });
            return { ips };
          }
        } catch (err) {
          if (isAbortError(err)) throw err;
          log.warn('cached network attachment failed CHECK; setting it up again', { err });
        }
      }
      await this.runDel(this.invocationFromCache(cached, a), cached.result);
      await this.removeMasquerade(cached.config, a.sandboxId);
      await this.cache.remove(this.networkName, a.sandboxId, this.ifName);
    }

    const portMappings = toCniPortMappings(a.portMappings);
    const inv: Invocation = {
      list: conflistForPod(list, {
        hasPortMappings: portMappings.length > 0,
        loopbackUp: a.loopbackUp === true,
      }),
      containerId: a.sandboxId,
      netns: a.netnsPath,
      cniArgs: cniArgsFor(a),
      capabilityArgs: { portMappings },
    };
    let result: CniResult | undefined;
    try {
      for (const plugin of inv.list.plugins) {
        const out = await this.invoke(
          inv,
          'ADD',
          plugin.type,
          buildPluginConfig(inv.list, plugin, result, inv.capabilityArgs),
          signal,
        ).catch((err: unknown) => {
          throw isAbortError(err)
            ? err
            : new NetworkError(
                `plugin type="${plugin.type}" name="${list.name}" failed (add): ${errorMessage(err)}`,
              );
        });
        if (out !== undefined) {
          if (!isCniResult(out)) {
            throw new NetworkError(
              `plugin type="${plugin.type}" name="${list.name}" failed (add): result is not a CNI result`,
            );
          }
          result = out;
        }
      }
      const ips = result ? podIPsFromResult(result, this.ifName) : [];
      if (!result || ips.length === 0) {
        throw new NetworkError(
          `network "${list.name}" gave sandbox ${a.sandboxId} no IP address on ${this.ifName}`,
        );
      }
      await this.cache.write({
        containerId: a.sandboxId,
        ifName: this.ifName,
        networkName: this.networkName,
        config: inv.list,
        cniArgs: inv.cniArgs,
        capabilityArgs: inv.capabilityArgs,
        result,
        netns: a.netnsPath,
      });
      log.info('pod network set up', {
        ips: ips.join(','),
        ports: toCniPortMappings(a.portMappings).length,
      });
      return { ips };
    } catch (err) {
      // Leave nothing half-done: undo whatever the plugins that ran managed to do.
      try {
        await this.runDel(inv, result);
        await this.removeMasquerade(list, a.sandboxId);
        await this.cache.remove(this.networkName, a.sandboxId, this.ifName);
      } catch (undoErr) {
        log.warn('undoing a failed network setup failed; tearDown will retry', { err: undoErr });
      }
      log.warn('pod network setup failed', { err });
      throw err;
    }
  }

  private async doTearDown(a: PodNetworkAttachment): Promise<void> {
    const log = this.log.with({
      pod: `${a.podNamespace}/${a.podName}`,
      sandbox: a.sandboxId.slice(0, 12),
    });
    const cached = await this.cache.read(this.networkName, a.sandboxId, this.ifName);
    const netns = (await isNetns(a.netnsPath)) ? a.netnsPath : '';
    let inv: Invocation;
    if (cached) {
      inv = { ...this.invocationFromCache(cached, a), netns };
    } else {
      const list = await this.currentConflist();
      inv = {
        list,
        containerId: a.sandboxId,
        netns,
        cniArgs: cniArgsFor(a),
        capabilityArgs: { portMappings: toCniPortMappings(a.portMappings) },
      };
    }
    await this.runDel(inv, cached?.result);
    // bridge's DEL removes the masquerade rules of the addresses it finds on the pod's interface;
    // with the namespace gone it finds none, so then we look for what it left.
    if (netns === '') {
      try {
        await this.removeMasquerade(inv.list, a.sandboxId);
      } catch (err) {
        throw new NetworkError(
          `failed to remove the masquerade rules of sandbox ${a.sandboxId}: ${errorMessage(err)}`,
        );
      }
    }
    await this.cache.remove(this.networkName, a.sandboxId, this.ifName);
    log.info('pod network torn down', { netnsGone: netns === '' });
  }

  /** The conflist as it would be now, for a DEL without a cached one (no host changes). */
  private async currentConflist(): Promise<CniNetworkConfigList> {
    if (this.hostReady) {
      try {
        return await this.hostReady;
      } catch {
        // fall through: tearDown must not depend on setUp's preconditions
      }
    }
    // firewall's DEL without a prevResult does nothing, so it can be left out here.
    return buildPodbayConflist({
      networkName: this.networkName,
      bridgeName: this.bridgeName,
      podCIDR: this.podCIDR,
      ipamDataDir: this.ipamDataDir,
      firewall: false,
    });
  }

  private invocationFromCache(cached: CachedAttachment, a: PodNetworkAttachment): Invocation {
    const mappings = cached.capabilityArgs['portMappings'];
    return {
      list: cached.config,
      containerId: a.sandboxId,
      netns: cached.netns,
      cniArgs: cached.cniArgs.length > 0 ? cached.cniArgs : cniArgsFor(a),
      capabilityArgs: Array.isArray(mappings)
        ? cached.capabilityArgs
        : { ...cached.capabilityArgs, portMappings: toCniPortMappings(a.portMappings) },
    };
  }

  /** DEL of every plugin in reverse order; the first failure stops it (a later DEL retries all). */
  private async runDel(inv: Invocation, prevResult: CniResult | undefined): Promise<void> {
    const netns = (await isNetns(inv.netns)) ? inv.netns : '';
    for (const plugin of [...inv.list.plugins].reverse()) {
      try {
        await this.invoke(
          { ...inv, netns },
          'DEL',
          plugin.type,
          buildPluginConfig(inv.list, plugin, prevResult, inv.capabilityArgs),
        );
      } catch (err) {
        throw new NetworkError(
          `plugin type="${plugin.type}" name="${inv.list.name}" failed (delete): ${errorMessage(err)}`,
        );
      }
    }
  }

  private async runCheck(
    cached: CachedAttachment,
    netnsPath: string,
    signal?: AbortSignal,
  ): Promise<void> {
    if (cached.config.disableCheck === true) return;
    if (!(await isNetns(netnsPath))) {
      throw new NetworkError(`network namespace ${netnsPath} does not exist`);
    }
    const inv: Invocation = {
      list: cached.config,
      containerId: cached.containerId,
      netns: netnsPath,
      cniArgs: cached.cniArgs,
      capabilityArgs: cached.capabilityArgs,
    };
    for (const plugin of cached.config.plugins) {
      if (
        plugin.type === 'portmap' &&
        !podIPsFromResult(cached.result, this.ifName).some((ip) => ip.includes(':'))
      ) {
        // portmap 1.1.1's CHECK also looks for ip6tables rules an IPv4-only pod never gets
        // (containernetworking/plugins#819), so it always fails here: check its chain ourselves.
        await this.checkPortmapChain(cached);
        continue;
      }
      try {
        await this.invoke(
          inv,
          'CHECK',
          plugin.type,
          buildPluginConfig(cached.config, plugin, cached.result, inv.capabilityArgs),
          signal,
        );
      } catch (err) {
        if (isAbortError(err)) throw err;
        throw new NetworkError(
          `plugin type="${plugin.type}" name="${cached.config.name}" failed (check): ${errorMessage(err)}`,
        );
      }
    }
  }

  private async checkPortmapChain(cached: CachedAttachment): Promise<void> {
    const mappings = cached.capabilityArgs['portMappings'];
    if (!Array.isArray(mappings) || mappings.length === 0) return;
    const chain = cniChainName(cached.config.name, cached.containerId, 'DN-');
    let exists: boolean;
    try {
      exists = await natChainExists(this.iptables, chain);
    } catch (err) {
      throw new NetworkError(
        `plugin type="portmap" name="${cached.config.name}" failed (check): ${errorMessage(err)}`,
      );
    }
    if (!exists) {
      throw new NetworkError(
        `plugin type="portmap" name="${cached.config.name}" failed (check): chain ${chain} not found in iptables table nat`,
      );
    }
  }

  private async removeMasquerade(list: CniNetworkConfigList, containerId: string): Promise<void> {
    const masq = list.plugins.some((p) => p.type === 'bridge' && p['ipMasq'] === true);
    if (!masq) return;
    await removeNatChain(this.iptables, cniChainName(list.name, containerId), ['POSTROUTING']);
  }

  private async invoke(
    inv: Invocation,
    command: CniCommand,
    type: string,
    stdin: string,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const pluginPath = await findPlugin(type, this.pluginDirs);
    return execPlugin({
      pluginPath,
      command,
      containerId: inv.containerId,
      netns: inv.netns,
      ifName: this.ifName,
      args: inv.cniArgs.map(([k, v]) => `${k}=${v}`).join(';'),
      cniPath: this.pluginDirs,
      stdin,
      timeoutMs: this.timeoutMs,
      clock: this.clock,
      ...(signal ? { signal } : {}),
    });
  }
}

function ipamType(p: CniPluginConf): string | undefined {
  const ipam = p['ipam'];
  if (typeof ipam === 'object' && ipam !== null) {
    const t = (ipam as { type?: unknown }).type;
    if (typeof t === 'string') return t;
  }
  return undefined;
}

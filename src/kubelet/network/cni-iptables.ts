/**
 * The iptables state the CNI plugins leave that podbay has to look after itself:
 *
 *   - bridge's per-container masquerade chain (`CNI-<hash>` in nat, jumped to from POSTROUTING).
 *     bridge removes it on DEL only when it finds the veth in the netns; a DEL after the netns is
 *     gone (reboot, crashed runtime) releases the address but leaves the chain. We remove it by name.
 *   - whether the host drops forwarded packets (Docker sets FORWARD's policy to DROP), in which case
 *     the conflist adds the firewall plugin so pod traffic is accepted.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../util/index.ts';
import { runCommand, splitShellWords } from './host-command.ts';

/** bridge and portmap's chain names: `CNI-` + prefix + sha512(name + id), 28 characters in all. */
export function cniChainName(networkName: string, containerId: string, prefix = ''): string {
  const hash = createHash('sha512')
    .update(networkName + containerId)
    .digest('hex');
  return `CNI-${prefix}${hash}`.slice(0, 28);
}

export interface IptablesOptions {
  /** The iptables binary; default `iptables`. */
  readonly iptables: string;
  readonly clock: Clock;
  readonly timeoutMs: number;
}

async function ipt(opts: IptablesOptions, args: readonly string[]) {
  // -w: wait for the xtables lock the plugins take, instead of failing.
  return runCommand(opts.iptables, ['-w', ...args], opts);
}

function missing(stderr: string): boolean {
  return /No chain\/target\/match by that name|does not exist|Bad rule|not found/i.test(stderr);
}

/**
 * Removes a nat chain and every rule in `fromChains` that jumps to it. Idempotent: a missing
 * chain or rule is success.
 */
export async function removeNatChain(
  opts: IptablesOptions,
  chain: string,
  fromChains: readonly string[],
): Promise<void> {
  // Usually bridge's DEL has removed it already. Without the chain there is no rule jumping to it
  // either (iptables keeps none), so one look is enough: every iptables run reads the whole table.
  if (!(await natChainExists(opts, chain))) return;
  for (const from of fromChains) {
    const listed = await ipt(opts, ['-t', 'nat', '-S', from]);
    if (listed.code !== 0) continue;
    for (const line of listed.stdout.split('\n')) {
      const words = splitShellWords(line.trim());
      if (
        words[0] !== '-A' ||
        words[words.length - 1] !== chain ||
        words[words.length - 2] !== '-j'
      ) {
        continue;
      }
      const del = await ipt(opts, ['-t', 'nat', '-D', ...words.slice(1)]);
      if (del.code !== 0 && !missing(del.stderr)) {
        throw new Error(`failed to delete rule "${line.trim()}": ${del.stderr.trim()}`);
      }
    }
  }
  for (const op of ['-F', '-X']) {
    const r = await ipt(opts, ['-t', 'nat', op, chain]);
    if (r.code !== 0 && !missing(r.stderr)) {
      throw new Error(`failed to remove chain ${chain}: ${r.stderr.trim()}`);
    }
  }
}

export async function natChainExists(opts: IptablesOptions, chain: string): Promise<boolean> {
  return (await ipt(opts, ['-t', 'nat', '-S', chain])).code === 0;
}

/** True when the filter table's FORWARD policy drops (or rejects by default) forwarded packets. */
export async function forwardPolicyDrops(opts: IptablesOptions): Promise<boolean> {
  try {
    const r = await ipt(opts, ['-S', 'FORWARD']);
    return r.code === 0 && /^-P FORWARD DROP$/m.test(r.stdout);
  } catch {
    return false;
  }
}

/**
 * The iptables state podbay looks after itself:
 *
 *   - the pods' masquerade: one chain per pod network (`PODBAY-<bridge>` in nat, jumped to from
 *     POSTROUTING for the pod CIDR), set up once, as kubenet did, instead of bridge's ipMasq, which
 *     runs iptables seven times per pod at ADD and six at DEL.
 *   - bridge's per-container masquerade chain (`CNI-<hash>`) of pods set up before that (their
 *     cached conflist has ipMasq). bridge removes it on DEL only when it finds the veth in the
 *     netns; a DEL after the netns is gone leaves the chain, so we remove it by name.
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

/** The nat chain that masquerades the pods of the network on `bridgeName`. */
export function podMasqueradeChain(bridgeName: string): string {
  return `PODBAY-${bridgeName}`;
}

/**
 * Masquerades what the pods of `podCIDR` send beyond it (not to each other, not to multicast), as
 * bridge's ipMasq does per pod: chain `chain` with those three rules, jumped to from POSTROUTING
 * for the pod CIDR. Idempotent; an existing chain whose rules differ is rewritten.
 */
export async function ensurePodMasquerade(
  opts: IptablesOptions,
  chain: string,
  podCIDR: string,
): Promise<void> {
  const comment = ['-m', 'comment', '--comment', `podbay: masquerade the pods of ${podCIDR}`];
  const rules = [
    ['-d', podCIDR, ...comment, '-j', 'RETURN'],
    ['-d', '224.0.0.0/4', ...comment, '-j', 'RETURN'],
    [...comment, '-j', 'MASQUERADE'],
  ];
  const must = async (args: readonly string[]): Promise<void> => {
    const r = await ipt(opts, args);
    if (r.code !== 0) throw new Error(`iptables ${args.join(' ')}: ${r.stderr.trim()}`);
  };
  const listed = await ipt(opts, ['-t', 'nat', '-S', chain]);
  if (listed.code !== 0) await must(['-t', 'nat', '-N', chain]);
  const want = rules.map((r) => `-A ${chain} ${r.join(' ')}`);
  const have = listed.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('-A '))
    .map((l) => splitShellWords(l).join(' '));
  if (have.join('\n') !== want.join('\n')) {
    await must(['-t', 'nat', '-F', chain]);
    for (const r of rules) await must(['-t', 'nat', '-A', chain, ...r]);
  }
  const jump = ['POSTROUTING', '-s', podCIDR, ...comment, '-j', chain];
  if ((await ipt(opts, ['-t', 'nat', '-C', ...jump])).code !== 0) {
    await must(['-t', 'nat', '-A', ...jump]);
  }
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

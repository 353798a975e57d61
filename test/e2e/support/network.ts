import { run } from './podbay.ts';

/**
 * A 10.244.X.0/24 (X from `first` up) that no route on this machine covers yet. A bridge left
 * behind by an earlier, killed run keeps its route, and a second bridge on the same subnet would
 * lose the host's traffic to it: the kernel routes by the older route and the new pods never answer.
 */
export async function unusedPodCIDR(first: number): Promise<{ cidr: string; prefix: string }> {
  const r = await run('ip', ['-4', '-o', 'route', 'show', 'table', 'all'], { timeoutMs: 10_000 });
  if (r.code !== 0) throw new Error(`ip route show: ${r.stderr}`);
  const routed = r.stdout;
  for (let x = first; x < 255; x++) {
    const prefix = `10.244.${String(x)}`;
    if (!routed.includes(`${prefix}.`)) return { cidr: `${prefix}.0/24`, prefix };
  }
  throw new Error(`no unused 10.244.X.0/24 from 10.244.${String(first)}.0 up`);
}

/** Removes a nat chain and the rules jumping to it (by rule number, from the end). */
export async function removeNatChain(chain: string): Promise<void> {
  const ipt = (args: string[]) =>
    run('iptables', ['-w', '-t', 'nat', ...args], { timeoutMs: 10_000 });
  for (const from of ['POSTROUTING', 'PREROUTING', 'OUTPUT', 'CNI-HOSTPORT-DNAT']) {
    const rules = (await ipt(['-S', from])).stdout.split('\n').filter((l) => l.startsWith('-A '));
    for (let i = rules.length - 1; i >= 0; i--) {
      if (rules[i]!.endsWith(`-j ${chain}`)) await ipt(['-D', from, String(i + 1)]);
    }
  }
  await ipt(['-F', chain]);
  await ipt(['-X', chain]);
}

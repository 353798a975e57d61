/**
 * `podbay server --pod-cidr`: a node agent whose pods take their IPs from the range given, on a
 * bridge of that range (so two servers on one machine need not collide in 10.244.0.0/24), recorded
 * in the Node's spec.podCIDR(s) as upstream's kubelet does; and a range that is not one refused
 * before anything starts.
 */
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { bridgeNameFor } from '../../src/kubelet/network/cni-config.ts';
import { podMasqueradeChain } from '../../src/kubelet/network/cni-iptables.ts';
import { isRoot, missing } from '../support/prerequisites.ts';
import { importBusybox } from './support/images.ts';
import { removePodsAndStop, waitFor } from './support/kubectl-helpers.ts';
import { removeNatChain, unusedPodCIDR } from './support/network.ts';
import { podbayBin, run, startPodbay, type Podbay } from './support/podbay.ts';

describe('podbay server --pod-cidr, refused', () => {
  it.each([
    ['10.1.2.3/24', /host bits are set \(did you mean 10\.1\.2\.0\/24\?\)/i],
    ['10.1.2.0/31', /prefix 8 to 30/],
    ['fd00::/64', /IPv4 network/],
  ])('%s: a usage error (exit 2) naming the problem', async (cidr, why) => {
    const r = await run(process.execPath, [podbayBin, 'server', '--pod-cidr', cidr], {
      timeoutMs: 20_000,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--pod-cidr/);
    expect(r.stderr).toMatch(why);
  });

  it('needs the node agent', async () => {
    const args = ['server', '--no-agent', '--pod-cidr', '10.1.2.0/24'];
    const r = await run(process.execPath, [podbayBin, ...args], { timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--pod-cidr needs the node agent/);
  });
});

const haveTools = existsSync('/usr/lib/cni/bridge') && existsSync('/bin/busybox');

describe.skipIf(missing({ root: isRoot, 'CNI plugins, busybox-static': haveTools }))(
  'podbay server --pod-cidr, running a pod',
  () => {
    let pb: Podbay | undefined;
    let bridge = '';

    afterAll(async () => {
      await removePodsAndStop(pb);
      // podbay leaves its bridge and its masquerade for the next start; this test's range is not
      // used again.
      if (bridge !== '') {
        await run('ip', ['link', 'del', bridge]);
        await removeNatChain(podMasqueradeChain(bridge));
      }
    });

    it('gives the pod an IP from the range, on a bridge of its own, and records it in the Node', async () => {
      const { cidr, prefix } = await unusedPodCIDR(170);
      bridge = bridgeNameFor(cidr);
      pb = await startPodbay({ agent: true, extraArgs: ['--pod-cidr', cidr] });
      const image = await importBusybox(pb.dataDir);
      const server = pb;
      const r = await server.kubectl(
        ['run', 'ranged', `--image=${image.name}`, '--restart=Never', '--', 'sleep', '3600'],
        { timeoutMs: 30_000 },
      );
      expect(r.code, r.stderr).toBe(0);
      const ip = await waitFor(async () => {
        const g = await server.kubectl(['get', 'pod', 'ranged', '-o', 'jsonpath={.status.podIP}']);
        return g.stdout !== '' ? g.stdout : undefined;
      }, 'the pod IP');
      expect(ip.startsWith(`${prefix}.`), `${ip} in ${cidr}`).toBe(true);
      // The range's gateway on the range's bridge (podbay0 keeps the default range's).
      const addr = await run('ip', ['-4', '-o', 'addr', 'show', 'dev', bridge]);
      expect(addr.stdout).toContain(`${prefix}.1/24`);
      const node = await server.kubectl([
        'get',
        'nodes',
        '-o',
        'jsonpath={.items[0].spec.podCIDR} {.items[0].spec.podCIDRs[0]}',
      ]);
      expect(node.stdout).toBe(`${cidr} ${cidr}`);
    });
  },
);

/**
 * CniNetwork against the real CNI plugins (root): two network namespaces on a test bridge and
 * CIDR of their own (so a running podbay on podbay0/10.244.0.0/24 is not disturbed), distinct
 * addresses, ping and TCP between them, a hostPort reached from the host (its own address and
 * 127.0.0.1), CHECK, idempotent setUp, and DEL that releases everything: also twice, and after the
 * namespace is gone. Everything made here (namespaces, bridge, iptables chains, IPAM files) is
 * removed afterwards, also when a check fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CniNetwork,
  NetworkError,
  type PodNetworkAttachment,
} from '../../src/kubelet/network/index.ts';
import { podMasqueradeChain } from '../../src/kubelet/network/cni-iptables.ts';
import { removeNatChain, unusedPodCIDR } from './support/network.ts';
import { run } from './support/podbay.ts';
import { isRoot, missing } from '../support/prerequisites.ts';

const havePlugins = existsSync('/usr/lib/cni/bridge') && existsSync('/usr/lib/cni/portmap');

const tag = randomBytes(3).toString('hex');
const bridge = `pbt${tag}`;
const networkName = `podbay-test-${tag}`;
// chosen in beforeAll: the first 10.244.X.0/24 from 200 up that nothing routes yet
let cidrPrefix = '';
let podCIDR = '';
const nsA = `pbtest-${tag}-a`;
const nsB = `pbtest-${tag}-b`;
/** A namespace beyond the host, on a /30 of its own, with no route back to the pods. */
const nsOut = `pbtest-${tag}-o`;
const outHostSide = `pbo${tag}`;
const hostPort = 30000 + Math.floor(Math.random() * 9000);
const sharedChains = ['CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-SETMARK', 'CNI-HOSTPORT-MASQ'];

let dataDir = '';
let net: CniNetwork;
const children: ChildProcess[] = [];
const listeners = new Map<string, ChildProcess[]>();
const sharedChainsBefore = new Set<string>();

function attachment(id: string, ns: string, ports = false): PodNetworkAttachment {
  return {
    sandboxId: id,
    podName: `pod-${id.slice(0, 6)}`,
    podNamespace: 'e2e',
    podUid: `uid-${id.slice(0, 6)}`,
    netnsPath: `/run/netns/${ns}`,
    portMappings: ports ? [{ protocol: 'TCP', containerPort: 8080, hostPort, hostIP: '' }] : [],
  };
}

const idA = `${tag}a`.padEnd(64, '0');
const idB = `${tag}b`.padEnd(64, '0');

async function sh(cmd: string, args: string[], timeoutMs = 15_000) {
  return run(cmd, args, { timeoutMs });
}

async function mustSh(cmd: string, args: string[]): Promise<string> {
  const r = await sh(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A one-shot-per-connection TCP server in a namespace that answers `reply`. */
function listen(ns: string, port: number, reply: string): ChildProcess {
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      ns,
      'busybox',
      'nc',
      '-ll',
      '-p',
      String(port),
      '-e',
      'busybox',
      'echo',
      reply,
    ],
    { stdio: 'ignore' },
  );
  children.push(child);
  listeners.set(ns, [...(listeners.get(ns) ?? []), child]);
  return child;
}

/** Connects (retrying while the listener starts) and returns what the server sent. */
async function tcpRead(args: string[], host: string, port: number): Promise<string> {
  let last = '';
  for (let i = 0; i < 20; i++) {
    const r = await sh(args[0]!, [
      ...args.slice(1),
      'busybox',
      'nc',
      '-w',
      '2',
      host,
      String(port),
    ]);
    if (r.code === 0 && r.stdout.trim() !== '') return r.stdout.trim();
    last = r.stderr;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`no answer from ${host}:${port}: ${last}`);
}

async function natChainExists(chain: string): Promise<boolean> {
  return (await sh('iptables', ['-w', '-t', 'nat', '-S', chain])).code === 0;
}

async function ipamFiles(): Promise<string[]> {
  try {
    return (await readdir(join(dataDir, 'cni', 'networks', networkName))).filter((f) =>
      f.startsWith(cidrPrefix),
    );
  } catch {
    return [];
  }
}

async function vethsOnBridge(): Promise<number> {
  const r = await sh('ip', ['-o', 'link', 'show', 'master', bridge]);
  return r.code === 0 ? r.stdout.split('\n').filter((l) => l.trim() !== '').length : 0;
}

/** sha512-derived chain names, as the plugins make them (checked against iptables below). */
async function chainsFor(id: string): Promise<string[]> {
  const { createHash } = await import('node:crypto');
  const h = createHash('sha512')
    .update(networkName + id)
    .digest('hex');
  return [`CNI-${h}`.slice(0, 28), `CNI-DN-${h}`.slice(0, 28)];
}

describe.skipIf(missing({ root: isRoot, 'CNI plugins in /usr/lib/cni': havePlugins }))(
  'CniNetwork with the real CNI plugins',
  () => {
    beforeAll(async () => {
      ({ cidr: podCIDR, prefix: cidrPrefix } = await unusedPodCIDR(200));
      dataDir = await mkdtemp(join(tmpdir(), 'podbay-cni-e2e-'));
      for (const c of sharedChains) if (await natChainExists(c)) sharedChainsBefore.add(c);
      await mustSh('ip', ['netns', 'add', nsA]);
      await mustSh('ip', ['netns', 'add', nsB]);
      net = new CniNetwork({ dataDir, networkName, bridgeName: bridge, podCIDR });
    });

    afterAll(async () => {
      for (const c of children) c.kill('SIGKILL');
      // Best effort: tear down through the plugins first, then remove whatever is left by hand.
      for (const [id, ns] of [
        [idA, nsA],
        [idB, nsB],
      ] as const) {
        await net.tearDown(attachment(id, ns, true)).catch(() => undefined);
        for (const chain of await chainsFor(id)) await removeNatChain(chain);
      }
      await sh('ip', ['netns', 'del', nsA]);
      await sh('ip', ['netns', 'del', nsB]);
      await sh('ip', ['netns', 'del', nsOut]);
      await sh('ip', ['link', 'del', outHostSide]);
      await sh('ip', ['link', 'del', bridge]);
      await removeNatChain(podMasqueradeChain(bridge));
      // portmap's shared chains: remove them only if this test made them and no other pod's
      // mappings have appeared in the meantime.
      const dnatRules = (
        await sh('iptables', ['-w', '-t', 'nat', '-S', 'CNI-HOSTPORT-DNAT'])
      ).stdout
        .split('\n')
        .filter((l) => l.startsWith('-A '));
      if (sharedChainsBefore.size === 0 && dnatRules.length === 0) {
        for (const c of sharedChains) await removeNatChain(c);
      }
      if (dataDir !== '') await rm(dataDir, { recursive: true, force: true });
    });

    it('gives two pods distinct addresses in the pod CIDR, concurrently', async () => {
      const [a, b] = await Promise.all([
        net.setUp(attachment(idA, nsA, true)),
        net.setUp(attachment(idB, nsB)),
      ]);
      expect(a.ips).toHaveLength(1);
      expect(b.ips).toHaveLength(1);
      const ipA = a.ips[0]!;
      const ipB = b.ips[0]!;
      expect(ipA).not.toBe(ipB);
      for (const ip of [ipA, ipB]) {
        expect(ip.startsWith(`${cidrPrefix}.`)).toBe(true);
        expect(ip).not.toBe(`${cidrPrefix}.1`); // the bridge's gateway address
      }
      expect(
        await mustSh('ip', ['netns', 'exec', nsA, 'ip', '-4', '-o', 'addr', 'show', 'eth0']),
      ).toContain(`${ipA}/24`);
      expect(await mustSh('ip', ['-4', '-o', 'addr', 'show', bridge])).toContain(
        `${cidrPrefix}.1/24`,
      );
      expect((await ipamFiles()).sort()).toEqual([ipA, ipB].sort());
      expect(await vethsOnBridge()).toBe(2);
      expect(await net.listAttachments()).toEqual(expect.arrayContaining([idA, idB]));
      // loopback is up in the pod
      expect(await mustSh('ip', ['netns', 'exec', nsA, 'ip', '-o', 'link', 'show', 'lo'])).toMatch(
        /UP/,
      );
    });

    it('lets the pods reach each other by ping and TCP', async () => {
      const ipA = (await net.setUp(attachment(idA, nsA, true))).ips[0]!;
      const ipB = (await net.setUp(attachment(idB, nsB))).ips[0]!;
      const ping = await sh('ip', [
        'netns',
        'exec',
        nsA,
        'busybox',
        'ping',
        '-c',
        '1',
        '-W',
        '2',
        ipB,
      ]);
      expect(ping.code, ping.stdout + ping.stderr).toBe(0);
      listen(nsB, 9090, 'hello-from-b');
      expect(await tcpRead(['ip', 'netns', 'exec', nsA], ipB, 9090)).toBe('hello-from-b');
      listen(nsA, 9091, 'hello-from-a');
      expect(await tcpRead(['ip', 'netns', 'exec', nsB], ipA, 9091)).toBe('hello-from-a');
    });

    it('masquerades what a pod sends beyond the host, with one chain for the pod CIDR', async () => {
      await net.setUp(attachment(idA, nsA, true));
      // A documentation /30 nothing here uses (some VMs put TEST-NET-1 on their own eth0): the
      // host on .1, a namespace on .2 that knows no way back to the pod CIDR, so its answer
      // reaches the pod only if the pod's address was masqueraded.
      const routed =
        (await mustSh('ip', ['-4', '-o', 'route', 'show', 'table', 'all'])) +
        (await mustSh('ip', ['-4', '-o', 'addr']));
      const out = ['198.51.100', '203.0.113', '198.18.0'].find((p) => !routed.includes(`${p}.`));
      expect(out, 'a free documentation /30').toBeDefined();
      await mustSh('ip', ['netns', 'add', nsOut]);
      await mustSh('ip', [
        'link',
        'add',
        outHostSide,
        'type',
        'veth',
        'peer',
        'name',
        'eth0',
        'netns',
        nsOut,
      ]);
      await mustSh('ip', ['addr', 'add', `${out!}.1/30`, 'dev', outHostSide]);
      await mustSh('ip', ['link', 'set', outHostSide, 'up']);
      await mustSh('ip', [
        'netns',
        'exec',
        nsOut,
        'ip',
        'addr',
        'add',
        `${out!}.2/30`,
        'dev',
        'eth0',
      ]);
      await mustSh('ip', ['netns', 'exec', nsOut, 'ip', 'link', 'set', 'eth0', 'up']);
      listen(nsOut, 9092, 'hello-from-outside');
      expect(await tcpRead(['ip', 'netns', 'exec', nsA], `${out!}.2`, 9092)).toBe(
        'hello-from-outside',
      );
      // The pod network's chain does it; bridge made no chain of its own for the pod.
      const chain = podMasqueradeChain(bridge);
      expect(await mustSh('iptables', ['-w', '-t', 'nat', '-S', chain])).toMatch(/-j MASQUERADE/);
      expect(await mustSh('iptables', ['-w', '-t', 'nat', '-S', 'POSTROUTING'])).toContain(
        `-s ${podCIDR}`,
      );
      const [masq] = await chainsFor(idA);
      expect(await natChainExists(masq!)).toBe(false);
    });

    it('publishes a hostPort through portmap, reachable from the host', async () => {
      listen(nsA, 8080, 'hello-via-hostport');
      const hostIP = (await mustSh('ip', ['-4', '-o', 'route', 'get', '1.1.1.1'])).match(
        /src (\S+)/,
      )?.[1];
      expect(hostIP).toBeDefined();
      expect(await tcpRead(['env'], hostIP!, hostPort)).toBe('hello-via-hostport');
      // 127.0.0.1 works through portmap's masquerade mark plus route_localnet on the bridge.
      expect(await tcpRead(['env'], '127.0.0.1', hostPort)).toBe('hello-via-hostport');
      // from the pod itself through the host's address: hairpin on its veth plus portmap's masquerade
      expect(await tcpRead(['ip', 'netns', 'exec', nsA], hostIP!, hostPort)).toBe(
        'hello-via-hostport',
      );
      // and from the other pod, through the host's address
      expect(await tcpRead(['ip', 'netns', 'exec', nsB], hostIP!, hostPort)).toBe(
        'hello-via-hostport',
      );
    });

    it('CHECK passes for a set-up pod and setUp again returns the same address', async () => {
      const before = (await net.setUp(attachment(idA, nsA, true))).ips;
      await net.check(attachment(idA, nsA, true));
      expect((await net.setUp(attachment(idA, nsA, true))).ips).toEqual(before);
      expect((await ipamFiles()).length).toBe(2);
    });

    it('DEL releases the address, veth and iptables chains; DEL again succeeds', async () => {
      const ipA = (await net.setUp(attachment(idA, nsA, true))).ips[0]!;
      const [, dnat] = await chainsFor(idA);
      expect(await natChainExists(dnat!)).toBe(true);
      await net.tearDown(attachment(idA, nsA, true));
      expect(await ipamFiles()).not.toContain(ipA);
      expect(await vethsOnBridge()).toBe(1);
      expect(await natChainExists(dnat!)).toBe(false);
      // The pod network's masquerade stays for the other pods.
      expect(await natChainExists(podMasqueradeChain(bridge))).toBe(true);
      expect((await sh('ip', ['netns', 'exec', nsA, 'ip', 'link', 'show', 'eth0'])).code).not.toBe(
        0,
      );
      await net.tearDown(attachment(idA, nsA, true));
      expect(await net.listAttachments()).not.toContain(idA);
    });

    it('DEL after the network namespace is deleted still releases the address and rules', async () => {
      const ipB = (await net.setUp(attachment(idB, nsB))).ips[0]!;
      // The namespace dies with its last process: stop the listeners started in it.
      for (const c of listeners.get(nsB) ?? []) c.kill('SIGKILL');
      await mustSh('ip', ['netns', 'del', nsB]);
      await net.tearDown(attachment(idB, nsB));
      expect(await ipamFiles()).not.toContain(ipB);
      // The kernel destroys the veth pair with the namespace, asynchronously.
      for (let i = 0; i < 50 && (await vethsOnBridge()) > 0; i++) {
        await new Promise((res) => setTimeout(res, 100));
      }
      expect(await vethsOnBridge()).toBe(0);
      await net.tearDown(attachment(idB, nsB));
      expect(await net.listAttachments()).toEqual([]);
    });

    it('a failing plugin is a NetworkError with its message, and leaves nothing behind', async () => {
      const id = `${tag}c`.padEnd(64, '0');
      const err = await net
        .setUp(attachment(id, `missing-${tag}`))
        .then(() => undefined)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect((err as Error).message).toMatch(
        /^plugin type="loopback" name="podbay-test-\w+" failed \(add\): /,
      );
      expect((err as Error).message).toContain(`/run/netns/missing-${tag}`);
      expect(await ipamFiles()).toEqual([]);
      expect(await net.listAttachments()).toEqual([]);
    });
  },
);

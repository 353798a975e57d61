/**
 * CniNetwork against fake plugins (small Node scripts that log what they get and answer as the
 * real ones do), so the protocol is checked without root: environment, stdin config, chaining of
 * results, capabilities, the result cache, DEL order, error wording, undo, timeouts, queueing.
 */
import { chmod, mkdtemp, readFile, rm, writeFile, mkdir, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CniNetwork, type CniNetworkOptions } from './cni-network.ts';
import { NetworkError, type PodNetworkAttachment } from './types.ts';

const pluginSource = `#!${process.execPath}
const fs = require('fs');
const path = require('path');
const dir = __dirname;
const type = path.basename(__filename);
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  const env = process.env;
  const conf = JSON.parse(input);
  fs.appendFileSync(path.join(dir, 'calls.jsonl'), JSON.stringify({
    type, cmd: env.CNI_COMMAND, id: env.CNI_CONTAINERID, netns: env.CNI_NETNS, ifName: env.CNI_IFNAME,
    args: env.CNI_ARGS, cniPath: env.CNI_PATH, conf,
  }) + '\\n');
  const ctl = path.join(dir, 'ctl-' + type + '-' + env.CNI_COMMAND + '.json');
  if (fs.existsSync(ctl)) {
    const c = JSON.parse(fs.readFileSync(ctl, 'utf8'));
    if (c.sleepMs) { setTimeout(() => {}, c.sleepMs); return; }
    if (c.error) { process.stdout.write(JSON.stringify(c.error)); process.exit(1); }
    if (c.stderr) { process.stderr.write(c.stderr); process.exit(1); }
  }
  if (env.CNI_COMMAND !== 'ADD') return;
  let result;
  if (type === 'bridge') {
    result = { cniVersion: '1.0.0',
      interfaces: [{ name: 'podbay0' }, { name: 'veth1' }, { name: env.CNI_IFNAME, sandbox: env.CNI_NETNS }],
      ips: [{ address: '10.244.0.7/24', gateway: '10.244.0.1', interface: 2 }] };
  } else if (conf.prevResult) {
    result = conf.prevResult;
  } else {
    result = { cniVersion: '1.0.0', interfaces: [{ name: 'lo', sandbox: env.CNI_NETNS }],
      ips: [{ address: '127.0.0.1/8', interface: 0 }] };
  }
  process.stdout.write(JSON.stringify(result));
});
`;

const iptablesSource = `#!/bin/sh
dir=$(dirname "$0")
echo "$*" >> "$dir/iptables.log"
if [ "$2 $3" = "-S FORWARD" ] && [ -f "$dir/forward-drop" ]; then echo "-P FORWARD DROP"; fi
exit 0
`;

interface Call {
  type: string;
  cmd: string;
  id: string;
  netns: string;
  ifName: string;
  args: string;
  cniPath: string;
  conf: Record<string, unknown> & {
    prevResult?: unknown;
    runtimeConfig?: Record<string, unknown>;
    ipam?: Record<string, unknown>;
  };
}

let root = '';
let plugins = '';
let dataDir = '';
let sysctlDir = '';

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'podbay-cni-unit-'));
  plugins = path.join(root, 'plugins');
  dataDir = path.join(root, 'data');
  sysctlDir = path.join(root, 'sys');
  await mkdir(plugins);
  await mkdir(path.join(sysctlDir, 'net', 'ipv4'), { recursive: true });
  await writeFile(path.join(sysctlDir, 'net', 'ipv4', 'ip_forward'), '0\n');
  for (const t of ['loopback', 'bridge', 'host-local', 'portmap', 'firewall']) {
    await writeFile(path.join(plugins, t), pluginSource);
    await chmod(path.join(plugins, t), 0o755);
  }
  await writeFile(path.join(plugins, 'iptables'), iptablesSource);
  await chmod(path.join(plugins, 'iptables'), 0o755);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function network(extra: Partial<CniNetworkOptions> = {}): CniNetwork {
  return new CniNetwork({
    dataDir,
    pluginDirs: [plugins],
    sysctlDir,
    iptablesPath: path.join(plugins, 'iptables'),
    ...extra,
  });
}

const sandboxId = 'a'.repeat(64);

function attachment(over: Partial<PodNetworkAttachment> = {}): PodNetworkAttachment {
  return {
    sandboxId,
    podName: 'web',
    podNamespace: 'default',
    podUid: 'uid-1',
    // A real namespace file any user may stat: the plugins are fakes and never enter it.
    netnsPath: '/proc/self/ns/net',
    portMappings: [{ protocol: 'TCP', containerPort: 80, hostPort: 8080, hostIP: '' }],
    ...over,
  };
}

async function calls(): Promise<Call[]> {
  try {
    const text = await readFile(path.join(plugins, 'calls.jsonl'), 'utf8');
    return text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Call);
  } catch {
    return [];
  }
}

async function control(type: string, cmd: string, c: unknown): Promise<void> {
  await writeFile(path.join(plugins, `ctl-${type}-${cmd}.json`), JSON.stringify(c));
}

const cacheFile = (): string => path.join(dataDir, 'cni', 'results', `podbay-${sandboxId}-eth0`);

describe('CniNetwork ADD', () => {
  it('runs the conflist in order, chaining results, and returns eth0 addresses', async () => {
    const net = network();
    expect(await net.setUp(attachment())).toEqual({ ips: ['10.244.0.7'] });
    const log = await calls();
    expect(log.map((c) => `${c.type}:${c.cmd}`)).toEqual([
      'loopback:ADD',
      'bridge:ADD',
      'portmap:ADD',
    ]);
    for (const c of log) {
      expect(c).toMatchObject({
        id: sandboxId,
        netns: '/proc/self/ns/net',
        ifName: 'eth0',
        cniPath: plugins,
      });
      expect(c.conf).toMatchObject({ name: 'podbay', cniVersion: '1.0.0' });
      expect(c.args).toBe(
        `IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web;K8S_POD_INFRA_CONTAINER_ID=${sandboxId};K8S_POD_UID=uid-1`,
      );
    }
    const [lo, bridge, portmap] = log;
    expect(lo!.conf.prevResult).toBeUndefined();
    expect(bridge!.conf).toMatchObject({
      type: 'bridge',
      bridge: 'podbay0',
      isGateway: true,
      ipMasq: false,
      hairpinMode: true,
      ipam: {
        type: 'host-local',
        ranges: [[{ subnet: '10.244.0.0/24' }]],
        dataDir: path.join(dataDir, 'cni', 'networks'),
      },
    });
    expect(bridge!.conf.prevResult).toMatchObject({ ips: [{ address: '127.0.0.1/8' }] });
    expect(bridge!.conf.runtimeConfig).toBeUndefined();
    expect(portmap!.conf.prevResult).toMatchObject({ ips: [{ address: '10.244.0.7/24' }] });
    expect(portmap!.conf.runtimeConfig).toEqual({
      portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
    });
    expect((await readFile(path.join(sysctlDir, 'net', 'ipv4', 'ip_forward'), 'utf8')).trim()).toBe(
      '1',
    );
    // Masquerade is one chain for the pod CIDR, set up with the host, not per pod by bridge.
    const ipt = await readFile(path.join(plugins, 'iptables.log'), 'utf8');
    expect(ipt).toContain(
      '-w -t nat -A PODBAY-podbay0 -d 10.244.0.0/24 -m comment --comment podbay: masquerade the pods of 10.244.0.0/24 -j RETURN',
    );
    expect(ipt).toMatch(/-w -t nat -A PODBAY-podbay0 .*-j MASQUERADE/);

    const cached = JSON.parse(await readFile(cacheFile(), 'utf8')) as Record<string, unknown>;
    expect(cached).toMatchObject({
      kind: 'cniCacheV1',
      containerId: sandboxId,
      ifName: 'eth0',
      networkName: 'podbay',
      capabilityArgs: { portMappings: [{ hostPort: 8080 }] },
      result: { ips: [{ address: '10.244.0.7/24' }] },
    });
    const conf = JSON.parse(Buffer.from(cached['config'] as string, 'base64').toString()) as {
      name: string;
    };
    expect(conf.name).toBe('podbay');
  });

  it('runs portmap only for a pod with host ports, and DEL runs what ADD ran', async () => {
    const net = network();
    await net.setUp(attachment({ portMappings: [] }));
    await net.tearDown(attachment({ portMappings: [] }));
    expect((await calls()).map((c) => `${c.type}:${c.cmd}`)).toEqual([
      'loopback:ADD',
      'bridge:ADD',
      'bridge:DEL',
      'loopback:DEL',
    ]);
  });

  it('runs no loopback plugin where the runtime brought lo up, also at DEL', async () => {
    const net = network();
    await net.setUp(attachment({ portMappings: [], loopbackUp: true }));
    await net.tearDown(attachment({ portMappings: [], loopbackUp: true }));
    expect((await calls()).map((c) => `${c.type}:${c.cmd}`)).toEqual(['bridge:ADD', 'bridge:DEL']);
  });

  it('is idempotent: a second setUp of a healthy sandbox runs CHECK, not ADD', async () => {
    const net = network();
    await net.setUp(attachment());
    expect(await net.setUp(attachment())).toEqual({ ips: ['10.244.0.7'] });
    const log = await calls();
    expect(log.map((c) => `${c.type}:${c.cmd}`)).toEqual([
      'loopback:ADD',
      'bridge:ADD',
      'portmap:ADD',
      'loopback:CHECK',
      'bridge:CHECK',
    ]);
    expect(log[3]!.conf.prevResult).toMatchObject({ ips: [{ address: '10.244.0.7/24' }] });
  });

  it('adds the firewall plugin when the host drops forwarded packets', async () => {
    await writeFile(path.join(plugins, 'forward-drop'), '');
    await network().setUp(attachment());
    expect((await calls()).map((c) => c.type)).toEqual([
      'loopback',
      'bridge',
      'firewall',
      'portmap',
    ]);
  });

  it('uses the configured bridge, CIDR and network name', async () => {
    const net = network({
      networkName: 'test-net',
      bridgeName: 'pbtest0',
      podCIDR: '10.244.200.0/24',
    });
    await net.setUp(attachment());
    const bridge = (await calls()).find((c) => c.type === 'bridge')!;
    expect(bridge.conf).toMatchObject({
      name: 'test-net',
      bridge: 'pbtest0',
      ipam: { ranges: [[{ subnet: '10.244.200.0/24' }]] },
    });
  });

  it('refuses bad configuration at construction', () => {
    expect(() => network({ podCIDR: '10.244.0.1/24' })).toThrow(
      'host bits are set (did you mean 10.244.0.0/24?)',
    );
    expect(() => network({ podCIDR: 'nonsense' })).toThrow('invalid pod CIDR "nonsense"');
    expect(() => network({ bridgeName: 'a-very-long-bridge-name' })).toThrow('invalid bridge name');
    expect(() => network({ networkName: 'bad name' })).toThrow('invalid CNI network name');
  });

  it('refuses sandbox ids CNI does not accept', async () => {
    await expect(network().setUp(attachment({ sandboxId: '../x' }))).rejects.toThrow(NetworkError);
  });
});

describe('CniNetwork failures', () => {
  it("reports the plugin's error object as libcni words it, and undoes the partial ADD", async () => {
    await control('bridge', 'ADD', {
      error: {
        cniVersion: '1.0.0',
        code: 11,
        msg: 'failed to allocate for range 0',
        details: 'range is full',
      },
    });
    const err = await network()
      .setUp(attachment())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as Error).message).toBe(
      'plugin type="bridge" name="podbay" failed (add): failed to allocate for range 0; range is full',
    );
    expect((await calls()).map((c) => `${c.type}:${c.cmd}`)).toEqual([
      'loopback:ADD',
      'bridge:ADD',
      'portmap:DEL',
      'bridge:DEL',
      'loopback:DEL',
    ]);
    await expect(access(cacheFile())).rejects.toThrow();
  });

  it('reports stderr when a plugin prints no error object', async () => {
    await control('loopback', 'ADD', { stderr: 'boom' });
    await expect(network().setUp(attachment())).rejects.toThrow(
      'plugin type="loopback" name="podbay" failed (add): netplugin failed: "boom"',
    );
  });

  it('kills a plugin that hangs and says so', async () => {
    await control('portmap', 'ADD', { sleepMs: 10_000 });
    await expect(network({ pluginTimeoutMs: 500 }).setUp(attachment())).rejects.toThrow(
      'plugin type="portmap" name="podbay" failed (add): netplugin portmap timed out after 500ms',
    );
    expect((await calls()).map((c) => c.cmd)).toContain('DEL');
  });

  it('says which plugin is missing', async () => {
    await rm(path.join(plugins, 'portmap'));
    await expect(network().setUp(attachment())).rejects.toThrow(
      `failed to find plugin "portmap" in path [${plugins}] (install containernetworking-plugins)`,
    );
  });

  it('keeps the cache when DEL fails, so a later tearDown retries with it', async () => {
    const net = network();
    await net.setUp(attachment());
    await control('bridge', 'DEL', { error: { code: 999, msg: 'device busy' } });
    await expect(net.tearDown(attachment())).rejects.toThrow(
      'plugin type="bridge" name="podbay" failed (delete): device busy',
    );
    await access(cacheFile());
    await rm(path.join(plugins, 'ctl-bridge-DEL.json'));
    await net.tearDown(attachment());
    await expect(access(cacheFile())).rejects.toThrow();
  });
});

describe('CniNetwork DEL', () => {
  it('runs in reverse order with the cached result and mappings, then drops the cache', async () => {
    const net = network();
    await net.setUp(attachment());
    // The runtime may not know the port mappings any more (e.g. after a restart): the cache does.
    await network().tearDown(attachment({ portMappings: [] }));
    const dels = (await calls()).filter((c) => c.cmd === 'DEL');
    expect(dels.map((c) => c.type)).toEqual(['portmap', 'bridge', 'loopback']);
    for (const c of dels) {
      expect(c.conf.prevResult).toMatchObject({ ips: [{ address: '10.244.0.7/24' }] });
      expect(c.netns).toBe('/proc/self/ns/net');
    }
    expect(dels[0]!.conf.runtimeConfig).toEqual({
      portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
    });
    await expect(access(cacheFile())).rejects.toThrow();
    // No per-pod chain to look for: no iptables run of ours at DEL.
    const ipt = await readFile(path.join(plugins, 'iptables.log'), 'utf8');
    expect(ipt).not.toContain('CNI-');
    expect(await net.listAttachments()).toEqual([]);
  });

  it('passes an empty CNI_NETNS when the namespace is gone', async () => {
    const net = network();
    await net.setUp(attachment());
    await net.tearDown(attachment({ netnsPath: path.join(root, 'gone') }));
    const dels = (await calls()).filter((c) => c.cmd === 'DEL');
    expect(dels.map((c) => c.netns)).toEqual(['', '', '']);
  });

  it("removes bridge's per-pod masquerade chain of a pod set up with ipMasq, its namespace gone", async () => {
    const net = network();
    await net.setUp(attachment());
    // A pod an older podbay set up: its cached conflist has bridge masquerading it.
    const cached = JSON.parse(await readFile(cacheFile(), 'utf8')) as Record<string, unknown>;
    const conf = JSON.parse(Buffer.from(cached['config'] as string, 'base64').toString()) as {
      plugins: Record<string, unknown>[];
    };
    for (const p of conf.plugins) if (p['type'] === 'bridge') p['ipMasq'] = true;
    cached['config'] = Buffer.from(JSON.stringify(conf)).toString('base64');
    await writeFile(cacheFile(), JSON.stringify(cached));
    await net.tearDown(attachment({ netnsPath: path.join(root, 'gone') }));
    // bridge found no addresses to unmasquerade: the chain is removed by name, with the rules
    // that jump to it.
    const ipt = await readFile(path.join(plugins, 'iptables.log'), 'utf8');
    expect(ipt).toContain('-w -t nat -S POSTROUTING');
  });

  it('succeeds for a sandbox it never set up, and twice', async () => {
    const net = network();
    await net.tearDown(attachment());
    await net.tearDown(attachment());
    const dels = (await calls()).filter((c) => c.cmd === 'DEL');
    expect(dels).toHaveLength(6);
    expect(dels[0]!.conf.prevResult).toBeUndefined();
    expect(dels[0]!.conf.runtimeConfig).toEqual({
      portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
    });
  });

  it('serialises operations on one sandbox', async () => {
    const net = network();
    await Promise.all([
      net.setUp(attachment()),
      net.tearDown(attachment()),
      net.setUp(attachment()),
    ]);
    expect((await calls()).map((c) => c.cmd)).toEqual([
      'ADD',
      'ADD',
      'ADD',
      'DEL',
      'DEL',
      'DEL',
      'ADD',
      'ADD',
      'ADD',
    ]);
    expect(await net.listAttachments()).toEqual([sandboxId]);
  });
});

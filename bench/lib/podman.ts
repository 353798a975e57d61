/**
 * The peer for pods: Debian's podman 4.3 (`podman kube play`), installed by the benchmark when
 * missing (`apt-get install --no-install-recommends podman`, as root) so that `npm test` does not
 * carry it.
 *
 * Everything podman keeps lives in one temp dir, so the benchmark never touches a podman the
 * machine may have: CONTAINERS_CONF points at our containers.conf (cgroupfs, as there is no
 * systemd; events to a file; the `nofile`/`nproc` ulimits these VMs need lowered; network configs,
 * tmp and volumes in the temp dir), and --root/--runroot hold its storage. Its network is one we
 * create (`podbay-bench-podman`, our subnet) with podman's conflist cut down to the plugins
 * podbay runs for a pod without host ports (bridge, without per-pod masquerade, which podbay sets
 * up once per network; podman brings up loopback itself, and its portmap, firewall and tuning go),
 * so both do the same network work per pod, and the firewall plugin's global chains never appear.
 *
 * Clean-up (also on failure): every pod removed one by one (`pod rm --all` deadlocked podman 4.3
 * here once), the network removed (podman deletes its bridge), host-local's directory and libpod's
 * cached CNI results for it, the temp dir, podman's SHM lock segment and blob cache if they were
 * ours. Should podman fail at that, its containers, namespaces and masquerade rules are removed by
 * hand.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BusyboxImage } from './busybox-image.ts';
import type { BenchContext } from './context.ts';

const execFileAsync = promisify(execFile);

export const podmanNetwork = 'podbay-bench-podman';
export const podmanSubnet = '10.252.0.0/24';

export interface Podman {
  readonly version: string;
  readonly dir: string;
  /** Runs podman with our configuration; rejects with its stderr on failure. */
  run(args: readonly string[], timeoutMs?: number): Promise<string>;
  /** `podman kube play` of a manifest file on our network; resolves when podman returns. */
  kubePlay(file: string): Promise<void>;
  /** Names and states of a pod's containers (the infra container included). */
  containerStates(pod: string): Promise<Map<string, string>>;
  /** Force-removes a pod at once (`pod rm -f -t 0`). */
  podRm(pod: string): Promise<void>;
  /** The conmon processes of our podman's containers. */
  conmonPids(): Promise<number[]>;
}

async function installed(): Promise<boolean> {
  try {
    await execFileAsync('podman', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/** Installs Debian's podman when it is missing (root only). */
export async function ensurePodman(ctx: BenchContext): Promise<void> {
  if (await installed()) return;
  if (process.getuid?.() !== 0) {
    throw new Error('podman is not installed and installing it needs root');
  }
  ctx.log('installing podman (apt-get install --no-install-recommends podman)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await execFileAsync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'podman'], {
      env,
      timeout: 300_000,
    });
  } catch {
    // The package lists may be missing or stale on a fresh machine.
    await execFileAsync('apt-get', ['update', '-qq'], { env, timeout: 300_000 });
    await execFileAsync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'podman'], {
      env,
      timeout: 300_000,
    });
  }
  if (!(await installed())) throw new Error('apt-get installed podman, yet `podman` does not run');
}

function containersConf(dir: string): string {
  return `# Written by podbay's benchmarks: a private podman in ${dir}.
[containers]
# These VMs refuse podman's defaults (RLIMIT_NOFILE 1048576 exceeds what the process may set).
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "${dir}/events.log"
tmp_dir = "${dir}/tmp"
volume_path = "${dir}/volumes"

[network]
network_backend = "cni"
network_config_dir = "${dir}/net"
`;
}

/** Sets up the private podman with the busybox image loaded and our network created. */
export async function startPodman(ctx: BenchContext, image: BusyboxImage): Promise<Podman> {
  await ensurePodman(ctx);
  const lockExisted = existsSync('/dev/shm/libpod_lock');
  const dir = await mkdtemp(join(tmpdir(), 'podbay-bench-podman-'));
  for (const d of ['net', 'tmp', 'volumes', 'root', 'runroot']) await mkdir(join(dir, d));
  await writeFile(join(dir, 'containers.conf'), containersConf(dir));
  const env = { ...process.env, CONTAINERS_CONF: join(dir, 'containers.conf') };
  const global = ['--root', join(dir, 'root'), '--runroot', join(dir, 'runroot')];
  const run = async (args: readonly string[], timeoutMs = 60_000): Promise<string> => {
    try {
      const { stdout } = await execFileAsync('podman', [...global, ...args], {
        env,
        timeout: timeoutMs,
        maxBuffer: 16 << 20,
      });
      return stdout;
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`podman ${args.join(' ')}: ${(e.stderr ?? '').trim() || e.message}`);
    }
  };
  const cacheExisted = existsSync('/var/lib/containers/cache');
  ctx.defer(async () => {
    await cleanUpPodman(ctx, dir, run);
    if (!lockExisted) await rm('/dev/shm/libpod_lock', { force: true });
    // `podman load` keeps a blob cache there whatever --root says.
    if (!cacheExisted) {
      await rm('/var/lib/containers/cache', { recursive: true, force: true });
      await rmdir('/var/lib/containers').catch(() => undefined);
    }
  });

  const version = (await run(['version', '--format', '{{.Client.Version}}'])).trim();
  await run(['load', '--quiet', '--input', image.archive]);
  if (await subnetInUse(podmanSubnet)) {
    throw new Error(`${podmanSubnet} is already routed on this machine; the podman peer needs it`);
  }
  await run(['network', 'create', '--subnet', podmanSubnet, podmanNetwork]);
  await trimConflist(join(dir, 'net', `${podmanNetwork}.conflist`));

  return {
    version,
    dir,
    run,
    async kubePlay(file) {
      await run(['kube', 'play', '--network', podmanNetwork, file]);
    },
    async containerStates(pod) {
      const out = await run(['ps', '--all', '--filter', `pod=${pod}`, '--format', 'json']);
      const list = JSON.parse(out) as { Names?: string[]; State?: string }[];
      return new Map(list.map((c) => [c.Names?.[0] ?? '?', c.State ?? '?']));
    },
    async podRm(pod) {
      await run(['pod', 'rm', '--force', '--time', '0', pod]);
    },
    conmonPids: () => conmonPidsUnder(dir),
  };
}

/**
 * Keeps only the plugin podbay runs for a pod without host ports besides loopback, bridge, and
 * without its per-pod masquerade.
 */
async function trimConflist(path: string): Promise<void> {
  const conf = JSON.parse(await readFile(path, 'utf8')) as {
    plugins: { type: string; ipMasq?: boolean }[];
  };
  conf.plugins = conf.plugins.filter((p) => p.type === 'bridge');
  for (const p of conf.plugins) p.ipMasq = false;
  await writeFile(path, JSON.stringify(conf, null, 2));
}

async function subnetInUse(cidr: string): Promise<boolean> {
  const { stdout } = await execFileAsync('ip', ['-4', 'route', 'show', cidr]);
  return stdout.trim() !== '';
}

/** conmon processes whose command line names a path under `dir` (podman's storage). */
async function conmonPidsUnder(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0');
      if (cmdline[0]?.endsWith('conmon') && cmdline.some((a) => a.includes(dir))) {
        pids.push(Number(entry));
      }
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

type PodmanRun = (args: readonly string[], timeoutMs?: number) => Promise<string>;

/** Removes everything our podman made; by hand what podman itself fails to remove. */
async function cleanUpPodman(ctx: BenchContext, dir: string, run: PodmanRun): Promise<void> {
  const report = (err: unknown): void => {
    ctx.log(`podman clean-up: ${err instanceof Error ? err.message : String(err)}`);
  };
  // The network namespaces podman pinned, in case podman cannot remove them itself.
  const netns = new Set<string>();
  try {
    const ids = (await run(['ps', '--all', '--quiet'])).split('\n').filter((l) => l !== '');
    if (ids.length > 0) {
      const keys = await run(['inspect', '--format', '{{.NetworkSettings.SandboxKey}}', ...ids]);
      for (const k of keys.split('\n')) if (k.startsWith('/run/netns/')) netns.add(k);
    }
    const pods = JSON.parse(await run(['pod', 'ps', '--format', 'json'])) as { Name: string }[];
    for (const pod of pods) {
      await run(['pod', 'rm', '--force', '--time', '0', pod.Name], 60_000).catch(report);
    }
  } catch (err) {
    report(err);
  }
  await run(['network', 'rm', '--force', podmanNetwork]).catch(() => undefined);

  // By hand, what is left: containers (runc's default root, bundles in our dir), their
  // namespaces, masquerade rules, and mounts under our dir.
  const { stdout } = await execFileAsync('runc', ['list', '--format', 'json']).catch(() => ({
    stdout: '[]',
  }));
  const containers = (JSON.parse(stdout || '[]') as { id: string; bundle: string }[] | null) ?? [];
  for (const c of containers.filter((x) => x.bundle.startsWith(`${dir}/`))) {
    ctx.log(`podman clean-up: removing container ${c.id} by hand`);
    await execFileAsync('runc', ['delete', '--force', c.id]).catch(report);
  }
  for (const pin of netns) {
    if (!existsSync(pin)) continue;
    ctx.log(`podman clean-up: removing network namespace ${pin} by hand`);
    await execFileAsync('umount', [pin]).catch(report);
    await rm(pin, { force: true });
  }
  await removeMasqueradeRules(podmanNetwork).catch(report);
  const mounts = (await readFile('/proc/self/mountinfo', 'utf8'))
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((m) => m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) await execFileAsync('umount', ['--lazy', m]).catch(report);
  await rm(join('/var/lib/cni/networks', podmanNetwork), { recursive: true, force: true });
  for (const f of await readdir('/var/lib/cni/results').catch(() => [] as string[])) {
    if (f.startsWith(`${podmanNetwork}-`))
      await rm(join('/var/lib/cni/results', f), { force: true });
  }
  await rm(dir, { recursive: true, force: true });
}

/** The bridge plugin's per-pod masquerade rules and chains for `network` (CNI DEL never ran). */
async function removeMasqueradeRules(network: string): Promise<void> {
  const { stdout } = await execFileAsync('iptables', ['-w', '-t', 'nat', '-S', 'POSTROUTING']);
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('-A POSTROUTING') || !line.includes(`name: \\"${network}\\"`)) continue;
    const chain = /-j (CNI-[0-9a-f]+)/.exec(line)?.[1];
    const source = /-s (\S+)/.exec(line)?.[1];
    const comment = /--comment "((?:[^"\\]|\\.)*)"/.exec(line)?.[1]?.replace(/\\"/g, '"');
    if (!chain || !source || comment === undefined) continue;
    await execFileAsync('iptables', [
      '-w',
      '-t',
      'nat',
      '-D',
      'POSTROUTING',
      '-s',
      source,
      '-m',
      'comment',
      '--comment',
      comment,
      '-j',
      chain,
    ]);
    await execFileAsync('iptables', ['-w', '-t', 'nat', '-F', chain]);
    await execFileAsync('iptables', ['-w', '-t', 'nat', '-X', chain]);
  }
}

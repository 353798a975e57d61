/**
 * The raw floor of starting a pod: what the kernel, the CNI plugins and runc cost with nothing
 * around them. One pod is one `sh` script with no orchestration:
 *
 *   ip netns add pbbench-<slot>
 *   CNI ADD: loopback, bridge (+ host-local), [firewall,] each result chained as libcni does —
 *            the plugins and options podbay runs for a pod without host ports (its conflist less
 *            portmap), on a bridge (pbbench0) and subnet (10.253.0.0/24) of the benchmark's own;
 *            no masquerade (podbay sets it up once per network, not per pod)
 *   runc create + runc start, for each of the two containers (same busybox root, same command),
 *            in bundles written in advance, joining that network namespace; with podbay's
 *            default seccomp profile or without (FloorVariant)
 *
 * Not in the floor: image roots (the bundles share one read-only copy of the root filesystem,
 * prepared in advance), a container monitor, logs, pinned UTS/IPC namespaces, /etc files, a pod
 * cgroup, any API. Teardown is a second script (runc delete --force, CNI DEL in reverse, netns del).
 *
 * Everything is removed when the context closes (also on failure) and, should the process exit
 * before that, from an exit hook: containers, namespaces, IPAM state, the bridge, cgroups.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { containerNames, podCommand } from './bench-pod.ts';
import type { BusyboxImage } from './busybox-image.ts';
import type { BenchContext } from './context.ts';
import type { CpuGroup } from './cpu-group.ts';

const execFileAsync = promisify(execFile);

export const floorBridge = 'pbbench0';
export const floorSubnet = '10.253.0.0/24';
const cniBin = '/usr/lib/cni';
const cgroupParent = 'podbay-bench-floor';

/**
 * Which containers the floor runs: `seccomp` under the RuntimeDefault seccomp profile podbay gives
 * every container by default (taken from the build being measured), as podbay's and podman's
 * containers run; `bare` without one, as `runc spec` writes it. runc init compiles the profile
 * (libseccomp, for x86-64 and i386 here, and x32 where the kernel runs it), which here costs ~9 ms
 * of CPU and as much wall time per container: the same work for podbay and the floor only with
 * `seccomp`.
 */
export type FloorVariant = 'seccomp' | 'bare';

export interface RawFloor {
  /** Brings pod `slot` up (0 ≤ slot < slots); resolves when both containers are running. */
  up(slot: number, variant?: FloorVariant): Promise<void>;
  /** Tears pod `slot` down. */
  down(slot: number): Promise<void>;
  /** What the firewall plugin decision was, for the notes. */
  readonly plugins: readonly string[];
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

async function forwardDrops(): Promise<boolean> {
  try {
    const { stdout } = await execFileAsync('iptables', ['-S', 'FORWARD']);
    return /^-P FORWARD DROP$/m.test(stdout);
  } catch {
    return false;
  }
}

/** Live floors, by directory, cleaned synchronously if the process exits early. */
const liveFloors = new Map<string, () => void>();
let exitHookInstalled = false;

/** Prepares `slots` pods' bundles and scripts in a temp dir. */
export async function prepareRawFloor(
  ctx: BenchContext,
  image: BusyboxImage,
  slots: number,
  opts: { cpuGroup?: CpuGroup } = {},
): Promise<RawFloor> {
  const dir = await mkdtemp(join(tmpdir(), 'podbay-bench-floor-'));
  const runcRoot = join(dir, 'runc');
  const cleanupScript = join(dir, 'cleanup.sh');
  const cleanupSync = (): void => {
    try {
      execFileSync('sh', [cleanupScript], { stdio: 'ignore', timeout: 120_000 });
    } catch {
      // reported by what is left; nothing more to do on the way out
    }
    removeCgroupParent();
    rmSync(dir, { recursive: true, force: true });
  };
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const fn of liveFloors.values()) fn();
    });
  }
  liveFloors.set(dir, cleanupSync);
  ctx.defer(async () => {
    if (existsSync(cleanupScript)) {
      await execFileAsync('sh', [cleanupScript], { timeout: 120_000 }).catch((err: unknown) => {
        ctx.log(`floor clean-up: ${err instanceof Error ? err.message : String(err)}`);
      });
    }
    removeCgroupParent();
    liveFloors.delete(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  let { stdout: routes } = await execFileAsync('ip', ['-4', 'route', 'show', floorSubnet]);
  if (routes.includes(`dev ${floorBridge} `)) {
    // Left by a run that was killed before it could clean up (SIGKILL skips the exit hook).
    ctx.log(`removing ${floorBridge}, left behind by an earlier run`);
    await execFileAsync('ip', ['link', 'del', floorBridge]);
    ({ stdout: routes } = await execFileAsync('ip', ['-4', 'route', 'show', floorSubnet]));
  }
  if (routes.trim() !== '') {
    throw new Error(`${floorSubnet} is already routed on this machine; the raw floor needs it`);
  }

  // The conflist podbay runs for a pod without host ports (src/kubelet/network/cni-config.ts),
  // on our bridge and subnet.
  const name = 'podbay-bench-floor';
  const base = { cniVersion: '1.0.0', name };
  const loopback = { ...base, type: 'loopback' };
  const bridge = {
    ...base,
    type: 'bridge',
    bridge: floorBridge,
    isGateway: true,
    ipMasq: false,
    hairpinMode: true,
    ipam: {
      type: 'host-local',
      ranges: [[{ subnet: floorSubnet }]],
      routes: [{ dst: '0.0.0.0/0' }],
      dataDir: join(dir, 'ipam'),
    },
  };
  const firewall = (await forwardDrops())
    ? { ...base, type: 'firewall', backend: 'iptables' }
    : undefined;
  const chained = firewall ? [firewall] : [];
  const plugins = ['loopback', 'bridge', ...chained.map((p) => p.type)];

  // Bundles: one spec per container slot and variant, from `runc spec`, joined to the slot's netns.
  await execFileAsync('runc', ['spec', '--bundle', dir]);
  const template = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as {
    process: { terminal: boolean; args: string[]; capabilities: { bounding: string[] } };
    root: { path: string; readonly: boolean };
    linux: {
      namespaces: { type: string; path?: string }[];
      cgroupsPath?: string;
      seccomp?: unknown;
    };
  };
  const seccomp = await podbaySeccompProfile(ctx, template.process.capabilities.bounding);
  for (let slot = 0; slot < slots; slot++) {
    for (const c of containerNames) {
      for (const variant of ['seccomp', 'bare'] as const) {
        const bundle = join(dir, `bundles-${variant}`, `${slot}-${c}`);
        await mkdir(bundle, { recursive: true });
        const spec = structuredClone(template);
        spec.process.terminal = false;
        spec.process.args = [...podCommand];
        spec.root = { path: image.rootfs, readonly: true };
        spec.linux.namespaces = spec.linux.namespaces.map((ns) =>
          ns.type === 'network' ? { type: 'network', path: `/run/netns/pbbench-${slot}` } : ns,
        );
        spec.linux.cgroupsPath = `/${cgroupParent}/pbbench-${slot}-${c}`;
        if (variant === 'seccomp') spec.linux.seccomp = seccomp;
        await writeFile(join(bundle, 'config.json'), JSON.stringify(spec));
      }
    }
  }

  const env = `export CNI_PATH=${cniBin} CNI_CONTAINERID=pbbench-$1 CNI_NETNS=/run/netns/pbbench-$1`;
  const runc = `runc --root ${shellQuote(runcRoot)}`;
  const chainAdd = chained
    .map((p) => {
      const head = JSON.stringify(p).slice(0, -1);
      return `r=$(printf '%s,"prevResult":%s}' ${shellQuote(head)} "$r" | CNI_COMMAND=ADD CNI_IFNAME=eth0 ${cniBin}/${p.type})`;
    })
    .join('\n');
  // Into the CPU accounting group first, if any (a shell builtin: no process of its own).
  const enterCpuGroup = opts.cpuGroup ? `echo $$ > ${shellQuote(opts.cpuGroup.procsFile)}` : ':';
  const upScript = `#!/bin/sh
set -e
${enterCpuGroup}
ip netns add pbbench-$1
${env}
CNI_COMMAND=ADD CNI_IFNAME=lo ${cniBin}/loopback <<'EOF' >/dev/null
${JSON.stringify(loopback)}
EOF
r=$(CNI_COMMAND=ADD CNI_IFNAME=eth0 ${cniBin}/bridge <<'EOF'
${JSON.stringify(bridge)}
EOF
)
${chainAdd}
${containerNames
  .map(
    (
      c,
    ) => `${runc} create --bundle ${shellQuote(dir)}/bundles-$2/$1-${c} pbbench-$1-${c} </dev/null >/dev/null 2>&1
${runc} start pbbench-$1-${c}`,
  )
  .join('\n')}
`;
  // Teardown ignores what is already gone, so it also serves as the clean-up of a failed up.
  const downScript = `#!/bin/sh
${enterCpuGroup}
${env}
for c in ${[...containerNames].reverse().join(' ')}; do
  ${runc} delete --force pbbench-$1-$c >/dev/null 2>&1
done
if [ -e /run/netns/pbbench-$1 ]; then
${[...chained]
  .reverse()
  .map(
    (p) => `  CNI_COMMAND=DEL CNI_IFNAME=eth0 ${cniBin}/${p.type} <<'EOF' >/dev/null 2>&1
${JSON.stringify(p)}
EOF`,
  )
  .join('\n')}
  CNI_COMMAND=DEL CNI_IFNAME=eth0 ${cniBin}/bridge <<'EOF' >/dev/null 2>&1
${JSON.stringify(bridge)}
EOF
  CNI_COMMAND=DEL CNI_IFNAME=lo ${cniBin}/loopback <<'EOF' >/dev/null 2>&1
${JSON.stringify(loopback)}
EOF
  ip netns del pbbench-$1
fi
exit 0
`;
  const cleanup = `#!/bin/sh
# Tears down every slot that has a namespace or a container left, then the bridge.
slots=$( (ls /run/netns 2>/dev/null | sed -n 's/^pbbench-\\([0-9]*\\)$/\\1/p'
  ${runc} list -q 2>/dev/null | sed -n 's/^pbbench-\\([0-9]*\\)-.*$/\\1/p') | sort -un)
for i in $slots; do
  sh ${shellQuote(join(dir, 'down.sh'))} "$i"
done
ip link del ${floorBridge} 2>/dev/null
exit 0
`;
  await writeFile(join(dir, 'up.sh'), upScript);
  await writeFile(join(dir, 'down.sh'), downScript);
  await writeFile(cleanupScript, cleanup);

  const runScript = async (script: string, slot: number, ...args: string[]): Promise<void> => {
    try {
      await execFileAsync('sh', [join(dir, script), String(slot), ...args], { timeout: 60_000 });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`floor ${script} ${slot}: ${(e.stderr ?? '').trim() || e.message}`);
    }
  };
  return {
    plugins,
    up: (slot, variant = 'seccomp') => runScript('up.sh', slot, variant),
    down: (slot) => runScript('down.sh', slot),
  };
}

/**
 * podbay's RuntimeDefault seccomp profile for containers with these capabilities on this kernel,
 * from the build being measured (bench/ is compiled apart from src/, so it is loaded from dist at
 * run time), with the same host facts the agent gives it.
 */
async function podbaySeccompProfile(ctx: BenchContext, capabilities: string[]): Promise<unknown> {
  const runcDir = join(dirname(dirname(ctx.podbayBin)), 'dist', 'kubelet', 'runtime', 'runc');
  const load = async <T>(file: string): Promise<T> =>
    (await import(pathToFileURL(join(runcDir, file)).href)) as T;
  const { defaultSeccompProfile } = await load<{
    defaultSeccompProfile: (opts: { capabilities: string[]; x32?: boolean }) => unknown;
  }>('seccomp-default.js');
  const { kernelRunsX32 } = await load<{ kernelRunsX32: () => Promise<boolean> }>('host-info.js');
  return defaultSeccompProfile({ capabilities, x32: await kernelRunsX32() });
}

/** Removes the floor's parent cgroup in every hierarchy (runc removes the containers' own). */
function removeCgroupParent(): void {
  const root = '/sys/fs/cgroup';
  const hierarchies = existsSync(join(root, 'cgroup.controllers'))
    ? [root]
    : readdirSync(root).map((d) => join(root, d));
  for (const h of hierarchies) {
    const parent = join(h, cgroupParent);
    if (!existsSync(parent)) continue;
    try {
      for (const child of readdirSync(parent, { withFileTypes: true })) {
        if (child.isDirectory()) rmdirSync(join(parent, child.name));
      }
      rmdirSync(parent);
    } catch {
      // a container still in it: its teardown failed and was reported
    }
  }
}

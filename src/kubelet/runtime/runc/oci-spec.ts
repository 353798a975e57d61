/**
 * The OCI runtime spec (a bundle's config.json) for one container, with containerd's CRI defaults:
 * its capability set, masked and read-only /proc paths, default mounts, a private mount and PID
 * namespace (or a target container's, for ephemeral containers), the sandbox's pinned
 * net/uts/ipc namespaces joined by path, the pod's /etc files and shared /dev/shm bound in, and
 * cgroup resources from the kubelet's LinuxContainerResources.
 *
 * Pure: everything the host decides (cgroup version, swap accounting, the agent's own capability
 * bounding set, the lowest oom_score_adj it may set) comes in as input, so it is unit-tested.
 */
import type { ContainerConfig } from '../types.ts';

/** The subset of the OCI runtime spec (v1.0.2) we write. */
export interface OciSpec {
  ociVersion: string;
  process: {
    terminal: boolean;
    user: { uid: number; gid: number; additionalGids?: number[] };
    args: string[];
    env: string[];
    cwd: string;
    capabilities: {
      bounding: string[];
      effective: string[];
      permitted: string[];
      inheritable: string[];
    };
    rlimits: { type: string; hard: number; soft: number }[];
    noNewPrivileges: boolean;
    oomScoreAdj: number;
  };
  root: { path: string; readonly: boolean };
  mounts: OciMount[];
  annotations: Record<string, string>;
  linux: {
    namespaces: { type: string; path?: string }[];
    cgroupsPath: string;
    resources: {
      devices: { allow: boolean; access: string; type?: string }[];
      cpu?: { shares?: number; quota?: number; period?: number };
      memory?: { limit?: number; swap?: number };
      pids?: { limit: number };
    };
    maskedPaths: string[];
    readonlyPaths: string[];
  };
}

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

/** containerd's default capabilities for a non-privileged container (pkg/oci defaults). */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/** Hidden from containers (bind-mounted over with /dev/null or an empty tmpfs), as containerd does. */
export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/acpi',
  '/proc/asound',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

export const DEFAULT_READONLY_PATHS: readonly string[] = [
  '/proc/bus',
  '/proc/fs',
  '/proc/irq',
  '/proc/sys',
  '/proc/sysrq-trigger',
];

/** containerd's RLIMIT_NOFILE for containers. */
export const DEFAULT_NOFILE = 1_048_576;

/** The sandbox's part of a container's spec. */
export interface SandboxPaths {
  readonly hostname: string;
  readonly hostsPath: string;
  readonly resolvConfPath: string;
  readonly hostnamePath: string;
  /** The pod's shared /dev/shm (a tmpfs); undefined with hostIPC (the host's /dev/shm). */
  readonly shmPath?: string;
  /** Pinned namespaces to join; undefined: the host's (hostNetwork, hostIPC). */
  readonly netnsPath?: string;
  readonly utsnsPath?: string;
  readonly ipcnsPath?: string;
  readonly hostPID: boolean;
  /** shareProcessNamespace: the pod's PID namespace to join (else a private one, or the host's). */
  readonly pidnsPath?: string;
}

export interface OciSpecInput {
  readonly containerId: string;
  readonly config: ContainerConfig;
  readonly rootfs: string;
  readonly sandbox: SandboxPaths;
  /** `<cgroupParent>/<containerId>`. */
  readonly cgroupsPath: string;
  readonly cgroupVersion: 1 | 2;
  /** Whether the memory controller accounts swap (memsw / memory.swap.max): then swap = limit. */
  readonly swapAccounting: boolean;
  /** Capabilities a privileged container gets: the agent's own bounding set. */
  readonly privilegedCapabilities: readonly string[];
  /**
   * The lowest oom_score_adj this host lets us set (without CAP_SYS_RESOURCE a process cannot go
   * below its own value); requests below it are raised to it.
   */
  readonly minOomScoreAdj: number;
  /** RLIMIT_NOFILE (soft and hard); default containerd's 1048576. */
  readonly nofile?: number;
  /**
   * The PID namespace of the target container (`ContainerConfig.targetContainerId`), as
   * `/proc/<its init pid>/ns/pid`: joined instead of the sandbox's (own, shared or the host's).
   */
  readonly targetPidnsPath?: string;
}

/** `NET_ADMIN` and `CAP_NET_ADMIN` both mean CAP_NET_ADMIN; `ALL` stays ALL. */
function normalizeCap(cap: string): string {
  const upper = cap.toUpperCase();
  if (upper === 'ALL') return 'ALL';
  return upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
}

/**
 * The effective capability set: containerd's defaults (or all the host has when privileged or when
 * `add` has ALL), minus everything when `drop` has ALL, plus `add`, minus `drop`.
 */
export function containerCapabilities(
  config: ContainerConfig,
  privilegedCapabilities: readonly string[],
): string[] {
  const add = config.security.capabilitiesAdd.map(normalizeCap);
  const drop = config.security.capabilitiesDrop.map(normalizeCap);
  if (config.security.privileged) return [...privilegedCapabilities];
  let caps = add.includes('ALL') ? [...privilegedCapabilities] : [...DEFAULT_CAPABILITIES];
  if (drop.includes('ALL')) caps = [];
  for (const c of add) if (c !== 'ALL' && !caps.includes(c)) caps.push(c);
  return caps.filter((c) => !drop.includes(c));
}

function depth(p: string): number {
  return p.split('/').filter((s) => s !== '').length;
}

export function buildOciSpec(input: OciSpecInput): OciSpec {
  const { config, sandbox } = input;
  const privileged = config.security.privileged;
  const caps = containerCapabilities(config, input.privilegedCapabilities);
  const rw = (ro: boolean): string => (ro ? 'ro' : 'rw');

  const mounts: OciMount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    {
      destination: '/dev',
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
    },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    {
      destination: '/dev/mqueue',
      type: 'mqueue',
      source: 'mqueue',
      options: ['nosuid', 'noexec', 'nodev'],
    },
    {
      destination: '/sys',
      type: 'sysfs',
      source: 'sysfs',
      options: ['nosuid', 'noexec', 'nodev', rw(!privileged)],
    },
    {
      destination: '/sys/fs/cgroup',
      type: 'cgroup',
      source: 'cgroup',
      options: ['nosuid', 'noexec', 'nodev', 'relatime', rw(!privileged)],
    },
    {
      destination: '/dev/shm',
      type: 'bind',
      source: sandbox.shmPath ?? '/dev/shm',
      options: ['rbind', 'rprivate', 'rw'],
    },
  ];
  // The pod's /etc files, unless the container mounts something of its own there.
  const own = new Set(config.mounts.map((m) => m.containerPath));
  const etc: [string, string][] = [
    ['/etc/hosts', sandbox.hostsPath],
    ['/etc/resolv.conf', sandbox.resolvConfPath],
    ['/etc/hostname', sandbox.hostnamePath],
  ];
  for (const [destination, source] of etc) {
    if (own.has(destination)) continue;
    mounts.push({
      destination,
      type: 'bind',
      source,
      options: ['rbind', 'rprivate', rw(config.security.readOnlyRootfs)],
    });
  }
  // The container's own mounts, parents before children (a sort that keeps the given order
  // otherwise), as containerd orders them.
  const userMounts = config.mounts
    .map((m, i) => ({ m, i }))
    .sort((a, b) => depth(a.m.containerPath) - depth(b.m.containerPath) || a.i - b.i)
    .map(({ m }): OciMount => {
      if (m.tmpfs) {
        const size = m.tmpfs.sizeBytes;
        return {
          destination: m.containerPath,
          type: 'tmpfs',
          source: 'tmpfs',
          options: [
            'nosuid',
            'nodev',
            'mode=1777',
            ...(size !== undefined && size > 0 ? [`size=${size}`] : []),
            rw(m.readOnly),
          ],
        };
      }
      return {
        destination: m.containerPath,
        type: 'bind',
        source: m.hostPath,
        options: ['rbind', 'rprivate', rw(m.readOnly)],
      };
    });
  mounts.push(...userMounts);

  const namespaces: { type: string; path?: string }[] = [{ type: 'mount' }];
  if (input.targetPidnsPath !== undefined)
    namespaces.push({ type: 'pid', path: input.targetPidnsPath });
  else if (!sandbox.hostPID)
    namespaces.push(
      sandbox.pidnsPath !== undefined ? { type: 'pid', path: sandbox.pidnsPath } : { type: 'pid' },
    );
  if (sandbox.netnsPath !== undefined)
    namespaces.push({ type: 'network', path: sandbox.netnsPath });
  if (sandbox.utsnsPath !== undefined) namespaces.push({ type: 'uts', path: sandbox.utsnsPath });
  if (sandbox.ipcnsPath !== undefined) namespaces.push({ type: 'ipc', path: sandbox.ipcnsPath });
  // A private cgroup namespace on v2, as containerd does (v1 hosts keep the host's view).
  if (input.cgroupVersion === 2) namespaces.push({ type: 'cgroup' });

  const res = config.resources;
  const memoryLimit =
    res.memoryLimitBytes !== undefined && res.memoryLimitBytes > 0 ? res.memoryLimitBytes : 0;
  const env = [`HOSTNAME=${sandbox.hostname}`, ...config.env.map((e) => `${e.name}=${e.value}`)];

  return {
    ociVersion: '1.0.2',
    process: {
      terminal: config.tty,
      user: {
        uid: config.security.runAsUser,
        gid: config.security.runAsGroup,
        ...(config.security.supplementalGroups.length > 0
          ? { additionalGids: [...config.security.supplementalGroups] }
          : {}),
      },
      args: [...config.args],
      env,
      cwd: config.workingDir === '' ? '/' : config.workingDir,
      capabilities: {
        bounding: caps,
        effective: caps,
        permitted: caps,
        // runc GHSA-f3fp-gc8g-vw66: never inheritable.
        inheritable: [],
      },
      rlimits: [
        {
          type: 'RLIMIT_NOFILE',
          hard: input.nofile ?? DEFAULT_NOFILE,
          soft: input.nofile ?? DEFAULT_NOFILE,
        },
      ],
      noNewPrivileges: !privileged && config.security.noNewPrivileges,
      oomScoreAdj: Math.min(1000, Math.max(res.oomScoreAdj, input.minOomScoreAdj)),
    },
    root: { path: input.rootfs, readonly: config.security.readOnlyRootfs },
    mounts,
    annotations: {
      'io.kubernetes.container.name': config.name,
    },
    linux: {
      namespaces,
      cgroupsPath: input.cgroupsPath,
      resources: {
        devices: [{ allow: privileged, access: 'rwm' }],
        cpu: {
          shares: Math.max(2, res.cpuShares),
          ...(res.cpuQuota !== undefined && res.cpuQuota > 0
            ? { quota: res.cpuQuota, period: res.cpuPeriod }
            : {}),
        },
        ...(memoryLimit > 0
          ? {
              memory: {
                limit: memoryLimit,
                ...(input.swapAccounting ? { swap: memoryLimit } : {}),
              },
            }
          : {}),
        ...(res.pidsLimit !== undefined && res.pidsLimit > 0
          ? { pids: { limit: res.pidsLimit } }
          : {}),
      },
      maskedPaths: privileged ? [] : [...DEFAULT_MASKED_PATHS],
      readonlyPaths: privileged ? [] : [...DEFAULT_READONLY_PATHS],
    },
  };
}

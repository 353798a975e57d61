/**
 * Mounts, unmounts and namespace pins as commands for the spawn helper: its built-ins (the system
 * calls made in a forked child, no program started; util/spawn-helper.ts) where it has them, else
 * the util-linux tools that do the same (mount(8), umount(8), unshare(1)). Callers run the command
 * with their own runner, passing `builtin` on to runProcess, and read the result as a program's:
 * exit 0, or non-zero with the reason on stderr.
 */
import { builtinsAvailable } from './spawn-helper.ts';

export interface HostCommand {
  readonly file: string;
  readonly args: readonly string[];
  /** `file` is a spawn-helper built-in (RunProcessOptions.builtin). */
  readonly builtin: boolean;
}

/** mount(2) flags, by the name mount(8) gives them in `-o`. */
const MOUNT_FLAGS = { ro: 1, nosuid: 2, nodev: 4, noexec: 8, bind: 4096 } as const;
export type MountFlag = keyof typeof MOUNT_FLAGS;

export interface MountRequest {
  /** The device, the directory to bind, or a name for a pseudo filesystem ("shm", "overlay"). */
  readonly source: string;
  readonly target: string;
  /** Absent for a bind mount. */
  readonly fstype?: string;
  readonly flags?: readonly MountFlag[];
  /** Filesystem options (`mode=1777,size=64m`, overlay's `lowerdir=…`). */
  readonly data?: string;
}

/** `builtins`: whether to use the helper's built-ins (default: where it has them). */
export function mountCommand(m: MountRequest, builtins = builtinsAvailable()): HostCommand {
  const flags = m.flags ?? [];
  if (builtins) {
    const bits = flags.reduce((sum, f) => sum | MOUNT_FLAGS[f], 0);
    return {
      file: 'mount',
      args: [m.source, m.target, m.fstype ?? '', String(bits), m.data ?? ''],
      builtin: true,
    };
  }
  const options = [...flags.filter((f) => f !== 'bind'), ...(m.data ? [m.data] : [])].join(',');
  return {
    file: 'mount',
    args: [
      // mount(8) must not resolve a /proc/<pid>/fd magic link given as the source into a path.
      '--no-canonicalize',
      ...(flags.includes('bind') ? ['--bind'] : []),
      ...(m.fstype !== undefined ? ['-t', m.fstype] : []),
      ...(options !== '' ? ['-o', options] : []),
      m.source,
      m.target,
    ],
    builtin: false,
  };
}

/** Unmounts each target once (a lazy detach with `detach`, MNT_DETACH). */
export function umountCommand(
  targets: readonly string[],
  opts: { readonly detach?: boolean } = {},
  builtins = builtinsAvailable(),
): HostCommand {
  if (builtins) {
    return { file: 'umount', args: [opts.detach === true ? '2' : '0', ...targets], builtin: true };
  }
  return {
    file: 'umount',
    args: [...(opts.detach === true ? ['-l'] : []), ...targets],
    builtin: false,
  };
}

export interface PinRequest {
  /** Set as the new UTS namespace's hostname. */
  readonly hostname: string;
  /** Where to bind each new namespace (existing empty files); absent: not unshared. */
  readonly net?: string;
  readonly uts?: string;
  readonly ipc?: string;
}

/**
 * Creates the namespaces and pins each by a bind mount of its nsfs file, as `ip netns add` does.
 * The built-in also brings a new network namespace's `lo` up; unshare(1) does not.
 */
export function pinNamespacesCommand(p: PinRequest, builtins = builtinsAvailable()): HostCommand {
  if (builtins) {
    return {
      file: 'pin',
      args: [p.hostname, p.net ?? '', p.uts ?? '', p.ipc ?? ''],
      builtin: true,
    };
  }
  // The hostname is an argument to the shell, never part of its script.
  const inside = p.uts
    ? ['/bin/sh', '-c', 'printf %s "$1" > /proc/sys/kernel/hostname', 'sh', p.hostname]
    : ['/bin/true'];
  return {
    file: 'unshare',
    args: [
      ...(p.net !== undefined ? [`--net=${p.net}`] : []),
      ...(p.uts !== undefined ? [`--uts=${p.uts}`] : []),
      ...(p.ipc !== undefined ? [`--ipc=${p.ipc}`] : []),
      '--',
      ...inside,
    ],
    builtin: false,
  };
}

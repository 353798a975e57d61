/**
 * Facts about this host and this process that shape container specs: the capabilities the agent
 * itself holds (a privileged container cannot get more), the lowest oom_score_adj it may hand out,
 * whether the memory cgroup accounts swap, whether the kernel OOM-killed in a cgroup, and whether
 * it runs x32 programs.
 */
import path from 'node:path';
import { localFs, runProcess } from '../../../util/index.ts';

// Small files of podbay's own: synchronous underneath (util/local-fs.ts says why).
const { access, readFile } = localFs;

/** Linux capability numbers to names (capability.h), 0..40. */
const CAP_NAMES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

/** Capability names in a /proc/<pid>/status mask such as `000001fffeffffff`. */
export function capabilityNames(hexMask: string): string[] {
  const mask = BigInt(`0x${hexMask}`);
  return CAP_NAMES.filter((_, i) => (mask >> BigInt(i)) & 1n);
}

export interface ProcessCapabilities {
  readonly bounding: string[];
  readonly effective: string[];
}

export async function ownCapabilities(statusText?: string): Promise<ProcessCapabilities> {
  const text = statusText ?? (await readFile('/proc/self/status', 'utf8'));
  const field = (name: string): string =>
    new RegExp(`^${name}:\\s*([0-9a-f]+)`, 'm').exec(text)?.[1] ?? '0';
  return {
    bounding: capabilityNames(field('CapBnd')),
    effective: capabilityNames(field('CapEff')),
  };
}

/**
 * The lowest oom_score_adj containers may get: anything with CAP_SYS_RESOURCE (-1000), otherwise
 * our own value (the kernel refuses to lower it, and runc would fail the create).
 */
export async function minOomScoreAdj(caps: ProcessCapabilities): Promise<number> {
  if (caps.effective.includes('CAP_SYS_RESOURCE')) return -1000;
  try {
    return Number.parseInt(await readFile('/proc/self/oom_score_adj', 'utf8'), 10) || 0;
  } catch {
    return 0;
  }
}

/**
 * The highest RLIMIT_NOFILE containers may get: containerd's 1048576, or without CAP_SYS_RESOURCE
 * our own hard limit (a process cannot raise a hard limit, and runc would fail the create).
 */
export async function maxNofile(caps: ProcessCapabilities, wanted: number): Promise<number> {
  if (caps.effective.includes('CAP_SYS_RESOURCE')) return wanted;
  try {
    const text = await readFile('/proc/self/limits', 'utf8');
    const hard = /^Max open files\s+\S+\s+(\S+)/m.exec(text)?.[1];
    if (hard === undefined || hard === 'unlimited') return wanted;
    return Math.min(wanted, Number.parseInt(hard, 10) || wanted);
  } catch {
    return wanted;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

/** The directory of `cgroupPath` in the memory hierarchy (v1) or the unified one (v2). */
export function memoryCgroupDir(cgroupRoot: string, version: 1 | 2, cgroupPath: string): string {
  return version === 1
    ? path.join(cgroupRoot, 'memory', cgroupPath)
    : path.join(cgroupRoot, cgroupPath);
}

/** Whether the memory controller accounts swap for cgroups under `parent`. */
export async function swapAccounting(
  cgroupRoot: string,
  version: 1 | 2,
  parent: string,
): Promise<boolean> {
  return version === 1
    ? exists(path.join(cgroupRoot, 'memory', 'memory.memsw.limit_in_bytes'))
    : exists(path.join(cgroupRoot, parent, 'memory.swap.max'));
}

/** True when the kernel OOM-killed a process in the cgroup (memory.oom_control / memory.events). */
export async function cgroupOomKilled(
  cgroupRoot: string,
  version: 1 | 2,
  cgroupPath: string,
): Promise<boolean> {
  const dir = memoryCgroupDir(cgroupRoot, version, cgroupPath);
  const file = path.join(dir, version === 1 ? 'memory.oom_control' : 'memory.events');
  try {
    const m = /^oom_kill (\d+)$/m.exec(await readFile(file, 'utf8'));
    return m !== null && Number(m[1]) > 0;
  } catch {
    return false;
  }
}

/** Exits 0 when a getpid(2) in the x32 numbering answers, 3 when it fails. */
export const X32_GETPID = 'exit(syscall(0x40000027) > 0 ? 0 : 3)';

/**
 * Whether this x86-64 kernel runs x32 programs: a getpid(2) in the x32 numbering (bit 30 set)
 * answers ENOSYS where the kernel lacks the ABI (most distributions build it out or leave it off
 * unless booted with syscall.x32=y). Perl makes the raw call. When the probe cannot run, the
 * answer is yes: a seccomp profile then keeps covering x32, as upstream's do.
 */
export async function kernelRunsX32(
  opts: { readonly perlPath?: string; readonly arch?: string } = {},
): Promise<boolean> {
  if ((opts.arch ?? process.arch) !== 'x64') return false;
  try {
    const { code, signal } = await runProcess(opts.perlPath ?? 'perl', ['-e', X32_GETPID]).result;
    // A seccomp filter over the agent itself may kill the probe: then no container can use x32.
    return !(code === 3 || signal === 'SIGSYS');
  } catch {
    return true;
  }
}

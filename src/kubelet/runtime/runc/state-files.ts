/**
 * What the runc runtime keeps on disk so that a new agent process lists the same sandboxes and
 * containers (restart resilience), under its state dir:
 *
 *   <stateDir>/sandboxes/<id>/sandbox.json   config, IPs, pinned namespace paths, state
 *   <stateDir>/containers/<id>/container.json  config, sandbox, times, exit once known
 *   <stateDir>/run/                            volatile, a tmpfs (mounts.ts, mountVolatileState):
 *                 sandboxes/<id>/hosts …        /resolv.conf /hostname /shm (a tmpfs of its own)
 *                 ns/<id>/uts, ipc              pinned namespaces (the network's: /run/netns)
 *                 bundles/<id>/config.json …    the runc bundle (conmon's pid files, oom, ctl)
 *                 exits/<id>                    conmon's exit files
 *                 attach/                       conmon's attach sockets
 *                 runc/                         runc's own state (`runc --root`)
 * After a reboot the records are there and the volatile state is not: sandboxes are not ready
 * (their namespaces are gone) and containers without runc state are exited (recordLostExit).
 *
 * Records are written atomically (temporary file, then rename), so an agent that dies mid-write
 * (SIGKILL, a crash) leaves the old or the new record, never half of one: the kernel's page cache
 * outlives the process. They are not fsynced: what they describe (processes, namespaces, mounts)
 * does not outlive the machine either, and after a power loss the loader treats a record it
 * cannot read as an incomplete sandbox or container and cleans up after it. That saves a disk
 * flush per write, ~8 per pod start, each a journal commit the store's own fsyncs queue behind.
 */
import type { ContainerConfig, PodSandboxConfig, SandboxState } from '../types.ts';
import { localFs } from '../../../util/index.ts';

// Small files of podbay's own: synchronous underneath (util/local-fs.ts says why).
const { readFile } = localFs;

export interface SandboxRecord {
  readonly version: 1;
  readonly id: string;
  readonly config: PodSandboxConfig;
  readonly createdAt: number;
  state: SandboxState;
  ips: string[];
  /** True between a network setUp and its tearDown. */
  networkUp: boolean;
  netnsPath?: string;
  /** Its lo was brought up with the namespace (no CNI loopback plugin needed). */
  loopbackUp?: boolean;
  utsnsPath?: string;
  ipcnsPath?: string;
  /** The pod's /dev/shm tmpfs (none with hostIPC). */
  shmPath?: string;
  /** shareProcessNamespace: the pinned PID namespace its init holds (pid-namespace.ts). */
  pidnsPath?: string;
}

export interface ExitInfo {
  readonly exitCode: number;
  readonly finishedAt: number;
  readonly reason: string;
  readonly message: string;
}

export interface ContainerRecord {
  readonly version: 1;
  readonly id: string;
  readonly sandboxId: string;
  readonly podUid: string;
  readonly config: ContainerConfig;
  readonly createdAt: number;
  startedAt: number;
  readonly cgroupsPath: string;
  /** Whether the container has its own PID namespace (else SIGKILL must reach every process). */
  readonly hostPID: boolean;
  /** The container's init on the host, and its /proc start time, to signal it without runc. */
  readonly initPid?: number;
  readonly initStartTime?: string;
  exit?: ExitInfo;
}

export function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  return localFs.writeFileAtomic(file, JSON.stringify(value), 0o600);
}

/** The parsed JSON, or undefined when the file is missing or unreadable. */
export async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export function isSandboxRecord(v: unknown): v is SandboxRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Partial<SandboxRecord>;
  return (
    r.version === 1 &&
    typeof r.id === 'string' &&
    typeof r.config === 'object' &&
    typeof r.createdAt === 'number' &&
    (r.state === 'ready' || r.state === 'notready') &&
    Array.isArray(r.ips)
  );
}

export function isContainerRecord(v: unknown): v is ContainerRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Partial<ContainerRecord>;
  return (
    r.version === 1 &&
    typeof r.id === 'string' &&
    typeof r.sandboxId === 'string' &&
    typeof r.config === 'object' &&
    typeof r.createdAt === 'number' &&
    typeof r.startedAt === 'number' &&
    typeof r.cgroupsPath === 'string'
  );
}

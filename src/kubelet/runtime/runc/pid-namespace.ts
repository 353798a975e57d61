/**
 * The shared PID namespace of a pod with `shareProcessNamespace: true`.
 *
 * A PID namespace cannot be pinned like the network, UTS and IPC ones: once its PID 1 exits the
 * kernel kills everything in it and no process can enter it again. Upstream's pause container is
 * that PID 1, and it reaps the orphans that get reparented to it. podbay has no pause image, so
 * the sandbox runs the same kind of process as a tiny runc container of its own:
 *
 *   <sandbox>/pidns/config.json    catatonit -P as PID 1 of a new PID namespace (podman's pause
 *   <sandbox>/pidns/rootfs/          process, a static binary), bind-mounted read-only into an
 *                                    otherwise empty read-only root; uid 65535 (as upstream's pause), no capabilities,
 *                                    no_new_privs, RuntimeDefault seccomp, its own mount, network,
 *                                    IPC and UTS namespaces, in the pod's cgroup
 *   <nsDir>/<id>/pid               bind mount of its /proc/<pid>/ns/pid, the path containers join
 *
 * Why a container and not a host process: every process of the pod can see PID 1 in /proc, and
 * /proc/1/root of a host process would be the host's root directory. A container with
 * CAP_SYS_PTRACE (or the same uid as a careless holder) could walk out through it. Here /proc/1/root
 * is a read-only directory holding one binary.
 *
 * The bind mount, not /proc/<pid>/ns/pid, is what containers join: a recycled PID can never make
 * a container join somebody else's namespace. When the holder dies the namespace cannot be
 * entered any more; the runtime then reports the sandbox not ready and the kubelet recreates it,
 * as it does when upstream's pause container dies.
 *
 * runc runs detached, without conmon (nothing to log or wait for); its stdio is /dev/null, so
 * no descriptor of ours reaches the holder, and its own errors come from its --log file.
 */
import { spawn } from 'node:child_process';
import { access, mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../../util/index.ts';
import { RuntimeError } from '../types.ts';
import { mustRun } from './command.ts';
import { unmountAndRemove } from './mounts.ts';
import { isPinned } from './namespaces.ts';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from './oci-spec.ts';
import { RuncCli, runcMessage } from './runc-cli.ts';
import { defaultSeccompProfile } from './seccomp-default.ts';

/** Where catatonit is installed (Debian's package, or podman's copy). */
export const PAUSE_BINARIES: readonly string[] = [
  '/usr/bin/catatonit',
  '/usr/libexec/podman/catatonit',
];

export interface PidNamespaceOptions {
  /** The sandbox id. */
  readonly id: string;
  /** The sandbox's directory (the holder's bundle goes to `<dir>/pidns`). */
  readonly sandboxDir: string;
  /** Where pinned namespaces live (`<nsDir>/<id>/pid`). */
  readonly nsDir: string;
  /** The pod cgroup (`PodSandboxConfig.cgroupParent`). */
  readonly cgroupParent: string;
  readonly runcPath: string;
  readonly runcRoot: string;
  readonly clock: Clock;
  /** Default: the first of PAUSE_BINARIES that exists. */
  readonly pausePath?: string;
  /** Per runc command; default 30 s. */
  readonly timeoutMs?: number;
  /** Whether the kernel runs x32 programs (the holder's seccomp profile follows); default true. */
  readonly x32?: boolean;
}

/** The runc container id of a sandbox's PID namespace holder. */
export function pidNamespaceHolderId(sandboxId: string): string {
  return `${sandboxId}-pidns`;
}

export function pidNamespacePath(nsDir: string, sandboxId: string): string {
  return path.join(nsDir, sandboxId, 'pid');
}

/** The holder's OCI spec (pure). */
export function pidNamespaceHolderSpec(opts: {
  readonly rootfs: string;
  readonly pausePath: string;
  readonly cgroupsPath: string;
  readonly arch?: string;
  readonly x32?: boolean;
}): Record<string, unknown> {
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: 65535, gid: 65535, additionalGids: [65535] },
      args: ['/catatonit', '-P'],
      env: ['PATH=/'],
      cwd: '/',
      capabilities: { bounding: [], effective: [], permitted: [], inheritable: [] },
      noNewPrivileges: true,
    },
    root: { path: opts.rootfs, readonly: true },
    // runc itself needs /proc in the container (it closes inherited descriptors through it).
    mounts: [
      {
        destination: '/proc',
        type: 'proc',
        source: 'proc',
        options: ['nosuid', 'noexec', 'nodev'],
      },
      {
        destination: '/dev',
        type: 'tmpfs',
        source: 'tmpfs',
        options: ['nosuid', 'noexec', 'strictatime', 'mode=755', 'size=64k'],
      },
      {
        destination: '/catatonit',
        type: 'bind',
        source: opts.pausePath,
        options: ['bind', 'ro', 'nosuid', 'nodev'],
      },
    ],
    linux: {
      namespaces: [
        { type: 'pid' },
        { type: 'mount' },
        { type: 'ipc' },
        { type: 'uts' },
        { type: 'network' },
      ],
      cgroupsPath: opts.cgroupsPath,
      resources: { devices: [{ allow: false, access: 'rwm' }], pids: { limit: 16 } },
      maskedPaths: [...DEFAULT_MASKED_PATHS],
      readonlyPaths: [...DEFAULT_READONLY_PATHS],
      seccomp: defaultSeccompProfile({
        capabilities: [],
        ...(opts.arch ? { arch: opts.arch } : {}),
        ...(opts.x32 !== undefined ? { x32: opts.x32 } : {}),
      }),
    },
  };
}

async function findPause(explicit: string | undefined): Promise<string> {
  for (const p of explicit !== undefined ? [explicit] : PAUSE_BINARIES) {
    try {
      await access(p);
      return p;
    } catch {
      // next
    }
  }
  throw new RuntimeError(
    'shareProcessNamespace needs catatonit as the PID 1 of the pod (install the catatonit package)',
  );
}

/** Runs runc with /dev/null as stdio (the container inherits it) and its errors in `logFile`. */
function runDetached(
  runcPath: string,
  args: readonly string[],
  logFile: string,
  clock: Clock,
  timeoutMs: number,
): Promise<{ code: number; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(runcPath, ['--log', logFile, '--log-format', 'json', ...args], {
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    let timedOut = false;
    const cancel = clock.setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      cancel();
      reject(new RuntimeError(`cannot run ${runcPath}: ${err.message}`));
    });
    child.on('exit', (code, signal) => {
      cancel();
      resolve({ code: code ?? (signal ? 128 : 1), timedOut });
    });
  });
}

/** runc's message out of its JSON log lines. */
async function runcLogMessage(logFile: string): Promise<string> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  const messages: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const rec = JSON.parse(line) as { level?: string; msg?: string };
      if ((rec.level === 'error' || rec.level === 'fatal') && rec.msg) messages.push(rec.msg);
    } catch {
      messages.push(runcMessage(line));
    }
  }
  return messages.slice(-2).join('; ');
}

/**
 * Starts the holder and pins its PID namespace; returns the path containers join. On failure
 * removes whatever it made and rejects with RuntimeError.
 */
export async function startPidNamespace(opts: PidNamespaceOptions): Promise<string> {
  const pausePath = await findPause(opts.pausePath);
  const bundle = path.join(opts.sandboxDir, 'pidns');
  const rootfs = path.join(bundle, 'rootfs');
  const holder = pidNamespaceHolderId(opts.id);
  const target = pidNamespacePath(opts.nsDir, opts.id);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  try {
    await mkdir(rootfs, { recursive: true, mode: 0o755 });
    await writeFile(path.join(rootfs, 'catatonit'), '', { mode: 0o444 });
    for (const d of ['dev', 'proc']) {
      await mkdir(path.join(rootfs, d), { mode: 0o755 }).catch(() => undefined);
    }
    const spec = pidNamespaceHolderSpec({
      rootfs,
      pausePath,
      cgroupsPath: path.posix.join('/', opts.cgroupParent, holder),
      ...(opts.x32 !== undefined ? { x32: opts.x32 } : {}),
    });
    await writeFile(path.join(bundle, 'config.json'), JSON.stringify(spec), { mode: 0o600 });
    const logFile = path.join(bundle, 'runc.log');
    const r = await runDetached(
      opts.runcPath,
      ['--root', opts.runcRoot, 'run', '--detach', '--bundle', bundle, holder],
      logFile,
      opts.clock,
      timeoutMs,
    );
    if (r.code !== 0) {
      const why = r.timedOut
        ? 'timed out'
        : (await runcLogMessage(logFile)) || `exit code ${r.code}`;
      throw new RuntimeError(`failed to start the pod's PID namespace: ${why}`);
    }
    const runc = new RuncCli({ runcPath: opts.runcPath, root: opts.runcRoot, clock: opts.clock });
    const st = await runc.state(holder);
    if (st?.status !== 'running' || st.pid <= 0) {
      throw new RuntimeError(
        `failed to start the pod's PID namespace: its init is ${st?.status ?? 'gone'}`,
      );
    }
    await mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
    await writeFile(target, '', { mode: 0o444 });
    await mustRun(
      "failed to pin the pod's PID namespace",
      'mount',
      ['--bind', `/proc/${st.pid}/ns/pid`, target],
      { clock: opts.clock, timeoutMs },
    );
    if (!(await isPinned(target))) {
      throw new RuntimeError(`failed to pin the pod's PID namespace at ${target}`);
    }
    return target;
  } catch (err) {
    await stopPidNamespace(opts).catch(() => undefined);
    throw err;
  }
}

/** Whether the holder is still running (its namespace can still be joined). */
export async function pidNamespaceAlive(
  opts: Pick<PidNamespaceOptions, 'id' | 'runcPath' | 'runcRoot' | 'clock'>,
): Promise<boolean> {
  const runc = new RuncCli({ runcPath: opts.runcPath, root: opts.runcRoot, clock: opts.clock });
  const st = await runc.state(pidNamespaceHolderId(opts.id)).catch(() => undefined);
  return st?.status === 'running';
}

/**
 * Kills the holder (and with it every process left in the namespace), removes its runc state and
 * cgroup, and unpins the namespace. Idempotent; works from the sandbox id alone.
 */
export async function stopPidNamespace(
  opts: Pick<
    PidNamespaceOptions,
    'id' | 'sandboxDir' | 'nsDir' | 'runcPath' | 'runcRoot' | 'clock'
  >,
): Promise<void> {
  const runc = new RuncCli({ runcPath: opts.runcPath, root: opts.runcRoot, clock: opts.clock });
  await runc.delete(pidNamespaceHolderId(opts.id));
  const target = pidNamespacePath(opts.nsDir, opts.id);
  await unmountAndRemove([target], opts.clock);
  await rmdir(path.dirname(target)).catch(() => undefined);
  await rm(path.join(opts.sandboxDir, 'pidns'), { recursive: true, force: true });
}

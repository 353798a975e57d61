/** Spawning the servers under test, stopping them, and reading their memory. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { trackChild } from './context.ts';

export interface Spawned {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The last 64 KiB of stderr, for error messages. */
  stderr(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export function spawnTracked(
  command: string,
  args: readonly string[],
  onStdout?: (text: string) => void,
  env?: NodeJS.ProcessEnv,
): Spawned {
  const child = spawn(command, [...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(env ? { env } : {}),
  });
  trackChild(child);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-65536);
  });
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => onStdout?.(chunk));
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(code ?? signal ?? 'unknown');
    });
  });
  if (child.pid === undefined) throw new Error(`cannot start ${command}`);
  const pid = child.pid;
  return {
    child,
    pid,
    stderr: () => stderr,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resident set size in MB (VmRSS of /proc/PID/status). */
export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!m) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]) / 1024;
}

/** CPU time (user + system, all threads) a process has used so far, in milliseconds. */
export async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at field 3 (state).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The machine's CPU time so far (all cores, in clock ticks): in total, and stolen. */
export interface CpuTicks {
  readonly total: number;
  /** Time the hypervisor ran something else while this guest's vCPUs wanted to run. */
  readonly steal: number;
}

/** The `cpu` line of /proc/stat. */
export async function machineCpuTicks(): Promise<CpuTicks> {
  const stat = await readFile('/proc/stat', 'utf8');
  const line = stat.slice(0, stat.indexOf('\n'));
  // cpu user nice system idle iowait irq softirq steal guest guest_nice
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  return { total: ticks.reduce((a, b) => a + b, 0), steal: ticks[7] ?? 0 };
}

/** A TCP port free on 127.0.0.1 right now (for servers that cannot listen on port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/**
 * Polls `check` every `intervalMs` until it returns true (a throw counts as not yet). Fails after
 * `timeoutMs`, or as soon as `proc` exits, with its stderr.
 */
export async function waitFor(
  what: string,
  proc: Spawned,
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 5,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let exit: number | string | undefined;
  void proc.exited.then((code) => (exit = code));
  for (;;) {
    if (await check().catch(() => false)) return;
    if (exit !== undefined) throw new Error(`${what}: exited (${exit}):\n${proc.stderr()}`);
    if (performance.now() > deadline) {
      throw new Error(`${what}: not ready in ${timeoutMs} ms:\n${proc.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

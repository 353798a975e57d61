/**
 * Runs the host tools the runc runtime drives (runc, unshare, umount): always asynchronously, with a
 * time limit on the injected clock and an optional AbortSignal, never blocking the event loop, and
 * with only stdio 0-2 handed to the child (CVE-2024-21626: no stray descriptors into containers).
 */
import { spawn } from 'node:child_process';
import type { Clock } from '../../../util/index.ts';
import { RuntimeError } from '../types.ts';

export interface CommandOptions {
  readonly clock: Clock;
  /** Default 30 s; the child is SIGKILLed when it runs longer. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly input?: string;
  readonly env?: Readonly<Record<string, string>>;
}

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the time limit killed it. */
  readonly timedOut: boolean;
}

const MAX_OUTPUT = 1 << 20;

/** Runs `cmd args…` and resolves with its exit code and output; only a failure to spawn rejects. */
export function runCommand(
  cmd: string,
  args: readonly string[],
  opts: CommandOptions,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(opts.signal.reason as Error);
      return;
    }
    const child = spawn(cmd, [...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}),
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += s;
    });
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    const cancelTimer = opts.clock.setTimeout(() => {
      timedOut = true;
      kill();
    }, opts.timeoutMs ?? 30_000);
    opts.signal?.addEventListener('abort', kill, { once: true });
    const done = (): void => {
      cancelTimer();
      opts.signal?.removeEventListener('abort', kill);
    };
    child.on('error', (err) => {
      done();
      reject(new RuntimeError(`cannot run ${cmd}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      done();
      if (opts.signal?.aborted) {
        reject(opts.signal.reason as Error);
        return;
      }
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, timedOut });
    });
    child.stdin.on('error', () => {
      // The tool may exit without reading its input; its exit code says what happened.
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** The last lines of a tool's stderr, for an error message. */
export function stderrTail(r: CommandResult): string {
  if (r.timedOut) return 'timed out';
  const text = r.stderr.trim();
  if (text === '') return r.stdout.trim().split('\n').slice(-3).join('; ') || `exit code ${r.code}`;
  return text.split('\n').slice(-3).join('; ');
}

/** Runs `cmd args…`; rejects with RuntimeError(`<what>: <stderr>`) unless it exits 0. */
export async function mustRun(
  what: string,
  cmd: string,
  args: readonly string[],
  opts: CommandOptions,
): Promise<string> {
  const r = await runCommand(cmd, args, opts);
  if (r.code !== 0) throw new RuntimeError(`${what}: ${stderrTail(r)}`);
  return r.stdout;
}

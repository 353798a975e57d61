/**
 * Runs the host tools the runc runtime drives (runc, unshare, umount): always asynchronously, with a
 * time limit on the injected clock and an optional AbortSignal, never blocking the event loop (they
 * are started by the spawn helper, util/spawn-helper.ts, not by forking the agent), and with only
 * stdio 0-2 handed to the child (CVE-2024-21626: no stray descriptors into containers).
 */
import { runProcess, type Clock, errorMessage } from '../../../util/index.ts';
import { RuntimeError } from '../types.ts';

export interface CommandOptions {
  readonly clock: Clock;
  /** Default 30 s; the child is SIGKILLed when it runs longer. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly input?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** `cmd` is a spawn-helper built-in (util's mountCommand and friends say when). */
  readonly builtin?: boolean;
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
    const child = runProcess(cmd, args, {
      ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}),
      input: opts.input ?? '',
      maxOutputBytes: MAX_OUTPUT,
      ...(opts.builtin === true ? { builtin: true } : {}),
    });
    let timedOut = false;
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
    child.result.then(
      ({ code, signal, stdout, stderr }) => {
        done();
        if (opts.signal?.aborted) {
          reject(opts.signal.reason as Error);
          return;
        }
        resolve({
          code: code ?? (signal ? 128 : 1),
          stdout: stdout.toString('utf8'),
          stderr: stderr.toString('utf8'),
          timedOut,
        });
      },
      (err: unknown) => {
        done();
        reject(new RuntimeError(`cannot run ${cmd}: ${errorMessage(err)}`));
      },
    );
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

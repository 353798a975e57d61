/**
 * Runs the few system tools the image store needs where Node has no API (mount, umount, mknod,
 * setfattr): asynchronously (through the spawn helper, util/spawn-helper.ts), with a time limit,
 * and failing with the tool's own stderr.
 */
import { runProcess, errorMessage } from '../../util/index.ts';
import { ImageError } from './types.ts';

export interface RunCommandOptions {
  readonly cwd?: string;
  readonly input?: string;
  /** Default 60 s. */
  readonly timeoutMs?: number;
  /** `cmd` is a spawn-helper built-in (util's mountCommand and friends say when). */
  readonly builtin?: boolean;
}

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `cmd args…`; resolves with its exit code and output (a spawn failure rejects). */
export function runCommand(
  cmd: string,
  args: readonly string[],
  opts: RunCommandOptions = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = runProcess(cmd, args, {
      ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
      input: opts.input ?? '',
      maxOutputBytes: 1 << 20,
      ...(opts.builtin === true ? { builtin: true } : {}),
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    child.result.then(
      ({ code, signal, stdout, stderr }) => {
        clearTimeout(timer);
        resolve({
          code: code ?? (signal ? 128 : 1),
          stdout: stdout.toString('utf8'),
          stderr: stderr.subarray(0, 1 << 16).toString('utf8'),
        });
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(new ImageError(`cannot run ${cmd}: ${errorMessage(err)}`));
      },
    );
  });
}

/** Runs `cmd args…` and rejects with ImageError(`what: <stderr>`) unless it exits 0. */
export async function mustRun(
  what: string,
  cmd: string,
  args: readonly string[],
  opts: RunCommandOptions = {},
): Promise<string> {
  const r = await runCommand(cmd, args, opts);
  if (r.code !== 0) {
    const detail = r.stderr.trim().split('\n').slice(-3).join('; ') || `exit code ${r.code}`;
    throw new ImageError(`${what}: ${detail}`);
  }
  return r.stdout;
}

/**
 * Runs the few system tools the image store needs where Node has no API (mount, umount, mknod,
 * setfattr): asynchronously, with a time limit, and failing with the tool's own stderr.
 */
import { spawn } from 'node:child_process';
import { ImageError } from './types.ts';

export interface RunCommandOptions {
  readonly cwd?: string;
  readonly input?: string;
  /** Default 60 s. */
  readonly timeoutMs?: number;
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
    const child = spawn(cmd, [...args], {
      ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 60_000,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      if (stdout.length < 1 << 20) stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      if (stderr.length < 1 << 16) stderr += s;
    });
    child.on('error', (err) => {
      reject(new ImageError(`cannot run ${cmd}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.on('error', () => {
      // The tool may exit without reading its input; its exit code tells what happened.
    });
    child.stdin.end(opts.input ?? '');
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

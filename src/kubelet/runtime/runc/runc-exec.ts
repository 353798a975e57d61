/**
 * ExecSync for runc containers: `runc exec --process <json>` with the container's own process
 * settings (user, env, cwd, capabilities, rlimits, no_new_privs from its config.json) and only the
 * argv replaced, no terminal, stdin from /dev/null. stdout and stderr are collected (each capped).
 *
 * On a timeout or an abort the exec'd process itself is SIGKILLed through the pid runc wrote to
 * `--pid-file` (killing runc alone would leave it running in the container), then runc.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { type Clock, localFs, runProcess, errorMessage } from '../../../util/index.ts';
import { ExecSyncTimeoutError, RuntimeError, type ExecSyncResult } from '../types.ts';
import type { OciSpec } from './oci-spec.ts';

// The exec process files on the runtime's tmpfs: synchronous underneath (util/local-fs.ts).
const { readFile, writeFile } = localFs;

/** Per stream, as the ContainerCommandRunner contract says. */
const MAX_OUTPUT = 16 << 20;

export interface RuncExecOptions {
  readonly runcPath: string;
  readonly runcRoot: string;
  readonly containerId: string;
  readonly bundleDir: string;
  readonly cmd: readonly string[];
  /** 0: no limit. */
  readonly timeoutSeconds: number;
  readonly signal?: AbortSignal;
  readonly clock: Clock;
}

/** A `runc exec` about to run: its arguments (after the runc binary) and files. */
export interface PreparedExec {
  /** `--root … exec --process FILE --pid-file FILE <id>`. */
  readonly args: readonly string[];
  /** Where runc writes the exec'd process's pid. */
  readonly pidFile: string;
  /**
   * SIGKILLs the exec'd process itself, through the pid runc wrote (killing runc alone would
   * leave it running in the container); nothing when there is no pid yet.
   */
  killProcess(): Promise<void>;
  /** Removes the process and pid files. */
  remove(): Promise<void>;
}

/**
 * Writes the process file of a `runc exec` into the bundle: the container's own process settings
 * from its config.json (user, env, cwd, capabilities, rlimits, no_new_privs), changed by `edit`.
 */
export async function prepareExec(
  o: { readonly runcRoot: string; readonly bundleDir: string; readonly containerId: string },
  edit: (process: OciSpec['process']) => OciSpec['process'],
): Promise<PreparedExec> {
  const spec = JSON.parse(await readFile(path.join(o.bundleDir, 'config.json'), 'utf8')) as OciSpec;
  const tag = randomBytes(6).toString('hex');
  const processFile = path.join(o.bundleDir, `exec-${tag}.json`);
  const pidFile = path.join(o.bundleDir, `exec-${tag}.pid`);
  await writeFile(processFile, JSON.stringify(edit(spec.process)), { mode: 0o600 });
  return {
    args: [
      '--root',
      o.runcRoot,
      'exec',
      '--process',
      processFile,
      '--pid-file',
      pidFile,
      o.containerId,
    ],
    pidFile,
    async killProcess() {
      try {
        const pid = Number.parseInt(await readFile(pidFile, 'utf8'), 10);
        if (pid > 0) process.kill(pid, 'SIGKILL');
      } catch {
        // no pid file yet, or the process is gone
      }
    },
    async remove() {
      await rm(processFile, { force: true });
      await rm(pidFile, { force: true });
    },
  };
}

export async function runcExec(o: RuncExecOptions): Promise<ExecSyncResult> {
  if (o.cmd.length === 0) throw new RuntimeError('exec: no command given');
  const exec = await prepareExec(o, (p) => ({ ...p, args: [...o.cmd], terminal: false }));
  try {
    // Through the spawn helper: exec probes run every few seconds per container, and a fork of
    // the agent for each stops its event loop.
    const child = runProcess(o.runcPath, exec.args, { maxOutputBytes: MAX_OUTPUT });
    let failure: Error | undefined;
    const stop = (err: Error): void => {
      if (failure) return;
      failure = err;
      void exec.killProcess().finally(() => {
        child.kill('SIGKILL');
      });
    };
    const cancelTimer =
      o.timeoutSeconds > 0
        ? o.clock.setTimeout(() => {
            stop(new ExecSyncTimeoutError(o.cmd, o.timeoutSeconds));
          }, o.timeoutSeconds * 1000)
        : () => undefined;
    const onAbort = (): void => {
      stop(o.signal?.reason instanceof Error ? o.signal.reason : new RuntimeError('exec aborted'));
    };
    if (o.signal?.aborted) onAbort();
    else o.signal?.addEventListener('abort', onAbort, { once: true });
    let result;
    try {
      result = await child.result;
    } catch (err) {
      throw new RuntimeError(`cannot run runc exec: ${errorMessage(err)}`);
    } finally {
      cancelTimer();
      o.signal?.removeEventListener('abort', onAbort);
    }
    if (failure) throw failure;
    return {
      exitCode: result.code ?? (result.signal ? 128 : 1),
      stdout: result.stdout,
      stderr: result.stderr,
    };
  } finally {
    await exec.remove();
  }
}

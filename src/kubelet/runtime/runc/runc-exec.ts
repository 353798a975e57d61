/**
 * ExecSync for runc containers: `runc exec --process <json>` with the container's own process
 * settings (user, env, cwd, capabilities, rlimits, no_new_privs from its config.json) and only the
 * argv replaced, no terminal, stdin from /dev/null. stdout and stderr are collected (each capped).
 *
 * On a timeout or an abort the exec'd process itself is SIGKILLed through the pid runc wrote to
 * `--pid-file` (killing runc alone would leave it running in the container), then runc.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../../util/index.ts';
import { ExecSyncTimeoutError, RuntimeError, type ExecSyncResult } from '../types.ts';
import type { OciSpec } from './oci-spec.ts';

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

class Collector {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  add(b: Buffer): void {
    if (this.size >= MAX_OUTPUT) return;
    const part = b.subarray(0, MAX_OUTPUT - this.size);
    this.chunks.push(part);
    this.size += part.length;
  }
  get buffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

export async function runcExec(o: RuncExecOptions): Promise<ExecSyncResult> {
  if (o.cmd.length === 0) throw new RuntimeError('exec: no command given');
  const spec = JSON.parse(await readFile(path.join(o.bundleDir, 'config.json'), 'utf8')) as OciSpec;
  const tag = randomBytes(6).toString('hex');
  const processFile = path.join(o.bundleDir, `exec-${tag}.json`);
  const pidFile = path.join(o.bundleDir, `exec-${tag}.pid`);
  await writeFile(
    processFile,
    JSON.stringify({ ...spec.process, args: [...o.cmd], terminal: false }),
    { mode: 0o600 },
  );
  try {
    return await new Promise<ExecSyncResult>((resolve, reject) => {
      const child = spawn(
        o.runcPath,
        [
          '--root',
          o.runcRoot,
          'exec',
          '--process',
          processFile,
          '--pid-file',
          pidFile,
          o.containerId,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const stdout = new Collector();
      const stderr = new Collector();
      child.stdout.on('data', (b: Buffer) => {
        stdout.add(b);
      });
      child.stderr.on('data', (b: Buffer) => {
        stderr.add(b);
      });
      let failure: Error | undefined;
      const stop = (err: Error): void => {
        if (failure) return;
        failure = err;
        void readFile(pidFile, 'utf8')
          .then((t) => {
            const pid = Number.parseInt(t, 10);
            if (pid > 0) process.kill(pid, 'SIGKILL');
          })
          .catch(() => undefined)
          .finally(() => {
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
        stop(
          o.signal?.reason instanceof Error ? o.signal.reason : new RuntimeError('exec aborted'),
        );
      };
      if (o.signal?.aborted) onAbort();
      else o.signal?.addEventListener('abort', onAbort, { once: true });
      child.on('error', (err) => {
        cancelTimer();
        o.signal?.removeEventListener('abort', onAbort);
        reject(new RuntimeError(`cannot run runc exec: ${err.message}`));
      });
      child.on('close', (code, sig) => {
        cancelTimer();
        o.signal?.removeEventListener('abort', onAbort);
        if (failure) {
          reject(failure);
          return;
        }
        resolve({
          exitCode: code ?? (sig ? 128 : 1),
          stdout: stdout.buffer,
          stderr: stderr.buffer,
        });
      });
    });
  } finally {
    await rm(processFile, { force: true });
    await rm(pidFile, { force: true });
  }
}

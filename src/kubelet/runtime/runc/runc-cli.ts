/**
 * The runc commands the runtime uses after conmon has created a container: state, start, kill and
 * delete, each against our own runc root (`--root`), so podbay's containers never mix with another
 * runc user's. Errors carry runc's own message (taken out of its logrus line).
 */
import path from 'node:path';
import { builtinsAvailable, type Clock } from '../../../util/index.ts';
import { RuntimeError } from '../types.ts';
import { runCommand, type CommandResult } from './command.ts';

export type RuncStatus = 'creating' | 'created' | 'running' | 'paused' | 'stopped';

export interface RuncState {
  readonly status: RuncStatus;
  readonly pid: number;
}

/** runc's message out of `time="…" level=error msg="container does not exist"` lines. */
export function runcMessage(stderr: string): string {
  const lines = stderr
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '');
  const messages = lines.map((line) => {
    const m = /\bmsg="((?:[^"\\]|\\.)*)"/.exec(line);
    if (!m) return line.trim();
    try {
      return JSON.parse(`"${m[1] ?? ''}"`) as string;
    } catch {
      return m[1] ?? line;
    }
  });
  return messages.slice(-2).join('; ');
}

function isNotExist(r: CommandResult): boolean {
  return /does not exist|not found/i.test(r.stderr);
}

export interface RuncCliOptions {
  readonly runcPath: string;
  /** runc's state directory (`runc --root`). */
  readonly root: string;
  readonly clock: Clock;
  /** Per command; default 30 s. */
  readonly timeoutMs?: number;
}

export class RuncCli {
  private readonly opts: RuncCliOptions;

  constructor(opts: RuncCliOptions) {
    this.opts = opts;
  }

  get path(): string {
    return this.opts.runcPath;
  }

  get root(): string {
    return this.opts.root;
  }

  private run(args: readonly string[]): Promise<CommandResult> {
    return runCommand(this.opts.runcPath, ['--root', this.opts.root, ...args], {
      clock: this.opts.clock,
      timeoutMs: this.opts.timeoutMs ?? 30_000,
    });
  }

  private fail(what: string, r: CommandResult): never {
    const detail = r.timedOut ? 'timed out' : runcMessage(r.stderr) || `exit code ${r.code}`;
    throw new RuntimeError(`${what}: ${detail}`);
  }

  async version(): Promise<string> {
    const r = await runCommand(this.opts.runcPath, ['--version'], {
      clock: this.opts.clock,
      timeoutMs: 10_000,
    });
    if (r.code !== 0) this.fail('runc --version failed', r);
    const m = /runc version (\S+)/.exec(r.stdout);
    return m?.[1] ?? 'unknown';
  }

  /** The container's state, or undefined when runc does not know it. */
  async state(id: string): Promise<RuncState | undefined> {
    const r = await this.run(['state', id]);
    if (r.code !== 0) {
      if (isNotExist(r)) return undefined;
      this.fail(`runc state ${id} failed`, r);
    }
    const parsed = JSON.parse(r.stdout) as { status?: string; pid?: number };
    return { status: (parsed.status ?? 'stopped') as RuncStatus, pid: parsed.pid ?? 0 };
  }

  /**
   * Starts a created container. Given its init's pid, without starting runc (a Go program that
   * costs ~10 ms of CPU here, twice per pod): the spawn helper's `start` built-in does what
   * `runc start` does, which is to read runc's exec fifo (`<root>/<id>/exec.fifo`), on which the
   * init waits, until the init has exec'd the container's process, then remove it; runc reports
   * the container running from then on. The container has no OCI hooks (we never set any) that
   * runc start would run. When there is no fifo (not a created container), or no built-ins,
   * runc itself is asked, for its own answer.
   */
  async start(id: string, initPid?: number): Promise<void> {
    if (initPid !== undefined && initPid > 0 && builtinsAvailable()) {
      const fifo = path.join(this.opts.root, id, 'exec.fifo');
      const r = await runCommand('start', [fifo, String(initPid)], {
        clock: this.opts.clock,
        timeoutMs: this.opts.timeoutMs ?? 30_000,
        builtin: true,
      });
      if (r.code === 0) return;
      if (r.code !== 3) this.fail(`failed to start container ${id}`, r);
    }
    const r = await this.run(['start', id]);
    if (r.code !== 0) this.fail(`failed to start container ${id}`, r);
  }

  /**
   * Sends `signal` (a name such as SIGTERM) to the container's init, or with `all` to every process
   * in its cgroup. Resolves false when the container is not running any more (nothing to signal).
   */
  async kill(id: string, signal: string, all = false): Promise<boolean> {
    const r = await this.run(['kill', ...(all ? ['--all'] : []), id, signal]);
    if (r.code === 0) return true;
    if (
      isNotExist(r) ||
      /not running|process already finished|container not running/i.test(r.stderr)
    ) {
      return false;
    }
    this.fail(`failed to send ${signal} to container ${id}`, r);
  }

  /** `runc delete --force`: kills what is left and removes runc's state and cgroup. Idempotent. */
  async delete(id: string): Promise<void> {
    const r = await this.run(['delete', '--force', id]);
    if (r.code !== 0 && !isNotExist(r)) this.fail(`failed to delete container ${id}`, r);
  }
}

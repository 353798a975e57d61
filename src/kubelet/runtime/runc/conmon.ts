/**
 * Starting a container under conmon, CRI-O's container monitor. conmon double-forks away from us,
 * runs `runc create` for the bundle, keeps the container's stdio (writing CRI-format logs to
 * `--log-path k8s-file:<path>`), reaps the container and, when it exits, writes its exit status to
 * `<exit-dir>/<id>` and `<persist-dir>/exit`, plus an empty `oom` file in the persist dir and its
 * working directory (both the bundle here) when the memory cgroup reported an OOM kill. Because conmon is not our child, containers
 * outlive the agent (also kill -9) and a restarted agent finds their exits in the exit dir.
 *
 * conmon reports the outcome of `runc create` on its sync pipe (fd number in `_OCI_SYNCPIPE`), one
 * JSON line with API version 1: `{"data": <container pid>}` or `{"data": -1, "message": "<runc's
 * stderr>"}`. We hand it a pipe as fd 3 and read that line.
 */
import { runProcess, type Clock, errorMessage } from '../../../util/index.ts';
import { RuntimeError } from '../types.ts';
import { runcMessage } from './runc-cli.ts';

export interface ConmonOptions {
  readonly conmonPath: string;
  readonly runcPath: string;
  readonly runcRoot: string;
  readonly containerId: string;
  /** For conmon's own log lines. */
  readonly name: string;
  readonly bundleDir: string;
  readonly exitDir: string;
  /** Where conmon's attach sockets go (`<dir>/<id>`). */
  readonly socketDir: string;
  readonly logPath: string;
  readonly terminal: boolean;
  readonly stdin: boolean;
  readonly stdinOnce: boolean;
  readonly clock: Clock;
  /** For the whole create; default 60 s (runc create also waits for mounts and cgroups). */
  readonly timeoutMs?: number;
}

export interface ConmonStarted {
  /** The container's init process (from the sync pipe). */
  readonly containerPid: number;
  /** The daemonised conmon (from its pid file). */
  readonly conmonPidFile: string;
}

export function conmonArgs(o: ConmonOptions): string[] {
  return [
    '--api-version',
    '1',
    '--cid',
    o.containerId,
    '--cuuid',
    o.containerId,
    '--name',
    o.name,
    '--runtime',
    o.runcPath,
    '--bundle',
    o.bundleDir,
    '--container-pidfile',
    `${o.bundleDir}/pidfile`,
    '--conmon-pidfile',
    `${o.bundleDir}/conmon.pid`,
    '--log-path',
    `k8s-file:${o.logPath}`,
    '--exit-dir',
    o.exitDir,
    '--persist-dir',
    o.bundleDir,
    '--socket-dir-path',
    o.socketDir,
    '--runtime-arg',
    `--root=${o.runcRoot}`,
    '--log-level',
    'info',
    ...(o.terminal ? ['--terminal'] : []),
    ...(o.stdin ? ['--stdin'] : []),
    ...(o.stdin && !o.stdinOnce ? ['--leave-stdin-open'] : []),
  ];
}

/** Parses conmon's sync-pipe line; undefined when it is not one. */
export function parseSyncMessage(line: string): { data: number; message?: string } | undefined {
  try {
    const v = JSON.parse(line) as unknown;
    if (typeof v !== 'object' || v === null) return undefined;
    const data = (v as { data?: unknown }).data;
    const message = (v as { message?: unknown }).message;
    if (typeof data !== 'number') return undefined;
    return typeof message === 'string' ? { data, message } : { data };
  } catch {
    return undefined;
  }
}

/**
 * Runs conmon for a bundle and waits until `runc create` succeeded (the container is `created`,
 * its init waiting for `runc start`) or failed (RuntimeError with runc's message). conmon is
 * started through the spawn helper (util/spawn-helper.ts), which hands it the sync pipe as fd 3
 * and starts it in a session of its own; forking the agent for it would stop the event loop.
 */
export function startConmon(o: ConmonOptions): Promise<ConmonStarted> {
  return new Promise<ConmonStarted>((resolve, reject) => {
    let settled = false;
    let syncLine = '';
    let stderr = '';
    let exitCode: number | null | undefined;
    const fail = (why: string): RuntimeError =>
      new RuntimeError(`failed to create container ${o.containerId}: ${why}`);
    const finish = (err: Error | undefined, value?: ConmonStarted): void => {
      if (settled) return;
      settled = true;
      cancelTimer();
      proc.closeFd3();
      if (err) reject(err);
      else if (value) resolve(value);
    };
    const onSyncLine = (line: string): void => {
      const msg = parseSyncMessage(line);
      if (!msg) {
        finish(fail(`conmon said ${JSON.stringify(line)}`));
      } else if (msg.data > 0) {
        finish(undefined, { containerPid: msg.data, conmonPidFile: `${o.bundleDir}/conmon.pid` });
      } else {
        finish(fail(runcMessage(msg.message ?? '') || 'runc create failed'));
      }
    };
    const proc = runProcess(o.conmonPath, conmonArgs(o), {
      env: { ...process.env, _OCI_SYNCPIPE: '3' },
      // conmon (2.1.x) writes its `oom` file into its working directory: the bundle, as CRI-O runs it.
      cwd: o.bundleDir,
      // conmon calls setsid itself; a session of its own keeps it out of our process group from the start.
      newSession: true,
      maxOutputBytes: 1 << 16,
      onFd3: (data) => {
        if (data === null) {
          const code = exitCode !== undefined && exitCode !== 0 ? ` (code ${exitCode})` : '';
          finish(fail(`conmon exited without a result${code}: ${stderr || 'no output'}`));
          return;
        }
        syncLine += data.toString('utf8');
        const nl = syncLine.indexOf('\n');
        if (nl >= 0) onSyncLine(syncLine.slice(0, nl));
      },
    });
    const cancelTimer = o.clock.setTimeout(() => {
      finish(fail(`conmon did not report within ${Math.round((o.timeoutMs ?? 60_000) / 1000)}s`));
    }, o.timeoutMs ?? 60_000);
    // The first conmon exits as soon as it has forked the monitor; a failure before the fork (bad
    // arguments, missing runtime) shows as a non-zero exit with the reason on stderr.
    proc.result.then(
      (r) => {
        exitCode = r.code;
        stderr = r.stderr.toString('utf8').trim();
        if (r.code !== 0) {
          finish(fail(`conmon exited with code ${r.code ?? 'signal'}: ${stderr || 'no output'}`));
        }
      },
      (err: unknown) => {
        const why = errorMessage(err);
        finish(new RuntimeError(`cannot run conmon (${o.conmonPath}): ${why}`));
      },
    );
  });
}

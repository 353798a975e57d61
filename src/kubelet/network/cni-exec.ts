/**
 * Runs one CNI plugin the way the spec and libcni do: the executable found in CNI_PATH, the
 * command and its parameters in CNI_* environment variables, the network configuration on stdin,
 * the result (or an error object) on stdout. Asynchronous (started by the spawn helper,
 * util/spawn-helper.ts), with a timeout and an AbortSignal; the plugin is killed when either fires.
 */
import { constants } from 'node:fs';
import path from 'node:path';
import { localFs, runProcess, type Clock, errorMessage } from '../../util/index.ts';
import type { CniCommand, CniErrorObject } from './cni-types.ts';

// Looking a plugin up in CNI_PATH: synchronous underneath (util/local-fs.ts says why).
const { access } = localFs;

export interface CniExecRequest {
  readonly pluginPath: string;
  readonly command: CniCommand;
  readonly containerId: string;
  /** Empty on DEL when the namespace is gone (spec: the plugin must still clean up). */
  readonly netns: string;
  readonly ifName: string;
  /** `K=V;K=V`, CNI_ARGS. */
  readonly args: string;
  /** Directories joined as CNI_PATH (plugins such as bridge run host-local from there). */
  readonly cniPath: readonly string[];
  readonly stdin: string;
  readonly timeoutMs: number;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
}

/** A plugin failed: `msg`/`details` come from its error object, or describe how it failed. */
export class CniPluginError extends Error {
  override readonly name = 'CniPluginError';
  readonly code: number;

  constructor(message: string, code: number) {
    super(message);
    this.code = code;
  }
}

/** Where the plugins' own helpers (iptables, ip) live, even when our PATH lacks sbin. */
const sbinDirs = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/**
 * The agent's environment with sbin on PATH, copied once: reading process.env goes through a
 * native accessor per variable, ~0.5 ms for a copy, and every plugin run needs one.
 */
let baseEnv: NodeJS.ProcessEnv | undefined;

function pluginEnv(req: CniExecRequest): NodeJS.ProcessEnv {
  if (baseEnv === undefined) {
    const pathDirs = (process.env['PATH'] ?? '').split(':').filter((d) => d !== '');
    for (const d of sbinDirs) if (!pathDirs.includes(d)) pathDirs.push(d);
    baseEnv = { ...process.env, PATH: pathDirs.join(':') };
  }
  return {
    ...baseEnv,
    CNI_COMMAND: req.command,
    CNI_CONTAINERID: req.containerId,
    CNI_NETNS: req.netns,
    CNI_IFNAME: req.ifName,
    CNI_ARGS: req.args,
    CNI_PATH: req.cniPath.join(':'),
  };
}

/** Finds a plugin executable by type in `dirs`, as libcni's FindInPath does. */
export async function findPlugin(type: string, dirs: readonly string[]): Promise<string> {
  if (type === '' || type.includes('/')) {
    throw new CniPluginError(`invalid plugin name: ${JSON.stringify(type)}`, 1);
  }
  for (const dir of dirs) {
    const p = path.join(dir, type);
    try {
      await access(p, constants.X_OK);
      return p;
    } catch {
      // try the next directory
    }
  }
  throw new CniPluginError(`failed to find plugin "${type}" in path [${dirs.join(' ')}]`, 1);
}

/** The error text libcni builds from a plugin's error object: msg, then `; details`. */
function describeError(stdout: string, stderr: string, how: string): CniPluginError {
  const out = stdout.trim();
  if (out === '') {
    const err = stderr.trim();
    return new CniPluginError(
      err === ''
        ? `netplugin failed with no error message: ${how}`
        : `netplugin failed: ${JSON.stringify(err)}`,
      999,
    );
  }
  try {
    const obj = JSON.parse(out) as Partial<CniErrorObject>;
    if (typeof obj.msg === 'string') {
      const details =
        typeof obj.details === 'string' && obj.details !== '' ? `; ${obj.details}` : '';
      return new CniPluginError(obj.msg + details, typeof obj.code === 'number' ? obj.code : 999);
    }
  } catch {
    // fall through
  }
  return new CniPluginError(
    `netplugin failed but error parsing its diagnostic message ${JSON.stringify(out)}`,
    999,
  );
}

/** Runs the plugin; resolves with its parsed stdout (or undefined when it printed nothing). */
export function execPlugin(req: CniExecRequest): Promise<unknown> {
  return new Promise((resolve, reject) => {
    if (req.signal?.aborted) {
      reject(req.signal.reason as Error);
      return;
    }
    // Plugins log to stderr; a bounded tail is kept for error messages.
    const child = runProcess(req.pluginPath, [], {
      env: pluginEnv(req),
      input: req.stdin,
      maxOutputBytes: 16 << 20,
    });
    let killedFor: string | undefined;
    const kill = (why: string): void => {
      killedFor ??= why;
      child.kill('SIGKILL');
    };
    const cancelTimer = req.clock.setTimeout(() => {
      kill(`timed out after ${req.timeoutMs}ms`);
    }, req.timeoutMs);
    const onAbort = (): void => {
      kill('aborted');
    };
    req.signal?.addEventListener('abort', onAbort, { once: true });

    const failed = (err: unknown): void => {
      cancelTimer();
      req.signal?.removeEventListener('abort', onAbort);
      const message = errorMessage(err);
      reject(new CniPluginError(`failed to run ${req.pluginPath}: ${message}`, 999));
    };
    child.result.then(({ code, signal: sig, stdout, stderr }) => {
      cancelTimer();
      req.signal?.removeEventListener('abort', onAbort);
      const out = stdout.toString('utf8');
      const err = stderr.subarray(0, 64 * 1024).toString('utf8');
      if (killedFor === 'aborted') {
        reject(req.signal?.reason as Error);
        return;
      }
      if (killedFor !== undefined) {
        reject(new CniPluginError(`netplugin ${path.basename(req.pluginPath)} ${killedFor}`, 999));
        return;
      }
      if (code !== 0) {
        reject(describeError(out, err, sig ? `signal: ${sig}` : `exit status ${code ?? -1}`));
        return;
      }
      if (out.trim() === '') {
        resolve(undefined);
        return;
      }
      try {
        resolve(JSON.parse(out) as unknown);
      } catch {
        reject(
          new CniPluginError(
            `failed to decode result of ${path.basename(req.pluginPath)}: ${JSON.stringify(out.slice(0, 200))}`,
            999,
          ),
        );
      }
    }, failed);
  });
}

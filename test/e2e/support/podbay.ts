/**
 * End-to-end support: runs the built `podbay` (dist/) as a separate process, as a user would, and
 * the real kubectl against it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../../..');
export const podbayBin = join(repoRoot, 'bin', 'podbay');
export const kubectlDir = '/usr/lib/google-cloud-sdk/bin';

/** The kubectl binary of a minor version (1.32 is /usr/bin/kubectl). */
export function kubectlBinary(minor?: number): string {
  return minor === undefined ? '/usr/bin/kubectl' : join(kubectlDir, `kubectl.1.${minor}`);
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Removes a server's data dir. A server stopped with containers left (killed, or a test that
 * failed before deleting its pods) left its runtime's tmpfs mounted there.
 */
async function removeDataDir(dataDir: string): Promise<void> {
  const volatile = join(dataDir, 'runtime', 'run');
  if (existsSync(volatile)) await run('umount', ['--lazy', volatile], { timeoutMs: 10_000 });
  await rm(dataDir, { recursive: true, force: true });
}

export function run(
  cmd: string,
  args: readonly string[],
  opts: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = execFile(
      cmd,
      [...args],
      {
        env: { ...process.env, ...opts.env },
        timeout: opts.timeoutMs ?? 60_000,
        maxBuffer: 32 << 20,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolvePromise({ code, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

export interface Podbay {
  readonly dataDir: string;
  readonly kubeconfig: string;
  readonly process: ChildProcess;
  /** All stderr so far (logs). */
  logs(): string;
  /** kubectl with this server's kubeconfig and a private discovery cache. */
  kubectl(
    args: readonly string[],
    opts?: { minor?: number; env?: Record<string, string>; input?: string; timeoutMs?: number },
  ): Promise<RunResult>;
  /** SIGTERM and wait; or SIGKILL with `kill9`. */
  stop(opts?: { kill9?: boolean }): Promise<number | null>;
  /** Removes the data dir (after stop). */
  cleanup(): Promise<void>;
}

export interface StartOptions {
  /** Reuse a data dir (restart); a fresh temp dir otherwise. */
  readonly dataDir?: string;
  readonly extraArgs?: readonly string[];
  /** Start a node agent (needs root); default false. */
  readonly agent?: boolean;
  readonly timeoutMs?: number;
}

export function requireBuild(): void {
  if (!existsSync(join(repoRoot, 'dist', 'cmd', 'main.js'))) {
    throw new Error(
      'dist/ is missing: run `npm run build` (npm test does it) before the e2e tests',
    );
  }
}

export async function startPodbay(opts: StartOptions = {}): Promise<Podbay> {
  requireBuild();
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'podbay-e2e-')));
  const cacheDir = await mkdtemp(join(tmpdir(), 'kubectl-cache-'));
  const args = [
    'server',
    '--data-dir',
    dataDir,
    '--listen',
    '127.0.0.1:0',
    ...(opts.agent ? [] : ['--no-agent']),
    ...(opts.extraArgs ?? []),
  ];
  const child = spawn(process.execPath, [podbayBin, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((r) =>
    child.on('exit', (code) => {
      r(code);
    }),
  );
  const ready = new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`podbay did not become ready in time:\n${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (stdout.includes('podbay: ready')) {
        clearTimeout(timer);
        resolveReady();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`podbay exited with ${String(code)} before it was ready:\n${stderr}`));
    });
  });
  try {
    await ready;
  } catch (err) {
    // No caller gets a handle to clean up with: leave nothing behind (a server that failed to
    // start, say on a busy port, must not leak its process, data dir or kubectl cache).
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    await rm(cacheDir, { recursive: true, force: true });
    if (!opts.dataDir) await removeDataDir(dataDir);
    throw err;
  }
  const kubeconfig = join(dataDir, 'kubeconfig');
  return {
    dataDir,
    kubeconfig,
    process: child,
    logs: () => stderr,
    kubectl(kargs, kopts = {}) {
      return run(
        kubectlBinary(kopts.minor),
        ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...kargs],
        kopts,
      );
    },
    async stop(sopts = {}) {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(sopts.kill9 ? 'SIGKILL' : 'SIGTERM');
      return exited;
    },
    async cleanup() {
      await rm(cacheDir, { recursive: true, force: true });
      if (!opts.dataDir) await removeDataDir(dataDir);
    },
  };
}

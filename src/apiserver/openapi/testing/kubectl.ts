/**
 * Runs a real kubectl binary against a test server with its own throw-away home, kubeconfig and
 * cache directory, so no run sees another's cached discovery or OpenAPI documents.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const kubectlBinaries = {
  default: '/usr/bin/kubectl',
  v127: '/usr/lib/google-cloud-sdk/bin/kubectl.1.27',
  v128: '/usr/lib/google-cloud-sdk/bin/kubectl.1.28',
  v133: '/usr/lib/google-cloud-sdk/bin/kubectl.1.33',
} as const;

export function hasKubectl(bin: string): boolean {
  return existsSync(bin);
}

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface KubectlSandbox {
  readonly dir: string;
  /** Writes a file into the sandbox and returns its path. */
  file(name: string, content: string): Promise<string>;
  run(
    args: readonly string[],
    opts?: { bin?: string; env?: Record<string, string> },
  ): Promise<KubectlResult>;
  dispose(): Promise<void>;
}

export async function kubectlSandbox(server: string): Promise<KubectlSandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'podbay-openapi-kubectl-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, 'apiVersion: v1\nkind: Config\n');
  return {
    dir,
    file: async (name, content) => {
      const path = join(dir, name);
      await writeFile(path, content);
      return path;
    },
    run: (args, opts = {}) =>
      new Promise((resolve) => {
        execFile(
          opts.bin ?? kubectlBinaries.default,
          [
            '--server',
            server,
            '--insecure-skip-tls-verify',
            '--cache-dir',
            join(dir, 'cache'),
            ...args,
          ],
          {
            env: {
              PATH: process.env['PATH'] ?? '/usr/bin:/bin',
              HOME: dir,
              KUBECONFIG: kubeconfig,
              ...opts.env,
            },
            timeout: 60_000,
          },
          (err, stdout, stderr) => {
            const code =
              err === null ? 0 : typeof err.code === 'number' ? err.code : err.killed ? 124 : 1;
            resolve({ code, stdout, stderr });
          },
        );
      }),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

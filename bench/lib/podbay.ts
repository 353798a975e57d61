/**
 * A real `podbay server` process, started through bin/podbay (of a snapshot of dist/, see run.ts) as
 * a user starts it, with a client holding the admin certificate from the kubeconfig it writes.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { BenchContext } from './context.ts';
import { HttpClient, type TlsMaterial } from './http.ts';
import { cpuMs, rssMb, spawnTracked, waitFor, type Spawned } from './processes.ts';

export interface PodbayServer {
  readonly dataDir: string;
  readonly pid: number;
  readonly url: string;
  readonly client: HttpClient;
  /** The admin credentials from the kubeconfig, and the CA, for other clients. */
  readonly tls: TlsMaterial;
  /** From spawn to the `podbay: ready` line, and to the first /readyz that answered ok (ms). */
  readonly startup: { readonly readyLineMs: number; readonly readyzMs: number };
  rssMb(): Promise<number>;
  /** CPU time used so far (ms). */
  cpuMs(): Promise<number>;
  /** SIGTERM and wait for it to exit (it closes the store); also run when the context closes. */
  stop(): Promise<void>;
}

/** The `podbay` command this run measures: a snapshot of the build, or PODBAY_BIN (see run.ts). */
export function podbayBin(ctx: BenchContext): string {
  return ctx.podbayBin;
}

interface KubeconfigDoc {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
}

const fromBase64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8');

/** Starts `podbay server --no-agent` on `dataDir` (a fresh temp dir if none). */
export async function startPodbay(
  ctx: BenchContext,
  opts: { dataDir?: string; timeoutMs?: number } = {},
): Promise<PodbayServer> {
  const dataDir = opts.dataDir ?? (await ctx.tmpDir('podbay'));
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let stdout = '';
  let onReadyLine: () => void = () => undefined;
  const readyLine = new Promise<void>((resolve) => {
    onReadyLine = resolve;
  });
  const start = performance.now();
  const proc: Spawned = spawnTracked(
    process.execPath,
    [podbayBin(ctx), 'server', '--listen', '127.0.0.1:0', '--no-agent', '--data-dir', dataDir],
    (text) => {
      stdout += text;
      if (stdout.includes('podbay: ready')) onReadyLine();
    },
  );
  ctx.defer(() => proc.stop());
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    readyLine,
    proc.exited.then((code) => {
      throw new Error(`podbay exited (${code}) before it was ready:\n${proc.stderr()}`);
    }),
    new Promise((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`podbay not ready in ${timeoutMs} ms:\n${proc.stderr()}`));
      }, timeoutMs);
    }),
  ]).finally(() => {
    clearTimeout(timer);
  });
  const readyLineMs = performance.now() - start;

  const kc = parse(await readFile(join(dataDir, 'kubeconfig'), 'utf8')) as KubeconfigDoc;
  const cluster = kc.clusters[0]!.cluster;
  const user = kc.users[0]!.user;
  const tls: TlsMaterial = {
    ca: fromBase64(cluster['certificate-authority-data']),
    cert: fromBase64(user['client-certificate-data']),
    key: fromBase64(user['client-key-data']),
  };
  const client = new HttpClient(cluster.server, { tls });
  ctx.defer(() => {
    client.close();
  });
  await waitFor(
    'podbay /readyz',
    proc,
    async () => {
      const res = await client.request('GET', '/readyz');
      return res.status === 200;
    },
    timeoutMs,
    2,
  );
  const readyzMs = performance.now() - start;
  return {
    dataDir,
    pid: proc.pid,
    url: cluster.server,
    client,
    tls,
    startup: { readyLineMs, readyzMs },
    rssMb: () => rssMb(proc.pid),
    cpuMs: () => cpuMs(proc.pid),
    async stop() {
      client.close();
      await proc.stop();
    },
  };
}

/** Creates a namespace (the API refuses objects in a namespace that does not exist). */
export async function createNamespace(server: PodbayServer, name: string): Promise<void> {
  await server.client.call(
    'POST',
    '/api/v1/namespaces',
    JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }),
    201,
  );
}

/**
 * Waits until the server's revision has not moved for `quietMs` (at most `maxMs`): after a start on
 * a data dir with pods, the scheduler retries every pending pod, and measurements should not race
 * that. Returns how long it waited.
 */
export async function waitQuiet(
  server: PodbayServer,
  quietMs = 1_000,
  maxMs = 20_000,
): Promise<number> {
  const start = performance.now();
  let last = '';
  let since = start;
  for (;;) {
    const list = (await server.client.json('GET', '/api/v1/namespaces?limit=1')) as {
      metadata: { resourceVersion: string };
    };
    const now = performance.now();
    if (list.metadata.resourceVersion !== last) {
      last = list.metadata.resourceVersion;
      since = now;
    } else if (now - since >= quietMs || now - start >= maxMs) {
      return now - start;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

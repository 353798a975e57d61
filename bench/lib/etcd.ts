/**
 * The peer: Debian's etcd 3.4 (/usr/bin/etcd), one member on loopback ports in a temp data dir,
 * driven over gRPC (its native protocol, as kube-apiserver uses it) by the small node:http2 client
 * in etcd-grpc.ts, on one HTTP/2 connection. Measured on the 2-core dev VM with 64 clients: the
 * etcd3 npm package (grpc-js) got ~4.5k puts/s out of etcd, the HTTP/JSON gateway with keep-alive
 * ~5.5k/s at best and far less under load, this client ~2.4× the gateway's rate in the same run;
 * a range of 10,000 pods is ~5× faster over gRPC than through the gateway's JSON.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { BenchContext } from './context.ts';
import { EtcdGrpcClient } from './etcd-grpc.ts';
import { HttpClient } from './http.ts';
import { cpuMs, freePort, rssMb, spawnTracked, waitFor } from './processes.ts';

export const etcdBinary = '/usr/bin/etcd';

export interface EtcdServer {
  readonly dataDir: string;
  readonly pid: number;
  /** gRPC, for the work measured. */
  readonly client: EtcdGrpcClient;
  /** Milliseconds from spawn until /health answered true. */
  readonly startupMs: number;
  rssMb(): Promise<number>;
  /** CPU time used so far (ms). */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

/** The end of the key range that holds every key starting with `prefix`. */
export function prefixEnd(prefix: string): string {
  const buf = Buffer.from(prefix);
  buf[buf.length - 1]! += 1;
  return buf.toString('utf8');
}

export async function etcdVersion(): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(etcdBinary, ['--version']);
    return /etcd Version: (\S+)/.exec(stdout)?.[1] ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

/** Starts etcd on `dataDir` (a fresh temp dir if none); stopped when the context closes. */
export async function startEtcd(
  ctx: BenchContext,
  opts: { dataDir?: string } = {},
): Promise<EtcdServer> {
  const dataDir = opts.dataDir ?? (await ctx.tmpDir('etcd'));
  const clientUrl = `http://127.0.0.1:${await freePort()}`;
  const peerUrl = `http://127.0.0.1:${await freePort()}`;
  const start = performance.now();
  const proc = spawnTracked(etcdBinary, [
    '--name',
    'bench',
    '--data-dir',
    dataDir,
    '--listen-client-urls',
    clientUrl,
    '--advertise-client-urls',
    clientUrl,
    '--listen-peer-urls',
    peerUrl,
    '--initial-advertise-peer-urls',
    peerUrl,
    '--initial-cluster',
    `bench=${peerUrl}`,
    '--logger',
    'zap',
    '--log-level',
    'error',
  ]);
  ctx.defer(() => proc.stop());
  // /health over HTTP tells when etcd has a leader and serves.
  const health = new HttpClient(clientUrl);
  ctx.defer(() => {
    health.close();
  });
  await waitFor(
    'etcd /health',
    proc,
    async () => {
      const res = await health.request('GET', '/health');
      return res.status === 200 && res.body.toString().includes('"true"');
    },
    30_000,
    10,
  );
  health.close();
  const client = new EtcdGrpcClient(clientUrl);
  ctx.defer(() => {
    client.close();
  });
  return {
    dataDir,
    pid: proc.pid,
    client,
    startupMs: performance.now() - start,
    rssMb: () => rssMb(proc.pid),
    cpuMs: () => cpuMs(proc.pid),
    async stop() {
      client.close();
      await proc.stop();
    },
  };
}

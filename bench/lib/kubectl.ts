/**
 * What the streaming benchmarks (exec, port-forward) need from a running podbay node besides its
 * HttpClient: the real kubectl run against the node's kubeconfig, the server's address and admin
 * credentials for a client of our own (a WebSocket), and a pod's IP and container ids.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import type { BenchContext } from './context.ts';
import type { TlsMaterial } from './http.ts';
import type { PodbayNode } from './podbay-node.ts';

const execFileAsync = promisify(execFile);

export const kubectlPath = '/usr/bin/kubectl';

export interface Kubeconfig {
  readonly path: string;
  /** https://127.0.0.1:PORT */
  readonly server: string;
  readonly tls: TlsMaterial;
}

interface KubeconfigDoc {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
}

const fromBase64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8');

/** The admin kubeconfig `podbay server` wrote into its data dir. */
export async function nodeKubeconfig(node: PodbayNode): Promise<Kubeconfig> {
  const path = join(node.dataDir, 'kubeconfig');
  const kc = parse(await readFile(path, 'utf8')) as KubeconfigDoc;
  const cluster = kc.clusters[0]!.cluster;
  const user = kc.users[0]!.user;
  return {
    path,
    server: cluster.server,
    tls: {
      ca: fromBase64(cluster['certificate-authority-data']),
      cert: fromBase64(user['client-certificate-data']),
      key: fromBase64(user['client-key-data']),
    },
  };
}

/**
 * The environment kubectl runs in: the node's kubeconfig, and a discovery cache of its own (in a
 * temp dir of `ctx`) instead of the user's ~/.kube/cache.
 */
export async function kubectlEnv(ctx: BenchContext, kc: Kubeconfig): Promise<NodeJS.ProcessEnv> {
  const home = await ctx.tmpDir('kubectl-home');
  return {
    ...process.env,
    KUBECONFIG: kc.path,
    HOME: home,
    KUBECACHEDIR: join(home, 'cache'),
  };
}

/** `kubectl ARGS` to completion (stdout), failing after `timeoutMs`. */
export async function kubectl(
  env: NodeJS.ProcessEnv,
  args: readonly string[],
  timeoutMs = 30_000,
): Promise<string> {
  const { stdout } = await execFileAsync(kubectlPath, [...args], {
    env,
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
  return stdout;
}

/** kubectl's client version, e.g. 'v1.32.4'. */
export async function kubectlVersion(env: NodeJS.ProcessEnv): Promise<string> {
  const out = await kubectl(env, ['version', '--client', '-o', 'json']);
  const v = (JSON.parse(out) as { clientVersion?: { gitVersion?: string } }).clientVersion;
  return v?.gitVersion?.replace(/-.*$/, '') ?? 'unknown';
}

interface PodStatusDoc {
  status?: {
    podIP?: string;
    containerStatuses?: { name: string; containerID?: string }[];
  };
}

/** The pod's IP and its containers' runtime ids (the part after `runc://`), from the API. */
export async function podRuntimeInfo(
  node: PodbayNode,
  namespace: string,
  name: string,
): Promise<{ ip: string; containerIds: Map<string, string> }> {
  const pod = (await node.client.json(
    'GET',
    `/api/v1/namespaces/${namespace}/pods/${name}`,
  )) as PodStatusDoc;
  const ip = pod.status?.podIP;
  if (ip === undefined || ip === '') throw new Error(`pod ${name} has no IP`);
  const containerIds = new Map<string, string>();
  for (const cs of pod.status?.containerStatuses ?? []) {
    const id = cs.containerID?.replace(/^[a-z]+:\/\//, '');
    if (id !== undefined && id !== '') containerIds.set(cs.name, id);
  }
  return { ip, containerIds };
}

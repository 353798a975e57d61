/**
 * A real `podbay server` with its node agent (runc, conmon, CNI, cgroups; root only), started from
 * dist/ through ./bin/podbay as a user starts it, with the bench's busybox image imported and a
 * watch on the `bench` namespace's pods.
 *
 * Pods outlive the server (conmon holds them), so stopping it is not enough: when the benchmark
 * ends, also when it failed, every pod is deleted through the API and the agent is given the time
 * to tear each one down (containers, network, cgroups, mounts) before the server stops. Should
 * that not finish, a second server on the same data dir (which adopts the pods) tries again, and
 * as a last resort `sweepNode` kills and unmounts what is left by hand. The data dir is not a
 * `ctx.tmpDir`: the runner's emergency clean-up would delete it under running containers; an
 * interrupted run (Ctrl-C) sweeps it from a process exit hook instead.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { benchPod } from './bench-pod.ts';
import type { CpuGroup } from './cpu-group.ts';
import type { BusyboxImage } from './busybox-image.ts';
import type { BenchContext } from './context.ts';
import { HttpClient } from './http.ts';
import { podbayBin } from './podbay.ts';
import { PodWatch } from './pod-watch.ts';
import { rssMb, spawnTracked, waitFor, type Spawned } from './processes.ts';
import { sleep } from './stats.ts';

const execFileAsync = promisify(execFile);

export const benchNamespace = 'bench';
const HEX64 = /^[0-9a-f]{64}$/;

export interface PodbayNodeOptions {
  readonly image: BusyboxImage;
  /** Node.js flags before bin/podbay, e.g. ['--cpu-prof', '--cpu-prof-dir', DIR]. */
  readonly nodeFlags?: readonly string[];
  /** Where the server's whole stderr (its structured log) goes; only the tail is kept otherwise. */
  readonly logFile?: string;
  /** A cgroup to run the server in, and so everything it starts, for its CPU time. */
  readonly cpuGroup?: CpuGroup;
}

export interface PodbayNode {
  readonly dataDir: string;
  readonly pid: number;
  readonly client: HttpClient;
  readonly watch: PodWatch;
  /** POSTs the two-container bench pod `name` in the bench namespace. */
  createPod(name: string): Promise<void>;
  deletePod(name: string): Promise<void>;
  /** Sandboxes plus containers the runtime still has records of (0 once everything is gone). */
  runtimeObjects(): Promise<number>;
  /** The pids of the conmon processes monitoring this node's containers. */
  conmonPids(): Promise<number[]>;
  rssMb(): Promise<number>;
  /** The last 64 KiB of the server's log. */
  stderr(): string;
  /** Deletes every pod and waits until the runtime has nothing left; throws after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
}

interface KubeconfigDoc {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
}

const fromBase64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8');

/** Data dirs of servers not yet torn down, swept synchronously if the process exits early. */
const liveNodes = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const dir of liveNodes) {
      process.stderr.write(`bench: sweeping the podbay node in ${dir}\n`);
      sweepNode(dir);
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

interface RunningServer {
  readonly proc: Spawned;
  readonly client: HttpClient;
  stop(): Promise<void>;
}

async function spawnServer(
  ctx: BenchContext,
  dataDir: string,
  opts: Pick<PodbayNodeOptions, 'nodeFlags' | 'logFile' | 'cpuGroup'>,
  timeoutMs = 60_000,
): Promise<RunningServer> {
  let stdout = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  const command = [
    process.execPath,
    ...(opts.nodeFlags ?? []),
    podbayBin(ctx),
    'server',
    '--data-dir',
    dataDir,
    '--listen',
    '127.0.0.1:0',
    // Another podbay (a test, a developer's server) may hold 10250.
    '--kubelet-port',
    '0',
  ];
  // In its CPU group from its first instruction, so that every process it starts is too (one
  // moved in later leaves behind the children it already has, such as its spawn helper).
  const [file, ...args] = opts.cpuGroup
    ? [
        '/bin/sh',
        '-c',
        'echo $$ > "$1" && shift && exec "$@"',
        'sh',
        opts.cpuGroup.procsFile,
      ].concat(command)
    : command;
  const proc = spawnTracked(file!, args, (text) => {
    stdout += text;
    if (stdout.includes('podbay: ready')) onReady();
  });
  if (opts.logFile !== undefined) {
    const log = createWriteStream(opts.logFile, { flags: 'a' });
    proc.child.stderr?.pipe(log);
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ready,
      proc.exited.then((code) => {
        throw new Error(`podbay exited (${code}) before it was ready:\n${proc.stderr()}`);
      }),
      new Promise((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`podbay not ready in ${timeoutMs} ms:\n${proc.stderr()}`));
        }, timeoutMs);
      }),
    ]);
  } catch (err) {
    await proc.stop();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  const kc = parse(await readFile(join(dataDir, 'kubeconfig'), 'utf8')) as KubeconfigDoc;
  const cluster = kc.clusters[0]!.cluster;
  const user = kc.users[0]!.user;
  const client = new HttpClient(cluster.server, {
    tls: {
      ca: fromBase64(cluster['certificate-authority-data']),
      cert: fromBase64(user['client-certificate-data']),
      key: fromBase64(user['client-key-data']),
    },
  });
  return {
    proc,
    client,
    async stop() {
      client.close();
      await proc.stop(20_000);
    },
  };
}

async function waitNodeReady(server: RunningServer, timeoutMs: number): Promise<void> {
  await waitFor(
    'the node to be Ready',
    server.proc,
    async () => {
      const nodes = (await server.client.json('GET', '/api/v1/nodes')) as {
        items: { status?: { conditions?: { type: string; status: string }[] } }[];
      };
      return nodes.items.some((n) =>
        n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
    },
    timeoutMs,
    100,
  );
}

async function countRuntimeObjects(dataDir: string): Promise<number> {
  let n = 0;
  for (const sub of ['sandboxes', 'containers']) {
    const entries = await readdir(join(dataDir, 'runtime', sub)).catch(() => [] as string[]);
    n += entries.filter((e) => HEX64.test(e)).length;
  }
  return n;
}

/** Deletes all pods (every namespace) and waits for the API and the runtime to have none. */
async function drainServer(
  server: RunningServer,
  dataDir: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const pods = (await server.client.json('GET', '/api/v1/pods')) as {
      items: { metadata: { name: string; namespace: string; deletionTimestamp?: string } }[];
    };
    for (const p of pods.items) {
      if (p.metadata.deletionTimestamp !== undefined) continue;
      await server.client.request(
        'DELETE',
        `/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}`,
      );
    }
    if (pods.items.length === 0 && (await countRuntimeObjects(dataDir)) === 0) return;
    if (performance.now() > deadline) {
      throw new Error(
        `after ${timeoutMs} ms, ${pods.items.length} pods in the API and ` +
          `${await countRuntimeObjects(dataDir)} sandboxes/containers in the runtime`,
      );
    }
    await sleep(200);
  }
}

/** Starts podbay with its node agent on a fresh data dir, with the image imported. */
export async function startPodbayNode(
  ctx: BenchContext,
  opts: PodbayNodeOptions,
): Promise<PodbayNode> {
  if (process.getuid?.() !== 0)
    throw new Error('the pod benchmarks need root (runc, CNI, cgroups)');
  const dataDir = await mkdtemp(join(tmpdir(), 'podbay-bench-node-'));
  installExitHook();
  liveNodes.add(dataDir);
  // Filled in once the server runs (spawnServer stops a server that never got ready itself).
  const live: { server?: RunningServer } = {};
  ctx.defer(async () => {
    await teardownNode(ctx, dataDir, live.server, opts);
  });
  await execFileAsync(process.execPath, [
    podbayBin(ctx),
    'image',
    'import',
    '--data-dir',
    dataDir,
    opts.image.archive,
  ]);
  const started = await spawnServer(ctx, dataDir, opts);
  live.server = started;
  await waitNodeReady(started, 60_000);
  await started.client.call(
    'POST',
    '/api/v1/namespaces',
    JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: benchNamespace } }),
    201,
  );
  const watch = await PodWatch.start(started.client, benchNamespace);
  ctx.defer(() => {
    watch.close();
  });
  const podsPath = `/api/v1/namespaces/${benchNamespace}/pods`;
  return {
    dataDir,
    pid: started.proc.pid,
    client: started.client,
    watch,
    async createPod(name) {
      await started.client.call(
        'POST',
        podsPath,
        JSON.stringify(benchPod(name, opts.image.name)),
        201,
      );
    },
    async deletePod(name) {
      await started.client.call('DELETE', `${podsPath}/${name}`);
    },
    runtimeObjects: () => countRuntimeObjects(dataDir),
    conmonPids: () => conmonPidsOf(dataDir),
    rssMb: () => rssMb(started.proc.pid),
    stderr: () => started.proc.stderr(),
    drain: (timeoutMs) => drainServer(started, dataDir, timeoutMs),
  };
}

async function teardownNode(
  ctx: BenchContext,
  dataDir: string,
  server: RunningServer | undefined,
  opts: Pick<PodbayNodeOptions, 'logFile'>,
): Promise<void> {
  const clean = async (): Promise<boolean> => (await countRuntimeObjects(dataDir)) === 0;
  if (server && server.proc.child.exitCode === null) {
    try {
      await drainServer(server, dataDir, 60_000);
    } catch (err) {
      ctx.log(`podbay node: ${err instanceof Error ? err.message : String(err)}`);
    }
    await server.stop();
  }
  if (!(await clean())) {
    ctx.log('podbay node: pods left behind; starting the server again to delete them');
    try {
      const again = await spawnServer(
        ctx,
        dataDir,
        opts.logFile !== undefined ? { logFile: opts.logFile } : {},
      );
      try {
        await drainServer(again, dataDir, 60_000);
      } finally {
        await again.stop();
      }
    } catch (err) {
      ctx.log(`podbay node: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (!(await clean())) ctx.log('podbay node: still not clean; sweeping by hand');
  // Also when clean: nothing may stay mounted under the dir about to be removed.
  sweepNode(dataDir);
  liveNodes.delete(dataDir);
  await rm(dataDir, { recursive: true, force: true });
}

/** conmon processes whose runc root is this data dir's (their command line says so). */
async function conmonPidsOf(dataDir: string): Promise<number[]> {
  const marker = `--root=${join(dataDir, 'runtime', 'run', 'runc')}`;
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0');
      if (cmdline[0]?.endsWith('conmon') && cmdline.includes(marker)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

function tryRun(cmd: string, args: readonly string[]): string {
  try {
    return execFileSync(cmd, [...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

/** Mount points at or below `dir`, deepest first (from /proc/self/mountinfo). */
function mountsUnder(dir: string): string[] {
  const unescape = (s: string): string =>
    s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => unescape(line.split(' ')[4] ?? ''))
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/**
 * Synchronously removes what a podbay node on `dataDir` may have left on the machine: its runc
 * containers (and so their conmons), pinned namespaces, mounts, pod cgroups and pod log dirs.
 * Not the CNI state (iptables chains of pods torn down this way stay): the node's own teardown,
 * tried first, undoes that. Safe to run on a clean node.
 */
export function sweepNode(dataDir: string): void {
  const runcRoot = join(dataDir, 'runtime', 'run', 'runc');
  if (existsSync(runcRoot)) {
    for (const id of tryRun('runc', ['--root', runcRoot, 'list', '-q']).split('\n')) {
      if (id !== '') tryRun('runc', ['--root', runcRoot, 'delete', '--force', id]);
    }
  }
  const sandboxesDir = join(dataDir, 'runtime', 'sandboxes');
  const sandboxes = existsSync(sandboxesDir) ? readdirSync(sandboxesDir) : [];
  for (const id of sandboxes.filter((s) => HEX64.test(s))) {
    for (const pin of [
      `/run/netns/podbay-${id}`,
      join(dataDir, 'runtime', 'run', 'ns', id, 'uts'),
      join(dataDir, 'runtime', 'run', 'ns', id, 'ipc'),
    ]) {
      if (!existsSync(pin)) continue;
      tryRun('umount', ['--lazy', pin]);
      rmSync(pin, { force: true });
    }
    rmSync(join(dataDir, 'runtime', 'run', 'ns', id), { recursive: true, force: true });
  }
  if (existsSync(dataDir)) {
    for (const m of mountsUnder(dataDir)) tryRun('umount', ['--lazy', m]);
  }
  const podsDir = join(dataDir, 'pods');
  const uids = existsSync(podsDir) ? readdirSync(podsDir) : [];
  for (const uid of uids) {
    for (const hierarchy of cgroupHierarchies()) {
      for (const tier of ['', 'burstable', 'besteffort']) {
        removeCgroupTree(join(hierarchy, 'podbay', tier, `pod${uid}`));
      }
    }
    for (const d of existsSync('/var/log/pods') ? readdirSync('/var/log/pods') : []) {
      if (d.endsWith(`_${uid}`)) rmSync(join('/var/log/pods', d), { recursive: true, force: true });
    }
  }
}

function cgroupHierarchies(): string[] {
  const root = '/sys/fs/cgroup';
  if (existsSync(join(root, 'cgroup.controllers'))) return [root];
  return readdirSync(root)
    .map((d) => join(root, d))
    .filter((p) => {
      try {
        return statSync(p).isDirectory();
      } catch {
        return false;
      }
    });
}

function removeCgroupTree(dir: string): void {
  if (!existsSync(dir)) return;
  for (const child of readdirSync(dir, { withFileTypes: true })) {
    if (child.isDirectory()) removeCgroupTree(join(dir, child.name));
  }
  try {
    rmdirSync(dir);
  } catch {
    // processes still in it, or a hierarchy that never had it
  }
}

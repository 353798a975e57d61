/**
 * Issue 4, benchmark 2: port-forward throughput. A pod on a real podbay node sends a fixed number
 * of zero bytes to every connection (busybox `nc -ll -e` running `dd if=/dev/zero`); this process
 * connects, reads to the end and divides bytes by time, through `kubectl port-forward` (the real
 * kubectl: SPDY tunnelled over WebSocket in 1.31+, API server, the kubelet's streaming server, its
 * helper in the pod's network namespace) and directly to the pod's IP over the CNI bridge (the
 * floor), alternating transfer by transfer in the same run.
 */
import { createConnection } from 'node:net';
import type { BenchContext } from './lib/context.ts';
import { createCpuGroup, type CpuGroup } from './lib/cpu-group.ts';
import {
  kubectlEnv,
  kubectlPath,
  kubectlVersion,
  nodeKubeconfig,
  podRuntimeInfo,
} from './lib/kubectl.ts';
import { lockPodBenchmarks } from './lib/pod-bench-lock.ts';
import { busyboxImage } from './lib/pod-fixtures.ts';
import { benchNamespace, startPodbayNode } from './lib/podbay-node.ts';
import { spawnTracked } from './lib/processes.ts';
import { median } from './lib/stats.ts';
import type { BenchResult } from './lib/types.ts';

export const title = 'Port-forward throughput (one connection, pod to client)';

const podName = 'pf-source';
const port = 8080;
/** Bytes per transfer: 256 MiB. */
const blockBytes = 1 << 20;
const blocks = 256;
const transferBytes = blockBytes * blocks;
const repetitions = 5;
const warmups = 1;
/** Past this, the loop stops early (with fewer samples, said in the notes). */
const budgetMs = 90_000;
/** One transfer; at 10 MB/s it would take 27 s. */
const transferTimeoutMs = 30_000;
export const timeoutMs = 200_000;
const podTimeoutMs = 30_000;

/** Connects, reads to EOF; throws unless exactly `transferBytes` arrived. Returns MB/s (10^6 B). */
function transfer(host: string, toPort: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let bytes = 0;
    const t0 = performance.now();
    const socket = createConnection({ host, port: toPort });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${host}:${toPort}: ${bytes} bytes in ${transferTimeoutMs} ms`));
    }, transferTimeoutMs);
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const elapsed = performance.now() - t0;
      if (bytes !== transferBytes) {
        reject(new Error(`${host}:${toPort}: ${bytes} bytes, expected ${transferBytes}`));
      } else {
        resolve(bytes / 1e6 / (elapsed / 1000));
      }
    });
  });
}

/** `kubectl port-forward pod/NAME :PORT`; resolves with the local port once it listens. */
async function startPortForward(
  ctx: BenchContext,
  env: NodeJS.ProcessEnv,
  cpuGroup: CpuGroup,
): Promise<{ localPort: number; stderr: () => string }> {
  let out = '';
  let onPort: (p: number) => void = () => undefined;
  const got = new Promise<number>((resolve) => {
    onPort = resolve;
  });
  const args = ['port-forward', '-n', benchNamespace, `pod/${podName}`, `:${port}`];
  const proc = spawnTracked(
    kubectlPath,
    args,
    (text) => {
      out += text;
      const m = /Forwarding from 127\.0\.0\.1:(\d+) ->/.exec(out);
      if (m) onPort(Number(m[1]));
    },
    env,
  );
  ctx.defer(() => proc.stop(5_000));
  await cpuGroup.add(proc.pid);
  let timer: NodeJS.Timeout | undefined;
  try {
    const localPort = await Promise.race([
      got,
      proc.exited.then((code) => {
        throw new Error(`kubectl port-forward exited (${code}):\n${proc.stderr()}`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`kubectl port-forward not listening in 20 s:\n${proc.stderr()}`));
        }, 20_000);
      }),
    ]);
    return { localPort, stderr: () => proc.stderr() };
  } finally {
    clearTimeout(timer);
  }
}

export async function run(ctx: BenchContext): Promise<BenchResult> {
  await lockPodBenchmarks(ctx);
  const image = await busyboxImage(ctx);
  // Created first, so they are removed last (after the node's and kubectl's clean-up).
  const podbayCpu = await createCpuGroup(ctx, 'pf-podbay');
  const kubectlCpu = await createCpuGroup(ctx, 'pf-kubectl');
  const node = await startPodbayNode(ctx, { image, cpuGroup: podbayCpu });
  const kc = await nodeKubeconfig(node);
  const env = await kubectlEnv(ctx, kc);
  const kubectlVer = await kubectlVersion(env);

  const serve = `dd if=/dev/zero bs=${blockBytes} count=${blocks} 2>/dev/null`;
  await node.client.call(
    'POST',
    `/api/v1/namespaces/${benchNamespace}/pods`,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: podName, labels: { app: 'podbay-bench' } },
      spec: {
        // nc as PID 1 ignores SIGTERM; deletion waits this long, then SIGKILL.
        terminationGracePeriodSeconds: 1,
        containers: [
          {
            name: 'source',
            image: image.name,
            imagePullPolicy: 'IfNotPresent',
            command: [
              '/bin/busybox',
              'nc',
              '-ll',
              '-p',
              String(port),
              '-e',
              '/bin/sh',
              '-c',
              serve,
            ],
            ports: [{ containerPort: port }],
          },
        ],
      },
    }),
    201,
  );
  await node.watch.running(podName, podTimeoutMs);
  const { ip } = await podRuntimeInfo(node, benchNamespace, podName);
  const pf = await startPortForward(ctx, env, kubectlCpu);

  const direct = (): Promise<number> => transfer(ip, port);
  const forwarded = (): Promise<number> => transfer('127.0.0.1', pf.localPort);
  // The listener is up once a direct transfer succeeds; nc needs a moment after the pod starts.
  for (let i = 0; ; i++) {
    try {
      await direct();
      break;
    } catch (err) {
      if (i >= 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  for (let i = 0; i < warmups; i++) {
    await forwarded();
    await direct();
  }
  const samples = { forwarded: [] as number[], direct: [] as number[] };
  const cpu = { podbay: 0, kubectl: 0 };
  const started = performance.now();
  for (let i = 0; i < repetitions && performance.now() - started < budgetMs; i++) {
    const p0 = await podbayCpu.usageMs();
    const k0 = await kubectlCpu.usageMs();
    samples.forwarded.push(await forwarded());
    cpu.podbay += (await podbayCpu.usageMs()) - p0;
    cpu.kubectl += (await kubectlCpu.usageMs()) - k0;
    samples.direct.push(await direct());
  }
  const n = samples.forwarded.length;
  const mbps = { forwarded: median(samples.forwarded), direct: median(samples.direct) };
  ctx.log(
    `${n} transfers of ${transferBytes >> 20} MiB: kubectl port-forward ${mbps.forwarded.toFixed(0)} MB/s, ` +
      `direct ${mbps.direct.toFixed(0)} MB/s`,
  );
  const list = (v: number[]): string => v.map((x) => Math.round(x)).join(', ');
  const mbMoved = (n * transferBytes) / 1e6;
  return {
    figures: [
      {
        name: `kubectl ${kubectlVer} port-forward, median`,
        value: mbps.forwarded,
        unit: 'MB/s',
        floor: { name: 'direct TCP to the pod IP', value: mbps.direct },
        target: { text: '≥ 100 MB/s', met: mbps.forwarded >= 100 },
      },
      {
        name: 'kubectl port-forward, slowest',
        value: Math.min(...samples.forwarded),
        unit: 'MB/s',
        floor: { name: 'direct, slowest', value: Math.min(...samples.direct) },
      },
    ],
    notes: [
      `${n} transfers of ${transferBytes >> 20} MiB (${(transferBytes / 1e6).toFixed(0)} MB) each, pod to client${n < repetitions ? ` (the ${budgetMs / 1000} s budget ran out before ${repetitions})` : ''}, ` +
        `alternating forwarded and direct after ${warmups} warm-up each; MB/s is 10^6 bytes per ` +
        'second, from connecting until the connection closed after the last byte, counted and ' +
        'checked by this process. The pod: busybox-static `nc -ll -p 8080 -e /bin/sh -c "dd ' +
        `if=/dev/zero bs=${blockBytes} count=${blocks}"\` (one dd per connection) on a \`podbay server\` ` +
        'with its node agent (runc, conmon, CNI bridge) from dist/.',
      `Forwarded: one \`kubectl port-forward pod/${podName} :${port}\` (kubectl ${kubectlVer}, default ` +
        'transport: SPDY/3.1 tunnelled over WebSocket) kept running, a new connection to its local ' +
        'port per transfer: kubectl → API server (TLS) → proxy to the kubelet (TLS) → SPDY streams → ' +
        'a helper process under `nsenter --net` connecting to 127.0.0.1:8080 in the pod.',
      'Floor: a TCP connection from this process to the pod IP over the CNI bridge, to the same ' +
        'listener (a dd of its own per connection).',
      `CPU time per MB forwarded: podbay ${(cpu.podbay / mbMoved).toFixed(2)} ms (a cgroup holding ` +
        'the server and so its helper processes: two TLS hops, SPDY framing, the relay), kubectl ' +
        `${(cpu.kubectl / mbMoved).toFixed(2)} ms; at the median rate that is ` +
        `${(((cpu.podbay / mbMoved) * mbps.forwarded) / 1000).toFixed(2)} and ` +
        `${(((cpu.kubectl / mbMoved) * mbps.forwarded) / 1000).toFixed(2)} of a core. The machine's 2 ` +
        'cores are shared by these, dd in the pod, this reader and whatever else runs on it.',
      `Samples (MB/s): forwarded ${list(samples.forwarded)}; direct ${list(samples.direct)}.`,
    ],
  };
}

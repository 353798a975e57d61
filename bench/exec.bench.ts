/**
 * Issue 4, benchmark 1: the round trip of an exec of a command that exits at once (`true`) into a
 * running container of a real podbay node, against `runc exec` of the same container in the same
 * run. Three ways, alternating run by run so that a busy moment of the shared machine hits them
 * alike:
 *
 *  - `kubectl exec POD -c a -- true`: what the issue names, a new kubectl process each time (its
 *    start-up, config loading, the GET of the pod, then the WebSocket v5 exec);
 *  - the same exec through the API without kubectl: a WebSocket (`v5.channel.k8s.io`) to
 *    `pods/exec` from this process, with the kubeconfig's client certificate, until the status on
 *    channel 3 and the close;
 *  - `runc --root <the node's runc root> exec <container id> true` (the floor: what podbay's kubelet
 *    runs in the end, without the API server, the kubelet's streaming server and its helper).
 *
 * And `kubectl get --raw` of the pod, for what kubectl's own start-up and one request cost here.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import type { BenchContext } from './lib/context.ts';
import {
  kubectl,
  kubectlPath,
  kubectlEnv,
  kubectlVersion,
  nodeKubeconfig,
  podRuntimeInfo,
  type Kubeconfig,
} from './lib/kubectl.ts';
import { lockPodBenchmarks } from './lib/pod-bench-lock.ts';
import { busyboxImage, ms } from './lib/pod-fixtures.ts';
import { benchNamespace, startPodbayNode } from './lib/podbay-node.ts';
import { median, percentile } from './lib/stats.ts';
import type { BenchResult } from './lib/types.ts';

const execFileAsync = promisify(execFile);

export const title = 'Exec round trip (`true` in a running container)';

const runs = 40;
const warmups = 3;
/** Past this, the loop stops early (with fewer samples, said in the notes). */
const budgetMs = 90_000;
export const timeoutMs = 180_000;
const podTimeoutMs = 30_000;
const execTimeoutMs = 20_000;
const podName = 'exec-target';
const container = 'a';

/** One exec of `true` over WebSocket v5 through the API server; resolves once it has closed. */
function wsExec(kc: Kubeconfig, pod: string): Promise<void> {
  const url = new URL(
    `/api/v1/namespaces/${benchNamespace}/pods/${pod}/exec?container=${container}` +
      '&command=true&stdout=true&stderr=true',
    kc.server.replace(/^http/, 'ws'),
  );
  return new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(url, ['v5.channel.k8s.io'], {
      ...kc.tls,
      perMessageDeflate: false,
    });
    let status: { status?: string; message?: string } | undefined;
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`WebSocket exec: no end after ${execTimeoutMs} ms`));
    }, execTimeoutMs);
    ws.on('open', () => {
      if (ws.protocol !== 'v5.channel.k8s.io') {
        ws.terminate();
        reject(new Error(`WebSocket exec: server chose protocol "${ws.protocol}"`));
      }
    });
    ws.on('message', (data: Buffer) => {
      if (data[0] === 3) {
        status = JSON.parse(data.subarray(1).toString('utf8')) as typeof status;
      }
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.on('close', () => {
      clearTimeout(timer);
      if (status?.status === 'Success') resolve();
      else reject(new Error(`WebSocket exec ended with status ${JSON.stringify(status)}`));
    });
  });
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export async function run(ctx: BenchContext): Promise<BenchResult> {
  await lockPodBenchmarks(ctx);
  const image = await busyboxImage(ctx);
  const node = await startPodbayNode(ctx, { image });
  const kc = await nodeKubeconfig(node);
  const env = await kubectlEnv(ctx, kc);
  const kubectlVer = await kubectlVersion(env);

  await node.createPod(podName);
  await node.watch.running(podName, podTimeoutMs);
  const { containerIds } = await podRuntimeInfo(node, benchNamespace, podName);
  const containerId = containerIds.get(container);
  if (containerId === undefined) throw new Error(`no container id for ${podName}/${container}`);
  // As the runtime names it (src/kubelet/runtime/runc/runc-runtime.ts: STATE_DIR/runc).
  const runcRoot = join(node.dataDir, 'runtime', 'run', 'runc');
  const { stdout: state } = await execFileAsync('runc', ['--root', runcRoot, 'state', containerId]);
  if ((JSON.parse(state) as { status?: string }).status !== 'running') {
    throw new Error(`runc says ${podName}/${container} is not running: ${state}`);
  }

  const ops = {
    runc: () =>
      execFileAsync('runc', ['--root', runcRoot, 'exec', containerId, 'true'], {
        timeout: execTimeoutMs,
        killSignal: 'SIGKILL',
      }),
    ws: () => wsExec(kc, podName),
    kubectl: () =>
      kubectl(env, ['exec', '-n', benchNamespace, podName, '-c', container, '--', 'true']),
    kubectlGet: () =>
      kubectl(env, ['get', '--raw', `/api/v1/namespaces/${benchNamespace}/pods/${podName}`]),
  };
  type Op = keyof typeof ops;
  const order: Op[] = ['runc', 'ws', 'kubectl', 'kubectlGet'];

  for (let i = 0; i < warmups; i++) {
    for (const op of order) await ops[op]();
  }
  const samples: Record<Op, number[]> = { runc: [], ws: [], kubectl: [], kubectlGet: [] };
  const started = performance.now();
  for (let i = 0; i < runs && performance.now() - started < budgetMs; i++) {
    // Rotate which goes first, so none always runs right after another's clean-up.
    for (let k = 0; k < order.length; k++) {
      const op = order[(i + k) % order.length]!;
      samples[op].push(await timed(ops[op]));
    }
  }
  const n = samples.runc.length;
  const p50 = (op: Op): number => median(samples[op]);
  const p99 = (op: Op): number => percentile(samples[op], 99);
  ctx.log(
    `${n} runs: kubectl exec p50 ${ms(p50('kubectl'))} ms, WebSocket exec ${ms(p50('ws'))} ms, ` +
      `runc exec ${ms(p50('runc'))} ms, kubectl get --raw ${ms(p50('kubectlGet'))} ms`,
  );
  const list = (v: number[]): string => v.map((x) => Math.round(x)).join(', ');
  const floorName = 'runc exec';
  return {
    figures: [
      {
        name: `kubectl ${kubectlVer} exec -- true, p50`,
        value: p50('kubectl'),
        unit: 'ms',
        peer: { name: `kubectl get --raw (kubectl start-up + 1 GET)`, value: p50('kubectlGet') },
        floor: { name: floorName, value: p50('runc') },
        target: {
          text: '≤ 2× runc exec (the issue: kubectl exec round trip)',
          met: p50('kubectl') <= 2 * p50('runc'),
        },
      },
      {
        name: 'kubectl exec -- true, p99',
        value: p99('kubectl'),
        unit: 'ms',
        peer: { name: 'kubectl get --raw', value: p99('kubectlGet') },
        floor: { name: floorName, value: p99('runc') },
      },
      {
        name: 'exec through the API (WebSocket v5, no kubectl), p50',
        value: p50('ws'),
        unit: 'ms',
        floor: { name: floorName, value: p50('runc') },
        target: {
          text: '≤ 2× runc exec (without kubectl start-up)',
          met: p50('ws') <= 2 * p50('runc'),
        },
      },
      {
        name: 'exec through the API (WebSocket v5, no kubectl), p99',
        value: p99('ws'),
        unit: 'ms',
        floor: { name: floorName, value: p99('runc') },
      },
    ],
    notes: [
      `${n} runs of each${n < runs ? ` (the ${budgetMs / 1000} s budget ran out before ${runs})` : ''}, ` +
        `one after another in rotating order after ${warmups} warm-up runs each, all into container ` +
        `\`${container}\` of one running two-container busybox pod on a \`podbay server\` with its ` +
        'node agent (runc, conmon, CNI, cgroupfs) from dist/. Times from starting the operation ' +
        'until it has finished (process exited, WebSocket closed).',
      `kubectl exec: \`${kubectlPath} exec -n ${benchNamespace} ${podName} -c ${container} -- true\` ` +
        `(kubectl ${kubectlVer}; WebSocket v5.channel.k8s.io) with the server's admin kubeconfig: a new ` +
        'kubectl process each time, so its start-up (a Go binary of ~50 MB), the kubeconfig, a TLS ' +
        'handshake and the GET of the pod are in the figure. `kubectl get --raw` of the same pod ' +
        "(the peer column) is kubectl's start-up plus one GET on a new TLS connection: most of what " +
        'kubectl exec costs before the exec begins.',
      'Through the API, without kubectl: a WebSocket (`ws` package, `v5.channel.k8s.io`) from this ' +
        'process to `pods/exec?command=true&stdout=true&stderr=true` with the admin client certificate, ' +
        'a new TLS connection each time, until the Success status on channel 3 and the close. The path: ' +
        "API server (authentication, pod lookup) → proxy to the kubelet's streaming server (TLS) → " +
        "`runc exec --process` with the container's own process spec, run by a small Perl helper.",
      `Floor: \`runc --root <data dir>/runtime/runc exec <container id> true\` of the same ` +
        "container, spawned from this process (so Node's spawn is in it, as it is in kubectl's).",
      'The target ("within 2× of runc exec") is checked on both: the issue names the kubectl exec ' +
        `round trip, but \`kubectl get --raw\` alone takes ${ms(p50('kubectlGet'))} ms here, ` +
        `${(p50('kubectlGet') / p50('runc')).toFixed(2)}× runc exec, before any exec; the ` +
        'WebSocket figure is the part podbay is responsible for.',
      `/usr/bin/kubectl here is gcloud's kubectl ${kubectlVer} with its version dispatcher: it ` +
        "learns the server's version (v1.32) and runs its own built-in 1.32 (one process, one " +
        `connection). p99 of ${n} runs is the slowest run.`,
      `Samples (ms): kubectl exec ${list(samples.kubectl)}; WebSocket exec ${list(samples.ws)}; ` +
        `runc exec ${list(samples.runc)}; kubectl get --raw ${list(samples.kubectlGet)}.`,
    ],
  };
}

/**
 * The 10,000 pods several benchmarks share (LIST, idle memory): built once per run, as stopped data
 * dirs that benchmarks start servers on.
 *
 * The pods are created already bound (`spec.nodeName`), as the pods of a running cluster are. With
 * --no-agent there is no node, so unbound pods would all be unschedulable: after every start the
 * scheduler retries each of them once and records a FailedScheduling event (measured on the 2-core
 * dev VM: ~200 event writes/s for ~50 s), which is the scheduler's work, not what LIST and idle
 * memory are about.
 */
import type { BenchContext } from './context.ts';
import { startEtcd } from './etcd.ts';
import { createNamespace, startPodbay } from './podbay.ts';
import { forEachLimit, timeMs } from './stats.ts';

export const podCount = 10_000;
export const podNamespace = 'bench';
/** Keys of the etcd copy: upstream's layout. */
export const etcdPodPrefix = '/registry/pods/bench/';

export interface PodsFixture {
  /** A podbay data dir (stopped server) with `podCount` pods in namespace `podNamespace`. */
  readonly podbayDir: string;
  /** An etcd data dir (stopped) with `podCount` keys under `etcdPodPrefix`, values of `podBytes`. */
  readonly etcdDir: string;
  /** Size of one pod as the API returns it (JSON bytes): the etcd values are this large. */
  readonly podBytes: number;
  /** Creates per second while loading (64 clients), for the record. */
  readonly podbayCreateRate: number;
  readonly etcdPutRate: number;
}

/** The node the pods are bound to (no such Node object exists; nothing needs one). */
export const benchNode = 'bench-node-1';

export const podName = (i: number): string => `pod-${String(i).padStart(5, '0')}`;

/** A pod as a user would write it: one container, labels, resources, env, a probe. */
export function podManifest(i: number): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podName(i),
      labels: { app: 'bench', tier: 'web', shard: String(i % 16) },
      annotations: { 'bench.podbay.dev/index': String(i) },
    },
    spec: {
      nodeName: benchNode,
      containers: [
        {
          name: 'app',
          image: 'registry.example.com/team/app:1.2.3',
          args: ['--port=8080', '--log-level=info'],
          ports: [{ name: 'http', containerPort: 8080 }],
          env: [
            { name: 'MODE', value: 'production' },
            { name: 'SHARD', value: String(i % 16) },
          ],
          resources: {
            requests: { cpu: '100m', memory: '128Mi' },
            limits: { cpu: '500m', memory: '256Mi' },
          },
          readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 },
        },
      ],
    },
  });
}

const concurrency = 64;

export function podsFixture(ctx: BenchContext): Promise<PodsFixture> {
  return ctx.shared('pods-10k', async (root) => {
    const log = (m: string): void => {
      ctx.log(`fixture: ${m}`);
    };
    const podbayDir = await root.tmpDir('pods');
    const etcdDir = await root.tmpDir('pods-etcd');
    // Servers belong to a scope of their own, stopped once the data is in.
    const scope = root.child('fixture');
    try {
      const podbay = await startPodbay(scope, { dataDir: podbayDir });
      await createNamespace(podbay, podNamespace);
      const podbayMs = await timeMs(() =>
        forEachLimit(podCount, concurrency, async (i) => {
          await podbay.client.call(
            'POST',
            `/api/v1/namespaces/${podNamespace}/pods`,
            podManifest(i),
            201,
          );
        }),
      );
      const sample = await podbay.client.call(
        'GET',
        `/api/v1/namespaces/${podNamespace}/pods/${podName(0)}`,
      );
      const podBytes = sample.length;
      log(`${podCount} pods created in ${Math.round(podbayMs)} ms; a pod is ${podBytes} bytes`);
      await podbay.stop();

      const etcd = await startEtcd(scope, { dataDir: etcdDir });
      // The stored pod with its index spliced into the name, so every value is distinct.
      const template = sample.toString('utf8');
      const etcdMs = await timeMs(() =>
        forEachLimit(podCount, concurrency, async (i) => {
          const value = template.replaceAll(podName(0), podName(i));
          await etcd.client.put(`${etcdPodPrefix}${podName(i)}`, value);
        }),
      );
      log(`${podCount} etcd keys put in ${Math.round(etcdMs)} ms`);
      await etcd.stop();
      return {
        podbayDir,
        etcdDir,
        podBytes,
        podbayCreateRate: (podCount / podbayMs) * 1000,
        etcdPutRate: (podCount / etcdMs) * 1000,
      };
    } finally {
      await scope.close();
    }
  });
}

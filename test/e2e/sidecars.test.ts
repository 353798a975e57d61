/**
 * Sidecars (init containers with restartPolicy Always) for real: `podbay server` with its node
 * agent (runc, conmon, CNI) and busybox pods, driven by the real kubectl. They start in order (the
 * next init container waits for a sidecar's startup probe), run and restart beside the app
 * containers, and stop after them in reverse order, when the app completes and when the pod is
 * deleted. Root only.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBusybox } from './support/images.ts';
import { kubectlHelpers, removePodsAndStop } from './support/kubectl-helpers.ts';
import { startPodbay, type Podbay } from './support/podbay.ts';
import { isRoot, missing } from '../support/prerequisites.ts';

let pb: Podbay;
let dir: string;
let image: string;

const { apply, jsonpath, until } = kubectlHelpers(() => ({ pb, dir }));

async function ok(args: string[]): Promise<string> {
  const r = await pb.kubectl(args, { timeoutMs: 90_000 });
  if (r.code !== 0)
    throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** NAME READY STATUS RESTARTS of `kubectl get pod` (the server-side table). */
async function row(pod: string): Promise<string[]> {
  return (await ok(['get', 'pod', pod, '--no-headers'])).trim().split(/\s+/).slice(0, 4);
}

/**
 * A container that records its stop in `/rec/order` on SIGTERM (after `delaySeconds`, so a
 * container stopped at the same time as a later one would write first) and exits 0.
 */
function recorder(name: string, delaySeconds: number, sidecar: boolean): string {
  return `  - name: ${name}
    image: ${image}${sidecar ? '\n    restartPolicy: Always' : ''}
    command: ["sh", "-c", "trap 'sleep ${String(delaySeconds)}; echo ${name} >> /rec/order; exit 0' TERM; while true; do sleep 1; done"]
    volumeMounts: [{name: rec, mountPath: /rec}]
`;
}

describe.skipIf(missing({ root: isRoot }))('sidecar containers on the node agent (root)', () => {
  beforeAll(async () => {
    pb = await startPodbay({ agent: true, extraArgs: ['--kubelet-port', '0'], timeoutMs: 60_000 });
    dir = await mkdtemp(join(tmpdir(), 'sidecars-e2e-'));
    image = (await importBusybox(pb.dataDir)).name;
  });

  afterAll(async () => {
    await removePodsAndStop(pb);
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 150_000);

  it('starts the next init container only once the sidecar passed its startup probe, then keeps it running beside the app', async () => {
    // `check` fails (and with restartPolicy Never fails the pod) unless the sidecar's startup
    // probe, which waits for the file the sidecar writes after a second, had passed first.
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: ordered}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 2
  volumes: [{name: shared, emptyDir: {}}]
  initContainers:
  - name: proxy
    image: ${image}
    restartPolicy: Always
    command: ["sh", "-c", "sleep 1; touch /shared/proxy-ready; trap 'exit 0' TERM; while true; do sleep 1; done"]
    startupProbe:
      exec: {command: ["test", "-f", "/shared/proxy-ready"]}
      periodSeconds: 1
      failureThreshold: 30
    volumeMounts: [{name: shared, mountPath: /shared}]
  - name: check
    image: ${image}
    command: ["sh", "-c", "test -f /shared/proxy-ready && echo proxy-was-started > /shared/check"]
    volumeMounts: [{name: shared, mountPath: /shared}]
  containers:
  - name: app
    image: ${image}
    command: ["sh", "-c", "cat /shared/check; trap 'exit 0' TERM; while true; do sleep 1; done"]
    volumeMounts: [{name: shared, mountPath: /shared}]
`);
    await until(
      async () => ((await row('ordered'))[2] === 'Running' ? true : undefined),
      'the pod running',
      90_000,
    );
    // READY counts the sidecar as upstream kubectl does
    await until(async () => ((await row('ordered'))[1] === '2/2' ? true : undefined), 'READY 2/2');
    expect(await ok(['logs', 'ordered', '-c', 'app'])).toBe('proxy-was-started\n');
    expect(
      await jsonpath(
        'ordered',
        '.status.initContainerStatuses[?(@.name=="check")].state.terminated.reason',
      ),
    ).toBe('Completed');
    expect(
      await jsonpath('ordered', '.status.initContainerStatuses[?(@.name=="proxy")].started'),
    ).toBe('true');
    expect(
      await jsonpath(
        'ordered',
        '.status.initContainerStatuses[?(@.name=="proxy")].state.running.startedAt',
      ),
    ).not.toBe('');
    expect(await jsonpath('ordered', '.status.conditions[?(@.type=="Initialized")].status')).toBe(
      'True',
    );
  });

  it('restarts a sidecar that exits, beside a running app, even with restartPolicy Never', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: flaky-sidecar}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  initContainers:
  - name: shipper
    image: ${image}
    restartPolicy: Always
    command: ["sh", "-c", "sleep 1; exit 3"]
  containers:
  - name: app
    image: ${image}
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
`);
    await until(
      async () =>
        Number(
          await jsonpath(
            'flaky-sidecar',
            '.status.initContainerStatuses[?(@.name=="shipper")].restartCount',
          ),
        ) >= 1
          ? true
          : undefined,
      'the sidecar restarted',
      90_000,
    );
    expect(
      await jsonpath(
        'flaky-sidecar',
        '.status.initContainerStatuses[?(@.name=="shipper")].lastState.terminated.exitCode',
      ),
    ).toBe('3');
    expect(await jsonpath('flaky-sidecar', '.status.phase')).toBe('Running');
    expect(await jsonpath('flaky-sidecar', '.status.containerStatuses[0].restartCount')).toBe('0');
    expect(
      await jsonpath('flaky-sidecar', '.status.containerStatuses[0].state.running.startedAt'),
    ).not.toBe('');
  });

  it('completes a pod whose app completes: the sidecars stop after it, the last declared first', async () => {
    const rec = await mkdtemp(join(dir, 'rec-'));
    // `late` is declared after `early` and takes a second to stop: were both told at once,
    // `early` would write first.
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: completes}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 20
  volumes: [{name: rec, hostPath: {path: ${rec}, type: Directory}}]
  initContainers:
${recorder('early', 0, true)}${recorder('late', 1, true)}  containers:
  - name: app
    image: ${image}
    command: ["sh", "-c", "sleep 2; echo app >> /rec/order"]
    volumeMounts: [{name: rec, mountPath: /rec}]
`);
    await until(
      async () =>
        (await jsonpath('completes', '.status.phase')) === 'Succeeded' ? true : undefined,
      'the pod Succeeded',
      90_000,
    );
    expect((await row('completes'))[2]).toBe('Completed');
    expect((await readFile(join(rec, 'order'), 'utf8')).split('\n')).toEqual([
      'app',
      'late',
      'early',
      '',
    ]);
    for (const name of ['early', 'late']) {
      expect(
        await jsonpath(
          'completes',
          `.status.initContainerStatuses[?(@.name=="${name}")].state.terminated.exitCode`,
        ),
      ).toBe('0');
    }
  });

  it('deleting the pod stops the app first, then the sidecars in reverse order', async () => {
    const rec = await mkdtemp(join(dir, 'rec-'));
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: deleted}
spec:
  terminationGracePeriodSeconds: 20
  volumes: [{name: rec, hostPath: {path: ${rec}, type: Directory}}]
  initContainers:
${recorder('early', 0, true)}${recorder('late', 1, true)}  containers:
${recorder('app', 1, false)}`);
    await until(
      async () => ((await row('deleted'))[1] === '3/3' ? true : undefined),
      'READY 3/3',
      90_000,
    );
    await ok(['delete', 'pod', 'deleted', '--wait=true', '--timeout=60s']);
    expect((await readFile(join(rec, 'order'), 'utf8')).split('\n')).toEqual([
      'app',
      'late',
      'early',
      '',
    ]);
  });
});

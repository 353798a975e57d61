/**
 * Probes for real: `podbay server` with its node agent (runc, conmon, CNI) and busybox pods,
 * driven by the real kubectl. httpGet and tcpSocket probes go from the host to the pod IP over
 * the CNI bridge; exec probes run through runc exec. The tests flip probe results through
 * hostPath files they own, so nothing depends on timing inside the containers. Root only.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBusybox } from './support/images.ts';
import { kubectlHelpers, removePodsAndStop, type EventItem } from './support/kubectl-helpers.ts';
import { startPodbay, type Podbay } from './support/podbay.ts';
import { isRoot, missing } from '../support/prerequisites.ts';

let pb: Podbay;
let dir: string;
let image: string;

const { ok, apply, jsonpath, events, until } = kubectlHelpers(() => ({ pb, dir }));

async function waitForEvent(pod: string, reason: string, message: RegExp): Promise<EventItem> {
  return until(
    async () => {
      const e = (await events(pod)).find((x) => x.reason === reason && message.test(x.message));
      return e;
    },
    `event ${reason} ${String(message)} on ${pod}`,
  );
}

async function condition(pod: string, type: string): Promise<string> {
  return jsonpath(pod, `.status.conditions[?(@.type=="${type}")].status`);
}

/** A host directory mounted into the pod at /probe, through which the test flips the probes. */
async function probeDir(name: string): Promise<string> {
  const d = join(dir, name);
  await mkdir(d, { recursive: true, mode: 0o755 });
  return d;
}

function pod(name: string, hostDir: string, container: string, extra = ''): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  terminationGracePeriodSeconds: 1
${extra}  volumes:
  - name: probe
    hostPath: {path: ${hostDir}, type: Directory}
  containers:
  - name: app
    image: ${image}
    volumeMounts:
    - {name: probe, mountPath: /probe}
${container}`;
}

describe.skipIf(missing({ root: isRoot }))('probes on the node agent (root)', () => {
  beforeAll(async () => {
    pb = await startPodbay({ agent: true, extraArgs: ['--kubelet-port', '0'], timeoutMs: 60_000 });
    dir = await mkdtemp(join(tmpdir(), 'probes-e2e-'));
    image = (await importBusybox(pb.dataDir)).name;
  });

  afterAll(async () => {
    await removePodsAndStop(pb);
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 150_000);

  it('readiness by httpGet: Ready follows a file busybox httpd serves', async () => {
    const www = await probeDir('www');
    await apply(
      pod(
        'web',
        www,
        `    command: ["httpd", "-f", "-p", "8080", "-h", "/probe"]
    ports:
    - {name: http, containerPort: 8080}
    readinessProbe:
      httpGet: {path: /ready, port: http}
      periodSeconds: 1
      failureThreshold: 1
`,
      ),
    );
    await until(
      async () => ((await jsonpath('web', '.status.phase')) === 'Running' ? true : undefined),
      'web Running',
    );
    await waitForEvent(
      'web',
      'Unhealthy',
      /^Readiness probe failed: HTTP probe failed with statuscode: 404$/,
    );
    expect(await condition('web', 'Ready')).toBe('False');
    expect(await jsonpath('web', '.status.containerStatuses[0].ready')).toBe('false');
    expect(await jsonpath('web', '.status.containerStatuses[0].started')).toBe('true');

    await writeFile(join(www, 'ready'), 'ok\n');
    await ok(['wait', '--for=condition=Ready', 'pod/web', '--timeout=30s']);
    expect(await condition('web', 'ContainersReady')).toBe('True');
    const ready = await pb.kubectl(['get', 'pod', 'web', '--no-headers']);
    expect(ready.stdout.trim().split(/\s+/)[1]).toBe('1/1');

    await rm(join(www, 'ready'));
    await ok(['wait', '--for=condition=Ready=false', 'pod/web', '--timeout=30s']);
    expect(await jsonpath('web', '.status.containerStatuses[0].restartCount')).toBe('0');
  });

  it('liveness by exec: a failing probe restarts the container, with Unhealthy and Killing events', async () => {
    const d = await probeDir('live');
    await writeFile(join(d, 'healthy'), '');
    await apply(
      pod(
        'live',
        d,
        `    command: ["sleep", "3600"]
    livenessProbe:
      exec: {command: ["cat", "/probe/healthy"]}
      periodSeconds: 1
      failureThreshold: 2
`,
      ),
    );
    const firstId = await until(async () => {
      const id = await jsonpath('live', '.status.containerStatuses[0].state.running');
      return id ? jsonpath('live', '.status.containerStatuses[0].containerID') : undefined;
    }, 'live running');
    // Healthy for a while: no restart.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await jsonpath('live', '.status.containerStatuses[0].restartCount')).toBe('0');

    await rm(join(d, 'healthy'));
    const unhealthy = await waitForEvent(
      'live',
      'Unhealthy',
      /^Liveness probe failed: cat: can't open '\/probe\/healthy': No such file or directory\n?$/,
    );
    expect(unhealthy.type).toBe('Warning');
    expect(unhealthy.involvedObject.fieldPath).toBe('spec.containers{app}');
    await waitForEvent(
      'live',
      'Killing',
      /^Container app failed liveness probe, will be restarted$/,
    );
    await writeFile(join(d, 'healthy'), '');
    await until(async () => {
      const count = Number(await jsonpath('live', '.status.containerStatuses[0].restartCount'));
      const running = await jsonpath('live', '.status.containerStatuses[0].state.running');
      return count >= 1 && running ? true : undefined;
    }, 'the restart');
    expect(await jsonpath('live', '.status.containerStatuses[0].containerID')).not.toBe(firstId);
    expect(
      await jsonpath('live', '.status.containerStatuses[0].lastState.terminated.exitCode'),
    ).toBe('137');
  });

  it('a startup probe holds started and Ready until it succeeds', async () => {
    const d = await probeDir('startup');
    await apply(
      pod(
        'slow',
        d,
        `    command: ["sleep", "3600"]
    startupProbe:
      exec: {command: ["cat", "/probe/started"]}
      periodSeconds: 1
      failureThreshold: 600
    readinessProbe:
      exec: {command: ["true"]}
      periodSeconds: 1
`,
      ),
    );
    await until(
      async () =>
        (await jsonpath('slow', '.status.containerStatuses[0].state.running')) ? true : undefined,
      'slow running',
    );
    await new Promise((r) => setTimeout(r, 2500));
    expect(await jsonpath('slow', '.status.containerStatuses[0].started')).toBe('false');
    expect(await jsonpath('slow', '.status.containerStatuses[0].ready')).toBe('false');
    expect(await condition('slow', 'Ready')).toBe('False');

    await writeFile(join(d, 'started'), '');
    await ok(['wait', '--for=condition=Ready', 'pod/slow', '--timeout=30s']);
    expect(await jsonpath('slow', '.status.containerStatuses[0].started')).toBe('true');
    expect(await jsonpath('slow', '.status.containerStatuses[0].restartCount')).toBe('0');
  });

  it('tcpSocket: an open port is ready, a closed one fails with the dial error', async () => {
    const d = await probeDir('tcp');
    await apply(
      pod(
        'tcp-open',
        d,
        `    command: ["httpd", "-f", "-p", "9000", "-h", "/probe"]
    readinessProbe:
      tcpSocket: {port: 9000}
      periodSeconds: 1
`,
      ),
    );
    await apply(
      pod(
        'tcp-closed',
        d,
        `    command: ["sleep", "3600"]
    readinessProbe:
      tcpSocket: {port: 9001}
      periodSeconds: 1
      failureThreshold: 1
`,
      ),
    );
    await ok(['wait', '--for=condition=Ready', 'pod/tcp-open', '--timeout=60s']);
    const ip = await until(async () => {
      const v = await jsonpath('tcp-closed', '.status.podIP');
      return v || undefined;
    }, 'tcp-closed IP');
    await waitForEvent(
      'tcp-closed',
      'Unhealthy',
      new RegExp(
        `^Readiness probe failed: dial tcp ${ip.replace(/\./g, '\\.')}:9001: connect: connection refused$`,
      ),
    );
    expect(await condition('tcp-closed', 'Ready')).toBe('False');
  });
});

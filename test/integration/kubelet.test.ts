/**
 * The node agent against an in-process API server and the fake runtime, images, cgroups and a
 * real volume manager in a temp dir: what a user sees through the API (Node, Lease, pod status,
 * events) and what is left in the runtime.
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Pod } from '../../src/api/index.ts';
import { createInProcessTransport } from '../../src/apiserver/index.ts';
import { FakeRecorder, RestClient } from '../../src/client/index.ts';
import { FakeCgroupManager } from '../../src/kubelet/cgroups/index.ts';
import { FakeImageService, fakeImageRecord } from '../../src/kubelet/images/index.ts';
import { startNodeAgent, type NodeAgent } from '../../src/kubelet/index.ts';
import {
  FakeRuntime,
  FakeRuntimeState,
  type FakeContainerBehavior,
  type ContainerConfig,
} from '../../src/kubelet/runtime/index.ts';
import {
  FakeNetwork,
  type PodNetwork,
  type PodNetworkAttachment,
} from '../../src/kubelet/network/index.ts';
import { VolumeManager } from '../../src/kubelet/volumes/index.ts';
import { FakeClock } from '../../src/util/index.ts';
import { testMachine, noMounts, clockedUntil, readPod, postPod } from './agent-fixtures.ts';
import { at, startHarness, type Harness } from './harness.ts';

let h: Harness;
let clock: FakeClock;
let dir: string;
let state: FakeRuntimeState;
let runtime: FakeRuntime;
let images: FakeImageService;
let cgroups: FakeCgroupManager;
let recorder: FakeRecorder;
let agent: NodeAgent | undefined;
let behavior: (c: ContainerConfig) => FakeContainerBehavior;

/** The pod network sandboxes get; none: addresses come from the fake runtime itself. */
let network: PodNetwork | undefined;
/** The agent's pod range (its network's), for spec.podCIDR; none by default. */
let podCIDR: string | undefined;

async function startAgent(): Promise<NodeAgent> {
  runtime = new FakeRuntime({
    clock,
    state,
    images,
    behavior: (c) => behavior(c),
    ...(network ? { network } : {}),
  });
  const client = new RestClient({
    transport: createInProcessTransport(h.api, {
      name: 'system:node:node1',
      groups: ['system:nodes', 'system:authenticated'],
    }),
  });
  agent = await startNodeAgent({
    client,
    nodeName: 'node1',
    runtime,
    images,
    cgroups,
    volumes: new VolumeManager({ dataDir: dir, mounter: noMounts }),
    dataDir: dir,
    podLogsDir: join(dir, 'logs'),
    clock,
    machine: { read: () => Promise.resolve(testMachine) },
    recorder,
    resolvConf: join(dir, 'missing-resolv.conf'),
    kubeletVersion: 'v1.32.0+podbay-test',
    ...(podCIDR !== undefined ? { podCIDR } : {}),
  });
  return agent;
}

beforeEach(async () => {
  clock = new FakeClock(Date.now());
  h = await startHarness({ clock });
  dir = await mkdtemp(join(tmpdir(), 'podbay-kubelet-'));
  state = new FakeRuntimeState();
  images = new FakeImageService({ images: [fakeImageRecord('busybox:1.36')] });
  cgroups = new FakeCgroupManager();
  recorder = new FakeRecorder();
  behavior = () => ({});
  network = undefined;
  podCIDR = undefined;
  await startAgent();
});

afterEach(async () => {
  await agent?.stop();
  agent = undefined;
  await runtime.close();
  await h.stop();
  await rm(dir, { recursive: true, force: true });
});

const until = clockedUntil(() => clock);

const getPod = (name: string): Promise<Pod | undefined> => readPod(h, name);

const createPod = (name: string, spec: Record<string, unknown>): Promise<Pod> =>
  postPod(h, name, spec);

const app = (extra: Record<string, unknown> = {}) => ({
  name: 'app',
  image: 'busybox:1.36',
  command: ['sleep', '3600'],
  ...extra,
});

function containerStatus(pod: Pod | undefined, name = 'app') {
  return [
    ...(pod?.status?.containerStatuses ?? []),
    ...(pod?.status?.initContainerStatuses ?? []),
  ].find((c) => c.name === name);
}

function runningIdOf(pod: Pod | undefined, name = 'app'): string | undefined {
  const cs = containerStatus(pod, name);
  return cs?.state?.running ? cs.containerID?.replace('fake://', '') : undefined;
}

describe('node', () => {
  it('registers the node Ready, with capacity, addresses, nodeInfo and a lease', async () => {
    const node = (await h.request('GET', '/api/v1/nodes/node1')).body as Record<string, unknown>;
    expect(at(node, 'metadata.labels')).toMatchObject({
      'kubernetes.io/hostname': 'node1',
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
    });
    expect(at(node, 'status.capacity')).toMatchObject({ cpu: '2', memory: '4Gi', pods: '110' });
    expect(at(node, 'status.allocatable')).toMatchObject({ memory: '3996Mi' });
    expect(at(node, 'status.addresses')).toEqual([
      { type: 'InternalIP', address: '192.168.50.10' },
      { type: 'Hostname', address: 'node1' },
    ]);
    expect(at(node, 'status.nodeInfo')).toMatchObject({
      containerRuntimeVersion: 'fake://0.1.0',
      kubeletVersion: 'v1.32.0+podbay-test',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      architecture: 'amd64',
      operatingSystem: 'linux',
    });
    expect(at(node, 'status.daemonEndpoints')).toEqual({ kubeletEndpoint: { Port: 10250 } });
    const conditions = at(node, 'status.conditions') as {
      type: string;
      status: string;
      reason: string;
      message: string;
    }[];
    expect(conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID'],
      ['Ready', 'True', 'KubeletReady'],
    ]);
    expect(conditions[3]?.message).toBe('kubelet is posting ready status');

    const lease = await until(async () => {
      const r = await h.request(
        'GET',
        '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node1',
      );
      return r.status === 200 ? (r.body as Record<string, unknown>) : undefined;
    }, 'the lease');
    expect(at(lease, 'spec.holderIdentity')).toBe('node1');
    expect(at(lease, 'spec.leaseDurationSeconds')).toBe(40);
    expect(at(lease, 'metadata.ownerReferences')).toEqual([
      { apiVersion: 'v1', kind: 'Node', name: 'node1', uid: at(node, 'metadata.uid') },
    ]);
    const first = at(lease, 'spec.renewTime');
    await clock.step(10_000);
    const renewed = await until(async () => {
      const r = await h.request(
        'GET',
        '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node1',
      );
      const t = at(r.body, 'spec.renewTime');
      return t !== first ? t : undefined;
    }, 'the lease renewal');
    expect(renewed).not.toBe(first);
  });

  it("records the agent's pod range in spec.podCIDR(s), which then never changes", async () => {
    // The node was registered without one (as before --pod-cidr existed): adopting it adds it.
    await agent?.stop();
    podCIDR = '10.244.7.0/24';
    await startAgent();
    let node = (await h.request('GET', '/api/v1/nodes/node1')).body;
    expect(at(node, 'spec.podCIDR')).toBe('10.244.7.0/24');
    expect(at(node, 'spec.podCIDRs')).toEqual(['10.244.7.0/24']);
    // Another range later: the API keeps the recorded one (immutable upstream); the agent runs on.
    await agent?.stop();
    podCIDR = '10.244.8.0/24';
    await startAgent();
    node = (await h.request('GET', '/api/v1/nodes/node1')).body;
    expect(at(node, 'spec.podCIDR')).toBe('10.244.7.0/24');
    expect(at(at(node, 'status.conditions'), '3.status')).toBe('True');
  });

  it('does not rewrite an unchanged node status', async () => {
    const before = (await h.request('GET', '/api/v1/nodes/node1')).body;
    await clock.step(30_000);
    await new Promise((r) => setTimeout(r, 50));
    const after = (await h.request('GET', '/api/v1/nodes/node1')).body;
    expect(at(after, 'metadata.resourceVersion')).toBe(at(before, 'metadata.resourceVersion'));
  });
});

describe('pods', () => {
  it('runs a pod bound to the node', async () => {
    await createPod('web', {
      containers: [
        app({
          env: [
            { name: 'GREETING', value: 'hi $(HOSTNAME_X)' },
            { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          ],
        }),
      ],
    });
    const pod = await until(async () => {
      const p = await getPod('web');
      return p?.status?.phase === 'Running' ? p : undefined;
    }, 'web Running');
    expect(pod.status?.podIP).toMatch(/^10\.88\./);
    expect(pod.status?.hostIP).toBe('192.168.50.10');
    expect(pod.status?.qosClass).toBe('BestEffort');
    expect(pod.status?.startTime).toBeTruthy();
    expect(pod.status?.conditions?.map((c) => [c.type, c.status])).toEqual([
      ['PodReadyToStartContainers', 'True'],
      ['Initialized', 'True'],
      ['Ready', 'True'],
      ['ContainersReady', 'True'],
      ['PodScheduled', 'True'],
    ]);
    // No reason or message left over from the ContainersNotReady phase.
    const readyCondition = pod.status?.conditions?.find((c) => c.type === 'Ready');
    expect(readyCondition?.reason).toBeUndefined();
    expect(readyCondition?.message).toBeUndefined();
    const cs = containerStatus(pod);
    expect(cs).toMatchObject({
      name: 'app',
      ready: true,
      started: true,
      restartCount: 0,
      image: 'busybox:1.36',
    });
    expect(cs?.containerID).toMatch(/^fake:\/\/[0-9a-f]{64}$/);
    expect(cs?.imageID).toMatch(/^sha256:/);

    const containers = await runtime.listContainers();
    expect(containers).toHaveLength(1);
    const config = state.containers.get(containers[0]!.id)!.config;
    expect(config.args).toEqual(['sleep', '3600']);
    expect(config.env).toEqual(
      expect.arrayContaining([
        { name: 'PATH', value: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
        { name: 'GREETING', value: 'hi $(HOSTNAME_X)' },
        { name: 'POD', value: 'web' },
      ]),
    );
    expect(config.logPath).toBe(
      join(dir, 'logs', `default_web_${pod.metadata?.uid}`, 'app', '0.log'),
    );
    expect(config.mounts.map((m) => m.containerPath)).toContain('/dev/termination-log');
    expect(cgroups.pod(pod.metadata!.uid!)?.qos).toBe('BestEffort');
    expect(recorder.events).toEqual(
      expect.arrayContaining([
        'Normal Pulled Container image "busybox:1.36" already present on machine',
        'Normal Created Created container: app',
        'Normal Started Started container app',
      ]),
    );
  });

  it('restarts an exited container with back-off, in CrashLoopBackOff between restarts', async () => {
    const created = await createPod('crash', { containers: [app()] });
    const uid = created.metadata!.uid!;
    const first = await until(async () => runningIdOf(await getPod('crash')), 'crash running');

    // The first restart is immediate.
    runtime.exitContainer(first, 1);
    const second = await until(async () => {
      const p = await getPod('crash');
      const id = runningIdOf(p);
      return id && id !== first && containerStatus(p)?.restartCount === 1 ? id : undefined;
    }, 'the first restart');
    expect(containerStatus(await getPod('crash'))?.lastState?.terminated).toMatchObject({
      exitCode: 1,
      reason: 'Error',
    });

    // The second waits 10 s in CrashLoopBackOff.
    runtime.exitContainer(second, 2);
    const waiting = await until(
      async () => {
        const cs = containerStatus(await getPod('crash'));
        return cs?.state?.waiting?.reason === 'CrashLoopBackOff' ? cs : undefined;
      },
      'CrashLoopBackOff',
      10,
    );
    expect(waiting.state?.waiting?.message).toBe(
      `back-off 10s restarting failed container=app pod=crash_default(${uid})`,
    );
    expect(waiting.lastState?.terminated?.exitCode).toBe(2);
    expect(waiting.ready).toBe(false);
    expect((await getPod('crash'))?.status?.phase).toBe('Running');
    expect(recorder.events).toContain(
      `Warning BackOff Back-off restarting failed container app in pod crash_default(${uid})`,
    );
    const third = await until(
      async () => {
        const p = await getPod('crash');
        return containerStatus(p)?.restartCount === 2 ? runningIdOf(p) : undefined;
      },
      'the restart after 10 s',
      500,
      40,
    );
    expect(third).not.toBe(second);

    // Then 20 s.
    runtime.exitContainer(third, 1);
    const again = await until(
      async () => {
        const cs = containerStatus(await getPod('crash'));
        return cs?.state?.waiting?.reason === 'CrashLoopBackOff' ? cs : undefined;
      },
      'CrashLoopBackOff again',
      10,
    );
    expect(again.state?.waiting?.message).toBe(
      `back-off 20s restarting failed container=app pod=crash_default(${uid})`,
    );
  });

  it('Never: a completed pod is Succeeded or Failed with its containers stopped', async () => {
    behavior = (c) =>
      c.name === 'ok' ? { exitAfterMs: 1000, exitCode: 0 } : { exitAfterMs: 1000, exitCode: 3 };
    await createPod('done', { restartPolicy: 'Never', containers: [app({ name: 'ok' })] });
    await createPod('broken', { restartPolicy: 'Never', containers: [app({ name: 'bad' })] });
    const done = await until(async () => {
      const p = await getPod('done');
      return p?.status?.phase === 'Succeeded' ? p : undefined;
    }, 'done Succeeded');
    expect(containerStatus(done, 'ok')?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    expect(done.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'PodCompleted',
    });
    const broken = await until(async () => {
      const p = await getPod('broken');
      return p?.status?.phase === 'Failed' ? p : undefined;
    }, 'broken Failed');
    expect(containerStatus(broken, 'bad')?.state?.terminated).toMatchObject({
      exitCode: 3,
      reason: 'Error',
    });
    await agent!.whenIdle();
    // Stopped, not removed; nothing restarted; the sandboxes are stopped.
    const containers = await runtime.listContainers();
    expect(containers.map((c) => c.state).sort()).toEqual(['exited', 'exited']);
    expect((await runtime.listPodSandboxes()).map((s) => s.state)).toEqual([
      'notready',
      'notready',
    ]);
    await clock.step(120_000);
    expect(await runtime.listContainers()).toHaveLength(2);
    expect((await getPod('done'))?.status?.phase).toBe('Succeeded');
  });

  it('OnFailure restarts a failed container and completes on success', async () => {
    let runs = 0;
    behavior = () => ({ exitAfterMs: 1000, exitCode: runs++ === 0 ? 1 : 0 });
    await createPod('job', { restartPolicy: 'OnFailure', containers: [app()] });
    const p = await until(async () => {
      const x = await getPod('job');
      return x?.status?.phase === 'Succeeded' ? x : undefined;
    }, 'job Succeeded');
    expect(containerStatus(p)?.restartCount).toBe(1);
    expect(containerStatus(p)?.lastState?.terminated?.exitCode).toBe(1);
  });

  it('runs init containers one at a time, in order, before the app containers', async () => {
    behavior = (c) => (c.name.startsWith('init') ? { exitAfterMs: 2000, exitCode: 0 } : {});
    await createPod('inits', {
      initContainers: [
        app({ name: 'init1', command: ['true'] }),
        app({ name: 'init2', command: ['true'] }),
      ],
      containers: [app()],
    });
    const pending = await until(async () => {
      const p = await getPod('inits');
      return containerStatus(p, 'init1')?.state?.running ? p : undefined;
    }, 'init1 running');
    expect(pending.status?.phase).toBe('Pending');
    expect(containerStatus(pending, 'app')?.state?.waiting?.reason).toBe('PodInitializing');
    expect(pending.status?.conditions?.find((c) => c.type === 'Initialized')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
    });
    const running = await until(async () => {
      const p = await getPod('inits');
      return p?.status?.phase === 'Running' ? p : undefined;
    }, 'inits Running');
    expect(
      running.status?.initContainerStatuses?.map((c) => [
        c.name,
        c.state?.terminated?.reason,
        c.ready,
      ]),
    ).toEqual([
      ['init1', 'Completed', true],
      ['init2', 'Completed', true],
    ]);
    const order = runtime
      .calls()
      .filter((c) => c.op === 'createContainer')
      .map((c) => c.target);
    expect(order).toEqual(['init1', 'init2', 'app']);
  });

  it('keeps a sidecar running beside the app containers', async () => {
    await createPod('side', {
      initContainers: [app({ name: 'proxy', restartPolicy: 'Always' })],
      containers: [app()],
    });
    const p = await until(async () => {
      const x = await getPod('side');
      return x?.status?.phase === 'Running' && containerStatus(x, 'app')?.state?.running
        ? x
        : undefined;
    }, 'side Running');
    expect(containerStatus(p, 'proxy')).toMatchObject({ ready: true, started: true });
    const proxy = runningIdOf(p, 'proxy')!;
    runtime.exitContainer(proxy, 1);
    await until(async () => {
      const x = await getPod('side');
      const id = runningIdOf(x, 'proxy');
      return id && id !== proxy ? id : undefined;
    }, 'the sidecar restarted');
  });

  it('reports ErrImageNeverPull, and ErrImagePull then ImagePullBackOff', async () => {
    await createPod('never', { containers: [app({ image: 'nope:1', imagePullPolicy: 'Never' })] });
    const never = await until(async () => {
      const cs = containerStatus(await getPod('never'));
      return cs?.state?.waiting?.reason === 'ErrImageNeverPull' ? cs : undefined;
    }, 'ErrImageNeverPull');
    expect(never.state?.waiting?.message).toBe(
      'Container image "nope:1" is not present with pull policy of Never',
    );

    images.setPullError('registry.example/app:1', 'connection refused');
    await createPod('pull', {
      containers: [app({ image: 'registry.example/app:1', imagePullPolicy: 'Always' })],
    });
    // ErrImagePull first; any sync inside the pull back-off then shows ImagePullBackOff.
    await until(
      () => (recorder.events.includes('Warning Failed Error: ErrImagePull') ? true : undefined),
      'ErrImagePull',
      10,
    );
    expect(recorder.events).toContain(
      'Warning Failed Failed to pull image "registry.example/app:1": connection refused',
    );
    await until(
      async () => {
        const cs = containerStatus(await getPod('pull'));
        return cs?.state?.waiting?.reason === 'ImagePullBackOff' ? cs : undefined;
      },
      'ImagePullBackOff',
      100,
    );
    expect(recorder.events).toContain('Normal Pulling Pulling image "registry.example/app:1"');
    expect(
      recorder.events.some((e) =>
        e.startsWith('Warning Failed Failed to pull image "registry.example/app:1"'),
      ),
    ).toBe(true);
    expect(recorder.events).toContain(
      'Normal BackOff Back-off pulling image "registry.example/app:1"',
    );
  });

  it('reports CreateContainerConfigError for a missing ConfigMap', async () => {
    await createPod('cfg', {
      containers: [
        app({
          env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'missing', key: 'k' } } }],
        }),
      ],
    });
    const cs = await until(async () => {
      const c = containerStatus(await getPod('cfg'));
      return c?.state?.waiting?.reason === 'CreateContainerConfigError' ? c : undefined;
    }, 'CreateContainerConfigError');
    expect(cs.state?.waiting?.message).toBe('configmap "missing" not found');
  });

  it('graceful deletion stops the containers and removes the pod and everything it had', async () => {
    const created = await createPod('gone', { containers: [app(), app({ name: 'second' })] });
    const uid = created.metadata!.uid!;
    await until(
      async () => ((await getPod('gone'))?.status?.phase === 'Running' ? true : undefined),
      'gone Running',
    );
    const logDir = join(dir, 'logs', `default_gone_${uid}`);
    expect(await readdir(logDir)).toEqual(['app', 'second']);
    const del = await h.request('DELETE', '/api/v1/namespaces/default/pods/gone', {
      gracePeriodSeconds: 20,
    });
    expect(del.status).toBe(200);
    await until(
      async () => ((await getPod('gone')) === undefined ? true : undefined),
      'the pod deleted',
    );
    expect(recorder.events).toEqual(
      expect.arrayContaining([
        'Normal Killing Stopping container app',
        'Normal Killing Stopping container second',
      ]),
    );
    await until(
      () => (state.sandboxCount === 0 && state.containerCount === 0 ? true : undefined),
      'runtime empty',
    );
    await agent!.whenIdle();
    expect(cgroups.pod(uid)).toBeUndefined();
    await expect(readdir(logDir)).rejects.toThrow();
    await expect(readdir(join(dir, 'pods', uid))).rejects.toThrow();
  });

  it('starts an ephemeral container once, in its target’s PID namespace, and stops it with the pod', async () => {
    await createPod('debugged', { containers: [app()] });
    const target = await until(async () => runningIdOf(await getPod('debugged')), 'app running');
    const patch = await h.request(
      'PATCH',
      '/api/v1/namespaces/default/pods/debugged/ephemeralcontainers',
      {
        spec: {
          ephemeralContainers: [
            { name: 'dbg', image: 'busybox:1.36', command: ['sh'], targetContainerName: 'app' },
          ],
        },
      },
      { 'content-type': 'application/strategic-merge-patch+json' },
    );
    expect(patch.status, patch.text).toBe(200);
    const dbg = await until(async () => {
      const s = (await getPod('debugged'))?.status?.ephemeralContainerStatuses?.[0];
      return s?.state?.running ? s : undefined;
    }, 'dbg running');
    expect(dbg).toMatchObject({ name: 'dbg', ready: false, restartCount: 0 });
    const id = dbg.containerID?.replace('fake://', '') ?? '';
    expect(state.containers.get(id)?.config.targetContainerId).toBe(target);
    expect(recorder.events).toEqual(
      expect.arrayContaining([
        'Normal Created Created container: dbg',
        'Normal Started Started container dbg',
      ]),
    );

    const del = await h.request('DELETE', '/api/v1/namespaces/default/pods/debugged', {
      gracePeriodSeconds: 20,
    });
    expect(del.status).toBe(200);
    await until(
      async () => ((await getPod('debugged')) === undefined ? true : undefined),
      'the pod deleted',
    );
    expect(recorder.events).toContain('Normal Killing Stopping container dbg');
  });

  it('adopts running containers after an agent restart, keeping ids and restart counts', async () => {
    await createPod('keep', { containers: [app()] });
    const first = await until(async () => runningIdOf(await getPod('keep')), 'keep running');
    runtime.exitContainer(first, 1);
    const second = await until(async () => {
      const p = await getPod('keep');
      const id = runningIdOf(p);
      return id && id !== first ? id : undefined;
    }, 'keep restarted');
    const before = await getPod('keep');
    expect(containerStatus(before)?.restartCount).toBe(1);

    await agent!.stop();
    await runtime.close();
    await startAgent();
    await clock.step(2000);
    await agent!.whenIdle();
    const after = await until(async () => {
      const p = await getPod('keep');
      return p?.status?.phase === 'Running' ? p : undefined;
    }, 'keep Running after restart');
    expect(runningIdOf(after)).toBe(second);
    expect(containerStatus(after)?.restartCount).toBe(1);
    expect(
      runtime
        .calls()
        .filter((c) => ['createContainer', 'runPodSandbox', 'startPodSandbox'].includes(c.op)),
    ).toEqual([]);
    expect(state.containerCount).toBe(2);
  });

  it('cleans up after a pod deleted while the agent was down', async () => {
    const created = await createPod('orphan', { containers: [app()] });
    await until(async () => runningIdOf(await getPod('orphan')), 'orphan running');
    await agent!.stop();
    await runtime.close();
    const del = await h.request('DELETE', '/api/v1/namespaces/default/pods/orphan', {
      gracePeriodSeconds: 0,
    });
    expect(del.status).toBe(200);
    await startAgent();
    await until(
      () => (state.sandboxCount === 0 && state.containerCount === 0 ? true : undefined),
      'runtime empty',
    );
    expect(cgroups.pod(created.metadata!.uid!)).toBeUndefined();
  });
});

/** A FakeNetwork whose set-ups wait until `open()`: the network of a sandbox still coming up. */
class GatedNetwork implements PodNetwork {
  readonly inner = new FakeNetwork();
  private opened!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.opened = resolve));
  async setUp(a: PodNetworkAttachment, signal?: AbortSignal): Promise<{ ips: string[] }> {
    await this.gate;
    return this.inner.setUp(a, signal);
  }
  tearDown(a: PodNetworkAttachment): Promise<void> {
    return this.inner.tearDown(a);
  }
  open(): void {
    this.opened();
  }
}

describe('pod network set up while the containers are created', () => {
  let gated: GatedNetwork;
  beforeEach(async () => {
    await agent?.stop();
    await runtime.close();
    gated = new GatedNetwork();
    network = gated;
    await startAgent();
  });

  const opsOf = (op: string): string[] =>
    runtime
      .calls()
      .filter((c) => c.op === op)
      .map((c) => c.target);

  it('creates the containers before the network is up, creates the ones whose env needs the pod IP and starts all only after', async () => {
    await createPod('overlap', {
      containers: [
        app(),
        app({
          name: 'with-ip',
          env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
        }),
      ],
    });
    await until(() => (opsOf('createContainer').includes('app') ? true : undefined), 'app created');
    await clock.step(50);
    expect(opsOf('startPodSandbox')).toHaveLength(1);
    expect(opsOf('createContainer')).toEqual(['app']);
    expect(opsOf('startContainer')).toEqual([]);

    gated.open();
    const running = await until(async () => {
      const p = await getPod('overlap');
      return runningIdOf(p, 'app') && runningIdOf(p, 'with-ip') ? p : undefined;
    }, 'both running');
    const withIp = [...state.containers.values()].find((c) => c.config.name === 'with-ip');
    expect(running.status?.podIP).toMatch(/^10\.244\.0\.\d+$/);
    expect(withIp?.config.env).toContainEqual({ name: 'POD_IP', value: running.status?.podIP });
  });

  it('a network that fails after containers were created leaves nothing of that sandbox, and the pod is retried', async () => {
    gated.inner.failNext('setUp', 'failed to allocate for range 0');
    await createPod('net-fails', { containers: [app()] });
    await until(() => (opsOf('createContainer').includes('app') ? true : undefined), 'app created');
    const firstSandbox = [...state.sandboxes.keys()][0];
    gated.open();
    await until(
      () =>
        recorder.records.some((e) => e.reason === 'FailedCreatePodSandBox') ? true : undefined,
      'FailedCreatePodSandBox',
    );
    const event = recorder.records.find((e) => e.reason === 'FailedCreatePodSandBox');
    expect(event?.message).toContain('failed to allocate for range 0');
    const p = await until(async () => {
      const pod = await getPod('net-fails');
      return runningIdOf(pod) ? pod : undefined;
    }, 'running after the retry');
    expect(state.sandboxes.has(firstSandbox!)).toBe(false);
    expect(state.sandboxCount).toBe(1);
    expect(state.containerCount).toBe(1);
    expect(gated.inner.attachments().size).toBe(1);
    expect(p.status?.phase).toBe('Running');
  });
});

describe('housekeeping', () => {
  it("removes only its own pods' leftovers, never another agent's cgroups", async () => {
    // A cgroup of a pod another agent on this machine runs (nothing of it in our data dir).
    cgroups.seed('foreign-uid', 'BestEffort', { cpuShares: 2, cpuPeriod: 100000 });
    // And one of ours whose pod is gone: its pod dir is still there.
    cgroups.seed('our-uid', 'BestEffort', { cpuShares: 2, cpuPeriod: 100000 });
    await mkdir(join(dir, 'pods', 'our-uid', 'containers', 'app'), { recursive: true });
    const cleaned = await agent!.housekeeping();
    expect(cleaned).toContain('our-uid');
    expect(cleaned).not.toContain('foreign-uid');
    expect(cgroups.pod('our-uid')).toBeUndefined();
    expect(cgroups.pod('foreign-uid')).toBeDefined();
    await expect(readdir(join(dir, 'pods', 'our-uid'))).rejects.toThrow();
  });
});

/**
 * Probes, lifecycle hooks and activeDeadlineSeconds through the node agent, against an
 * in-process API server and the fake runtime (exec probes and hooks run the fake's exec
 * handler): what a user sees in the pod status and events.
 */
import { mkdtemp, rm } from 'node:fs/promises';
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
  type ContainerConfig,
  type ExecSyncResult,
  type FakeContainerBehavior,
} from '../../src/kubelet/runtime/index.ts';
import { VolumeManager } from '../../src/kubelet/volumes/index.ts';
import { FakeClock } from '../../src/util/index.ts';
import { testMachine, noMounts, clockedUntil, readPod, postPod } from './agent-fixtures.ts';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
let clock: FakeClock;
let dir: string;
let runtime: FakeRuntime;
let recorder: FakeRecorder;
let agent: NodeAgent | undefined;
let behavior: (c: ContainerConfig) => FakeContainerBehavior;
/** Every exec the runtime ran: `<container> <argv>`, in order. */
let execs: string[];
/** What an exec returns, by argv joined with spaces; default exit 0. */
let execAnswers: Map<string, () => ExecSyncResult | Promise<ExecSyncResult>>;

const ok = (stdout = ''): ExecSyncResult => ({
  exitCode: 0,
  stdout: Buffer.from(stdout),
  stderr: Buffer.alloc(0),
});
const fail = (stderr: string, code = 1): ExecSyncResult => ({
  exitCode: code,
  stdout: Buffer.alloc(0),
  stderr: Buffer.from(stderr),
});

beforeEach(async () => {
  clock = new FakeClock(Date.now());
  h = await startHarness({ clock });
  dir = await mkdtemp(join(tmpdir(), 'podbay-probes-'));
  recorder = new FakeRecorder();
  behavior = () => ({});
  execs = [];
  execAnswers = new Map();
  runtime = new FakeRuntime({
    clock,
    state: new FakeRuntimeState(),
    images: new FakeImageService({ images: [fakeImageRecord('busybox:1.36')] }),
    behavior: (c) => behavior(c),
    exec: (c, cmd) => {
      const key = cmd.join(' ');
      execs.push(`${c.name} ${key}`);
      return execAnswers.get(key)?.() ?? ok();
    },
  });
  agent = await startNodeAgent({
    client: new RestClient({
      transport: createInProcessTransport(h.api, {
        name: 'system:node:node1',
        groups: ['system:nodes', 'system:authenticated'],
      }),
    }),
    nodeName: 'node1',
    runtime,
    images: new FakeImageService({ images: [fakeImageRecord('busybox:1.36')] }),
    cgroups: new FakeCgroupManager(),
    volumes: new VolumeManager({ dataDir: dir, mounter: noMounts }),
    dataDir: dir,
    podLogsDir: join(dir, 'logs'),
    clock,
    machine: { read: () => Promise.resolve(testMachine) },
    recorder,
    resolvConf: join(dir, 'missing-resolv.conf'),
    kubeletVersion: 'v1.32.0+podbay-test',
  });
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

const execProbe = (command: string[], extra: Record<string, unknown> = {}) => ({
  exec: { command },
  periodSeconds: 1,
  ...extra,
});

function cs(pod: Pod | undefined, name = 'app') {
  return pod?.status?.containerStatuses?.find((c) => c.name === name);
}

function condition(pod: Pod | undefined, type: string) {
  return pod?.status?.conditions?.find((c) => c.type === type);
}

describe('readiness probe', () => {
  it('keeps the pod not Ready until the probe passes, and back when it fails', async () => {
    let healthy = false;
    execAnswers.set('cat /tmp/ready', () =>
      healthy ? ok() : fail("cat: can't open '/tmp/ready': No such file or directory\n"),
    );
    await createPod('web', {
      containers: [
        app({ readinessProbe: execProbe(['cat', '/tmp/ready'], { failureThreshold: 1 }) }),
      ],
    });
    const notReady = await until(async () => {
      const p = await getPod('web');
      return cs(p)?.state?.running && execs.length > 0 ? p : undefined;
    }, 'running and probed');
    expect(cs(notReady)).toMatchObject({ ready: false, started: true });
    expect(condition(notReady, 'ContainersReady')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [app]',
    });
    expect(recorder.events).toContain(
      "Warning Unhealthy Readiness probe failed: cat: can't open '/tmp/ready': No such file or directory\n",
    );

    healthy = true;
    const ready = await until(async () => {
      const p = await getPod('web');
      return cs(p)?.ready ? p : undefined;
    }, 'Ready');
    expect(condition(ready, 'Ready')?.status).toBe('True');
    expect(condition(ready, 'ContainersReady')?.status).toBe('True');

    healthy = false;
    await until(async () => {
      const p = await getPod('web');
      return condition(p, 'Ready')?.status === 'False' ? p : undefined;
    }, 'not Ready again');
    // Readiness never restarts anything.
    expect(cs(await getPod('web'))?.restartCount).toBe(0);
  });

  it('keeps Ready False while a readiness gate is not True', async () => {
    await createPod('gated', {
      readinessGates: [{ conditionType: 'example.com/lb' }],
      containers: [app()],
    });
    const p = await until(async () => {
      const pod = await getPod('gated');
      return cs(pod)?.ready ? pod : undefined;
    }, 'container ready');
    expect(condition(p, 'ContainersReady')?.status).toBe('True');
    expect(condition(p, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ReadinessGatesNotReady',
      message: 'corresponding condition of pod readiness gate "example.com/lb" does not exist.',
    });
  });
});

describe('liveness and startup probes', () => {
  it('restarts a container that fails its liveness probe, with Unhealthy and Killing events', async () => {
    let healthy = true;
    execAnswers.set('cat /tmp/healthy', () =>
      healthy ? ok() : fail("cat: can't open '/tmp/healthy': No such file or directory\n"),
    );
    await createPod('live', {
      containers: [
        app({ livenessProbe: execProbe(['cat', '/tmp/healthy'], { failureThreshold: 2 }) }),
      ],
    });
    const first = await until(async () => {
      const c = cs(await getPod('live'));
      return c?.state?.running ? c.containerID : undefined;
    }, 'running');
    healthy = false;
    const restarted = await until(async () => {
      const c = cs(await getPod('live'));
      return c?.restartCount === 1 && c.state?.running && c.containerID !== first ? c : undefined;
    }, 'the restart');
    expect(restarted.lastState?.terminated).toBeDefined();
    expect(recorder.events).toEqual(
      expect.arrayContaining([
        "Warning Unhealthy Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory\n",
        'Normal Killing Container app failed liveness probe, will be restarted',
      ]),
    );
  });

  it('holds started and ready until the startup probe passes, and only then runs the others', async () => {
    let started = false;
    execAnswers.set('startup', () => (started ? ok() : fail('')));
    await createPod('slow', {
      containers: [
        app({
          startupProbe: execProbe(['startup'], { failureThreshold: 100 }),
          readinessProbe: execProbe(['ready']),
        }),
      ],
    });
    const p = await until(async () => {
      const pod = await getPod('slow');
      return cs(pod)?.state?.running && execs.length >= 2 ? pod : undefined;
    }, 'running, startup probed');
    expect(cs(p)).toMatchObject({ started: false, ready: false });
    expect(execs.every((e) => e === 'app startup')).toBe(true);

    started = true;
    const ready = await until(async () => {
      const pod = await getPod('slow');
      return cs(pod)?.ready ? pod : undefined;
    }, 'ready');
    expect(cs(ready)?.started).toBe(true);
    expect(execs).toContain('app ready');
  });

  it('fails a restartPolicy Never pod whose startup probe keeps failing', async () => {
    execAnswers.set('startup', () => fail('not yet'));
    await createPod('never', {
      restartPolicy: 'Never',
      containers: [app({ startupProbe: execProbe(['startup'], { failureThreshold: 2 }) })],
    });
    const p = await until(async () => {
      const pod = await getPod('never');
      return pod?.status?.phase === 'Failed' ? pod : undefined;
    }, 'the pod Failed');
    expect(cs(p)?.restartCount).toBe(0);
    expect(cs(p)?.state?.terminated).toBeDefined();
    // Nothing else runs in the pod, so the whole pod is killed, as upstream's SyncPod does.
    expect(recorder.events).toEqual(
      expect.arrayContaining([
        'Warning Unhealthy Startup probe failed: not yet',
        'Normal Killing Stopping container app',
      ]),
    );
  });
});

describe('lifecycle hooks', () => {
  it('runs postStart after the start, and reports the container running only once it is done', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    execAnswers.set('touch /started', () => gate.then(() => ok()));
    await createPod('hooked', {
      containers: [app({ lifecycle: { postStart: { exec: { command: ['touch', '/started'] } } } })],
    });
    await until(() => execs.length > 0, 'the hook running');
    expect(execs).toEqual(['app touch /started']);
    expect(recorder.events).toContain('Normal Started Started container app');
    // The runtime runs the container, but the status waits for the hook.
    await clock.step(3000);
    expect(cs(await getPod('hooked'))?.state?.running).toBeUndefined();
    release();
    await until(async () => cs(await getPod('hooked'))?.state?.running, 'running');
  });

  it('creates the app containers side by side, but starts the next only after the postStart hook of the one before', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    execAnswers.set('touch /started', () => gate.then(() => ok()));
    await createPod('ordered', {
      containers: [
        app({ lifecycle: { postStart: { exec: { command: ['touch', '/started'] } } } }),
        { ...app(), name: 'second' },
      ],
    });
    await until(() => execs.length > 0, 'the hook running');
    const ops = () => runtime.calls().map((c) => c.op);
    // `second` gets created meanwhile, and waits for the hook of `app` to end before it starts
    await until(
      () => ops().filter((op) => op === 'createContainer').length === 2,
      'second created while the hook runs',
    );
    expect(ops().filter((op) => op === 'startContainer')).toHaveLength(1);
    await clock.step(3000);
    expect(ops().filter((op) => op === 'startContainer')).toHaveLength(1);
    release();
    await until(
      async () => cs(await getPod('ordered'), 'second')?.state?.running,
      'second running',
    );
    expect(recorder.events.filter((e) => e.startsWith('Normal Started'))).toEqual([
      'Normal Started Started container app',
      'Normal Started Started container second',
    ]);
  });

  it('kills and restarts a container whose postStart hook fails, with upstream events and reason', async () => {
    execAnswers.set('sh -c exit 3', () => fail('oops\n', 3));
    const pod = await createPod('badhook', {
      containers: [
        app({ lifecycle: { postStart: { exec: { command: ['sh', '-c', 'exit 3'] } } } }),
      ],
    });
    const waiting = await until(
      async () => {
        const c = cs(await getPod('badhook'));
        return c?.state?.waiting?.reason === 'PostStartHookError' ? c : undefined;
      },
      'PostStartHookError',
      10,
    );
    expect(waiting.state?.waiting?.message).toBe(
      `Exec lifecycle hook ([sh -c exit 3]) for Container "app" in Pod "badhook_default(${pod.metadata?.uid ?? ''})" failed - error: command 'sh -c exit 3' exited with 3: oops\n, message: "oops\\n"`,
    );
    expect(recorder.events).toEqual(
      expect.arrayContaining([
        'Warning FailedPostStartHook PostStartHook failed',
        'Normal Killing FailedPostStartHook',
      ]),
    );
  });

  it('runs preStop before stopping the container on deletion', async () => {
    await createPod('drain', {
      terminationGracePeriodSeconds: 30,
      containers: [app({ lifecycle: { preStop: { exec: { command: ['drain'] } } } })],
    });
    await until(async () => cs(await getPod('drain'))?.state?.running, 'running');
    const del = await h.request('DELETE', '/api/v1/namespaces/default/pods/drain');
    expect(del.status).toBe(200);
    await until(async () => (await getPod('drain')) === undefined, 'the pod gone');
    expect(execs).toEqual(['app drain']);
    const killing = recorder.events.indexOf('Normal Killing Stopping container app');
    expect(killing).toBeGreaterThanOrEqual(0);
  });

  it('records FailedPreStopHook and still stops the container', async () => {
    execAnswers.set('drain', () => fail('no', 2));
    await createPod('drain2', {
      containers: [app({ lifecycle: { preStop: { exec: { command: ['drain'] } } } })],
    });
    await until(async () => cs(await getPod('drain2'))?.state?.running, 'running');
    await h.request('DELETE', '/api/v1/namespaces/default/pods/drain2');
    await until(async () => (await getPod('drain2')) === undefined, 'the pod gone');
    expect(recorder.events).toContain('Warning FailedPreStopHook PreStopHook failed');
  });
});

describe('activeDeadlineSeconds', () => {
  it('fails the pod with DeadlineExceeded once it ran that long', async () => {
    await createPod('deadline', { activeDeadlineSeconds: 5, containers: [app()] });
    await until(async () => cs(await getPod('deadline'))?.state?.running, 'running');
    const p = await until(async () => {
      const pod = await getPod('deadline');
      return pod?.status?.phase === 'Failed' ? pod : undefined;
    }, 'Failed');
    expect(p.status).toMatchObject({
      reason: 'DeadlineExceeded',
      message: 'Pod was active on the node longer than the specified deadline',
    });
    expect(recorder.events).toContain(
      'Normal DeadlineExceeded Pod was active on the node longer than the specified deadline',
    );
    await until(async () => cs(await getPod('deadline'))?.state?.terminated, 'container stopped');
  });
});

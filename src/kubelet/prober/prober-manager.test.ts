import { afterEach, describe, expect, it } from 'vitest';
import type { Container, ContainerStatus, Pod, PodStatus, Probe } from '../../api/index.ts';
import { FakeClock, silentLogger } from '../../util/index.ts';
import { ProbeManager, type ProbeUpdate } from './prober-manager.ts';
import type { ProbeType, Result } from './types.ts';

const t0 = Date.UTC(2026, 0, 1);

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

class Fixture {
  readonly clock = new FakeClock(t0);
  readonly statuses = new Map<string, PodStatus>();
  /** `container/type@seconds` for each probe run. */
  readonly calls: string[] = [];
  readonly answers = new Map<string, Result[]>();
  readonly updates: string[] = [];
  readonly manager: ProbeManager;

  constructor(random = 0) {
    this.manager = new ProbeManager({
      prober: {
        probe: ({ probeType, container }) => {
          const k = `${container.name}/${probeType}`;
          this.calls.push(`${k}@${(this.clock.now() - t0) / 1000}`);
          const r = this.answers.get(k)?.shift() ?? 'success';
          return Promise.resolve({ result: r });
        },
      },
      getPodStatus: (uid) => this.statuses.get(uid),
      logger: silentLogger,
      clock: this.clock,
      random: () => random,
    });
    this.manager.onUpdate((u: ProbeUpdate) => {
      this.updates.push(`${u.probeType} ${u.containerId} ${u.result}`);
    });
  }

  answer(container: string, type: ProbeType, ...results: Result[]): void {
    this.answers.set(`${container}/${type}`, results);
  }

  running(
    uid: string,
    name: string,
    id: string,
    opts: { startedAt?: number; started?: boolean; phase?: PodStatus['phase'] } = {},
  ): void {
    const status: ContainerStatus = {
      name,
      containerID: `runc://${id}`,
      state: { running: { startedAt: iso(opts.startedAt ?? t0) } },
      ready: false,
      restartCount: 0,
      image: 'busybox',
      imageID: '',
      ...(opts.started !== undefined ? { started: opts.started } : {}),
    };
    this.statuses.set(uid, { phase: opts.phase ?? 'Running', containerStatuses: [status] });
  }

  terminated(uid: string, name: string, id: string): void {
    this.statuses.set(uid, {
      phase: 'Running',
      containerStatuses: [
        {
          name,
          containerID: `runc://${id}`,
          state: { terminated: { exitCode: 1 } },
          ready: false,
          restartCount: 0,
          image: 'busybox',
          imageID: '',
        },
      ],
    });
  }

  async seconds(s: number): Promise<void> {
    await this.clock.step(s * 1000);
  }
}

function pod(container: Container, extra: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'u1' },
    spec: { containers: [container], ...extra },
  };
}

function probe(p: Probe = {}): Probe {
  return {
    exec: { command: ['true'] },
    periodSeconds: 10,
    timeoutSeconds: 1,
    successThreshold: 1,
    failureThreshold: 3,
    ...p,
  };
}

let fixtures: Fixture[] = [];
function fixture(random = 0): Fixture {
  const f = new Fixture(random);
  fixtures.push(f);
  return f;
}

afterEach(async () => {
  for (const f of fixtures) await f.manager.stop();
  fixtures = [];
});

describe('ProbeManager and its workers', () => {
  it('starts readiness at Failure and flips it on the first success, probing every period', async () => {
    const f = fixture();
    const p = pod({ name: 'app', readinessProbe: probe() });
    f.running('u1', 'app', 'c1', { started: true });
    f.manager.addPod(p);
    await f.seconds(0);
    expect(f.updates).toEqual(['readiness c1 failure', 'readiness c1 success']);
    expect(f.manager.readiness.get('c1')).toBe('success');
    await f.seconds(25);
    expect(f.calls).toEqual(['app/readiness@0', 'app/readiness@10', 'app/readiness@20']);
  });

  it('changes a result only after failureThreshold failures or successThreshold successes', async () => {
    const f = fixture();
    const p = pod({
      name: 'app',
      readinessProbe: probe({ periodSeconds: 1, failureThreshold: 3, successThreshold: 2 }),
    });
    f.answer('app', 'readiness', 'success', 'success', 'failure', 'failure', 'failure', 'success');
    f.running('u1', 'app', 'c1', { started: true });
    f.manager.addPod(p);
    await f.seconds(0);
    expect(f.manager.readiness.get('c1')).toBe('failure');
    await f.seconds(1);
    expect(f.manager.readiness.get('c1')).toBe('success');
    await f.seconds(2);
    expect(f.manager.readiness.get('c1')).toBe('success');
    await f.seconds(1);
    expect(f.manager.readiness.get('c1')).toBe('failure');
    await f.seconds(1);
    expect(f.manager.readiness.get('c1')).toBe('failure');
    expect(f.updates).toEqual([
      'readiness c1 failure',
      'readiness c1 success',
      'readiness c1 failure',
    ]);
  });

  it('waits initialDelaySeconds after the container started', async () => {
    const f = fixture();
    const p = pod({
      name: 'app',
      livenessProbe: probe({ initialDelaySeconds: 15, periodSeconds: 5 }),
    });
    f.running('u1', 'app', 'c1', { started: true });
    f.manager.addPod(p);
    await f.seconds(14);
    expect(f.calls).toEqual([]);
    expect(f.manager.liveness.get('c1')).toBe('success');
    await f.seconds(2);
    expect(f.calls).toEqual(['app/liveness@15']);
  });

  it('holds liveness after a failure until a new container instance appears', async () => {
    const f = fixture();
    const p = pod({ name: 'app', livenessProbe: probe({ periodSeconds: 1, failureThreshold: 2 }) });
    f.answer('app', 'liveness', 'failure', 'failure');
    f.running('u1', 'app', 'c1', { started: true });
    f.manager.addPod(p);
    await f.seconds(1);
    expect(f.updates).toEqual(['liveness c1 success', 'liveness c1 failure']);
    await f.seconds(5);
    expect(f.calls).toHaveLength(2);
    // The kubelet restarted it: a new id, the initial Success again, probing resumes.
    f.running('u1', 'app', 'c2', { started: true, startedAt: f.clock.now() });
    await f.seconds(1);
    expect(f.manager.liveness.get('c1')).toBeUndefined();
    expect(f.manager.liveness.get('c2')).toBe('success');
    expect(f.calls.length).toBeGreaterThan(2);
  });

  it('gates readiness and liveness behind the startup probe', async () => {
    const f = fixture();
    const p = pod({
      name: 'app',
      startupProbe: probe({ periodSeconds: 1, failureThreshold: 30 }),
      readinessProbe: probe({ periodSeconds: 1 }),
      livenessProbe: probe({ periodSeconds: 1 }),
    });
    f.answer('app', 'startup', 'failure', 'failure', 'success');
    f.running('u1', 'app', 'c1', { started: false });
    f.manager.addPod(p);
    await f.seconds(2.5);
    expect(f.calls).toEqual(['app/startup@0', 'app/startup@1', 'app/startup@2']);
    // Started from the startup result; not ready, since readiness has not run yet.
    const before = f.manager.updatePodStatus(p, f.statuses.get('u1') ?? {});
    expect(before.containerStatuses?.[0]).toMatchObject({ started: true, ready: false });
    expect(f.manager.startup.get('c1')).toBe('success');
    // The kubelet writes started=true; now readiness and liveness run, startup no more.
    f.running('u1', 'app', 'c1', { started: true });
    f.calls.length = 0;
    await f.seconds(2);
    expect(f.calls.filter((c) => c.startsWith('app/startup'))).toEqual([]);
    expect(f.calls.some((c) => c.startsWith('app/readiness'))).toBe(true);
    expect(f.calls.some((c) => c.startsWith('app/liveness'))).toBe(true);
  });

  it('reports not started while a startup probe has not succeeded', () => {
    const f = fixture();
    const p = pod({ name: 'app', startupProbe: probe() });
    f.manager.addPod(p);
    const s = f.manager.updatePodStatus(p, {
      containerStatuses: [
        {
          name: 'app',
          containerID: 'runc://c1',
          state: { running: { startedAt: iso(t0) } },
          ready: true,
          restartCount: 0,
          image: '',
          imageID: '',
        },
      ],
    });
    expect(s.containerStatuses?.[0]).toMatchObject({ started: false, ready: false });
  });

  it('counts containers without probes as started and ready while running', () => {
    const f = fixture();
    const p = pod({ name: 'app' });
    f.manager.addPod(p);
    const status: PodStatus = {
      containerStatuses: [
        {
          name: 'app',
          containerID: 'runc://c1',
          state: { running: { startedAt: iso(t0) } },
          ready: false,
          restartCount: 0,
          image: '',
          imageID: '',
        },
      ],
      initContainerStatuses: [
        {
          name: 'init',
          containerID: 'runc://i1',
          state: { terminated: { exitCode: 0 } },
          ready: false,
          restartCount: 0,
          image: '',
          imageID: '',
        },
      ],
    };
    const s = f.manager.updatePodStatus(
      {
        ...p,
        spec: {
          ...p.spec,
          containers: p.spec?.containers ?? [],
          initContainers: [{ name: 'init' }],
        },
      },
      status,
    );
    expect(s.containerStatuses?.[0]).toMatchObject({ started: true, ready: true });
    expect(s.initContainerStatuses?.[0]).toMatchObject({ started: false, ready: true });
    expect(status.containerStatuses?.[0]?.ready).toBe(false);
  });

  it('probes readiness at once when the status asks about a container without a result', async () => {
    const f = fixture();
    const p = pod({ name: 'app', readinessProbe: probe({ periodSeconds: 60 }) });
    f.running('u1', 'app', 'c1', { started: true });
    f.answer('app', 'readiness', 'failure', 'success');
    f.manager.addPod(p);
    await f.seconds(0);
    expect(f.manager.readiness.get('c1')).toBe('failure');
    const s = f.manager.updatePodStatus(p, f.statuses.get('u1') ?? {});
    expect(s.containerStatuses?.[0]?.ready).toBe(false);
    await f.seconds(0);
    expect(f.calls).toEqual(['app/readiness@0', 'app/readiness@0']);
    expect(f.manager.readiness.get('c1')).toBe('success');
  });

  it('stops a worker when the pod is terminal, or the container exited for good', async () => {
    const f = fixture();
    f.running('u1', 'app', 'c1', { started: true, phase: 'Succeeded' });
    f.manager.addPod(pod({ name: 'app', livenessProbe: probe() }));
    await f.seconds(0);
    expect(f.manager.workerCount()).toBe(0);

    const g = fixture();
    g.terminated('u1', 'app', 'c1');
    g.manager.addPod(pod({ name: 'app', readinessProbe: probe() }, { restartPolicy: 'Never' }));
    await g.seconds(0);
    expect(g.manager.workerCount()).toBe(0);
    // Results of a gone worker are dropped.
    expect(g.manager.readiness.get('c1')).toBeUndefined();

    const h = fixture();
    h.terminated('u1', 'app', 'c1');
    h.manager.addPod(pod({ name: 'app', readinessProbe: probe() }, { restartPolicy: 'Always' }));
    await h.seconds(0);
    expect(h.manager.workerCount()).toBe(1);
    expect(h.manager.readiness.get('c1')).toBe('failure');
  });

  it('sets liveness to Success and stops when the pod is being deleted', async () => {
    const f = fixture();
    const p = pod({ name: 'app', livenessProbe: probe({ periodSeconds: 1 }) });
    f.running('u1', 'app', 'c1', { started: true });
    f.answer('app', 'liveness', 'failure', 'failure');
    f.manager.addPod(p);
    await f.seconds(0);
    f.manager.addPod({ ...p, metadata: { ...p.metadata, deletionTimestamp: iso(t0) } });
    await f.seconds(5);
    expect(f.calls).toEqual(['app/liveness@0']);
    expect(f.manager.workerCount()).toBe(0);
  });

  it('stops liveness and startup at termination, everything on removal and cleanup', async () => {
    const f = fixture();
    const p = pod({
      name: 'app',
      livenessProbe: probe(),
      readinessProbe: probe(),
      startupProbe: probe(),
    });
    f.manager.addPod(p);
    f.manager.addPod(p);
    expect(f.manager.workerCount()).toBe(3);
    f.manager.stopLivenessAndStartup(p);
    await f.seconds(0);
    expect(f.manager.workerCount()).toBe(1);
    f.manager.removePod(p);
    await f.seconds(0);
    expect(f.manager.workerCount()).toBe(0);
    f.manager.addPod(p);
    f.manager.cleanupPods(new Set(['u1']));
    await f.seconds(0);
    expect(f.manager.workerCount()).toBe(3);
    f.manager.cleanupPods(new Set());
    await f.seconds(0);
    expect(f.manager.workerCount()).toBe(0);
  });

  it('probes sidecars (restartable init containers) too', () => {
    const f = fixture();
    const p: Pod = {
      metadata: { name: 'web', namespace: 'default', uid: 'u1' },
      spec: {
        initContainers: [
          { name: 'side', restartPolicy: 'Always', readinessProbe: probe() },
          { name: 'init', readinessProbe: probe() },
        ],
        containers: [{ name: 'app' }],
      },
    };
    f.manager.addPod(p);
    expect(f.manager.workerCount()).toBe(1);
  });

  it('spreads the first probe over one period right after the kubelet started', async () => {
    const f = fixture(0.5);
    f.running('u1', 'app', 'c1', { started: true });
    f.manager.addPod(pod({ name: 'app', readinessProbe: probe({ periodSeconds: 10 }) }));
    await f.seconds(4);
    expect(f.calls).toEqual([]);
    await f.seconds(1);
    expect(f.calls).toEqual(['app/readiness@5']);
  });
});

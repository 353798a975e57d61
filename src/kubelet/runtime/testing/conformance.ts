/**
 * The runtime conformance suite: the contract in ../types.ts, as tests that every ContainerRuntime
 * passes (FakeRuntime in unit tests, RuncRuntime as root in e2e). A caller registers it inside its
 * own test file with a harness factory:
 *
 *   describe('FakeRuntime', () => { runtimeConformance(() => fakeHarness()); });
 *
 * The suite speaks of workloads ("exit with 3", "sleep and ignore SIGTERM"), which the harness
 * turns into container arguments its runtime understands (busybox shell scripts for runc, scripted
 * behaviours for the fake), and of waiting, which the harness maps onto real time or a fake clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  RuntimeError,
  type ContainerConfig,
  type ContainerEvent,
  type ContainerRuntime,
  type ContainerStatus,
  type PodSandboxConfig,
} from '../types.ts';

/** What a container of the suite does. */
export type ConformanceWorkload =
  /** Exits at once with this code. */
  | { readonly kind: 'exit'; readonly code: number }
  /** Runs until signalled; exits with 0 on SIGTERM (as a well-behaved server does). */
  | { readonly kind: 'serve' }
  /** Runs until SIGKILL: the stop signal is ignored. */
  | { readonly kind: 'ignore-term' }
  /** Runs for about `ms` milliseconds, then exits with `code`. */
  | { readonly kind: 'exit-after'; readonly ms: number; readonly code: number };

export interface RuntimeHarness {
  readonly runtime: ContainerRuntime;
  /**
   * Simulates an agent restart: closes `runtime` (not its containers) and returns a new instance
   * over the same state. The suite uses the returned instance from then on.
   */
  reopen(runtime: ContainerRuntime): Promise<ContainerRuntime>;
  /** Container fields for a workload: args, image id and reference. */
  workload(w: ConformanceWorkload): Pick<ContainerConfig, 'args' | 'imageId' | 'imageRef'>;
  /** The cgroup parent for a new pod (the real runtime needs one that exists). */
  cgroupParent(podUid: string): Promise<string>;
  /** Where the container's CRI log goes. */
  logPath(podUid: string, name: string): string;
  /**
   * Resolves once the `serve` or `ignore-term` workload of this container runs its own code, so
   * that it treats SIGTERM as its kind says. Before that a real runtime's init (runc's is a Go
   * program) may die of the signal, and a shell as PID 1 ignores a TERM that comes before it has
   * set its trap. Omitted: at once.
   */
  ready?(podUid: string, name: string): Promise<void>;
  /** Lets time pass: real sleeps, or steps of a fake clock. */
  wait(ms: number): Promise<void>;
  /** Milliseconds on the runtime's clock. */
  now(): number;
  /** Called after every sandbox was removed and the runtime closed. */
  cleanup(): Promise<void>;
}

export interface ConformanceOptions {
  /** Upper bound for waits for things that happen "at once" (an exit, an event); default 10 s. */
  readonly patienceMs?: number;
}

let seq = 0;

function sandboxConfig(
  cgroupParent: string,
  overrides: Partial<PodSandboxConfig> = {},
): PodSandboxConfig {
  seq += 1;
  const podUid = overrides.podUid ?? `0000conf-0000-4000-8000-${String(seq).padStart(12, '0')}`;
  return {
    podUid,
    podName: `conformance-${seq}`,
    podNamespace: 'default',
    attempt: 0,
    hostname: `conformance-${seq}`,
    hostNetwork: false,
    hostPID: false,
    hostIPC: false,
    cgroupParent,
    portMappings: [],
    dns: { servers: ['10.96.0.10'], searches: ['default.svc.cluster.local'], options: ['ndots:5'] },
    hostAliases: [],
    labels: { 'io.kubernetes.pod.uid': podUid },
    annotations: {},
    ...overrides,
  };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the operation to fail, but it succeeded');
}

export function runtimeConformance(
  makeHarness: () => Promise<RuntimeHarness>,
  opts: ConformanceOptions = {},
): void {
  const patience = opts.patienceMs ?? 10_000;
  let h: RuntimeHarness;
  let rt: ContainerRuntime;

  beforeEach(async () => {
    h = await makeHarness();
    rt = h.runtime;
  });

  afterEach(async () => {
    try {
      for (const sb of await rt.listPodSandboxes()) await rt.removePodSandbox(sb.id);
      // Containers whose sandbox a test removed by hand (none should be left, but be sure).
      for (const c of await rt.listContainers()) await rt.removeContainer(c.id);
    } finally {
      await rt.close();
      await h.cleanup();
    }
  });

  /** Waits on the harness's time until `cond` holds. */
  async function until<T>(
    probe: () => Promise<T | undefined> | T | undefined,
    what: string,
  ): Promise<T> {
    const start = h.now();
    let waited = 0;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      // Both the clock and the wall clock bound the wait: a fake clock only moves when stepped.
      if (h.now() - start > patience || waited > patience) {
        throw new Error(`timed out waiting for ${what}`);
      }
      await h.wait(10);
      waited += 10;
    }
  }

  async function statusOf(id: string): Promise<ContainerStatus> {
    const s = await rt.containerStatus(id);
    if (!s) throw new Error(`container ${id} has no status`);
    return s;
  }

  async function exited(id: string): Promise<ContainerStatus> {
    return until(async () => {
      const s = await statusOf(id);
      return s.state === 'exited' ? s : undefined;
    }, `container ${id} to exit`);
  }

  async function newSandbox(overrides: Partial<PodSandboxConfig> = {}): Promise<{
    id: string;
    config: PodSandboxConfig;
  }> {
    seq += 1;
    const podUid = overrides.podUid ?? `0000conf-0000-4000-8000-${String(seq).padStart(12, '0')}`;
    const config = sandboxConfig(await h.cgroupParent(podUid), { ...overrides, podUid });
    const id = await rt.runPodSandbox(config);
    return { id, config };
  }

  function containerConfig(
    sandbox: PodSandboxConfig,
    name: string,
    w: ConformanceWorkload,
    extra: Partial<ContainerConfig> = {},
  ): ContainerConfig {
    return {
      name,
      attempt: 0,
      ...h.workload(w),
      env: [
        { name: 'PATH', value: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
      ],
      workingDir: '/',
      mounts: [],
      logPath: h.logPath(sandbox.podUid, name),
      stdin: false,
      stdinOnce: false,
      tty: false,
      resources: { cpuShares: 2, cpuPeriod: 100_000, oomScoreAdj: 1000 },
      security: {
        privileged: false,
        runAsUser: 0,
        runAsGroup: 0,
        supplementalGroups: [],
        capabilitiesAdd: [],
        capabilitiesDrop: [],
        readOnlyRootfs: false,
        noNewPrivileges: false,
      },
      stopSignal: 'SIGTERM',
      labels: { 'io.kubernetes.container.name': name, 'io.kubernetes.pod.uid': sandbox.podUid },
      annotations: { 'io.kubernetes.container.restartCount': '0' },
      ...extra,
    };
  }

  async function runContainer(
    sandbox: { id: string; config: PodSandboxConfig },
    name: string,
    w: ConformanceWorkload,
  ): Promise<string> {
    const id = await rt.createContainer(sandbox.id, containerConfig(sandbox.config, name, w));
    await rt.startContainer(id);
    return id;
  }

  function collect(runtime: ContainerRuntime): { events: ContainerEvent[]; stop: () => void } {
    const events: ContainerEvent[] = [];
    const stop = runtime.subscribe((e) => events.push(e));
    return { events, stop };
  }

  describe('runtime conformance', () => {
    it('reports its name and version', async () => {
      const v = await rt.version();
      expect(v.name).not.toBe('');
      expect(v.version).not.toBe('');
    });

    describe('pod sandboxes', () => {
      it('runs a sandbox that is ready, listed and has a pod IP and its files', async () => {
        const before = h.now();
        const { id, config } = await newSandbox();
        expect(id).toMatch(/^[0-9a-f]{64}$/);
        const s = await rt.podSandboxStatus(id);
        expect(s).toBeDefined();
        expect(s?.state).toBe('ready');
        expect(s?.config).toEqual(config);
        expect(s?.ips.length).toBeGreaterThan(0);
        expect(s?.createdAt).toBeGreaterThanOrEqual(before - 1000);
        expect(s?.hostsPath).not.toBe('');
        expect(s?.resolvConfPath).not.toBe('');
        expect(s?.hostnamePath).not.toBe('');
        expect((await rt.listPodSandboxes()).map((x) => x.id)).toContain(id);
        expect((await rt.listPodSandboxes({ podUid: config.podUid })).map((x) => x.id)).toEqual([
          id,
        ]);
        expect(await rt.listPodSandboxes({ podUid: 'another-pod' })).toEqual([]);
      });

      it('starts a sandbox whose network comes up while a container is created in it, and starts the container after', async () => {
        seq += 1;
        const podUid = `0000conf-0000-4000-8000-${String(seq).padStart(12, '0')}`;
        const config = sandboxConfig(await h.cgroupParent(podUid), { podUid });
        const { id, network } = await rt.startPodSandbox(config);
        const cid = await rt.createContainer(
          id,
          containerConfig(config, 'early', { kind: 'serve' }),
        );
        // Starting waits for the network; once started, the sandbox has its IP.
        await rt.startContainer(cid);
        await network;
        expect((await rt.podSandboxStatus(id))?.ips.length).toBeGreaterThan(0);
        expect((await statusOf(cid)).state).toBe('running');
        await rt.removePodSandbox(id);
        expect(await rt.podSandboxStatus(id)).toBeUndefined();
        expect(await rt.containerStatus(cid)).toBeUndefined();
      });

      it('gives a hostNetwork sandbox no pod IP of its own', async () => {
        const { id } = await newSandbox({ hostNetwork: true });
        const s = await rt.podSandboxStatus(id);
        expect(s?.state).toBe('ready');
        expect(s?.ips).toEqual([]);
      });

      it('stops (notready) and removes a sandbox, both idempotently', async () => {
        const { id } = await newSandbox();
        await rt.stopPodSandbox(id);
        expect((await rt.podSandboxStatus(id))?.state).toBe('notready');
        await rt.stopPodSandbox(id);
        expect((await rt.podSandboxStatus(id))?.state).toBe('notready');
        await rt.removePodSandbox(id);
        expect(await rt.podSandboxStatus(id)).toBeUndefined();
        expect((await rt.listPodSandboxes()).map((x) => x.id)).not.toContain(id);
        await rt.removePodSandbox(id);
        await rt.stopPodSandbox(id);
      });

      it('treats stopping and removing an unknown sandbox as done', async () => {
        const unknown = 'f'.repeat(64);
        await rt.stopPodSandbox(unknown);
        await rt.removePodSandbox(unknown);
        expect(await rt.podSandboxStatus(unknown)).toBeUndefined();
      });

      it('stopping a sandbox stops its containers; removing it removes them', async () => {
        const sb = await newSandbox();
        const c = await runContainer(sb, 'app', { kind: 'ignore-term' });
        expect((await statusOf(c)).state).toBe('running');
        await rt.stopPodSandbox(sb.id);
        expect((await statusOf(c)).state).toBe('exited');
        await rt.removePodSandbox(sb.id);
        expect(await rt.containerStatus(c)).toBeUndefined();
        expect(await rt.listContainers({ sandboxId: sb.id })).toEqual([]);
      });
    });

    describe('containers', () => {
      it('refuses to create a container in a sandbox that does not exist', async () => {
        const sb = await newSandbox();
        const cfg = containerConfig(sb.config, 'app', { kind: 'exit', code: 0 });
        const err = await rejection(rt.createContainer('e'.repeat(64), cfg));
        expect(err).toBeInstanceOf(RuntimeError);
        expect(await rt.listContainers()).toEqual([]);
      });

      it('creates a container in state created, with its config echoed in its status', async () => {
        const sb = await newSandbox();
        const cfg = containerConfig(sb.config, 'app', { kind: 'exit', code: 0 }, { attempt: 2 });
        const id = await rt.createContainer(sb.id, cfg);
        expect(id).toMatch(/^[0-9a-f]{64}$/);
        const s = await statusOf(id);
        expect(s).toMatchObject({
          id,
          sandboxId: sb.id,
          podUid: sb.config.podUid,
          name: 'app',
          attempt: 2,
          state: 'created',
          startedAt: 0,
          finishedAt: 0,
          imageRef: cfg.imageRef,
          imageId: cfg.imageId,
          logPath: cfg.logPath,
          labels: cfg.labels,
          annotations: cfg.annotations,
        });
        expect(s.createdAt).toBeGreaterThan(0);
      });

      it('runs a container to exit code 0 with reason Completed', async () => {
        const sb = await newSandbox();
        const id = await runContainer(sb, 'ok', { kind: 'exit', code: 0 });
        const s = await exited(id);
        expect(s.exitCode).toBe(0);
        expect(s.reason).toBe('Completed');
        expect(s.startedAt).toBeGreaterThan(0);
        expect(s.finishedAt).toBeGreaterThanOrEqual(s.startedAt);
      });

      it('reports a non-zero exit code with reason Error', async () => {
        const sb = await newSandbox();
        const id = await runContainer(sb, 'fail', { kind: 'exit', code: 3 });
        const s = await exited(id);
        expect(s.exitCode).toBe(3);
        expect(s.reason).toBe('Error');
      });

      it('refuses to start a container that is not in state created', async () => {
        const sb = await newSandbox();
        const id = await runContainer(sb, 'app', { kind: 'serve' });
        expect(await rejection(rt.startContainer(id))).toBeInstanceOf(RuntimeError);
        expect(await rejection(rt.startContainer('d'.repeat(64)))).toBeInstanceOf(RuntimeError);
      });

      it("creates a container in a running target container's PID namespace, and refuses other targets", async () => {
        const sb = await newSandbox();
        const other = await newSandbox();
        const target = await runContainer(sb, 'app', { kind: 'serve' });
        const elsewhere = await runContainer(other, 'app', { kind: 'serve' });
        const done = await runContainer(sb, 'done', { kind: 'exit', code: 0 });
        await exited(done);
        const debug = (targetContainerId: string): ContainerConfig => ({
          ...containerConfig(sb.config, 'debug', { kind: 'serve' }),
          targetContainerId,
        });
        for (const bad of [elsewhere, done, 'f'.repeat(64)]) {
          expect(await rejection(rt.createContainer(sb.id, debug(bad)))).toBeInstanceOf(
            RuntimeError,
          );
        }
        const id = await rt.createContainer(sb.id, debug(target));
        await rt.startContainer(id);
        expect((await statusOf(id)).state).toBe('running');
        await rt.stopContainer(id, 1);
        expect((await statusOf(id)).state).toBe('exited');
      });

      it('reopens the log of a running container only', async () => {
        const sb = await newSandbox();
        const running = await runContainer(sb, 'app', { kind: 'serve' });
        const done = await runContainer(sb, 'done', { kind: 'exit', code: 0 });
        await exited(done);
        await rt.reopenContainerLog(running);
        for (const id of [done, 'e'.repeat(64)]) {
          expect(await rejection(rt.reopenContainerLog(id))).toBeInstanceOf(RuntimeError);
        }
      });

      it('lists containers by sandbox and by pod uid', async () => {
        const a = await newSandbox();
        const b = await newSandbox();
        const ca = await runContainer(a, 'a', { kind: 'serve' });
        const cb = await runContainer(b, 'b', { kind: 'serve' });
        expect((await rt.listContainers()).map((c) => c.id).sort()).toEqual([ca, cb].sort());
        expect((await rt.listContainers({ sandboxId: a.id })).map((c) => c.id)).toEqual([ca]);
        expect((await rt.listContainers({ podUid: b.config.podUid })).map((c) => c.id)).toEqual([
          cb,
        ]);
      });

      it('stops a running container with its stop signal and is idempotent', async () => {
        const sb = await newSandbox();
        const id = await runContainer(sb, 'app', { kind: 'serve' });
        await until(
          async () => ((await statusOf(id)).state === 'running' ? true : undefined),
          'running',
        );
        await h.ready?.(sb.config.podUid, 'app');
        await rt.stopContainer(id, 30);
        const s = await statusOf(id);
        expect(s.state).toBe('exited');
        expect(s.finishedAt).toBeGreaterThan(0);
        await rt.stopContainer(id, 30);
        expect((await statusOf(id)).state).toBe('exited');
        await rt.stopContainer('c'.repeat(64), 30);
      });

      it('escalates to SIGKILL when the stop signal is ignored for the timeout', async () => {
        const sb = await newSandbox();
        const id = await runContainer(sb, 'stubborn', { kind: 'ignore-term' });
        await h.ready?.(sb.config.podUid, 'stubborn');
        const start = h.now();
        let done = false;
        const stopping = rt.stopContainer(id, 1).finally(() => {
          done = true;
        });
        await until(() => (done ? true : undefined), 'stopContainer to return');
        await stopping;
        const elapsed = h.now() - start;
        expect(elapsed).toBeGreaterThanOrEqual(1000);
        const s = await statusOf(id);
        expect(s.state).toBe('exited');
        expect(s.exitCode).toBe(137);
        expect(s.reason).toBe('Error');
      });

      it('removes exited and running containers, idempotently', async () => {
        const sb = await newSandbox();
        const done = await runContainer(sb, 'done', { kind: 'exit', code: 0 });
        await exited(done);
        await rt.removeContainer(done);
        expect(await rt.containerStatus(done)).toBeUndefined();
        await rt.removeContainer(done);
        // CRI: removing a running container removes it forcibly.
        const running = await runContainer(sb, 'running', { kind: 'ignore-term' });
        await rt.removeContainer(running);
        expect(await rt.containerStatus(running)).toBeUndefined();
        expect(await rt.listContainers({ sandboxId: sb.id })).toEqual([]);
      });

      it('reports started and exited events', async () => {
        const { events, stop } = collect(rt);
        try {
          const sb = await newSandbox();
          const id = await runContainer(sb, 'ev', { kind: 'exit', code: 0 });
          await until(
            () =>
              events.some((e) => e.type === 'exited' && e.containerId === id) ? true : undefined,
            'the exited event',
          );
          const mine = events.filter((e) => e.containerId === id);
          expect(mine.map((e) => e.type)).toEqual(['started', 'exited']);
          for (const e of mine) {
            expect(e.sandboxId).toBe(sb.id);
            expect(e.podUid).toBe(sb.config.podUid);
          }
        } finally {
          stop();
        }
      });

      it('stops notifying a listener after it unsubscribes', async () => {
        const { events, stop } = collect(rt);
        stop();
        const sb = await newSandbox();
        const id = await runContainer(sb, 'quiet', { kind: 'exit', code: 0 });
        await exited(id);
        await h.wait(50);
        expect(events).toEqual([]);
      });
    });

    describe('restart of the agent', () => {
      it('a new instance adopts sandboxes and containers with unchanged ids and states', async () => {
        const sb = await newSandbox();
        const running = await runContainer(sb, 'running', { kind: 'serve' });
        const done = await runContainer(sb, 'done', { kind: 'exit', code: 7 });
        const created = await rt.createContainer(
          sb.id,
          containerConfig(sb.config, 'created', { kind: 'exit', code: 0 }),
        );
        await exited(done);
        const before = await statusOf(running);

        rt = await h.reopen(rt);

        const sandboxes = await rt.listPodSandboxes();
        expect(sandboxes.map((s) => s.id)).toEqual([sb.id]);
        expect(sandboxes[0]?.state).toBe('ready');
        expect(sandboxes[0]?.config).toEqual(sb.config);
        const byId = new Map((await rt.listContainers()).map((c) => [c.id, c]));
        expect([...byId.keys()].sort()).toEqual([running, done, created].sort());
        expect(byId.get(running)).toMatchObject({
          state: 'running',
          startedAt: before.startedAt,
          labels: before.labels,
          annotations: before.annotations,
        });
        expect(byId.get(done)).toMatchObject({ state: 'exited', exitCode: 7, reason: 'Error' });
        expect(byId.get(created)?.state).toBe('created');
      });

      it('the new instance reports the exit of an adopted container and can stop it', async () => {
        const sb = await newSandbox();
        const id = await runContainer(sb, 'adopted', { kind: 'serve' });
        await h.ready?.(sb.config.podUid, 'adopted');
        rt = await h.reopen(rt);
        const { events, stop } = collect(rt);
        try {
          await rt.stopContainer(id, 30);
          expect((await statusOf(id)).state).toBe('exited');
          await until(
            () =>
              events.some((e) => e.type === 'exited' && e.containerId === id) ? true : undefined,
            'the exited event of the adopted container',
          );
        } finally {
          stop();
        }
      });

      it('a container that exits while no agent runs is reported exited afterwards', async () => {
        const sb = await newSandbox();
        const id = await runContainer(sb, 'later', { kind: 'exit-after', ms: 300, code: 4 });
        await rt.close();
        // Well past its exit, with no runtime instance listening.
        await h.wait(1500);
        rt = await h.reopen(rt);
        const s = await statusOf(id);
        expect(s).toMatchObject({ state: 'exited', exitCode: 4, reason: 'Error' });
        expect(s.finishedAt).toBeGreaterThan(s.startedAt);
      });
    });
  });
}

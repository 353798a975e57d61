import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../util/index.ts';
import { FakeImageService, fakeImageRecord } from '../images/index.ts';
import { FakeNetwork } from '../network/index.ts';
import { FakeRuntime, type FakeContainerBehavior } from './fake-runtime.ts';
import { runtimeConformance, type ConformanceWorkload } from './testing/index.ts';
import {
  ExecSyncTimeoutError,
  RuntimeError,
  type ContainerConfig,
  type PodSandboxConfig,
} from './types.ts';

/** The fake's reading of the suite's workloads: args `fake <kind> [code] [ms]`. */
function fakeBehavior(config: ContainerConfig): FakeContainerBehavior {
  const [, kind, code, ms] = config.args;
  switch (kind ?? '') {
    case 'exit':
      return { exitAfterMs: 0, exitCode: Number(code) };
    case 'exit-after':
      return { exitAfterMs: Number(ms), exitCode: Number(code) };
    case 'serve':
      return { stopExitCode: 0 };
    case 'ignore-term':
      return { ignoreStopSignal: true };
    default:
      return {};
  }
}

function workloadArgs(w: ConformanceWorkload): string[] {
  switch (w.kind) {
    case 'exit':
      return ['fake', 'exit', String(w.code)];
    case 'exit-after':
      return ['fake', 'exit-after', String(w.code), String(w.ms)];
    case 'serve':
    case 'ignore-term':
      return ['fake', w.kind];
  }
}

const busybox = fakeImageRecord('busybox');

describe('FakeRuntime', () => {
  runtimeConformance(() => {
    const clock = new FakeClock();
    const images = new FakeImageService({ images: [busybox] });
    const network = new FakeNetwork();
    const make = (state?: FakeRuntime['state']): FakeRuntime =>
      new FakeRuntime({
        clock,
        images,
        network,
        behavior: fakeBehavior,
        ...(state ? { state } : {}),
      });
    return Promise.resolve({
      runtime: make(),
      async reopen(old) {
        await old.close();
        return make((old as FakeRuntime).state);
      },
      workload: (w) => ({
        args: workloadArgs(w),
        imageId: busybox.id,
        imageRef: 'busybox',
      }),
      cgroupParent: (uid) => Promise.resolve(`/podbay/besteffort/pod${uid}`),
      logPath: (uid, name) => `/fake/logs/${uid}/${name}/0.log`,
      wait: (ms) => clock.step(ms),
      now: () => clock.now(),
      cleanup: () => {
        expect(images.mounts.size).toBe(0);
        expect(network.attachments().size).toBe(0);
        return Promise.resolve();
      },
    });
  });

  describe('test hooks', () => {
    const sandbox: PodSandboxConfig = {
      podUid: 'uid-1',
      podName: 'web',
      podNamespace: 'default',
      attempt: 0,
      hostname: 'web',
      hostNetwork: false,
      hostPID: false,
      hostIPC: false,
      cgroupParent: '/podbay/besteffort/poduid-1',
      portMappings: [],
      hostAliases: [],
      labels: {},
      annotations: {},
    };
    const container = (name: string): ContainerConfig => ({
      name,
      attempt: 0,
      imageId: busybox.id,
      imageRef: 'busybox',
      args: ['sh'],
      env: [],
      workingDir: '/',
      mounts: [],
      logPath: `/fake/${name}.log`,
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
      labels: {},
      annotations: {},
    });

    it('exitContainer ends a container with a code, or as OOMKilled', async () => {
      const rt = new FakeRuntime({ clock: new FakeClock() });
      const sb = await rt.runPodSandbox(sandbox);
      const a = await rt.createContainer(sb, container('a'));
      const b = await rt.createContainer(sb, container('b'));
      await rt.startContainer(a);
      await rt.startContainer(b);
      const events: string[] = [];
      rt.subscribe((e) => events.push(`${e.type} ${e.containerId}`));
      rt.exitContainer(a, 2);
      rt.exitContainer(b, 137, { oomKilled: true });
      expect(await rt.containerStatus(a)).toMatchObject({ exitCode: 2, reason: 'Error' });
      expect(await rt.containerStatus(b)).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
      await Promise.resolve();
      expect(events).toEqual([`exited ${a}`, `exited ${b}`]);
    });

    it('failNext makes the next call fail with the message and changes nothing', async () => {
      const rt = new FakeRuntime({ clock: new FakeClock() });
      rt.failNext('runPodSandbox', 'no space left on device');
      await expect(rt.runPodSandbox(sandbox)).rejects.toThrow(
        new RuntimeError('no space left on device'),
      );
      expect(rt.state.sandboxCount).toBe(0);
      const sb = await rt.runPodSandbox(sandbox);
      rt.failNext('createContainer', 'boom');
      await expect(rt.createContainer(sb, container('a'))).rejects.toBeInstanceOf(RuntimeError);
      const id = await rt.createContainer(sb, container('a'));
      rt.failNext('startContainer', 'exec: "nope": executable file not found in $PATH');
      await expect(rt.startContainer(id)).rejects.toThrow('executable file not found');
      expect((await rt.containerStatus(id))?.state).toBe('created');
      await rt.startContainer(id);
      expect((await rt.containerStatus(id))?.state).toBe('running');
    });

    it('behavior can fail creation, and scripted OOM kills report OOMKilled', async () => {
      const clock = new FakeClock();
      const rt = new FakeRuntime({
        clock,
        behavior: (c) =>
          c.name === 'bad'
            ? { createError: 'mount denied' }
            : { exitAfterMs: 500, oomKilled: true },
      });
      const sb = await rt.runPodSandbox(sandbox);
      await expect(rt.createContainer(sb, container('bad'))).rejects.toThrow('mount denied');
      const id = await rt.createContainer(sb, container('hog'));
      await rt.startContainer(id);
      await clock.step(499);
      expect((await rt.containerStatus(id))?.state).toBe('running');
      await clock.step(1);
      expect(await rt.containerStatus(id)).toMatchObject({
        state: 'exited',
        exitCode: 137,
        reason: 'OOMKilled',
      });
    });

    it('refuses containers for images the image service does not know', async () => {
      const rt = new FakeRuntime({ clock: new FakeClock(), images: new FakeImageService() });
      const sb = await rt.runPodSandbox(sandbox);
      await expect(rt.createContainer(sb, container('a'))).rejects.toBeInstanceOf(RuntimeError);
      expect(rt.state.containerCount).toBe(0);
    });

    it('execSync runs the handler in running containers, with timeouts on the clock', async () => {
      const clock = new FakeClock();
      const rt = new FakeRuntime({
        clock,
        exec: (c, cmd) => ({
          exitCode: cmd[0] === 'fail' ? 1 : 0,
          stdout: Buffer.from(`${c.name}:${cmd.join(' ')}`),
          stderr: Buffer.alloc(0),
        }),
      });
      const sb = await rt.runPodSandbox(sandbox);
      const id = await rt.createContainer(sb, container('app'));
      await expect(rt.execSync(id, ['true'], 1)).rejects.toThrow(/not running/);
      await rt.startContainer(id);
      const ok = await rt.execSync(id, ['cat', '/ready'], 1);
      expect(ok.exitCode).toBe(0);
      expect(ok.stdout.toString()).toBe('app:cat /ready');
      expect((await rt.execSync(id, ['fail'], 0)).exitCode).toBe(1);
      rt.execHandler = () => new Promise(() => undefined);
      const hanging = rt.execSync(id, ['sleep', '5'], 2);
      const caught = hanging.catch((e: unknown) => e);
      await clock.step(2000);
      const err = await caught;
      expect(err).toBeInstanceOf(ExecSyncTimeoutError);
      expect((err as Error).message).toBe('command "sleep 5" timed out');
      await expect(rt.execSync('x'.repeat(64), ['true'], 1)).rejects.toBeInstanceOf(RuntimeError);
    });

    it('a failed network set-up leaves no sandbox and no attachment', async () => {
      const network = new FakeNetwork();
      network.failNext('setUp', 'failed to allocate for range 0');
      const rt = new FakeRuntime({ clock: new FakeClock(), network });
      await expect(rt.runPodSandbox(sandbox)).rejects.toThrow('failed to allocate for range 0');
      expect(rt.state.sandboxCount).toBe(0);
      expect(network.attachments().size).toBe(0);
    });
  });
});

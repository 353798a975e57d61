import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, silentLogger } from '../util/index.ts';
import { GenericPLEG, type PodLifecycleEvent } from './pleg.ts';
import { FakeRuntime, type PodSandboxConfig } from './runtime/index.ts';

const sandboxConfig: PodSandboxConfig = {
  podUid: 'uid-1',
  podName: 'p',
  podNamespace: 'ns',
  attempt: 0,
  hostname: 'p',
  hostNetwork: false,
  hostPID: false,
  hostIPC: false,
  cgroupParent: '',
  portMappings: [],
  hostAliases: [],
  labels: {},
  annotations: {},
};

const containerConfig = {
  name: 'app',
  attempt: 0,
  imageId: 'sha256:x',
  imageRef: 'busybox',
  args: ['sleep', '1'],
  env: [],
  workingDir: '/',
  mounts: [],
  logPath: '/tmp/x.log',
  stdin: false,
  stdinOnce: false,
  tty: false,
  resources: { cpuShares: 2, cpuPeriod: 100000, oomScoreAdj: 1000 },
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
};

let pleg: GenericPLEG | undefined;
afterEach(() => {
  pleg?.stop();
});

const settle = () => new Promise((r) => setTimeout(r, 5));

describe('GenericPLEG', () => {
  it('turns runtime changes into pod lifecycle events, at once on runtime events', async () => {
    const clock = new FakeClock();
    const runtime = new FakeRuntime({ clock });
    const events: PodLifecycleEvent[] = [];
    const sb = await runtime.runPodSandbox(sandboxConfig);
    pleg = new GenericPLEG({
      runtime,
      clock,
      logger: silentLogger,
      onEvent: (e) => events.push(e),
    });
    await pleg.start();
    // The first relist only records what exists.
    expect(events).toEqual([]);

    const id = await runtime.createContainer(sb, containerConfig);
    await runtime.startContainer(id);
    await settle();
    expect(events).toEqual([{ podUid: 'uid-1', type: 'ContainerStarted', id }]);

    // An exit is noticed without waiting for the periodic relist.
    runtime.exitContainer(id, 1);
    await settle();
    expect(events.at(-1)).toEqual({ podUid: 'uid-1', type: 'ContainerDied', id });

    await runtime.removeContainer(id);
    await clock.step(1000);
    await settle();
    expect(events.at(-1)).toEqual({ podUid: 'uid-1', type: 'ContainerRemoved', id });

    await runtime.stopPodSandbox(sb);
    await clock.step(1000);
    await settle();
    expect(events.at(-1)).toEqual({ podUid: 'uid-1', type: 'ContainerDied', id: sb });
  });

  it('relists every second even without runtime events', async () => {
    const clock = new FakeClock();
    const runtime = new FakeRuntime({ clock });
    pleg = new GenericPLEG({ runtime, clock, logger: silentLogger, onEvent: () => undefined });
    await pleg.start();
    const first = pleg.lastRelistTime();
    await clock.step(1000);
    await settle();
    expect(pleg.lastRelistTime()).toBeGreaterThan(first);
  });
});

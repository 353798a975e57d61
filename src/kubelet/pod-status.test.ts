import { describe, expect, it } from 'vitest';
import {
  metaTime,
  type Container,
  type ContainerStatus,
  type Pod,
  type PodStatus,
} from '../api/index.ts';
import {
  generateAPIPodStatus,
  generateContainersReadyCondition,
  generatePodInitializedCondition,
  getPhase,
  normalizeStatus,
} from './pod-status.ts';
import { podRuntimeStatus, type KubeContainerStatus } from './runtime-status.ts';
import type { PodSandboxStatus } from './runtime/types.ts';

const T0 = Date.UTC(2026, 0, 1);

function pod(spec: Partial<NonNullable<Pod['spec']>> = {}, status?: PodStatus): Pod {
  return {
    metadata: { name: 'p', namespace: 'ns', uid: 'uid-1' },
    spec: { containers: [{ name: 'app', image: 'busybox' }], ...spec },
    ...(status ? { status } : {}),
  };
}

const running = (name: string, extra: Partial<ContainerStatus> = {}): ContainerStatus => ({
  name,
  state: { running: { startedAt: '2026-01-01T00:00:00Z' } },
  ready: true,
  restartCount: 0,
  image: 'busybox',
  imageID: '',
  started: true,
  ...extra,
});
const terminated = (name: string, exitCode: number): ContainerStatus => ({
  name,
  state: { terminated: { exitCode } },
  ready: false,
  restartCount: 0,
  image: 'busybox',
  imageID: '',
});
const waiting = (name: string, lastExit?: number): ContainerStatus => ({
  name,
  state: { waiting: { reason: 'ContainerCreating' } },
  ...(lastExit !== undefined ? { lastState: { terminated: { exitCode: lastExit } } } : {}),
  ready: false,
  restartCount: 0,
  image: 'busybox',
  imageID: '',
});

const two = { containers: [{ name: 'a' }, { name: 'b' }] as Container[] };
const inits = {
  initContainers: [{ name: 'i1' }, { name: 'i2' }] as Container[],
  containers: [{ name: 'app' }] as Container[],
};
const sidecar = {
  initContainers: [{ name: 'side', restartPolicy: 'Always' }] as Container[],
  containers: [{ name: 'app' }] as Container[],
};

describe('getPhase', () => {
  const cases: [string, Pod, ContainerStatus[], boolean, string][] = [
    ['no statuses yet', pod(two), [], false, 'Pending'],
    ['one waiting', pod(two), [running('a'), waiting('b')], false, 'Pending'],
    ['all running', pod(two), [running('a'), running('b')], false, 'Running'],
    ['one running, one exited', pod(two), [running('a'), terminated('b', 1)], false, 'Running'],
    ['Always, all exited', pod(two), [terminated('a', 0), terminated('b', 0)], false, 'Running'],
    [
      'Always, restarting (waiting after a termination)',
      pod(two),
      [waiting('a', 1), terminated('b', 0)],
      false,
      'Running',
    ],
    [
      'OnFailure, all succeeded',
      pod({ ...two, restartPolicy: 'OnFailure' }),
      [terminated('a', 0), terminated('b', 0)],
      false,
      'Succeeded',
    ],
    [
      'OnFailure, one failed',
      pod({ ...two, restartPolicy: 'OnFailure' }),
      [terminated('a', 0), terminated('b', 1)],
      false,
      'Running',
    ],
    [
      'Never, one failed',
      pod({ ...two, restartPolicy: 'Never' }),
      [terminated('a', 0), terminated('b', 1)],
      false,
      'Failed',
    ],
    [
      'Never, all succeeded',
      pod({ ...two, restartPolicy: 'Never' }),
      [terminated('a', 0), terminated('b', 0)],
      false,
      'Succeeded',
    ],
    ['terminal pod, all 0', pod(two), [terminated('a', 0), terminated('b', 0)], true, 'Succeeded'],
    [
      'terminal pod, one killed',
      pod(two),
      [terminated('a', 0), terminated('b', 137)],
      true,
      'Failed',
    ],
    ['init running', pod(inits), [running('i1'), waiting('app')], false, 'Pending'],
    [
      'init done, app running',
      pod(inits),
      [terminated('i1', 0), terminated('i2', 0), running('app')],
      false,
      'Running',
    ],
    [
      'init failed, Never',
      pod({ ...inits, restartPolicy: 'Never' }),
      [terminated('i1', 1), waiting('app')],
      false,
      'Failed',
    ],
    [
      'init failed and restarting, Always',
      pod(inits),
      [waiting('i1', 1), waiting('app')],
      false,
      'Pending',
    ],
    [
      'sidecar running, not started',
      pod(sidecar),
      [running('side', { started: false }), waiting('app')],
      false,
      'Pending',
    ],
    ['sidecar and app running', pod(sidecar), [running('side'), running('app')], false, 'Running'],
    [
      'sidecar exited, app done (Never)',
      pod({ ...sidecar, restartPolicy: 'Never' }),
      [terminated('side', 137), terminated('app', 0)],
      false,
      'Succeeded',
    ],
  ];
  it.each(cases)('%s → %s', (_n, p, statuses, terminal, want) => {
    expect(getPhase(p, statuses, terminal)).toBe(want);
  });
});

describe('conditions', () => {
  it('ContainersNotReady lists the unready containers', () => {
    expect(
      generateContainersReadyCondition(pod(two), [waiting('a'), waiting('b')], 'Pending'),
    ).toEqual({
      type: 'ContainersReady',
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [a b]',
    });
  });
  it('unknown and unready together', () => {
    expect(generateContainersReadyCondition(pod(two), [waiting('a')], 'Pending').message).toBe(
      'containers with unknown status: [b], containers with unready status: [a]',
    );
  });
  it('PodCompleted once succeeded', () => {
    expect(
      generateContainersReadyCondition(
        pod(two),
        [terminated('a', 0), terminated('b', 0)],
        'Succeeded',
      ),
    ).toEqual({ type: 'ContainersReady', status: 'False', reason: 'PodCompleted' });
  });
  it('ContainersNotInitialized while init containers run', () => {
    expect(
      generatePodInitializedCondition(pod(inits), [running('i1'), waiting('app')], 'Pending'),
    ).toEqual({
      type: 'Initialized',
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with unknown status: [i2], containers with incomplete status: [i1]',
    });
  });
  it('Initialized with no init containers', () => {
    expect(generatePodInitializedCondition(pod(), [], 'Pending')).toEqual({
      type: 'Initialized',
      status: 'True',
    });
  });
});

function sandbox(ready = true): PodSandboxStatus {
  return {
    id: 'sb',
    state: ready ? 'ready' : 'notready',
    createdAt: T0,
    ips: ['10.244.0.5'],
    hostsPath: '',
    resolvConfPath: '',
    hostnamePath: '',
    config: {
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
    },
  };
}

function kc(
  name: string,
  state: KubeContainerStatus['state'],
  extra: Partial<KubeContainerStatus> = {},
): KubeContainerStatus {
  return {
    id: `${name}-id`,
    sandboxId: 'sb',
    name,
    state,
    createdAt: T0 + 1000,
    startedAt: T0 + 1000,
    finishedAt: state === 'exited' ? T0 + 5000 : 0,
    exitCode: 0,
    reason: state === 'exited' ? 'Completed' : '',
    message: '',
    image: 'docker.io/library/busybox:latest',
    imageId: 'sha256:abc',
    restartCount: 0,
    hash: '',
    logPath: '',
    annotations: {},
    ...extra,
  };
}

describe('generateAPIPodStatus', () => {
  const convert = { runtimeName: 'runc', reasons: new Map() };

  it('a running pod', () => {
    const p = pod();
    const s = generateAPIPodStatus({
      pod: p,
      podStatus: podRuntimeStatus({
        uid: 'uid-1',
        name: 'p',
        namespace: 'ns',
        sandboxes: [sandbox()],
        containers: [kc('app', 'running')],
      }),
      oldStatus: {},
      podIsTerminal: false,
      convert,
      hostIPs: ['192.168.1.10'],
    });
    expect(s).toEqual({
      phase: 'Running',
      podIP: '10.244.0.5',
      podIPs: [{ ip: '10.244.0.5' }],
      hostIP: '192.168.1.10',
      hostIPs: [{ ip: '192.168.1.10' }],
      qosClass: 'BestEffort',
      conditions: [
        { type: 'PodReadyToStartContainers', status: 'True' },
        { type: 'Initialized', status: 'True' },
        { type: 'Ready', status: 'True' },
        { type: 'ContainersReady', status: 'True' },
        { type: 'PodScheduled', status: 'True' },
      ],
      containerStatuses: [
        {
          name: 'app',
          state: { running: { startedAt: '2026-01-01T00:00:01Z' } },
          lastState: {},
          ready: true,
          started: true,
          restartCount: 0,
          image: 'docker.io/library/busybox:latest',
          imageID: 'sha256:abc',
          containerID: 'runc://app-id',
        },
      ],
    });
  });

  it('a new pod waits in ContainerCreating', () => {
    const s = generateAPIPodStatus({
      pod: pod(),
      podStatus: podRuntimeStatus({
        uid: 'uid-1',
        name: 'p',
        namespace: 'ns',
        sandboxes: [],
        containers: [],
      }),
      oldStatus: {},
      podIsTerminal: false,
      convert,
      hostIPs: ['192.168.1.10'],
    });
    expect(s.phase).toBe('Pending');
    expect(s.containerStatuses?.[0]?.state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    expect(s.conditions?.[0]).toEqual({ type: 'PodReadyToStartContainers', status: 'False' });
    expect(s.podIP).toBeUndefined();
  });

  it('app containers wait in PodInitializing while init containers run', () => {
    const s = generateAPIPodStatus({
      pod: pod(inits),
      podStatus: podRuntimeStatus({
        uid: 'uid-1',
        name: 'p',
        namespace: 'ns',
        sandboxes: [sandbox()],
        containers: [kc('i1', 'running')],
      }),
      oldStatus: {},
      podIsTerminal: false,
      convert,
      hostIPs: [],
    });
    expect(s.phase).toBe('Pending');
    expect(s.containerStatuses?.[0]?.state).toEqual({ waiting: { reason: 'PodInitializing' } });
    expect(
      s.initContainerStatuses?.map((c) => [c.name, Object.keys(c.state ?? {})[0], c.ready]),
    ).toEqual([
      ['i1', 'running', false],
      ['i2', 'waiting', false],
    ]);
  });

  it('CrashLoopBackOff with the last termination', () => {
    const s = generateAPIPodStatus({
      pod: pod(),
      podStatus: podRuntimeStatus({
        uid: 'uid-1',
        name: 'p',
        namespace: 'ns',
        sandboxes: [sandbox()],
        containers: [kc('app', 'exited', { exitCode: 2, reason: 'Error', restartCount: 3 })],
      }),
      oldStatus: {},
      podIsTerminal: false,
      convert: {
        runtimeName: 'runc',
        reasons: new Map([
          [
            'app',
            {
              reason: 'CrashLoopBackOff',
              message: 'back-off 40s restarting failed container=app pod=p_ns(uid-1)',
            },
          ],
        ]),
      },
      hostIPs: [],
    });
    const cs = s.containerStatuses?.[0];
    expect(s.phase).toBe('Running');
    expect(cs?.state).toEqual({
      waiting: {
        reason: 'CrashLoopBackOff',
        message: 'back-off 40s restarting failed container=app pod=p_ns(uid-1)',
      },
    });
    expect(cs?.lastState?.terminated).toMatchObject({
      exitCode: 2,
      reason: 'Error',
      containerID: 'runc://app-id',
    });
    expect(cs?.restartCount).toBe(3);
  });

  it('the previous instance becomes lastState', () => {
    const s = generateAPIPodStatus({
      pod: pod(),
      podStatus: podRuntimeStatus({
        uid: 'uid-1',
        name: 'p',
        namespace: 'ns',
        sandboxes: [sandbox()],
        containers: [
          kc('app', 'exited', { id: 'old', exitCode: 1, reason: 'Error', createdAt: T0 }),
          kc('app', 'running', { id: 'new', restartCount: 1, createdAt: T0 + 9000 }),
        ],
      }),
      oldStatus: {},
      podIsTerminal: false,
      convert,
      hostIPs: [],
    });
    const cs = s.containerStatuses?.[0];
    expect(cs?.containerID).toBe('runc://new');
    expect(cs?.restartCount).toBe(1);
    expect(cs?.lastState?.terminated?.containerID).toBe('runc://old');
  });

  it('keeps a terminal phase and foreign conditions', () => {
    const s = generateAPIPodStatus({
      pod: pod(
        {},
        {
          phase: 'Succeeded',
          conditions: [{ type: 'example.com/gate', status: 'True' }],
        },
      ),
      podStatus: podRuntimeStatus({
        uid: 'uid-1',
        name: 'p',
        namespace: 'ns',
        sandboxes: [],
        containers: [],
      }),
      oldStatus: {},
      podIsTerminal: false,
      convert,
      hostIPs: [],
    });
    expect(s.phase).toBe('Succeeded');
    expect(s.conditions?.[0]).toEqual({ type: 'example.com/gate', status: 'True' });
  });

  it('keeps the pod IPs once the sandbox is gone (a completed pod)', () => {
    const s = generateAPIPodStatus({
      pod: pod({}, { phase: 'Succeeded' }),
      podStatus: podRuntimeStatus({
        uid: 'uid-1',
        name: 'p',
        namespace: 'ns',
        sandboxes: [],
        containers: [],
      }),
      oldStatus: { podIP: '10.244.0.7', podIPs: [{ ip: '10.244.0.7' }] },
      podIsTerminal: true,
      convert,
      hostIPs: [],
    });
    expect(s.podIP).toBe('10.244.0.7');
    expect(s.podIPs).toEqual([{ ip: '10.244.0.7' }]);
  });

  it('hostNetwork pods report the host IP as pod IP', () => {
    const s = generateAPIPodStatus({
      pod: pod({ hostNetwork: true }),
      podStatus: podRuntimeStatus({
        uid: 'uid-1',
        name: 'p',
        namespace: 'ns',
        sandboxes: [],
        containers: [],
      }),
      oldStatus: {},
      podIsTerminal: false,
      convert,
      hostIPs: ['192.168.1.10'],
    });
    expect(s.podIP).toBe('192.168.1.10');
  });
});

describe('generateAPIPodStatus with ephemeral containers', () => {
  const debugged = (extra: Partial<NonNullable<Pod['spec']>> = {}): Pod =>
    pod({
      ephemeralContainers: [
        { name: 'dbg', image: 'busybox', targetContainerName: 'app' },
        { name: 'dbg2', image: 'busybox' },
      ],
      ...extra,
    });
  const generate = (
    p: Pod,
    containers: KubeContainerStatus[],
    reasons = new Map<string, { reason: string; message: string }>(),
  ): PodStatus =>
    generateAPIPodStatus({
      pod: p,
      podStatus: podRuntimeStatus({
        uid: 'uid-1',
        name: 'p',
        namespace: 'ns',
        sandboxes: [sandbox()],
        containers,
      }),
      oldStatus: {},
      podIsTerminal: false,
      convert: { runtimeName: 'runc', reasons },
      hostIPs: [],
    });

  it('reports running, terminated and waiting ones, never ready, without started', () => {
    const s = generate(debugged(), [
      kc('app', 'running'),
      kc('dbg', 'exited', { exitCode: 3, reason: 'Error' }),
    ]);
    expect(s.ephemeralContainerStatuses).toEqual([
      {
        name: 'dbg',
        state: {
          terminated: {
            exitCode: 3,
            reason: 'Error',
            startedAt: '2026-01-01T00:00:01Z',
            finishedAt: '2026-01-01T00:00:05Z',
            containerID: 'runc://dbg-id',
          },
        },
        lastState: {},
        ready: false,
        restartCount: 0,
        image: 'docker.io/library/busybox:latest',
        imageID: 'sha256:abc',
        containerID: 'runc://dbg-id',
      },
      {
        name: 'dbg2',
        state: { waiting: { reason: 'ContainerCreating' } },
        lastState: {},
        ready: false,
        restartCount: 0,
        image: 'busybox',
        imageID: '',
      },
    ]);
    const running = generate(debugged(), [kc('app', 'running'), kc('dbg', 'running')]);
    expect(running.ephemeralContainerStatuses?.[0]).toMatchObject({
      state: { running: { startedAt: '2026-01-01T00:00:01Z' } },
      ready: false,
      containerID: 'runc://dbg-id',
    });
    expect(running.ephemeralContainerStatuses?.[0]?.started).toBeUndefined();
  });

  it('shows why one failed to start', () => {
    const s = generate(
      debugged(),
      [kc('app', 'running')],
      new Map([['dbg', { reason: 'ErrImagePull', message: 'not found' }]]),
    );
    expect(s.ephemeralContainerStatuses?.[0]?.state).toEqual({
      waiting: { reason: 'ErrImagePull', message: 'not found' },
    });
  });

  it('leave the phase and the Ready conditions to the pod containers', () => {
    const waitingDebugger = generate(debugged(), [kc('app', 'running')]);
    expect(waitingDebugger.phase).toBe('Running');
    expect(waitingDebugger.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(waitingDebugger.conditions?.find((c) => c.type === 'ContainersReady')?.status).toBe(
      'True',
    );
    const done = generate(debugged({ restartPolicy: 'Never' }), [
      kc('app', 'exited'),
      kc('dbg', 'running'),
    ]);
    expect(done.phase).toBe('Succeeded');
  });

  it('has no ephemeralContainerStatuses without ephemeral containers', () => {
    expect(generate(pod(), [kc('app', 'running')])).not.toHaveProperty(
      'ephemeralContainerStatuses',
    );
  });
});

describe('normalizeStatus', () => {
  it('sets startTime once and transition times only on change', () => {
    const first = normalizeStatus({ conditions: [{ type: 'Ready', status: 'False' }] }, {}, T0);
    expect(first.startTime).toBe(metaTime(T0));
    expect(first.conditions?.[0]?.lastTransitionTime).toBe(metaTime(T0));
    const same = normalizeStatus(
      { conditions: [{ type: 'Ready', status: 'False' }] },
      first,
      T0 + 5000,
    );
    expect(same.startTime).toBe(metaTime(T0));
    expect(same.conditions?.[0]?.lastTransitionTime).toBe(metaTime(T0));
    const changed = normalizeStatus(
      { conditions: [{ type: 'Ready', status: 'True' }] },
      same,
      T0 + 9000,
    );
    expect(changed.conditions?.[0]?.lastTransitionTime).toBe(metaTime(T0 + 9000));
  });
});

describe('generateAPIPodStatus with probes and evictions', () => {
  const convert = { runtimeName: 'runc', reasons: new Map() };
  const runtime = podRuntimeStatus({
    uid: 'uid-1',
    name: 'p',
    namespace: 'ns',
    sandboxes: [sandbox()],
    containers: [kc('app', 'running')],
  });

  it('takes ready and started from the prober, and the conditions follow', () => {
    const p = pod({ readinessGates: [] });
    const s = generateAPIPodStatus({
      pod: p,
      podStatus: runtime,
      oldStatus: {},
      podIsTerminal: false,
      convert,
      hostIPs: ['192.168.1.10'],
      probes: {
        updatePodStatus: (_pod, st) => ({
          ...st,
          containerStatuses: (st.containerStatuses ?? []).map((c) => ({
            ...c,
            started: true,
            ready: false,
          })),
        }),
      },
    });
    expect(s.phase).toBe('Running');
    expect(s.containerStatuses?.[0]).toMatchObject({ started: true, ready: false });
    expect(s.conditions?.find((c) => c.type === 'ContainersReady')).toEqual({
      type: 'ContainersReady',
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [app]',
    });
    expect(s.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
  });

  it('fails the pod with the eviction reason and message', () => {
    const s = generateAPIPodStatus({
      pod: pod({ activeDeadlineSeconds: 5 }),
      podStatus: runtime,
      oldStatus: {},
      podIsTerminal: false,
      convert,
      hostIPs: ['192.168.1.10'],
      evict: {
        reason: 'DeadlineExceeded',
        message: 'Pod was active on the node longer than the specified deadline',
      },
    });
    expect(s).toMatchObject({
      phase: 'Failed',
      reason: 'DeadlineExceeded',
      message: 'Pod was active on the node longer than the specified deadline',
    });
    expect(s.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'PodFailed',
    });
  });
});

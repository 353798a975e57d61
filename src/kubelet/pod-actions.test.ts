import { describe, expect, it } from 'vitest';
import type { Container, EphemeralContainer, Pod } from '../api/index.ts';
import { hashContainer } from './labels.ts';
import { computePodActions, type PodActions } from './pod-actions.ts';
import type { KubeContainerStatus, PodRuntimeStatus } from './runtime-status.ts';
import { podRuntimeStatus } from './runtime-status.ts';
import type { PodSandboxStatus } from './runtime/types.ts';

const T0 = Date.UTC(2026, 0, 1);

function container(name: string, extra: Partial<Container> = {}): Container {
  return { name, image: 'busybox', ...extra };
}

function pod(
  spec: Partial<NonNullable<Pod['spec']>> = {},
  meta: Partial<NonNullable<Pod['metadata']>> = {},
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', uid: 'uid-1', ...meta },
    spec: { containers: [container('app')], ...spec },
  };
}

function sandbox(
  state: 'ready' | 'notready' = 'ready',
  attempt = 0,
  ips = ['10.0.0.2'],
): PodSandboxStatus {
  return {
    id: `sb-${attempt}`,
    state,
    createdAt: T0 + attempt,
    ips,
    hostsPath: '',
    resolvConfPath: '',
    hostnamePath: '',
    config: {
      podUid: 'uid-1',
      podName: 'p',
      podNamespace: 'ns',
      attempt,
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

let seq = 0;
function ctr(
  name: string,
  state: KubeContainerStatus['state'],
  exitCode = 0,
  extra: Partial<KubeContainerStatus> = {},
): KubeContainerStatus {
  seq++;
  return {
    id: `${name}-${seq}`,
    sandboxId: 'sb-0',
    name,
    state,
    createdAt: T0 + seq * 1000,
    startedAt: T0 + seq * 1000,
    finishedAt: state === 'exited' ? T0 + seq * 1000 + 500 : 0,
    exitCode,
    reason: state === 'exited' ? (exitCode === 0 ? 'Completed' : 'Error') : '',
    message: '',
    image: 'busybox',
    imageId: 'sha256:1',
    restartCount: 0,
    hash: '',
    logPath: '',
    annotations: {},
    ...extra,
  };
}

function status(
  sandboxes: PodSandboxStatus[],
  containers: KubeContainerStatus[],
): PodRuntimeStatus {
  return podRuntimeStatus({ uid: 'uid-1', name: 'p', namespace: 'ns', sandboxes, containers });
}

/** The plan in a compact, comparable shape. */
function plan(a: PodActions): Record<string, unknown> {
  return {
    killPod: a.killPod,
    createSandbox: a.createSandbox,
    attempt: a.attempt,
    init: a.initContainersToStart,
    start: a.containersToStart,
    ephemeral: a.ephemeralContainersToStart,
    kill: [...a.containersToKill.values()].map((k) => k.name),
    backOff: a.backOff.map((b) => b.name),
  };
}

const none = { init: [], start: [], ephemeral: [], kill: [], backOff: [] };

interface Case {
  name: string;
  pod: Pod;
  status: PodRuntimeStatus;
  backOffMs?: number;
  want: Record<string, unknown>;
}

const twoApps = { containers: [container('a'), container('b')] };
const withInits = {
  initContainers: [container('i1'), container('i2')],
  containers: [container('app')],
};
const withSidecar = {
  initContainers: [
    container('i1'),
    container('side', { restartPolicy: 'Always' }),
    container('i2'),
  ],
  containers: [container('app')],
};

const cases: Case[] = [
  {
    name: 'new pod: create the sandbox and start every app container',
    pod: pod(twoApps),
    status: status([], []),
    want: { killPod: true, createSandbox: true, attempt: 0, ...none, start: [0, 1] },
  },
  {
    name: 'new pod with init containers: only the first init container',
    pod: pod(withInits),
    status: status([], []),
    want: { killPod: true, createSandbox: true, attempt: 0, ...none, init: [0] },
  },
  {
    name: 'everything running: nothing to do',
    pod: pod(twoApps),
    status: status([sandbox()], [ctr('a', 'running'), ctr('b', 'running')]),
    want: { killPod: false, createSandbox: false, attempt: 0, ...none },
  },
  {
    name: 'a missing container is started',
    pod: pod(twoApps),
    status: status([sandbox()], [ctr('a', 'running')]),
    want: { killPod: false, createSandbox: false, attempt: 0, ...none, start: [1] },
  },
  {
    name: 'Always: an exited container restarts',
    pod: pod(twoApps),
    status: status([sandbox()], [ctr('a', 'running'), ctr('b', 'exited', 0)]),
    want: { killPod: false, createSandbox: false, attempt: 0, ...none, start: [1] },
  },
  {
    name: 'Always: an exited container in back-off waits',
    pod: pod(twoApps),
    status: status([sandbox()], [ctr('a', 'running'), ctr('b', 'exited', 1)]),
    backOffMs: 10_000,
    want: { killPod: false, createSandbox: false, attempt: 0, ...none, backOff: ['b'] },
  },
  {
    name: 'Always: the only container in back-off does not kill the pod',
    pod: pod(),
    status: status([sandbox()], [ctr('app', 'exited', 1)]),
    backOffMs: 10_000,
    want: { killPod: false, createSandbox: false, attempt: 0, ...none, backOff: ['app'] },
  },
  {
    name: 'OnFailure: a failed container restarts',
    pod: pod({ ...twoApps, restartPolicy: 'OnFailure' }),
    status: status([sandbox()], [ctr('a', 'running'), ctr('b', 'exited', 2)]),
    want: { killPod: false, createSandbox: false, attempt: 0, ...none, start: [1] },
  },
  {
    name: 'OnFailure: a succeeded container stays done',
    pod: pod({ ...twoApps, restartPolicy: 'OnFailure' }),
    status: status([sandbox()], [ctr('a', 'running'), ctr('b', 'exited', 0)]),
    want: { killPod: false, createSandbox: false, attempt: 0, ...none },
  },
  {
    name: 'OnFailure: all succeeded kills the pod',
    pod: pod({ ...twoApps, restartPolicy: 'OnFailure' }),
    status: status([sandbox()], [ctr('a', 'exited', 0), ctr('b', 'exited', 0)]),
    want: { killPod: true, createSandbox: false, attempt: 0, ...none },
  },
  {
    name: 'Never: exited containers stay exited; all exited kills the pod',
    pod: pod({ ...twoApps, restartPolicy: 'Never' }),
    status: status([sandbox()], [ctr('a', 'exited', 1), ctr('b', 'exited', 0)]),
    want: { killPod: true, createSandbox: false, attempt: 0, ...none },
  },
  {
    name: 'Never: one still running keeps the pod',
    pod: pod({ ...twoApps, restartPolicy: 'Never' }),
    status: status([sandbox()], [ctr('a', 'exited', 1), ctr('b', 'running')]),
    want: { killPod: false, createSandbox: false, attempt: 0, ...none },
  },
  {
    name: 'Never: a stopped sandbox of a pod that ran is not recreated',
    pod: pod({ restartPolicy: 'Never' }),
    status: status([sandbox('notready')], [ctr('app', 'exited', 0)]),
    want: { killPod: true, createSandbox: false, attempt: 1, ...none },
  },
  {
    name: 'OnFailure: a stopped sandbox with all succeeded is not recreated',
    pod: pod({ restartPolicy: 'OnFailure' }),
    status: status([sandbox('notready')], [ctr('app', 'exited', 0)]),
    want: { killPod: true, createSandbox: false, attempt: 1, ...none },
  },
  {
    name: 'Always: a dead sandbox is recreated with the next attempt',
    pod: pod(twoApps),
    status: status([sandbox('notready')], [ctr('a', 'exited', 137), ctr('b', 'exited', 137)]),
    want: { killPod: true, createSandbox: true, attempt: 1, ...none, start: [0, 1] },
  },
  {
    name: 'a sandbox without an IP is recreated',
    pod: pod(),
    status: status([sandbox('ready', 0, [])], [ctr('app', 'running')]),
    want: { killPod: true, createSandbox: true, attempt: 1, ...none, start: [0] },
  },
  {
    name: 'hostNetwork: a sandbox without an IP is fine',
    pod: pod({ hostNetwork: true }),
    status: status(
      [{ ...sandbox('ready', 0, []), config: { ...sandbox().config, hostNetwork: true } }],
      [ctr('app', 'running')],
    ),
    want: { killPod: false, createSandbox: false, attempt: 0, ...none },
  },
  {
    name: 'a container in unknown state is killed and started again',
    pod: pod(),
    status: status([sandbox()], [ctr('app', 'unknown')]),
    want: { killPod: false, createSandbox: false, attempt: 0, ...none, start: [0], kill: ['app'] },
  },
  {
    name: 'a changed container spec (new image) is replaced',
    pod: pod({ containers: [container('app', { image: 'busybox:2' })] }),
    status: status(
      [sandbox()],
      [ctr('app', 'running', 0, { hash: hashContainer(container('app')) })],
    ),
    want: { killPod: false, createSandbox: false, attempt: 0, ...none, start: [0], kill: ['app'] },
  },
  {
    name: 'an unchanged hash keeps the container',
    pod: pod(),
    status: status(
      [sandbox()],
      [ctr('app', 'running', 0, { hash: hashContainer(container('app')) })],
    ),
    want: { killPod: false, createSandbox: false, attempt: 0, ...none },
  },
  {
    name: 'init: the first is running, wait',
    pod: pod(withInits),
    status: status([sandbox()], [ctr('i1', 'running')]),
    want: { killPod: false, createSandbox: false, attempt: 0, ...none },
  },
  {
    name: 'init: the first succeeded, start the second',
    pod: pod(withInits),
    status: status([sandbox()], [ctr('i1', 'exited', 0)]),
    want: { killPod: false, createSandbox: false, attempt: 0, ...none, init: [1] },
  },
  {
    name: 'init: all succeeded, start the app containers',
    pod: pod(withInits),
    status: status([sandbox()], [ctr('i1', 'exited', 0), ctr('i2', 'exited', 0)]),
    want: { killPod: false, createSandbox: false, attempt: 0, ...none, start: [0] },
  },
  {
    name: 'init: a failed one restarts (Always)',
    pod: pod(withInits),
    status: status([sandbox()], [ctr('i1', 'exited', 0), ctr('i2', 'exited', 3)]),
    want: { killPod: false, createSandbox: false, attempt: 0, ...none, init: [1] },
  },
  {
    name: 'init: a failed one in back-off waits',
    pod: pod(withInits),
    status: status([sandbox()], [ctr('i1', 'exited', 0), ctr('i2', 'exited', 3)]),
    backOffMs: 5000,
    want: { killPod: false, createSandbox: false, attempt: 0, ...none, backOff: ['i2'] },
  },
  {
    name: 'init: a failed one with Never kills the pod',
    pod: pod({ ...withInits, restartPolicy: 'Never' }),
    status: status([sandbox()], [ctr('i1', 'exited', 1)]),
    want: { killPod: true, createSandbox: false, attempt: 0, ...none },
  },
  {
    name: 'init: an OOM-killed one counts as failed',
    pod: pod({ ...withInits, restartPolicy: 'Never' }),
    status: status([sandbox()], [ctr('i1', 'exited', 0, { reason: 'OOMKilled' })]),
    want: { killPod: true, createSandbox: false, attempt: 0, ...none },
  },
  {
    name: 'init: app containers already running means initialised (records removed)',
    pod: pod(withInits),
    status: status([sandbox()], [ctr('app', 'running')]),
    want: { killPod: false, createSandbox: false, attempt: 0, ...none },
  },
  {
    name: 'sidecar: started after the first init container, and the next one after it',
    pod: pod(withSidecar),
    status: status([sandbox()], [ctr('i1', 'exited', 0), ctr('side', 'running')]),
    want: { killPod: false, createSandbox: false, attempt: 0, ...none, init: [2] },
  },
  {
    name: 'sidecar: the first init succeeded, start the sidecar',
    pod: pod(withSidecar),
    status: status([sandbox()], [ctr('i1', 'exited', 0)]),
    want: { killPod: false, createSandbox: false, attempt: 0, ...none, init: [1] },
  },
  {
    name: 'sidecar: keeps running beside the app containers',
    pod: pod(withSidecar),
    status: status(
      [sandbox()],
      [
        ctr('i1', 'exited', 0),
        ctr('side', 'running'),
        ctr('i2', 'exited', 0),
        ctr('app', 'running'),
      ],
    ),
    want: { killPod: false, createSandbox: false, attempt: 0, ...none },
  },
  {
    name: 'sidecar: restarted when it exits, whatever the pod restartPolicy',
    pod: pod({ ...withSidecar, restartPolicy: 'Never' }),
    status: status(
      [sandbox()],
      [
        ctr('i1', 'exited', 0),
        ctr('i2', 'exited', 0),
        ctr('app', 'running'),
        ctr('side', 'exited', 1),
      ],
    ),
    want: { killPod: false, createSandbox: false, attempt: 0, ...none, init: [1] },
  },
  {
    name: 'sidecar: not restarted once the app containers are done',
    pod: pod({ ...withSidecar, restartPolicy: 'Never' }),
    status: status(
      [sandbox()],
      [
        ctr('i1', 'exited', 0),
        ctr('i2', 'exited', 0),
        ctr('side', 'exited', 1),
        ctr('app', 'exited', 0),
      ],
    ),
    want: { killPod: true, createSandbox: false, attempt: 0, ...none },
  },
  {
    name: 'a deleted pod restarts nothing',
    pod: pod({}, { deletionTimestamp: '2026-01-01T00:00:00Z' }),
    status: status([sandbox()], [ctr('app', 'exited', 1)]),
    want: { killPod: true, createSandbox: false, attempt: 0, ...none },
  },
];

describe('computePodActions', () => {
  it.each(cases)('$name', (c) => {
    const actions = computePodActions({
      pod: c.pod,
      podStatus: c.status,
      ...(c.backOffMs !== undefined
        ? { backOff: () => c.backOffMs!, backOffLength: () => 10_000 }
        : {}),
    });
    expect(plan(actions)).toEqual(c.want);
  });

  it("writes upstream's CrashLoopBackOff message", () => {
    const actions = computePodActions({
      pod: pod(),
      podStatus: status([sandbox()], [ctr('app', 'exited', 1)]),
      backOff: () => 7000,
      backOffLength: () => 20_000,
    });
    expect(actions.backOff).toEqual([
      {
        name: 'app',
        init: false,
        remainingMs: 7000,
        message: 'back-off 20s restarting failed container=app pod=p_ns(uid-1)',
      },
    ]);
  });
});

describe('computePodActions with ephemeral containers', () => {
  const debug = (name: string): EphemeralContainer => ({
    name,
    image: 'busybox',
    targetContainerName: 'app',
  });
  const debugged = (
    extra: Partial<NonNullable<Pod['spec']>> = {},
    meta: Partial<NonNullable<Pod['metadata']>> = {},
  ): Pod => pod({ ephemeralContainers: [debug('dbg1'), debug('dbg2')], ...extra }, meta);
  const ephemeralCases: Case[] = [
    {
      name: 'starts the ones the runtime never had, in spec order',
      pod: debugged(),
      status: status([sandbox()], [ctr('app', 'running'), ctr('dbg1', 'running')]),
      want: { killPod: false, createSandbox: false, attempt: 0, ...none, ephemeral: [1] },
    },
    {
      name: 'never restarts one that exited, whatever the restart policy',
      pod: debugged({ ephemeralContainers: [debug('dbg1')], restartPolicy: 'Always' }),
      status: status([sandbox()], [ctr('app', 'running'), ctr('dbg1', 'exited', 1)]),
      want: { killPod: false, createSandbox: false, attempt: 0, ...none },
    },
    {
      name: 'starts them while an init container still runs',
      pod: debugged(withInits),
      status: status([sandbox()], [ctr('i1', 'running')]),
      want: { killPod: false, createSandbox: false, attempt: 0, ...none, ephemeral: [0, 1] },
    },
    {
      name: 'waits for the sandbox',
      pod: debugged(),
      status: status([], []),
      want: { killPod: true, createSandbox: true, attempt: 0, ...none, start: [0] },
    },
    {
      name: 'a running one does not keep a finished pod alive',
      pod: debugged({ restartPolicy: 'Never' }),
      status: status([sandbox()], [ctr('app', 'exited', 0), ctr('dbg1', 'running')]),
      want: { killPod: true, createSandbox: false, attempt: 0, ...none },
    },
    {
      name: 'a deleted pod starts none',
      pod: debugged({}, { deletionTimestamp: '2026-01-01T00:00:00Z' }),
      status: status([sandbox()], [ctr('app', 'running')]),
      want: { killPod: false, createSandbox: false, attempt: 0, ...none },
    },
  ];
  it.each(ephemeralCases)('$name', (c) => {
    expect(plan(computePodActions({ pod: c.pod, podStatus: c.status }))).toEqual(c.want);
  });
});

describe('computePodActions with probe results', () => {
  const probe = { exec: { command: ['true'] } };

  function run(
    p: Pod,
    s: PodRuntimeStatus,
    results: { liveness?: Record<string, string>; startup?: Record<string, string> },
  ): PodActions {
    const q = (m: Record<string, string> | undefined) => (id: string) =>
      m?.[id] as 'success' | 'failure' | 'unknown' | undefined;
    return computePodActions({
      pod: p,
      podStatus: s,
      liveness: q(results.liveness),
      startup: q(results.startup),
    });
  }

  it('kills and restarts an app container that failed its liveness probe', () => {
    const app = ctr('app', 'running');
    const a = run(
      pod({ containers: [container('app', { livenessProbe: probe })] }),
      status([sandbox()], [app]),
      {
        liveness: { [app.id]: 'failure' },
      },
    );
    expect(plan(a)).toMatchObject({ killPod: false, start: [0], kill: ['app'] });
    expect(a.containersToKill.get(app.id)).toEqual({
      name: 'app',
      message: 'Container app failed liveness probe, will be restarted',
      reason: 'LivenessProbe',
    });
  });

  it('keeps a container whose liveness probe succeeds or has not run', () => {
    const app = ctr('app', 'running');
    const p = pod({ containers: [container('app', { livenessProbe: probe })] });
    expect(
      plan(run(p, status([sandbox()], [app]), { liveness: { [app.id]: 'success' } })),
    ).toMatchObject({
      killPod: false,
      kill: [],
      start: [],
    });
    expect(plan(run(p, status([sandbox()], [app]), {}))).toMatchObject({ kill: [], start: [] });
  });

  it('kills without restarting under restartPolicy Never, which ends the pod', () => {
    const app = ctr('app', 'running');
    const a = run(
      pod({ restartPolicy: 'Never', containers: [container('app', { startupProbe: probe })] }),
      status([sandbox()], [app]),
      { startup: { [app.id]: 'failure' } },
    );
    expect(a.containersToKill.get(app.id)).toEqual({
      name: 'app',
      message: 'Container app failed startup probe',
      reason: 'StartupProbe',
    });
    expect(plan(a)).toMatchObject({ killPod: true, start: [] });
  });

  it('waits for a sidecar startup probe before starting the next container', () => {
    const i1 = ctr('i1', 'exited', 0);
    const side = ctr('side', 'running');
    const p = pod({
      initContainers: [
        container('i1'),
        container('side', { restartPolicy: 'Always', startupProbe: probe }),
        container('i2'),
      ],
      containers: [container('app')],
    });
    const s = status([sandbox()], [i1, side]);
    expect(plan(run(p, s, {}))).toMatchObject({ init: [], start: [], kill: [] });
    expect(plan(run(p, s, { startup: { [side.id]: 'success' } }))).toMatchObject({ init: [2] });
    const failed = run(p, s, { startup: { [side.id]: 'failure' } });
    expect(plan(failed)).toMatchObject({ init: [1], kill: ['side'] });
    expect(failed.containersToKill.get(side.id)?.message).toBe(
      'Init container side failed startup probe',
    );
  });

  it('restarts a sidecar that failed its liveness probe', () => {
    const side = ctr('side', 'running');
    const app = ctr('app', 'running');
    const p = pod({
      initContainers: [container('side', { restartPolicy: 'Always', livenessProbe: probe })],
      containers: [container('app')],
    });
    const a = run(p, status([sandbox()], [side, app]), { liveness: { [side.id]: 'failure' } });
    expect(plan(a)).toMatchObject({ killPod: false, init: [0], kill: ['side'] });
    expect(a.containersToKill.get(side.id)).toMatchObject({
      message: 'Init container side failed liveness probe',
      reason: 'LivenessProbe',
    });
  });
});

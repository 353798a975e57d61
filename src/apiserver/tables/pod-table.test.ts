import { describe, it, expect } from 'vitest';
import type {
  Container,
  ContainerState,
  ContainerStatus,
  Pod,
  PodCondition,
  PodPhase,
} from '../../api/index.ts';
import { podCells, podColumns, podRowConditions, podTableConvertor } from './pod-table.ts';
import { tableRowOf } from './table-convertor.ts';

const now = Date.parse('2025-03-01T12:00:00Z');
const sec = 1000;
const min = 60 * sec;

/** An RFC 3339 time `ms` before now. */
function ago(ms: number): string {
  return new Date(now - ms).toISOString().replace('.000Z', 'Z');
}

function container(name: string, sidecar = false): Container {
  return sidecar
    ? { name, image: `registry.local/${name}:1`, restartPolicy: 'Always' }
    : { name, image: `registry.local/${name}:1` };
}

const running: ContainerState = { running: { startedAt: ago(4 * min) } };
const waiting = (reason: string): ContainerState => ({ waiting: { reason } });
const terminated = (exitCode: number, reason?: string, signal?: number): ContainerState => ({
  terminated: {
    exitCode,
    ...(reason ? { reason } : {}),
    ...(signal ? { signal } : {}),
    startedAt: ago(4 * min),
    finishedAt: ago(3 * min),
  },
});

function status(
  name: string,
  state: ContainerState,
  opts: { ready?: boolean; started?: boolean; restarts?: number; lastExit?: number } = {},
): ContainerStatus {
  const cs: ContainerStatus = {
    name,
    state,
    ready: opts.ready ?? false,
    restartCount: opts.restarts ?? 0,
    image: `registry.local/${name}:1`,
    imageID: '',
  };
  if (opts.started !== undefined) cs.started = opts.started;
  if (opts.lastExit !== undefined) {
    cs.lastState = {
      terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(opts.lastExit) },
    };
  }
  return cs;
}

const cond = (type: string, value: 'True' | 'False', reason?: string): PodCondition =>
  reason ? { type, status: value, reason } : { type, status: value };

interface PodOpts {
  phase?: PodPhase;
  reason?: string;
  init?: Container[];
  containers?: Container[];
  initStatuses?: ContainerStatus[];
  statuses?: ContainerStatus[];
  conditions?: PodCondition[];
  deleting?: boolean;
  node?: string;
}

function pod(o: PodOpts): Pod {
  const p: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(5 * min) },
    spec: { containers: o.containers ?? [container('app')] },
    status: { phase: o.phase ?? 'Running' },
  };
  if (o.init) p.spec!.initContainers = o.init;
  if (o.node !== undefined) p.spec!.nodeName = o.node;
  if (o.reason) p.status!.reason = o.reason;
  if (o.initStatuses) p.status!.initContainerStatuses = o.initStatuses;
  if (o.statuses) p.status!.containerStatuses = o.statuses;
  if (o.conditions) p.status!.conditions = o.conditions;
  if (o.deleting) p.metadata!.deletionTimestamp = ago(10 * sec);
  return p;
}

const initialized = cond('Initialized', 'True');
const notInitialized = cond('Initialized', 'False', 'ContainersNotInitialized');
const readyTrue = cond('Ready', 'True');
const readyFalse = cond('Ready', 'False', 'ContainersNotReady');

/** READY, STATUS and RESTARTS of a pod. */
function summary(p: Pod): unknown[] {
  return podCells(p, now).slice(1, 4);
}

describe('pod columns', () => {
  it('are upstream names, types and priorities', () => {
    expect(podColumns.map((c) => [c.name, c.type, c.format, c.priority])).toEqual([
      ['Name', 'string', 'name', 0],
      ['Ready', 'string', '', 0],
      ['Status', 'string', '', 0],
      ['Restarts', 'string', '', 0],
      ['Age', 'string', '', 0],
      ['IP', 'string', '', 1],
      ['Node', 'string', '', 1],
      ['Nominated Node', 'string', '', 1],
      ['Readiness Gates', 'string', '', 1],
    ]);
    for (const c of podColumns) expect(c.description).not.toBe('');
  });
});

describe('pod rows: READY, STATUS, RESTARTS', () => {
  it.each<[string, PodOpts, [string, string, string]]>([
    [
      'pending, not scheduled',
      {
        phase: 'Pending',
        conditions: [cond('PodScheduled', 'False', 'Unschedulable')],
      },
      ['0/1', 'Pending', '0'],
    ],
    [
      'held back by scheduling gates',
      {
        phase: 'Pending',
        conditions: [cond('PodScheduled', 'False', 'SchedulingGated')],
      },
      ['0/1', 'SchedulingGated', '0'],
    ],
    [
      'scheduled, sandbox being created',
      {
        phase: 'Pending',
        node: 'node-1',
        statuses: [status('app', waiting('ContainerCreating'))],
      },
      ['0/1', 'ContainerCreating', '0'],
    ],
    [
      'image pull failing',
      {
        phase: 'Pending',
        statuses: [status('app', waiting('ImagePullBackOff'))],
      },
      ['0/1', 'ImagePullBackOff', '0'],
    ],
    [
      'first of two init containers running',
      {
        phase: 'Pending',
        init: [container('fetch'), container('migrate')],
        initStatuses: [status('fetch', running), status('migrate', waiting('PodInitializing'))],
        statuses: [status('app', waiting('PodInitializing'))],
        conditions: [notInitialized],
      },
      ['0/1', 'Init:0/2', '0'],
    ],
    [
      'second of two init containers running',
      {
        phase: 'Pending',
        init: [container('fetch'), container('migrate')],
        initStatuses: [status('fetch', terminated(0, 'Completed')), status('migrate', running)],
        statuses: [status('app', waiting('PodInitializing'))],
        conditions: [notInitialized],
      },
      ['0/1', 'Init:1/2', '0'],
    ],
    [
      'init container crash-looping',
      {
        phase: 'Pending',
        init: [container('migrate')],
        initStatuses: [
          status('migrate', waiting('CrashLoopBackOff'), { restarts: 3, lastExit: 40 * sec }),
        ],
        statuses: [status('app', waiting('PodInitializing'))],
        conditions: [notInitialized],
      },
      ['0/1', 'Init:CrashLoopBackOff', '3 (40s ago)'],
    ],
    [
      'init container failed, restartPolicy Never',
      {
        phase: 'Failed',
        init: [container('migrate')],
        initStatuses: [status('migrate', terminated(1, 'Error'))],
        statuses: [status('app', waiting('PodInitializing'))],
        conditions: [notInitialized],
      },
      ['0/1', 'Init:Error', '0'],
    ],
    [
      'init container exited without a reason',
      {
        phase: 'Pending',
        init: [container('migrate')],
        initStatuses: [status('migrate', terminated(2))],
        conditions: [notInitialized],
      },
      ['0/1', 'Init:ExitCode:2', '0'],
    ],
    [
      'init container killed by a signal, no reason',
      {
        phase: 'Pending',
        init: [container('migrate')],
        initStatuses: [status('migrate', terminated(137, undefined, 9))],
        conditions: [notInitialized],
      },
      ['0/1', 'Init:Signal:9', '0'],
    ],
    [
      'init done, app container waiting to start',
      {
        phase: 'Pending',
        init: [container('migrate')],
        initStatuses: [status('migrate', terminated(0, 'Completed'))],
        statuses: [status('app', waiting('PodInitializing'))],
        conditions: [initialized],
      },
      ['0/1', 'PodInitializing', '0'],
    ],
    [
      'one of two containers ready',
      {
        containers: [container('app'), container('proxy')],
        statuses: [status('app', running, { ready: true }), status('proxy', running)],
        conditions: [initialized, readyFalse],
      },
      ['1/2', 'Running', '0'],
    ],
    [
      'all containers ready',
      {
        containers: [container('app'), container('proxy')],
        statuses: [
          status('app', running, { ready: true }),
          status('proxy', running, { ready: true }),
        ],
        conditions: [initialized, readyTrue],
      },
      ['2/2', 'Running', '0'],
    ],
    [
      'crash-looping after five restarts',
      {
        statuses: [status('app', waiting('CrashLoopBackOff'), { restarts: 5, lastExit: 2 * min })],
        conditions: [initialized, readyFalse],
      },
      ['0/1', 'CrashLoopBackOff', '5 (2m ago)'],
    ],
    [
      'restarted once, running again',
      {
        statuses: [status('app', running, { ready: true, restarts: 1, lastExit: 3 * 3600 * sec })],
        conditions: [initialized, readyTrue],
      },
      ['1/1', 'Running', '1 (3h ago)'],
    ],
    [
      'restarts of several containers: the latest exit counts',
      {
        containers: [container('app'), container('proxy')],
        statuses: [
          status('app', running, { ready: true, restarts: 2, lastExit: 10 * min }),
          status('proxy', running, { ready: true, restarts: 1, lastExit: 90 * sec }),
        ],
        conditions: [initialized, readyTrue],
      },
      ['2/2', 'Running', '3 (90s ago)'],
    ],
    [
      'succeeded',
      {
        phase: 'Succeeded',
        statuses: [status('app', terminated(0, 'Completed'))],
        conditions: [initialized, readyFalse],
      },
      ['0/1', 'Completed', '0'],
    ],
    [
      'failed with an error',
      {
        phase: 'Failed',
        statuses: [status('app', terminated(1, 'Error'))],
        conditions: [initialized, readyFalse],
      },
      ['0/1', 'Error', '0'],
    ],
    [
      'killed for running out of memory',
      {
        phase: 'Failed',
        statuses: [status('app', terminated(137, 'OOMKilled'))],
        conditions: [initialized, readyFalse],
      },
      ['0/1', 'OOMKilled', '0'],
    ],
    [
      'container exited without a reason',
      {
        phase: 'Failed',
        statuses: [status('app', terminated(3))],
      },
      ['0/1', 'ExitCode:3', '0'],
    ],
    [
      'container killed by a signal, no reason',
      {
        phase: 'Failed',
        statuses: [status('app', terminated(143, undefined, 15))],
      },
      ['0/1', 'Signal:15', '0'],
    ],
    [
      'the first container with a reason wins',
      {
        containers: [container('app'), container('proxy')],
        statuses: [
          status('app', waiting('CreateContainerConfigError')),
          status('proxy', waiting('ErrImagePull')),
        ],
      },
      ['0/2', 'CreateContainerConfigError', '0'],
    ],
    [
      'one container completed, another still running and the pod ready',
      {
        containers: [container('job'), container('server')],
        statuses: [
          status('job', terminated(0, 'Completed')),
          status('server', running, { ready: true }),
        ],
        conditions: [initialized, readyTrue],
      },
      ['1/2', 'Running', '0'],
    ],
    [
      'one container completed, another still running, the pod not ready',
      {
        containers: [container('job'), container('server')],
        statuses: [
          status('job', terminated(0, 'Completed')),
          status('server', running, { ready: true }),
        ],
        conditions: [initialized, readyFalse],
      },
      ['1/2', 'NotReady', '0'],
    ],
    [
      'being deleted',
      {
        deleting: true,
        statuses: [status('app', running, { ready: true })],
        conditions: [initialized, readyTrue],
      },
      ['1/1', 'Terminating', '0'],
    ],
    [
      'being deleted after it succeeded: the phase stays',
      {
        phase: 'Succeeded',
        deleting: true,
        statuses: [status('app', terminated(0, 'Completed'))],
      },
      ['0/1', 'Completed', '0'],
    ],
    [
      'evicted',
      {
        phase: 'Failed',
        reason: 'Evicted',
        conditions: [cond('DisruptionTarget', 'True', 'TerminationByKubelet')],
      },
      ['0/1', 'Evicted', '0'],
    ],
    [
      'on a lost node, being deleted',
      {
        reason: 'NodeLost',
        deleting: true,
        statuses: [status('app', running, { ready: true })],
      },
      ['1/1', 'Unknown', '0'],
    ],
    [
      'on a lost node, not deleted',
      {
        phase: 'Unknown',
        reason: 'NodeLost',
      },
      ['0/1', 'NodeLost', '0'],
    ],
  ])('%s', (_name, opts, want) => {
    expect(summary(pod(opts))).toEqual(want);
  });
});

describe('pod rows: sidecars (init containers with restartPolicy Always)', () => {
  const sidecar = container('log-shipper', true);

  it.each<[string, PodOpts, [string, string, string]]>([
    [
      'sidecar started and ready, app running',
      {
        init: [sidecar],
        initStatuses: [status('log-shipper', running, { started: true, ready: true })],
        statuses: [status('app', running, { ready: true })],
        conditions: [initialized, readyTrue],
      },
      ['2/2', 'Running', '0'],
    ],
    [
      'sidecar running but not started yet (startup probe)',
      {
        phase: 'Pending',
        init: [sidecar],
        initStatuses: [status('log-shipper', running, { started: false })],
        statuses: [status('app', waiting('PodInitializing'))],
        conditions: [notInitialized],
      },
      ['0/2', 'Init:0/1', '0'],
    ],
    [
      'a regular init container after a started sidecar',
      {
        phase: 'Pending',
        init: [sidecar, container('migrate')],
        initStatuses: [
          status('log-shipper', running, { started: true, ready: true }),
          status('migrate', running),
        ],
        statuses: [status('app', waiting('PodInitializing'))],
        conditions: [notInitialized],
      },
      ['1/2', 'Init:1/2', '0'],
    ],
    [
      'sidecar crash-looping before it ever started',
      {
        phase: 'Pending',
        init: [sidecar],
        initStatuses: [
          status('log-shipper', waiting('CrashLoopBackOff'), { restarts: 4, lastExit: 50 * sec }),
        ],
        statuses: [status('app', waiting('PodInitializing'))],
        conditions: [notInitialized],
      },
      ['0/2', 'Init:CrashLoopBackOff', '4 (50s ago)'],
    ],
    [
      'restarts of sidecars and app containers add up',
      {
        init: [sidecar],
        initStatuses: [
          status('log-shipper', running, {
            started: true,
            ready: true,
            restarts: 2,
            lastExit: 3 * min,
          }),
        ],
        statuses: [status('app', running, { ready: true, restarts: 1, lastExit: 10 * min })],
        conditions: [initialized, readyTrue],
      },
      ['2/2', 'Running', '3 (3m ago)'],
    ],
    [
      'restarts of finished regular init containers no longer count',
      {
        init: [container('migrate')],
        initStatuses: [
          status('migrate', terminated(0, 'Completed'), { restarts: 2, lastExit: 4 * min }),
        ],
        statuses: [status('app', running, { ready: true })],
        conditions: [initialized, readyTrue],
      },
      ['1/1', 'Running', '0'],
    ],
    [
      'app completed while the sidecar still runs',
      {
        init: [sidecar],
        initStatuses: [status('log-shipper', running, { started: true, ready: true })],
        statuses: [status('app', terminated(0, 'Completed'))],
        conditions: [initialized, readyFalse],
      },
      ['1/2', 'Completed', '0'],
    ],
    [
      'sidecar crash-looping after initialisation: app containers are still counted',
      {
        init: [sidecar],
        initStatuses: [
          status('log-shipper', waiting('CrashLoopBackOff'), {
            started: false,
            restarts: 1,
            lastExit: 20 * sec,
          }),
        ],
        statuses: [status('app', running, { ready: true })],
        conditions: [initialized, readyFalse],
      },
      ['1/2', 'Init:CrashLoopBackOff', '1 (20s ago)'],
    ],
  ])('%s', (_name, opts, want) => {
    expect(summary(pod(opts))).toEqual(want);
  });
});

describe('pod rows: all cells', () => {
  it('prints name, age and the wide columns', () => {
    const p = pod({
      node: 'node-1',
      statuses: [status('app', running, { ready: true })],
      conditions: [initialized, readyTrue, cond('example.com/lb', 'True')],
    });
    p.spec!.readinessGates = [
      { conditionType: 'example.com/lb' },
      { conditionType: 'example.com/dns' },
    ];
    p.status!.podIP = '10.88.0.7';
    p.status!.podIPs = [{ ip: '10.88.0.7' }, { ip: 'fd00::7' }];
    p.status!.nominatedNodeName = 'node-2';
    expect(podCells(p, now)).toEqual([
      'web',
      '1/1',
      'Running',
      '0',
      '5m',
      '10.88.0.7',
      'node-1',
      'node-2',
      '1/2',
    ]);
  });

  it('prints <none> for what is not there yet', () => {
    const p = pod({ phase: 'Pending' });
    expect(podCells(p, now)).toEqual([
      'web',
      '0/1',
      'Pending',
      '0',
      '5m',
      '<none>',
      '<none>',
      '<none>',
      '<none>',
    ]);
  });

  it('reads the IP from podIPs only', () => {
    const p = pod({});
    p.status!.podIP = '10.88.0.9';
    expect(podCells(p, now)[5]).toBe('<none>');
  });

  it('has one cell per column', () => {
    expect(podTableConvertor.cells(pod({}), now)).toHaveLength(podColumns.length);
  });
});

describe('pod row conditions', () => {
  it.each<[string, PodPhase, unknown]>([
    ['Succeeded', 'Succeeded', [{ type: 'Completed', status: 'True', reason: 'Succeeded' }]],
    ['Failed', 'Failed', [{ type: 'Completed', status: 'True', reason: 'Failed' }]],
  ])('a %s pod is Completed', (_name, phase, want) => {
    const conditions = podRowConditions(pod({ phase }));
    expect(conditions).toMatchObject(want as object);
    expect(tableRowOf(podTableConvertor, pod({ phase }), now).conditions).toBe(conditions);
  });

  it.each<[PodPhase]>([['Pending'], ['Running'], ['Unknown']])('a %s pod has none', (phase) => {
    expect(podRowConditions(pod({ phase }))).toBeUndefined();
    expect(tableRowOf(podTableConvertor, pod({ phase }), now)).not.toHaveProperty('conditions');
  });
});

/**
 * `kubectl get pods`: NAME READY STATUS RESTARTS AGE, and with `-o wide` IP NODE NOMINATED NODE
 * READINESS GATES (upstream `printPod`, v1.32).
 *
 * STATUS is worked out in this order; each step may replace what the one before chose:
 *
 *   status.phase ─▶ status.reason (Evicted, NodeLost, ...) ─▶ SchedulingGated
 *        │
 *        ▼  init containers, in order, stopping at the first one not yet done:
 *           exited 0 → next; a started sidecar → next (counts towards READY);
 *           exited otherwise → Init:<reason> | Init:Signal:N | Init:ExitCode:N;
 *           waiting with a reason other than PodInitializing → Init:<reason>;
 *           else → Init:<index>/<number of init containers>
 *        │
 *        ▼  unless initialisation is still running (and the Initialized condition is not True),
 *           regular containers, last to first, so the first one with something to say wins:
 *           waiting reason | terminated reason | Signal:N | ExitCode:N;
 *           "Completed" while a container still runs → Running (Ready condition True) or NotReady
 *        │
 *        ▼  deletionTimestamp set: Unknown if status.reason is NodeLost, else Terminating
 *           unless the phase is already Succeeded or Failed
 *
 * READY counts ready running regular containers and started ready sidecars, out of all regular
 * containers plus sidecars. RESTARTS sums restarts (of init containers while initialising, else
 * of sidecars and regular containers) and adds `(<age> ago)` of the latest previous exit.
 */
import type { Pod, PodCondition, PodStatus } from '../../api/index.ts';
import { column, ageColumn } from './cell-format.ts';
import { parseTimestamp, translateTimeSince, translateTimestampSince } from './human-duration.ts';
import { nameColumn, typedTableConvertor, type TableRowCondition } from './table-convertor.ts';

export const podColumns = [
  nameColumn,
  column('Ready', 'string', 'How many of the containers are ready, out of how many.'),
  column('Status', 'string', 'A one-word summary of the phase and the containers of the pod.'),
  column(
    'Restarts',
    'string',
    'How often the containers have restarted, and how long ago the last restart was.',
  ),
  ageColumn,
  column('IP', 'string', 'The first IP address of the pod.', { priority: 1 }),
  column('Node', 'string', 'The node the pod is bound to.', { priority: 1 }),
  column('Nominated Node', 'string', 'The node preemption cleared room on for this pod.', {
    priority: 1,
  }),
  column(
    'Readiness Gates',
    'string',
    "How many of the pod's readiness gate conditions are True, out of how many.",
    { priority: 1 },
  ),
] as const;

const succeededConditions: readonly TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has succeeded.' },
];
const failedConditions: readonly TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod has failed.' },
];

/** Pods in a terminal phase get a `Completed` row condition. */
export function podRowConditions(pod: Pod): readonly TableRowCondition[] | undefined {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded') return succeededConditions;
  if (phase === 'Failed') return failedConditions;
  return undefined;
}

/** The cells of one pod's row. */
export function podCells(pod: Pod, now: number): unknown[] {
  const spec = pod.spec;
  const status = pod.status;
  const phase = status?.phase ?? '';
  let reason: string = status?.reason || phase;
  const conditions = status?.conditions;
  if (conditions) {
    for (const c of conditions) {
      if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
    }
  }

  const initContainers = spec?.initContainers ?? [];
  let total = spec?.containers.length ?? 0;
  let sidecars: Set<string> | undefined;
  for (const c of initContainers) {
    if (c.restartPolicy === 'Always') {
      (sidecars ??= new Set()).add(c.name);
      total++;
    }
  }

  let ready = 0;
  let restarts = 0;
  let lastRestart: number | undefined;
  let sidecarRestarts = 0;
  let lastSidecarRestart: number | undefined;
  let initializing = false;
  const initStatuses = status?.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    if (!cs) continue;
    const sidecar = sidecars?.has(cs.name) ?? false;
    restarts += cs.restartCount;
    const finished = parseTimestamp(cs.lastState?.terminated?.finishedAt);
    lastRestart = later(lastRestart, finished);
    if (sidecar) {
      sidecarRestarts += cs.restartCount;
      lastSidecarRestart = later(lastSidecarRestart, finished);
    }
    const terminated = cs.state?.terminated;
    const waitingReason = cs.state?.waiting?.reason;
    if (terminated && terminated.exitCode === 0) continue;
    if (sidecar && cs.started === true) {
      if (cs.ready) ready++;
      continue;
    }
    if (terminated) {
      if (terminated.reason) reason = 'Init:' + terminated.reason;
      else if (terminated.signal) reason = `Init:Signal:${terminated.signal}`;
      else reason = `Init:ExitCode:${terminated.exitCode}`;
    } else if (waitingReason && waitingReason !== 'PodInitializing') {
      reason = 'Init:' + waitingReason;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || initializedConditionTrue(status)) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = status?.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      if (!cs) continue;
      restarts += cs.restartCount;
      lastRestart = later(lastRestart, parseTimestamp(cs.lastState?.terminated?.finishedAt));
      const waiting = cs.state?.waiting;
      const terminated = cs.state?.terminated;
      if (waiting?.reason) {
        reason = waiting.reason;
      } else if (terminated) {
        if (terminated.reason) reason = terminated.reason;
        else if (terminated.signal) reason = `Signal:${terminated.signal}`;
        else reason = `ExitCode:${terminated.exitCode}`;
      } else if (cs.ready && cs.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = readyConditionTrue(conditions) ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata?.deletionTimestamp) {
    if (status?.reason === 'NodeLost') reason = 'Unknown';
    else if (phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  }

  const restartsCell =
    restarts !== 0 && lastRestart !== undefined
      ? `${restarts} (${translateTimeSince(lastRestart, now)} ago)`
      : String(restarts);

  return [
    pod.metadata?.name ?? '',
    `${ready}/${total}`,
    reason,
    restartsCell,
    translateTimestampSince(pod.metadata?.creationTimestamp, now),
    status?.podIPs?.[0]?.ip || '<none>',
    spec?.nodeName || '<none>',
    status?.nominatedNodeName || '<none>',
    readinessGatesCell(pod),
  ];
}

/** `true/total` over the pod's readiness gates, `<none>` when it has none. */
function readinessGatesCell(pod: Pod): string {
  const gates = pod.spec?.readinessGates;
  if (!gates || gates.length === 0) return '<none>';
  const conditions = pod.status?.conditions ?? [];
  let trueCount = 0;
  for (const gate of gates) {
    const c = conditions.find((cond) => cond.type === gate.conditionType);
    if (c?.status === 'True') trueCount++;
  }
  return `${trueCount}/${gates.length}`;
}

function later(a: number | undefined, b: number | undefined): number | undefined {
  if (b === undefined) return a;
  return a === undefined || b > a ? b : a;
}

/** The first Initialized condition decides. */
function initializedConditionTrue(status: PodStatus | undefined): boolean {
  const c = status?.conditions?.find((cond) => cond.type === 'Initialized');
  return c?.status === 'True';
}

function readyConditionTrue(conditions: readonly PodCondition[] | undefined): boolean {
  return conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export const podTableConvertor = typedTableConvertor<Pod>(podColumns, podCells, podRowConditions);

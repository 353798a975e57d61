/**
 * The scheduler against the in-process API server: pods get bound (or not) and say why, the way
 * a real cluster's do. Real clock: retries wait out upstream's back-off (1 s, 2 s, ...), so the
 * waits below allow a few seconds.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInProcessTransport } from '../../src/apiserver/index.ts';
import { RestClient } from '../../src/client/index.ts';
import { Scheduler } from '../../src/scheduler/index.ts';
import { at, startHarness, type Harness } from './harness.ts';

let h: Harness;
let scheduler: Scheduler;

beforeEach(async () => {
  h = await startHarness();
  const client = new RestClient({
    transport: createInProcessTransport(h.api, {
      name: 'system:kube-scheduler',
      groups: ['system:authenticated'],
    }),
  });
  scheduler = new Scheduler({ client });
  scheduler.start();
});

afterEach(async () => {
  await scheduler.stop();
  await h.stop();
});

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 8000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface NodeOpts {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  ready?: 'True' | 'False' | 'Unknown';
  unschedulable?: boolean;
}

function nodeBody(name: string, o: NodeOpts = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: {
      ...(o.taints ? { taints: o.taints } : {}),
      ...(o.unschedulable ? { unschedulable: true } : {}),
    },
    status: {
      allocatable: { cpu: o.cpu ?? '2', memory: o.memory ?? '4Gi', pods: o.pods ?? '110' },
      capacity: { cpu: o.cpu ?? '2', memory: o.memory ?? '4Gi', pods: o.pods ?? '110' },
      conditions: [{ type: 'Ready', status: o.ready ?? 'True', reason: 'KubeletReady' }],
    },
  };
}

async function createNode(name: string, o: NodeOpts = {}): Promise<void> {
  const r = await h.request('POST', '/api/v1/nodes', nodeBody(name, o));
  expect(r.status, r.text).toBe(201);
}

async function setNodeReady(name: string, status: 'True' | 'False'): Promise<void> {
  const r = await h.request(
    'PATCH',
    `/api/v1/nodes/${name}/status`,
    { status: { conditions: [{ type: 'Ready', status, reason: 'KubeletReady' }] } },
    { 'content-type': 'application/strategic-merge-patch+json' },
  );
  expect(r.status, r.text).toBe(200);
}

interface PodOpts {
  cpu?: string;
  memory?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: Record<string, unknown>[];
  nodeName?: string;
  schedulerName?: string;
  priorityClassName?: string;
  hostPort?: number;
}

async function createPod(name: string, o: PodOpts = {}): Promise<void> {
  const requests: Record<string, string> = {};
  if (o.cpu) requests['cpu'] = o.cpu;
  if (o.memory) requests['memory'] = o.memory;
  const r = await h.request('POST', '/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'busybox',
          resources: { requests },
          ...(o.hostPort ? { ports: [{ containerPort: 80, hostPort: o.hostPort }] } : {}),
        },
      ],
      ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
      ...(o.tolerations ? { tolerations: o.tolerations } : {}),
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...(o.schedulerName ? { schedulerName: o.schedulerName } : {}),
      ...(o.priorityClassName ? { priorityClassName: o.priorityClassName } : {}),
    },
  });
  expect(r.status, r.text).toBe(201);
}

async function getPod(name: string): Promise<Record<string, unknown> | undefined> {
  const r = await h.request('GET', `/api/v1/namespaces/default/pods/${name}`);
  return r.status === 200 ? (r.body as Record<string, unknown>) : undefined;
}

async function nodeOf(name: string): Promise<string | undefined> {
  return at(await getPod(name), 'spec.nodeName') as string | undefined;
}

function waitBound(name: string, timeoutMs?: number): Promise<string> {
  return waitFor(`pod ${name} to be bound`, () => nodeOf(name), timeoutMs);
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

async function scheduledCondition(name: string): Promise<Condition | undefined> {
  const conditions = (at(await getPod(name), 'status.conditions') ?? []) as Condition[];
  return conditions.find((c) => c.type === 'PodScheduled');
}

/** Waits until the pod's PodScheduled condition is False with exactly `message`. */
function waitUnschedulable(name: string, message: string): Promise<Condition> {
  return waitFor(`pod ${name} to be Unschedulable with "${message}"`, async () => {
    const c = await scheduledCondition(name);
    return c?.status === 'False' && c.message === message ? c : undefined;
  });
}

interface EventBody {
  type: string;
  reason: string;
  message: string;
  count?: number;
  source?: { component?: string };
  reportingComponent?: string;
}

async function events(pod: string): Promise<EventBody[]> {
  const r = await h.request(
    'GET',
    `/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3D${pod}`,
  );
  return ((at(r.body, 'items') ?? []) as EventBody[]).filter(Boolean);
}

function waitEvent(pod: string, reason: string, message: string): Promise<EventBody> {
  return waitFor(`event ${reason} "${message}" for ${pod}`, async () =>
    (await events(pod)).find((e) => e.reason === reason && e.message === message),
  );
}

describe('scheduler', () => {
  it('binds a pod to a ready node and records Scheduled', async () => {
    await createNode('node1');
    await createPod('nginx', { cpu: '100m', memory: '64Mi' });
    expect(await waitBound('nginx')).toBe('node1');
    const e = await waitEvent('nginx', 'Scheduled', 'Successfully assigned default/nginx to node1');
    expect(e.type).toBe('Normal');
    expect(e.source?.component).toBe('default-scheduler');
    expect(e.reportingComponent).toBe('default-scheduler');
    const c = await scheduledCondition('nginx');
    expect(c?.status).toBe('True');
  });

  it('says why a pod fits no node, in upstream words, and binds it once room appears', async () => {
    await createNode('node1', { cpu: '1' });
    await createPod('big', { cpu: '2' });
    const msg =
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';
    const c = await waitUnschedulable('big', msg);
    expect(c.reason).toBe('Unschedulable');
    const e = await waitEvent('big', 'FailedScheduling', msg);
    expect(e.type).toBe('Warning');
    expect(await nodeOf('big')).toBeUndefined();
    // A bigger node joins: the pod is retried (after its back-off) and lands there.
    await createNode('node2', { cpu: '4' });
    expect(await waitBound('big')).toBe('node2');
  });

  it('reports "no nodes available to schedule pods" with no nodes, and schedules when one registers', async () => {
    await createPod('early');
    await waitUnschedulable('early', 'no nodes available to schedule pods');
    await waitEvent('early', 'FailedScheduling', 'no nodes available to schedule pods');
    await createNode('node1');
    expect(await waitBound('early')).toBe('node1');
  });

  it('retries an unschedulable pod when a pod on the node goes away', async () => {
    await createNode('node1', { cpu: '1' });
    await createPod('first', { cpu: '800m' });
    await waitBound('first');
    await createPod('second', { cpu: '800m' });
    await waitUnschedulable(
      'second',
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
    const del = await h.request('DELETE', '/api/v1/namespaces/default/pods/first', {
      gracePeriodSeconds: 0,
    });
    expect(del.status).toBe(200);
    expect(await waitBound('second')).toBe('node1');
  });

  it('frees the requests of pods that finished', async () => {
    await createNode('node1', { cpu: '1' });
    await createPod('job', { cpu: '800m' });
    await waitBound('job');
    await createPod('next', { cpu: '800m' });
    await waitUnschedulable(
      'next',
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
    // The kubelet reports the pod Succeeded: it no longer holds its requests.
    const r = await h.request(
      'PATCH',
      '/api/v1/namespaces/default/pods/job/status',
      { status: { phase: 'Succeeded' } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(r.status, r.text).toBe(200);
    expect(await waitBound('next')).toBe('node1');
  });

  it('does not hand the last slot to two pods created back to back', async () => {
    await createNode('node1', { cpu: '1' });
    await Promise.all([createPod('a', { cpu: '600m' }), createPod('b', { cpu: '600m' })]);
    const bound = await waitFor('one of the pods to be bound', async () => {
      const [na, nb] = await Promise.all([nodeOf('a'), nodeOf('b')]);
      return na || nb ? { na, nb } : undefined;
    });
    const loser = bound.na ? 'b' : 'a';
    await waitUnschedulable(
      loser,
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
    expect(await nodeOf(loser)).toBeUndefined();
  });

  it('keeps pods off tainted nodes unless they tolerate the taint', async () => {
    await createNode('gpu1', {
      taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }],
    });
    await createPod('plain');
    await waitUnschedulable(
      'plain',
      '0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
    await createPod('tolerant', {
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
    });
    expect(await waitBound('tolerant')).toBe('gpu1');
    expect(await nodeOf('plain')).toBeUndefined();
  });

  it('schedules only onto Ready nodes, and retries when a node becomes Ready', async () => {
    await createNode('node1', { ready: 'False' });
    await createPod('waiting');
    await waitUnschedulable(
      'waiting',
      '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
    await setNodeReady('node1', 'True');
    expect(await waitBound('waiting')).toBe('node1');
  });

  it('honours nodeSelector', async () => {
    await createNode('hdd', { labels: { disk: 'hdd' } });
    await createNode('ssd', { labels: { disk: 'ssd' } });
    await createPod('fast', { nodeSelector: { disk: 'ssd' } });
    expect(await waitBound('fast')).toBe('ssd');
    await createPod('nowhere', { nodeSelector: { disk: 'nvme' } });
    await waitUnschedulable(
      'nowhere',
      "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    );
  });

  it('counts mixed reasons per node, sorted', async () => {
    await createNode('cordoned', { unschedulable: true });
    await createNode('small', { cpu: '500m' });
    await createNode('ssd', { labels: { disk: 'ssd' }, cpu: '500m' });
    await createPod('picky', { cpu: '1', nodeSelector: { disk: 'ssd' } });
    await waitUnschedulable(
      'picky',
      "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
    );
  });

  it('leaves pods with spec.nodeName, and pods for other schedulers, alone', async () => {
    await createNode('node1');
    await createPod('pinned', { nodeName: 'node1' });
    await createPod('other', { schedulerName: 'my-scheduler' });
    await createPod('ours');
    await waitBound('ours');
    expect(await nodeOf('other')).toBeUndefined();
    expect(await scheduledCondition('other')).toBeUndefined();
    expect((await events('pinned')).filter((e) => e.reason === 'Scheduled')).toEqual([]);
    expect((await events('other')).filter((e) => e.reason === 'FailedScheduling')).toEqual([]);
  });

  it('waits for scheduling gates to be removed', async () => {
    await createNode('node1');
    const r = await h.request('POST', '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'gated' },
      spec: {
        schedulingGates: [{ name: 'example.com/approval' }],
        containers: [{ name: 'app', image: 'busybox' }],
      },
    });
    expect(r.status, r.text).toBe(201);
    await createPod('ungated');
    await waitBound('ungated');
    await new Promise((res) => setTimeout(res, 300));
    expect(await nodeOf('gated')).toBeUndefined();
    const patch = await h.request(
      'PATCH',
      '/api/v1/namespaces/default/pods/gated',
      [{ op: 'remove', path: '/spec/schedulingGates' }],
      { 'content-type': 'application/json-patch+json' },
    );
    expect(patch.status, patch.text).toBe(200);
    expect(await waitBound('gated')).toBe('node1');
  });

  it('keeps host ports apart', async () => {
    await createNode('node1');
    await createPod('web1', { hostPort: 8080 });
    await waitBound('web1');
    await createPod('web2', { hostPort: 8080 });
    await waitUnschedulable(
      'web2',
      "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    );
  });

  it('preempts a lower-priority pod for a higher-priority one', async () => {
    await createNode('node1', { cpu: '1' });
    await createPod('low', { cpu: '800m' });
    await waitBound('low');
    await createPod('high', { cpu: '800m', priorityClassName: 'system-cluster-critical' });
    // The victim is marked and deleted (gracefully: it stays until its kubelet confirms).
    const victim = await waitFor('the victim to be terminating', async () => {
      const p = await getPod('low');
      return at(p, 'metadata.deletionTimestamp') ? p : undefined;
    });
    const disruption = ((at(victim, 'status.conditions') ?? []) as Condition[]).find(
      (c) => c.type === 'DisruptionTarget',
    );
    expect(disruption).toMatchObject({ status: 'True', reason: 'PreemptionByScheduler' });
    await waitFor('the preemptor to be nominated', async () => {
      const p = await getPod('high');
      return at(p, 'status.nominatedNodeName') === 'node1' ? true : undefined;
    });
    await waitEvent(
      'low',
      'Preempted',
      `Preempted by pod ${String(at(await getPod('high'), 'metadata.uid'))} on node node1`,
    );
    // The kubelet's part: the victim is gone; the preemptor takes its place.
    await h.request('DELETE', '/api/v1/namespaces/default/pods/low', { gracePeriodSeconds: 0 });
    expect(await waitBound('high')).toBe('node1');
  });
});

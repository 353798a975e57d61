import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../util/index.ts';
import { newDefaultFramework } from '../plugins/registry.ts';
import { makeNode, makePod } from '../testing/builders.ts';
import { eventNodeAdd, nodeSchedulingPropertiesChange } from './node-events.ts';
import { SchedulingQueue, type QueuedPodInfo } from './scheduling-queue.ts';

const registrations = newDefaultFramework({
  preemption: {
    nodeInfos: () => [],
    runFilterPlugins: () => undefined,
    latestPod: () => undefined,
    preemptPod: () => Promise.resolve(),
  },
  now: () => 0,
}).eventRegistrations();

let queues: SchedulingQueue[] = [];

function newQueue(clock: FakeClock): SchedulingQueue {
  const q = new SchedulingQueue({ clock, registrations });
  q.start();
  queues.push(q);
  return q;
}

afterEach(() => {
  for (const q of queues) q.close();
  queues = [];
});

async function popNow(q: SchedulingQueue): Promise<QueuedPodInfo | undefined> {
  const ac = new AbortController();
  const p = q.pop(ac.signal);
  await new Promise<void>((r) => setImmediate(r));
  ac.abort();
  return p;
}

/** Pops the pod and fails it as rejected by `plugins`. */
async function failWith(q: SchedulingQueue, plugins: string[]): Promise<QueuedPodInfo> {
  const pInfo = await popNow(q);
  if (!pInfo) throw new Error('nothing to pop');
  pInfo.unschedulablePlugins = new Set(plugins);
  q.addUnschedulableIfNotPresent(pInfo);
  return pInfo;
}

describe('SchedulingQueue', () => {
  it('pops higher priority first, then first come first served', async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    q.add(makePod('a', { priority: 0 }));
    await clock.step(10);
    q.add(makePod('b', { priority: 100 }));
    await clock.step(10);
    q.add(makePod('c', { priority: 0 }));
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await popNow(q))?.key);
    expect(order).toEqual(['default/b', 'default/a', 'default/c']);
    expect(await popNow(q)).toBeUndefined();
  });

  it('backs off 1 s doubling to 10 s', () => {
    const q = newQueue(new FakeClock());
    const info = (attempts: number) => ({ attempts }) as QueuedPodInfo;
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => q.backoffDuration(info(n)))).toEqual([
      0, 1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
  });

  it('keeps a rejected pod until an event its rejecting plugin cares about', async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    q.add(makePod('p'));
    await failWith(q, ['TaintToleration']);
    expect(q.whereIs('default/p')).toBe('unschedulable');
    // A node the pod would not tolerate either: no move.
    const tainted = makeNode('n1', { taints: [{ key: 'k', effect: 'NoSchedule' }] });
    q.moveAllToActiveOrBackoffQueue(eventNodeAdd, undefined, tainted);
    expect(q.whereIs('default/p')).toBe('unschedulable');
    // An allocatable change does not concern TaintToleration.
    const bigger = makeNode('n1', { cpu: '8', taints: [{ key: 'k', effect: 'NoSchedule' }] });
    for (const e of nodeSchedulingPropertiesChange(bigger, tainted)) {
      q.moveAllToActiveOrBackoffQueue(e, tainted, bigger);
    }
    expect(q.whereIs('default/p')).toBe('unschedulable');
    // The taint goes: the pod moves, to backoffQ while its 1 s back-off lasts.
    const clean = makeNode('n1', { cpu: '8' });
    for (const e of nodeSchedulingPropertiesChange(clean, bigger)) {
      q.moveAllToActiveOrBackoffQueue(e, bigger, clean);
    }
    expect(q.whereIs('default/p')).toBe('backoff');
    await clock.step(1000);
    expect(q.whereIs('default/p')).toBe('active');
  });

  it('moves a pod rejected for resources when a bound pod is deleted, but not for a pending one', async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    q.add(makePod('p', { cpu: '1' }));
    await failWith(q, ['NodeResourcesFit']);
    const event = { resource: 'AssignedPod' as const, action: 2, label: 'AssignedPodDelete' };
    q.moveAllToActiveOrBackoffQueue(event, makePod('pending'), undefined);
    expect(q.whereIs('default/p')).toBe('unschedulable');
    await clock.step(5000);
    q.moveAllToActiveOrBackoffQueue(event, makePod('bound', { nodeName: 'n1' }), undefined);
    // The back-off is over: straight to activeQ.
    expect(q.whereIs('default/p')).toBe('active');
  });

  it('retries pods no plugin rejected (errors, no nodes) after back-off', async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    q.add(makePod('p'));
    await failWith(q, []);
    expect(q.whereIs('default/p')).toBe('backoff');
    await clock.step(999);
    expect(q.whereIs('default/p')).toBe('backoff');
    await clock.step(1001);
    expect(q.whereIs('default/p')).toBe('active');
  });

  it('sends a pod to backoffQ when a relevant event came while it was being scheduled', async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    q.add(makePod('p'));
    const pInfo = await popNow(q);
    if (!pInfo) throw new Error('nothing to pop');
    q.moveAllToActiveOrBackoffQueue(eventNodeAdd, undefined, makeNode('n1'));
    pInfo.unschedulablePlugins = new Set(['TaintToleration']);
    q.addUnschedulableIfNotPresent(pInfo);
    expect(q.whereIs('default/p')).toBe('backoff');
  });

  it('retries unschedulable pods after 5 minutes without events', async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    q.add(makePod('p'));
    await failWith(q, ['NodeAffinity']);
    await clock.step(299_000);
    expect(q.whereIs('default/p')).toBe('unschedulable');
    await clock.step(31_000);
    expect(q.whereIs('default/p')).toBe('active');
  });

  it('holds gated pods until their gates are removed', async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    const gated = makePod('g', { schedulingGates: ['example.com/wait'] });
    q.add(gated);
    expect(await popNow(q)).toBeUndefined();
    q.moveAllToActiveOrBackoffQueue(eventNodeAdd, undefined, makeNode('n1'));
    await clock.step(400_000);
    expect(q.whereIs('default/g')).toBe('unschedulable');
    q.update(gated, makePod('g'));
    expect((await popNow(q))?.key).toBe('default/g');
  });

  it('requeues an unschedulable pod when its tolerations change', async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    const pod = makePod('p');
    q.add(pod);
    await failWith(q, ['TaintToleration']);
    q.update(pod, makePod('p', { labels: { a: 'b' } }));
    expect(q.whereIs('default/p')).toBe('unschedulable');
    q.update(pod, makePod('p', { tolerations: [{ key: 'k', operator: 'Exists' }] }));
    expect(q.whereIs('default/p')).toBe('backoff');
  });

  it('forgets deleted pods and wakes poppers on close', async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    q.add(makePod('p'));
    q.delete(makePod('p'));
    expect(q.stats()).toEqual({ active: 0, backoff: 0, unschedulable: 0, inFlight: 0 });
    const waiting = q.pop();
    q.close();
    expect(await waiting).toBeUndefined();
  });
});

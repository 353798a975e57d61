import { describe, expect, it } from 'vitest';
import type { Pod } from '../api/index.ts';
import { FakeClock, silentLogger } from '../util/index.ts';
import { PodWorkers, type PodSyncHandlers, type SyncPodOutcome } from './pod-workers.ts';

function pod(uid: string, extra: Partial<Pod> = {}): Pod {
  return { metadata: { name: uid, namespace: 'ns', uid }, spec: { containers: [] }, ...extra };
}

function recorder(outcome: () => SyncPodOutcome | Promise<SyncPodOutcome> = () => ({})) {
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const track = async <T>(name: string, fn: () => T | Promise<T>): Promise<T> => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    calls.push(name);
    await new Promise((r) => setTimeout(r, 1));
    try {
      return await fn();
    } finally {
      inFlight--;
    }
  };
  const handlers: PodSyncHandlers = {
    syncPod: (p) => track(`sync:${p.metadata?.resourceVersion ?? ''}`, outcome),
    syncTerminatingPod: (_p, removed) => track(`terminating:${removed}`, () => undefined),
    syncTerminatedPod: (_p, removed) => track(`terminated:${removed}`, () => undefined),
    cleanupPod: () => track('cleanup', () => undefined),
  };
  return { calls, handlers, maxInFlight: () => maxInFlight };
}

function workers(handlers: PodSyncHandlers, clock = new FakeClock()) {
  const abort = new AbortController();
  return {
    w: new PodWorkers({ handlers, clock, logger: silentLogger, signal: abort.signal }),
    abort,
    clock,
  };
}

describe('PodWorkers', () => {
  it('serialises a pod and coalesces updates to the newest', async () => {
    const r = recorder();
    const { w } = workers(r.handlers);
    w.updatePod(
      pod('a', { metadata: { name: 'a', namespace: 'ns', uid: 'a', resourceVersion: '1' } }),
    );
    w.updatePod(
      pod('a', { metadata: { name: 'a', namespace: 'ns', uid: 'a', resourceVersion: '2' } }),
    );
    w.updatePod(
      pod('a', { metadata: { name: 'a', namespace: 'ns', uid: 'a', resourceVersion: '3' } }),
    );
    await w.whenAllIdle();
    expect(r.calls).toEqual(['sync:1', 'sync:3']);
    expect(r.maxInFlight()).toBe(1);
  });

  it('goes SyncPod → TerminatingPod → TerminatedPod when the pod is deleted, then cleans up once removed', async () => {
    const r = recorder();
    const { w } = workers(r.handlers);
    w.updatePod(pod('a'));
    await w.whenAllIdle();
    w.updatePod(
      pod('a', {
        metadata: {
          name: 'a',
          namespace: 'ns',
          uid: 'a',
          deletionTimestamp: '2026-01-01T00:00:00Z',
        },
      }),
    );
    await w.whenAllIdle();
    expect(w.state('a')).toBe('Finished');
    w.removePod(pod('a'));
    await w.whenAllIdle();
    expect(r.calls).toEqual(['sync:', 'terminating:false', 'terminated:false', 'cleanup']);
    expect(w.has('a')).toBe(false);
  });

  it('terminates a pod that syncPod found terminal, and keeps it (Finished) until removed', async () => {
    const r = recorder(() => ({ terminal: true }));
    const { w, clock } = workers(r.handlers);
    w.updatePod(pod('a'));
    await w.whenAllIdle();
    await clock.step(120_000);
    await w.whenAllIdle();
    expect(r.calls).toEqual(['sync:', 'terminating:false', 'terminated:false']);
    expect(w.state('a')).toBe('Finished');
  });

  it('never starts a pod that is terminal when first seen', async () => {
    const r = recorder();
    const { w } = workers(r.handlers);
    w.updatePod(pod('a', { status: { phase: 'Succeeded' } }));
    await w.whenAllIdle();
    expect(r.calls).toEqual(['terminating:false', 'terminated:false']);
  });

  it('kills a running pod removed from the API (force delete) and cleans up', async () => {
    const r = recorder();
    const { w } = workers(r.handlers);
    w.updatePod(pod('a'));
    await w.whenAllIdle();
    w.removePod(pod('a'));
    await w.whenAllIdle();
    expect(r.calls).toEqual(['sync:', 'terminating:true', 'terminated:true', 'cleanup']);
  });

  it('resyncs periodically and after a back-off', async () => {
    let n = 0;
    const r = recorder(() => (n++ === 0 ? { retryAfterMs: 5000 } : {}));
    const { w, clock } = workers(r.handlers);
    w.updatePod(pod('a'));
    await w.whenAllIdle();
    await clock.step(5000);
    await w.whenAllIdle();
    expect(r.calls.length).toBe(2);
    await clock.step(60_000);
    await w.whenAllIdle();
    expect(r.calls.length).toBe(3);
  });

  it('retries a failed sync with back-off', async () => {
    let n = 0;
    const r = recorder(() => {
      if (n++ < 2) throw new Error('boom');
      return {};
    });
    const { w, clock } = workers(r.handlers);
    w.updatePod(pod('a'));
    await w.whenAllIdle();
    await clock.step(1000);
    await w.whenAllIdle();
    await clock.step(2000);
    await w.whenAllIdle();
    expect(r.calls.length).toBe(3);
  });
});

describe('PodWorkers shutdown', () => {
  it('is idle after the signal aborts, even with a sync requested during the last step', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const handlers: PodSyncHandlers = {
      syncPod: async () => {
        await gate;
        return {};
      },
      syncTerminatingPod: () => Promise.resolve(),
      syncTerminatedPod: () => Promise.resolve(),
      cleanupPod: () => Promise.resolve(),
    };
    const { w, abort } = workers(handlers);
    w.updatePod(pod('a'));
    // A probe result or PLEG event asks for another sync while the first one runs.
    w.sync('a');
    abort.abort();
    w.stop();
    release();
    // The worker finishes its step and stops, with the requested sync left undone.
    await new Promise((r) => setTimeout(r, 20));
    await expect(
      Promise.race([
        w.whenAllIdle().then(() => 'idle'),
        new Promise((r) =>
          setTimeout(() => {
            r('stuck');
          }, 1000),
        ),
      ]),
    ).resolves.toBe('idle');
  });
});

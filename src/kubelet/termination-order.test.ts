import { describe, expect, it } from 'vitest';
import type { Pod } from '../api/index.ts';
import { FakeClock } from '../util/index.ts';
import { terminationOrdering } from './termination-order.ts';

function pod(init: { name: string; sidecar: boolean }[], apps: string[]): Pod {
  return {
    metadata: { name: 'p', namespace: 'default' },
    spec: {
      initContainers: init.map((c) => ({
        name: c.name,
        image: 'i',
        ...(c.sidecar ? { restartPolicy: 'Always' } : {}),
      })),
      containers: apps.map((name) => ({ name, image: 'i' })),
    },
  };
}

/** Records when each waitForTurn resolves, as [name, seconds waited]. */
function watchTurns(
  order: NonNullable<ReturnType<typeof terminationOrdering>>,
  clock: FakeClock,
  names: string[],
  grace = 30,
): [string, number][] {
  const turns: [string, number][] = [];
  for (const n of names) {
    void order.waitForTurn(n, grace, clock).then((waited) => turns.push([n, waited]));
  }
  return turns;
}

describe('terminationOrdering', () => {
  const sidecarPod = pod(
    [
      { name: 'setup', sidecar: false },
      { name: 'proxy', sidecar: true },
      { name: 'logs', sidecar: true },
    ],
    ['app', 'worker'],
  );
  const allRunning = new Set(['proxy', 'logs', 'app', 'worker']);

  it('is not used for a pod without sidecars', () => {
    expect(terminationOrdering(pod([{ name: 'setup', sidecar: false }], ['app']), allRunning)).toBe(
      undefined,
    );
    expect(terminationOrdering(undefined, allRunning)).toBe(undefined);
  });

  it('stops app containers at once and sidecars after them, the last declared first', async () => {
    const clock = new FakeClock();
    const order = terminationOrdering(sidecarPod, allRunning)!;
    const turns = watchTurns(order, clock, ['app', 'worker', 'proxy', 'logs']);
    await clock.step(0);
    expect(turns.map(([n]) => n)).toEqual(['app', 'worker']);

    await clock.step(2000);
    order.terminated('app');
    await clock.step(0);
    expect(turns.map(([n]) => n)).toEqual(['app', 'worker']);
    order.terminated('worker');
    await clock.step(0);
    // `logs` is declared after `proxy`: its turn comes first, and `proxy` waits for it
    expect(turns).toEqual([
      ['app', 0],
      ['worker', 0],
      ['logs', 2],
    ]);
    await clock.step(1500);
    order.terminated('logs');
    await clock.step(0);
    expect(turns.at(-1)).toEqual(['proxy', 3]);
  });

  it('does not wait for containers that are not running', async () => {
    const clock = new FakeClock();
    const order = terminationOrdering(sidecarPod, new Set(['proxy', 'logs']))!;
    const turns = watchTurns(order, clock, ['proxy', 'logs']);
    await clock.step(0);
    expect(turns).toEqual([['logs', 0]]);
  });

  it('waits no longer than the grace period', async () => {
    const clock = new FakeClock();
    const order = terminationOrdering(sidecarPod, allRunning)!;
    const turns = watchTurns(order, clock, ['logs'], 5);
    await clock.step(4999);
    expect(turns).toEqual([]);
    await clock.step(1);
    expect(turns).toEqual([['logs', 5]]);
  });
});

import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { FakeClock } from '../util/index.ts';
import { LeaderElector, formatMicroTime, type LeaderElectorOptions } from './leader-election.ts';
import { RestClient } from './rest-client.ts';
import { TestApiServer, eventually } from './testing/test-api-server.ts';
import { HttpsTransport } from './transport.ts';

const leasesPath = '/apis/coordination.k8s.io/v1/leases';
const leaseKey = 'kube-system/podbay-scheduler';

interface Candidate {
  readonly id: string;
  readonly elector: LeaderElector;
  readonly events: string[];
  startedAt: number | undefined;
  stoppedAt: number | undefined;
  termSignal: AbortSignal | undefined;
  transitions: number | undefined;
  readonly ctl: AbortController;
  done: Promise<void>;
}

describe('formatMicroTime', () => {
  it('formats RFC 3339 with microseconds', () => {
    expect(formatMicroTime(Date.UTC(2026, 0, 1))).toBe('2026-01-01T00:00:00.000000Z');
    expect(formatMicroTime(Date.UTC(2026, 0, 1, 12, 30, 5, 123))).toBe(
      '2026-01-01T12:30:05.123000Z',
    );
  });
});

describe('LeaderElector', () => {
  let server: TestApiServer;
  let url: string;
  let clock: FakeClock;
  const transports: HttpsTransport[] = [];
  const candidates: Candidate[] = [];

  beforeEach(async () => {
    server = new TestApiServer();
    url = await server.start();
    clock = new FakeClock();
  });

  afterEach(async () => {
    for (const c of candidates.splice(0)) {
      c.ctl.abort();
      await c.done;
    }
    for (const t of transports.splice(0)) t.close();
    await server.close();
  });

  function candidate(id: string, opts: Partial<LeaderElectorOptions> = {}): Candidate {
    const transport = new HttpsTransport({ server: url });
    transports.push(transport);
    const c: Candidate = {
      id,
      events: [],
      startedAt: undefined,
      stoppedAt: undefined,
      termSignal: undefined,
      transitions: undefined,
      ctl: new AbortController(),
      done: Promise.resolve(),
      elector: new LeaderElector({
        client: new RestClient({ transport, userAgent: `candidate-${id}` }),
        namespace: 'kube-system',
        name: 'podbay-scheduler',
        identity: id,
        clock,
        random: () => 0,
        callbacks: {
          onStartedLeading: async (signal, term) => {
            c.startedAt = clock.now();
            c.termSignal = signal;
            c.transitions = term.leaseTransitions;
            c.events.push('started');
            await new Promise<void>((resolve) => {
              signal.addEventListener(
                'abort',
                () => {
                  resolve();
                },
                { once: true },
              );
            });
            c.events.push('work-stopped');
          },
          onStoppedLeading: () => {
            c.stoppedAt = clock.now();
            c.events.push('stopped');
          },
          onNewLeader: (identity) => c.events.push(`leader:${identity}`),
        },
        ...opts,
      }),
    };
    candidates.push(c);
    return c;
  }

  /** Lets `ms` of fake time pass in 100 ms steps, with real I/O between steps. */
  const advance = async (ms: number): Promise<void> => {
    for (let t = 0; t < ms; t += 100) {
      await clock.step(100);
      await new Promise((r) => setTimeout(r, 1));
    }
  };

  const start = (c: Candidate): void => {
    c.done = c.elector.run(c.ctl.signal);
  };
  const lease = () =>
    server.object(leasesPath, leaseKey) as
      { spec: Record<string, unknown>; metadata: { resourceVersion: string } } | undefined;

  it('creates the lease and leads; a standby waits; on shutdown the leader releases and the standby takes over', async () => {
    const a = candidate('a', { releaseOnCancel: true });
    const b = candidate('b');
    start(a);
    await eventually(() => a.elector.isLeader(), { clock });
    expect(a.transitions).toBe(0);
    const created = lease()!;
    expect(created.spec).toMatchObject({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
    });
    expect(created.spec['renewTime']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(created.spec['acquireTime']).toBe('2026-01-01T00:00:00.000000Z');

    start(b);
    const rvBefore = Number(created.metadata.resourceVersion);
    await advance(20_000);
    await eventually(() => b.elector.getLeader() === 'a');
    expect(b.elector.isLeader()).toBe(false);
    expect(Number(lease()!.metadata.resourceVersion)).toBeGreaterThan(rvBefore); // a keeps renewing
    expect(lease()!.spec['acquireTime']).toBe(created.spec['acquireTime']);

    a.ctl.abort();
    await a.done;
    expect(a.events).toEqual(['leader:a', 'started', 'work-stopped', 'stopped']);
    expect(a.termSignal?.aborted).toBe(true);
    expect(lease()!.spec).toMatchObject({
      holderIdentity: '',
      leaseDurationSeconds: 1,
      leaseTransitions: 0,
    });

    await eventually(() => b.elector.isLeader(), { clock });
    expect(b.transitions).toBe(1);
    expect(lease()!.spec).toMatchObject({
      holderIdentity: 'b',
      leaseTransitions: 1,
      leaseDurationSeconds: 15,
    });
    expect(b.events).toEqual(['leader:a', 'leader:b', 'started']);
  });

  it('a leader that cannot renew steps down after renewDeadline; the standby waits a full lease duration from the last renewal it saw', async () => {
    const a = candidate('a');
    const b = candidate('b');
    start(a);
    await eventually(() => a.elector.isLeader(), { clock });
    start(b);
    await eventually(() => b.elector.getLeader() === 'a', { clock });

    let lastRenewal = '';
    let lastChangeSeenAt = 0;
    server.failNext(
      (r) => r.headers['user-agent'] === 'candidate-a',
      1_000_000,
      500,
      'InternalError',
    );
    const renewTimeNow = () => String(lease()!.spec['renewTime']);
    lastRenewal = renewTimeNow();
    lastChangeSeenAt = clock.now();
    await eventually(() => a.stoppedAt !== undefined || b.elector.isLeader(), {
      clock,
      stepMs: 100,
      rounds: 5000,
    });
    expect(renewTimeNow()).toBe(lastRenewal);
    expect(a.stoppedAt).toBeDefined();
    expect(b.elector.isLeader()).toBe(false);
    // a gave up within renewDeadline (10 s) of its last successful renewal (plus one retry period).
    expect(a.stoppedAt! - lastChangeSeenAt).toBeLessThanOrEqual(12_000);
    expect(a.events).toEqual(['leader:a', 'started', 'work-stopped', 'stopped']);
    await a.done;

    await eventually(() => b.elector.isLeader(), { clock, stepMs: 100, rounds: 5000 });
    expect(b.startedAt! - lastChangeSeenAt).toBeGreaterThanOrEqual(15_000);
    expect(b.startedAt!).toBeGreaterThan(a.stoppedAt!);
    expect(b.transitions).toBe(1);
  });

  it('lets exactly one of several racing candidates win, by create and by compare-and-swap', async () => {
    const racers = ['r1', 'r2', 'r3'].map((id) => candidate(id));
    racers.forEach(start);
    await eventually(() => racers.some((r) => r.elector.isLeader()), { clock });
    await advance(10_000);
    await eventually(() => racers.every((r) => r.elector.getLeader() !== ''), { clock });
    expect(racers.filter((r) => r.elector.isLeader())).toHaveLength(1);
    expect(server.requestsMatching('/leases', 'POST').length).toBeGreaterThanOrEqual(1);
  });

  it('takes over an expired lease with compare-and-swap: one winner, leaseTransitions bumped once', async () => {
    server.seed(leasesPath, [
      {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: 'podbay-scheduler', namespace: 'kube-system' },
        spec: {
          holderIdentity: 'gone',
          leaseDurationSeconds: 15,
          leaseTransitions: 4,
          renewTime: '2025-01-01T00:00:00.000000Z',
        },
      },
    ]);
    const racers = ['r1', 'r2'].map((id) => candidate(id));
    racers.forEach(start);
    await eventually(() => racers.every((r) => r.elector.getLeader() === 'gone'), {
      clock,
      stepMs: 10,
    });
    expect(racers.some((r) => r.elector.isLeader())).toBe(false);
    await eventually(() => racers.some((r) => r.elector.isLeader()), { clock, stepMs: 100 });
    const winner = racers.find((r) => r.elector.isLeader())!;
    expect(winner.transitions).toBe(5);
    await advance(10_000);
    await eventually(() => racers.every((r) => r.elector.getLeader() === winner.id), { clock });
    expect(racers.filter((r) => r.elector.isLeader())).toHaveLength(1);
    expect(lease()!.spec).toMatchObject({ holderIdentity: winner.id, leaseTransitions: 5 });
    // The standby's failed takeover was a conflict on resourceVersion, not a blind overwrite.
    const puts = server.requestsMatching('/leases/podbay-scheduler', 'PUT');
    expect(
      puts.every(
        (r) =>
          (JSON.parse(r.body) as { metadata: { resourceVersion?: string } }).metadata
            .resourceVersion,
      ),
    ).toBe(true);
  });

  it('returns without callbacks when stopped before acquiring, and validates its timings', async () => {
    server.seed(leasesPath, [
      {
        metadata: { name: 'podbay-scheduler', namespace: 'kube-system' },
        spec: { holderIdentity: 'other', leaseDurationSeconds: 15, leaseTransitions: 0 },
      },
    ]);
    const c = candidate('c');
    start(c);
    await eventually(() => c.elector.getLeader() === 'other', { clock });
    c.ctl.abort();
    await c.done;
    expect(c.events).toEqual(['leader:other']);
    await expect(c.elector.run(new AbortController().signal)).rejects.toThrow('already started');

    const client = new RestClient({ transport: new HttpsTransport({ server: url }) });
    const base = {
      client,
      namespace: 'n',
      name: 'l',
      identity: 'i',
      callbacks: { onStartedLeading: () => undefined },
    };
    expect(
      () => new LeaderElector({ ...base, leaseDurationMs: 10_000, renewDeadlineMs: 10_000 }),
    ).toThrow(RangeError);
    expect(
      () => new LeaderElector({ ...base, renewDeadlineMs: 2_000, retryPeriodMs: 2_000 }),
    ).toThrow(RangeError);
  });
});

import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { FakeClock } from '../util/index.ts';
import {
  ApiEventRecorder,
  FakeRecorder,
  formatMessage,
  getReference,
  type EventRecorderOptions,
} from './event-recorder.ts';
import { RestClient } from './rest-client.ts';
import { TestApiServer, eventually } from './testing/test-api-server.ts';
import { HttpsTransport, type Transport } from './transport.ts';

const eventsPath = '/api/v1/events';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'shop', uid: 'uid-web', resourceVersion: '42' },
};
const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1', uid: 'uid-node1' } };

type Ev = Record<string, unknown> & {
  metadata: { name: string; namespace: string };
  count: number;
  message: string;
  firstTimestamp: string;
  lastTimestamp: string;
};

describe('formatMessage', () => {
  it('formats Go-style verbs', () => {
    expect(formatMessage('Successfully assigned %s/%s to %s', 'default', 'web', 'node1')).toBe(
      'Successfully assigned default/web to node1',
    );
    expect(formatMessage('%d of %v, %q, %.2f, %x, 100%%', 3.7, true, 'a"b', 1.005, 255)).toBe(
      '3 of true, "a\\"b", 1.00, ff, 100%',
    );
    expect(formatMessage('%s and %s', 'one')).toBe('one and %!s(MISSING)');
    expect(formatMessage('%v %v', new Error('boom'), { a: 1 })).toBe('boom {"a":1}');
  });
});

describe('getReference', () => {
  it('builds an ObjectReference from an object, with an optional fieldPath', () => {
    expect(getReference(pod, 'spec.containers{app}')).toEqual({
      kind: 'Pod',
      namespace: 'shop',
      name: 'web',
      uid: 'uid-web',
      apiVersion: 'v1',
      resourceVersion: '42',
      fieldPath: 'spec.containers{app}',
    });
    expect(getReference({ metadata: { name: 'x' } })).toBeUndefined();
    expect(getReference({ kind: 'Pod', name: 'p', namespace: 'n' })).toEqual({
      kind: 'Pod',
      name: 'p',
      namespace: 'n',
    });
  });
});

describe('FakeRecorder', () => {
  it('records calls in order as "type reason message"', () => {
    const r = new FakeRecorder();
    r.event(pod, 'Normal', 'Pulled', 'Image pulled');
    r.eventf(
      pod,
      'Warning',
      'BackOff',
      'Back-off restarting failed container %s in pod %s',
      'app',
      'web',
    );
    expect(r.events).toEqual([
      'Normal Pulled Image pulled',
      'Warning BackOff Back-off restarting failed container app in pod web',
    ]);
    expect(r.records[1]).toMatchObject({ object: pod, type: 'Warning', reason: 'BackOff' });
    r.clear();
    expect(r.events).toEqual([]);
  });
});

describe('ApiEventRecorder', () => {
  let server: TestApiServer;
  let transport: HttpsTransport;
  let client: RestClient;
  let clock: FakeClock;
  const recorders: ApiEventRecorder[] = [];

  beforeEach(async () => {
    server = new TestApiServer();
    transport = new HttpsTransport({ server: await server.start() });
    client = new RestClient({ transport });
    clock = new FakeClock();
  });

  afterEach(async () => {
    for (const r of recorders.splice(0)) await r.shutDown();
    transport.close();
    await server.close();
  });

  function recorder(opts: Partial<EventRecorderOptions> = {}): ApiEventRecorder {
    const r = new ApiEventRecorder({
      client,
      component: 'kubelet',
      host: 'node1',
      clock,
      random: () => 0.5,
      // Sent at once unless a test is about batching.
      batchDelayMs: 0,
      ...opts,
    });
    recorders.push(r);
    return r;
  }

  const stored = (): Ev[] => server.objects(eventsPath) as Ev[];
  const posts = () => server.requestsMatching('/events', 'POST');
  const patches = () => server.requestsMatching('/events', 'PATCH');

  it('creates an Event with the reference, source, reporting fields, timestamps and a unique name, without blocking', async () => {
    const r = recorder();
    r.event(pod, 'Normal', 'Scheduled', 'Successfully assigned shop/web to node1');
    r.eventf(
      getReference(pod, 'spec.containers{app}')!,
      'Normal',
      'Pulled',
      'Container image %q already present',
      'busybox',
    );
    r.event(node, 'Warning', 'Rebooted', 'Node node1 has been rebooted');
    expect(stored()).toHaveLength(0); // nothing sent synchronously
    await r.flush();
    const evs = stored();
    expect(evs).toHaveLength(3);
    const scheduled = evs.find((e) => e['reason'] === 'Scheduled')!;
    expect(scheduled.metadata.name).toMatch(/^web\.[0-9a-f]+$/);
    expect(scheduled).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { namespace: 'shop' },
      involvedObject: {
        kind: 'Pod',
        namespace: 'shop',
        name: 'web',
        uid: 'uid-web',
        apiVersion: 'v1',
        resourceVersion: '42',
      },
      reason: 'Scheduled',
      message: 'Successfully assigned shop/web to node1',
      source: { component: 'kubelet', host: 'node1' },
      firstTimestamp: '2026-01-01T00:00:00Z',
      lastTimestamp: '2026-01-01T00:00:00Z',
      count: 1,
      type: 'Normal',
      reportingComponent: 'kubelet',
      reportingInstance: 'node1',
    });
    const pulled = evs.find((e) => e['reason'] === 'Pulled')!;
    expect(pulled['involvedObject']).toMatchObject({ fieldPath: 'spec.containers{app}' });
    expect(pulled.message).toBe('Container image "busybox" already present');
    const rebooted = evs.find((e) => e['reason'] === 'Rebooted')!;
    expect(rebooted.metadata.namespace).toBe('default');
    expect(new Set(evs.map((e) => e.metadata.name)).size).toBe(3);
    expect(
      posts()
        .map((p) => new URL(p.url, 'http://x').pathname)
        .sort(),
    ).toEqual([
      '/api/v1/namespaces/default/events',
      '/api/v1/namespaces/shop/events',
      '/api/v1/namespaces/shop/events',
    ]);
  });

  it('patches count and lastTimestamp of a repeated event within the window, and starts a new one after it', async () => {
    const r = recorder();
    r.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await r.flush();
    await clock.step(5000);
    r.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await r.flush();
    await clock.step(5000);
    r.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await r.flush();
    expect(posts()).toHaveLength(1);
    expect(patches()).toHaveLength(2);
    const p = patches()[1]!;
    expect(p.headers['content-type']).toBe('application/strategic-merge-patch+json');
    expect(JSON.parse(p.body)).toEqual({
      count: 3,
      lastTimestamp: '2026-01-01T00:00:10Z',
      message: 'Back-off restarting failed container',
    });
    expect(stored()).toHaveLength(1);
    expect(stored()[0]).toMatchObject({
      count: 3,
      firstTimestamp: '2026-01-01T00:00:00Z',
      lastTimestamp: '2026-01-01T00:00:10Z',
    });
    expect(p.url).toBe(`/api/v1/namespaces/shop/events/${stored()[0]!.metadata.name}`);

    await clock.step(11 * 60_000);
    r.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await r.flush();
    expect(posts()).toHaveLength(2);
    expect(stored()).toHaveLength(2);
  });

  it('recreates an event whose patch answers 404 (it was deleted), keeping name and count', async () => {
    const r = recorder();
    r.event(pod, 'Normal', 'Pulling', 'Pulling image "busybox"');
    await r.flush();
    const name = stored()[0]!.metadata.name;
    server.mutate(eventsPath, `shop/${name}`, () => undefined);
    r.event(pod, 'Normal', 'Pulling', 'Pulling image "busybox"');
    await r.flush();
    expect(patches()).toHaveLength(1);
    expect(posts()).toHaveLength(2);
    expect(stored()).toEqual([
      expect.objectContaining({ metadata: expect.objectContaining({ name }), count: 2 }),
    ]);
  });

  it('aggregates many similar events with different messages into one combined event', async () => {
    const r = recorder();
    for (let i = 1; i <= 12; i++)
      r.event(pod, 'Warning', 'FailedMount', `volume vol-${i} not ready`);
    await r.flush();
    const evs = stored();
    const combined = evs.filter((e) => e.message.startsWith('(combined from similar events): '));
    expect(evs).toHaveLength(10); // 9 single events + 1 combined
    expect(combined).toHaveLength(1);
    expect(combined[0]).toMatchObject({
      count: 3,
      message: '(combined from similar events): volume vol-12 not ready',
    });
  });

  it('retries on network-like failures (5xx) with back-off on the clock, and abandons events the server rejects', async () => {
    const r = recorder({ retryDelayMs: 10_000 });
    server.failNext((q) => q.method === 'POST', 2, 503, 'ServiceUnavailable');
    r.event(pod, 'Normal', 'Started', 'Started container app');
    await eventually(() => posts().length === 1);
    expect(stored()).toHaveLength(0);
    await eventually(() => stored().length === 1, { clock, stepMs: 1000 });
    expect(posts()).toHaveLength(3);

    server.failNext((q) => q.method === 'POST', 1, 422, 'Invalid');
    r.event(pod, 'Normal', 'Killing', 'Stopping container app');
    await r.flush();
    expect(posts()).toHaveLength(4);
    expect(stored()).toHaveLength(1);
  });

  it('bounds the queue: while the sender is stuck retrying, events beyond the limit are dropped', async () => {
    const r = recorder({ maxQueued: 3 });
    server.failNext((q) => q.method === 'POST', 1, 503, 'ServiceUnavailable');
    r.event(pod, 'Normal', 'R0', 'm');
    await eventually(() => posts().length === 1);
    for (let i = 1; i <= 5; i++) r.event(pod, 'Normal', `R${i}`, 'm');
    expect(r.dropped).toBe(2);
    await eventually(() => stored().length === 4, { clock, stepMs: 1000 });
    expect(
      stored()
        .map((e) => e['reason'])
        .sort(),
    ).toEqual(['R0', 'R1', 'R2', 'R3']);
  });

  it('filters spam: a burst of 25 per object, then one per 5 minutes', async () => {
    const r = recorder();
    for (let i = 0; i < 30; i++) r.event(pod, 'Normal', `Reason${i}`, 'm');
    r.event(node, 'Normal', 'Other', 'another object has its own bucket');
    await r.flush();
    expect(stored()).toHaveLength(26);
    await clock.step(300_000);
    r.event(pod, 'Normal', 'Later', 'm');
    r.event(pod, 'Normal', 'Later2', 'm');
    await r.flush();
    expect(stored()).toHaveLength(27);
  });

  it('never throws on bad input, and ignores events after shutDown', async () => {
    const r = recorder();
    r.event({ metadata: { name: 'no-kind' } }, 'Normal', 'X', 'y');
    r.event(pod, 'Bogus' as 'Normal', 'X', 'y');
    await r.flush();
    await r.shutDown();
    r.event(pod, 'Normal', 'Late', 'after shutdown');
    await r.flush();
    expect(posts()).toHaveLength(0);
  });

  it('shutDown abandons pending retries promptly', async () => {
    const r = recorder();
    server.failNext((q) => q.method === 'POST', 100, 503, 'ServiceUnavailable');
    r.event(pod, 'Normal', 'A', 'm');
    r.event(pod, 'Normal', 'B', 'm');
    await eventually(() => posts().length === 2);
    await r.shutDown();
    // One attempt each (one batch, side by side), none of the retries.
    expect(posts()).toHaveLength(2);
  });

  it('sends a batch once its first event has waited batchDelayMs, all of it together', async () => {
    const r = recorder({ batchDelayMs: 200 });
    r.event(pod, 'Normal', 'Scheduled', 'Successfully assigned shop/web to node1');
    await clock.step(150);
    r.event(getReference(pod, 'spec.containers{app}')!, 'Normal', 'Pulled', 'present');
    r.event(
      getReference(pod, 'spec.containers{app}')!,
      'Normal',
      'Created',
      'Created container: app',
    );
    await new Promise((res) => setTimeout(res, 20));
    expect(posts()).toHaveLength(0);
    await clock.step(50);
    await eventually(() => stored().length === 3);
    expect(stored().map((e) => e['reason'])).toEqual(['Scheduled', 'Pulled', 'Created']);
    // The next event starts a new batch, which waits again.
    r.event(pod, 'Normal', 'Killing', 'Stopping container app');
    await new Promise((res) => setTimeout(res, 20));
    expect(posts()).toHaveLength(3);
    await clock.step(200);
    await eventually(() => stored().length === 4);
  });

  it('shutDown sends a filling batch before it stops', async () => {
    const r = recorder({ batchDelayMs: 60_000 });
    r.event(pod, 'Normal', 'Killing', 'Stopping container app');
    await r.shutDown();
    expect(stored()).toHaveLength(1);
  });

  it('sends a large batch with at most 16 requests in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const counting: Transport = {
      request: async (req) => {
        most = Math.max(most, ++inFlight);
        try {
          return await transport.request(req);
        } finally {
          inFlight--;
        }
      },
      stream: (req) => transport.stream(req),
    };
    const r = recorder({ batchDelayMs: 200, client: new RestClient({ transport: counting }) });
    // 20 reasons: 20 lanes that could all go at once; the spam filter lets 25 through.
    for (let i = 0; i < 40; i++) r.event(pod, 'Normal', `Reason${i % 20}`, `message ${i}`);
    await r.flush();
    expect(stored()).toHaveLength(25);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(16);
  });

  it('flush sends a filling batch at once', async () => {
    const r = recorder({ batchDelayMs: 60_000 });
    r.event(pod, 'Normal', 'Started', 'Started container app');
    await r.flush();
    expect(stored()).toHaveLength(1);
  });

  it('sends events that may touch the same Event one after another, in order', async () => {
    const r = recorder({ batchDelayMs: 200 });
    r.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    r.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    r.event(node, 'Normal', 'Other', 'another object');
    await clock.step(200);
    await r.flush();
    // The repeat patched the first one (count 2) instead of racing it with a second POST.
    expect(posts()).toHaveLength(2);
    expect(patches()).toHaveLength(1);
    const backOff = stored().find((e) => e['reason'] === 'BackOff') as Ev & { count?: number };
    expect(backOff.count).toBe(2);
  });
});

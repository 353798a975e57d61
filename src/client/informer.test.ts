import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import type { KubeObject } from '../api/index.ts';
import { FakeClock } from '../util/index.ts';
import {
  DeletedFinalStateUnknown,
  Informer,
  deletedObject,
  stripManagedFields,
  waitForCacheSync,
  type InformerOptions,
} from './informer.ts';
import { RestClient, type ResourceClient } from './rest-client.ts';
import { TestApiServer, eventually } from './testing/test-api-server.ts';
import { HttpsTransport } from './transport.ts';

interface Pod extends KubeObject {
  spec?: { nodeName?: string };
}

const podsRef = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };
const podsPath = '/api/v1/pods';

function pod(
  name: string,
  opts: { ns?: string; node?: string; labels?: Record<string, string> } = {},
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: opts.ns ?? 'default',
      ...(opts.labels ? { labels: opts.labels } : {}),
    },
    spec: opts.node ? { nodeName: opts.node } : {},
  };
}

const nameOf = (o: KubeObject): string => o.metadata?.name ?? '';

describe('Informer', () => {
  let server: TestApiServer;
  let transport: HttpsTransport;
  let pods: ResourceClient<Pod>;
  let clock: FakeClock;
  const stops: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    server = new TestApiServer();
    transport = new HttpsTransport({ server: await server.start() });
    pods = new RestClient({ transport }).resource<Pod>(podsRef);
    clock = new FakeClock();
  });

  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    transport.close();
    await server.close();
  });

  function start(opts: Partial<InformerOptions<Pod>> = {}) {
    const informer = new Informer<Pod>({
      listerWatcher: pods,
      clock,
      random: () => 0,
      name: 'pods',
      ...opts,
    });
    const log: string[] = [];
    const tombstones: DeletedFinalStateUnknown<Pod>[] = [];
    informer.addEventHandler({
      onAdd: (o, initial) => log.push(`add:${nameOf(o)}${initial ? ':initial' : ''}`),
      onUpdate: (a, b) => log.push(a === b ? `resync:${nameOf(b)}` : `update:${nameOf(b)}`),
      onDelete: (o) => {
        if (o instanceof DeletedFinalStateUnknown) tombstones.push(o);
        log.push(
          `delete:${nameOf(deletedObject(o))}${o instanceof DeletedFinalStateUnknown ? ':tombstone' : ''}`,
        );
      },
    });
    const ctl = new AbortController();
    const done = informer.run(ctl.signal);
    const stop = async (): Promise<void> => {
      ctl.abort();
      await done;
    };
    stops.push(stop);
    return { informer, log, tombstones, ctl, done, stop };
  }

  const watchRequests = () => server.requests.filter((r) => r.url.includes('watch=true'));
  const listRequests = () =>
    server.requests.filter(
      (r) =>
        r.method === 'GET' &&
        !r.url.includes('watch=true') &&
        new URL(r.url, 'http://x').pathname.endsWith('/pods'),
    );
  const query = (url: string) => Object.fromEntries(new URL(url, 'http://x').searchParams);

  it('lists in pages of 500, watches from the list resourceVersion, and keeps cache, indexes and handlers in step', async () => {
    server.seed(
      podsPath,
      Array.from({ length: 1203 }, (_, i) =>
        pod(`p${String(i).padStart(4, '0')}`, {
          node: i % 2 ? 'n1' : 'n2',
          ns: i < 3 ? 'other' : 'default',
        }),
      ),
    );
    const listRv = String(server.resourceVersion);
    const { informer, log, stop } = start({
      indexers: { nodeName: (p) => [p.spec?.nodeName ?? ''] },
    });
    expect(await informer.waitForSync(AbortSignal.timeout(10_000))).toBe(true);
    expect(informer.hasSynced()).toBe(true);

    const lists = listRequests();
    expect(lists.map((r) => query(r.url)['limit'])).toEqual(['500', '500', '500']);
    expect(query(lists[0]!.url)['continue']).toBeUndefined();
    expect(query(lists[1]!.url)['continue']).toBeDefined();
    expect(log).toHaveLength(1203);
    expect(log.every((l) => l.endsWith(':initial'))).toBe(true);
    expect(informer.store.size).toBe(1203);
    expect(informer.store.byIndex('nodeName', 'n1')).toHaveLength(601);
    expect(informer.store.listByNamespace('other').map(nameOf).sort()).toEqual([
      'p0000',
      'p0001',
      'p0002',
    ]);
    expect(informer.store.get('default/p0100')?.kind).toBe('Pod');
    expect(informer.lastSyncResourceVersion()).toBe(listRv);

    await eventually(() => watchRequests().length === 1 && server.openWatches() === 1);
    const w = query(watchRequests()[0]!.url);
    expect(w).toMatchObject({
      resourceVersion: listRv,
      allowWatchBookmarks: 'true',
      timeoutSeconds: '300',
    });

    log.length = 0;
    await pods.create(pod('new', { node: 'n3' }));
    const cur = await pods.get('p0100', { namespace: 'default' });
    cur.spec = { nodeName: 'n3' };
    await pods.update(cur);
    await pods.delete('p0101', { namespace: 'default' });
    await eventually(() => log.length === 3);
    expect(log).toEqual(['add:new', 'update:p0100', 'delete:p0101']);
    expect(informer.store.byIndex('nodeName', 'n3').map(nameOf).sort()).toEqual(['new', 'p0100']);
    expect(informer.store.byIndex('nodeName', 'n2')).toHaveLength(601);
    expect(informer.store.get('default/p0101')).toBeUndefined();
    expect(informer.store.size).toBe(1203);

    server.bookmark();
    await eventually(() => informer.lastSyncResourceVersion() === String(server.resourceVersion));
    expect(log).toHaveLength(3);

    await stop();
    await eventually(() => server.openWatches() === 0);
    expect(listRequests()).toHaveLength(3);
  });

  it('caches and hands out transformed objects, from the list and from the watch', async () => {
    const withFields = (name: string): Record<string, unknown> => {
      const p = pod(name);
      (p['metadata'] as Record<string, unknown>)['managedFields'] = [
        { manager: 'kubectl', operation: 'Update' },
      ];
      return p;
    };
    server.seed(podsPath, [withFields('a')]);
    const plain = start();
    const stripped = start({ transform: stripManagedFields });
    const seen: Pod[] = [];
    stripped.informer.addEventHandler({
      onAdd: (o) => seen.push(o),
      onUpdate: (_, o) => seen.push(o),
      onDelete: (o) => seen.push(deletedObject(o)),
    });
    for (const i of [plain, stripped]) await i.informer.waitForSync(AbortSignal.timeout(10_000));
    await eventually(() => server.openWatches() === 2);

    await pods.create(withFields('b'));
    const a = await pods.get('a', { namespace: 'default' });
    a.spec = { nodeName: 'n1' };
    await pods.update(a);
    await pods.delete('b', { namespace: 'default' });
    await eventually(() => seen.length === 4);
    expect(seen.map(nameOf)).toEqual(['a', 'b', 'a', 'b']);
    expect(seen.every((o) => o.metadata?.managedFields === undefined)).toBe(true);
    expect(stripped.informer.store.get('default/a')?.metadata?.managedFields).toBeUndefined();
    // The server did send them: an informer without the transform keeps them.
    expect(plain.informer.store.get('default/a')?.metadata?.managedFields).toHaveLength(1);
    expect(stripped.informer.store.get('default/a')?.spec?.nodeName).toBe('n1');
  });

  it('re-watches from the last seen resourceVersion after the connection drops, without re-listing', async () => {
    server.seed(podsPath, [pod('a'), pod('b')]);
    const { informer, log } = start();
    await informer.waitForSync(AbortSignal.timeout(10_000));
    await eventually(() => server.openWatches() === 1);
    await pods.create(pod('c'));
    await eventually(() => log.includes('add:c'));
    const seenRv = String(server.resourceVersion);

    server.dropWatches();
    server.seed(podsPath, [pod('d')]); // happens while the informer is disconnected
    await eventually(() => watchRequests().length === 2 && log.includes('add:d'), { clock });
    expect(query(watchRequests()[1]!.url)['resourceVersion']).toBe(seenRv);
    expect(listRequests()).toHaveLength(1);
    expect(log.filter((l) => l === 'add:d')).toHaveLength(1);
    expect(informer.store.listKeys().sort()).toEqual([
      'default/a',
      'default/b',
      'default/c',
      'default/d',
    ]);
  });

  it('re-watches after a watch ends normally, and after an ERROR event that is not 410', async () => {
    server.seed(podsPath, [pod('a')]);
    const { informer, log } = start();
    await informer.waitForSync(AbortSignal.timeout(10_000));
    await eventually(() => server.openWatches() === 1);
    await clock.step(5000); // the watch lived a while: its end is a normal timeout
    server.endWatches();
    await eventually(() => watchRequests().length === 2 && server.openWatches() === 1, { clock });
    server.watchError(500, 'InternalError', 'etcdserver: leader changed');
    await eventually(() => watchRequests().length === 3 && server.openWatches() === 1, { clock });
    await pods.create(pod('b'));
    await eventually(() => log.includes('add:b'));
    expect(listRequests()).toHaveLength(1);
  });

  it('abandons a watch that outlives its timeout without ending, and watches again', async () => {
    server.seed(podsPath, [pod('a')]);
    const { informer } = start();
    await informer.waitForSync(AbortSignal.timeout(10_000));
    await eventually(() => server.openWatches() === 1);
    expect(query(watchRequests()[0]!.url)['timeoutSeconds']).toBe('300');
    await clock.step(329_000);
    expect(watchRequests()).toHaveLength(1);
    await eventually(() => watchRequests().length === 2 && server.openWatches() === 1, {
      clock,
      stepMs: 1000,
    });
    expect(listRequests()).toHaveLength(1);
  });

  it('on 410 Expired re-lists and delivers a consistent view: updates, adds, and tombstones for missed deletes', async () => {
    server.seed(podsPath, [pod('a'), pod('b'), pod('c', { node: 'n1' })]);
    const { informer, log, tombstones } = start();
    await informer.waitForSync(AbortSignal.timeout(10_000));
    await eventually(() => server.openWatches() === 1);
    const cBefore = informer.store.get('default/c');
    log.length = 0;

    server.holdWatches = true;
    server.dropWatches();
    await eventually(() => watchRequests().length === 2, { clock });
    // While the informer cannot watch: b changes, c is deleted, d appears, history is compacted.
    server.mutate(podsPath, 'default/b', (o) => ({ ...o, spec: { nodeName: 'n9' } }));
    server.mutate(podsPath, 'default/c', () => undefined);
    server.seed(podsPath, [pod('d')]);
    server.compact();
    server.releaseWatches();

    await eventually(() => listRequests().length === 2 && server.openWatches() === 1, { clock });
    expect(log).toEqual(['update:b', 'add:d', 'delete:c:tombstone']);
    expect(tombstones).toHaveLength(1);
    expect(tombstones[0]!.key).toBe('default/c');
    expect(tombstones[0]!.obj).toBe(cBefore);
    expect(informer.store.listKeys().sort()).toEqual(['default/a', 'default/b', 'default/d']);
    expect(informer.store.get('default/b')?.spec?.nodeName).toBe('n9');
    expect(query(watchRequests().at(-1)!.url)['resourceVersion']).toBe(
      String(server.resourceVersion),
    );

    await pods.create(pod('e'));
    await eventually(() => log.includes('add:e'));
  });

  it('falls back to one unpaged list when a continue token expires mid-list', async () => {
    server.seed(
      podsPath,
      Array.from({ length: 7 }, (_, i) => pod(`p${i}`)),
    );
    server.failNext((r) => r.url.includes('continue='), 1, 410, 'Expired');
    const { informer, log } = start({ pageSize: 3 });
    await informer.waitForSync(AbortSignal.timeout(10_000));
    const lists = listRequests().map((r) => query(r.url));
    expect(lists).toHaveLength(3);
    expect(lists[0]).toEqual({ limit: '3' });
    expect(lists[1]!['continue']).toBeDefined();
    expect(lists[2]).toEqual({});
    expect(log.filter((l) => l.startsWith('add:'))).toHaveLength(7);
    expect(informer.store.size).toBe(7);
  });

  it('re-lists after too many failed watch attempts in a row, backing off on the clock between them', async () => {
    server.seed(podsPath, [pod('a')]);
    const { informer } = start({ maxWatchErrors: 3 });
    await informer.waitForSync(AbortSignal.timeout(10_000));
    await eventually(() => server.openWatches() === 1);
    server.failNext((r) => r.url.includes('watch=true'), 3, 503, 'ServiceUnavailable');
    server.dropWatches();
    await eventually(() => watchRequests().length >= 4 && server.openWatches() === 1, { clock });
    expect(listRequests()).toHaveLength(2);
  });

  it('retries a failing initial list with back-off and syncs once the server answers', async () => {
    server.seed(podsPath, [pod('a')]);
    server.failNext((r) => !r.url.includes('watch=true'), 2, 500, 'InternalError');
    const { informer } = start();
    await eventually(() => listRequests().length === 1);
    expect(informer.hasSynced()).toBe(false);
    await eventually(() => informer.hasSynced(), { clock });
    expect(listRequests()).toHaveLength(3);
    expect(informer.store.listKeys()).toEqual(['default/a']);
  });

  it('sends label and field selectors and a namespace to list and watch', async () => {
    server.seed(podsPath, [
      pod('web1', { labels: { app: 'web' }, node: 'n1' }),
      pod('web2', { labels: { app: 'web' }, node: 'n2' }),
      pod('db', { labels: { app: 'db' }, node: 'n1' }),
      pod('web3', { labels: { app: 'web' }, node: 'n1', ns: 'other' }),
    ]);
    const { informer } = start({
      namespace: 'default',
      labelSelector: 'app=web',
      fieldSelector: 'spec.nodeName=n1',
    });
    await informer.waitForSync(AbortSignal.timeout(10_000));
    await eventually(() => server.openWatches() === 1);
    expect(informer.store.list().map(nameOf)).toEqual(['web1']);
    for (const r of [listRequests()[0]!, watchRequests()[0]!]) {
      expect(new URL(r.url, 'http://x').pathname).toBe('/api/v1/namespaces/default/pods');
      expect(query(r.url)).toMatchObject({
        labelSelector: 'app=web',
        fieldSelector: 'spec.nodeName=n1',
      });
    }
  });

  it('resyncs periodically with onUpdate(obj, obj)', async () => {
    server.seed(podsPath, [pod('a'), pod('b')]);
    const { informer, log } = start({ resyncPeriodMs: 30_000 });
    await informer.waitForSync(AbortSignal.timeout(10_000));
    log.length = 0;
    await clock.step(29_999);
    expect(log).toEqual([]);
    await clock.step(1);
    expect(log.sort()).toEqual(['resync:a', 'resync:b']);
    await clock.step(30_000);
    expect(log).toHaveLength(4);
  });

  it('replays the cache to late handlers, isolates throwing handlers, and stops calling removed ones', async () => {
    server.seed(podsPath, [pod('a'), pod('b')]);
    const { informer, log } = start();
    await informer.waitForSync(AbortSignal.timeout(10_000));
    await eventually(() => server.openWatches() === 1);
    const late: string[] = [];
    const reg = informer.addEventHandler({
      onAdd: (o, initial) => {
        late.push(`${nameOf(o)}:${String(initial)}`);
        throw new Error('handler bug');
      },
    });
    expect(reg.hasSynced()).toBe(true);
    expect(late.sort()).toEqual(['a:true', 'b:true']);
    await pods.create(pod('c'));
    await eventually(() => log.includes('add:c'));
    expect(late).toContain('c:false');
    reg.remove();
    await pods.create(pod('d'));
    await eventually(() => log.includes('add:d'));
    expect(late).not.toContain('d:false');
  });

  it('waitForSync answers false when aborted first; run resolves on abort even while backing off', async () => {
    server.failNext(() => true, 1000, 500, 'InternalError');
    const a = start();
    const b = start();
    const ctl = new AbortController();
    const waiting = waitForCacheSync(ctl.signal, a.informer, b.informer);
    await eventually(() => listRequests().length >= 2);
    ctl.abort();
    expect(await waiting).toBe(false);
    await a.stop();
    await b.stop();
    await expect(a.informer.run(new AbortController().signal)).rejects.toThrow('already started');
  });
});

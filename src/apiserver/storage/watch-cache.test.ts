import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/index.ts';
import { MemoryStore } from '../../store/index.ts';
import { silentLogger } from '../../util/index.ts';
import { CachedObject, type CacheEvent, WatchCache } from './watch-cache.ts';

const configMap = (name: string, value: string): Buffer =>
  Buffer.from(
    JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { value } }),
  );

describe('CachedObject', () => {
  it('decodes a lazily given object once, on first use', () => {
    let decodes = 0;
    const cached = new CachedObject(
      'a',
      () => {
        decodes++;
        const obj: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } };
        return obj;
      },
      3,
    );
    expect(decodes).toBe(0);
    const first = cached.object;
    expect(cached.object).toBe(first);
    expect(cached.json()).toBe(JSON.stringify(first));
    expect(decodes).toBe(1);
  });
});

describe('WatchCache', () => {
  it('holds what the store holds, each object with its own resourceVersion', async () => {
    const store = new MemoryStore();
    const early = await store.create('/registry/configmaps/ns/early', configMap('early', '1'));
    const cache = new WatchCache({ store, prefix: '/registry/', logger: silentLogger });
    await cache.start();
    const configmaps = cache.cacheFor('configmaps');
    const events: CacheEvent[] = [];
    configmaps.subscribe(cache.revision, (evs) => events.push(...evs));

    const late = await store.create('/registry/configmaps/ns/late', configMap('late', '2'));
    const gone = await store.delete('/registry/configmaps/ns/early', early.modRevision);

    expect(configmaps.get('ns/early')).toBeUndefined();
    expect(configmaps.get('ns/late')?.object).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'late', resourceVersion: String(late.modRevision) },
      data: { value: '2' },
    });
    expect(events.map((e) => [e.type, e.object.key, e.revision])).toEqual([
      ['ADDED', 'ns/late', late.modRevision],
      ['DELETED', 'ns/early', gone.modRevision],
    ]);
    // The deletion's object is the last state, with the deletion's revision, as upstream sends it.
    expect(events[1]?.object.object.metadata?.resourceVersion).toBe(String(gone.modRevision));
    expect(events[1]?.prev?.object.metadata?.resourceVersion).toBe(String(early.modRevision));
    cache.stop();
    await store.close();
  });
});

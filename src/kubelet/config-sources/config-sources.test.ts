import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigMap, KubeObject, List, Pod, Secret } from '../../api/index.ts';
import {
  ApiStatusError,
  type GetOptions,
  type ListOptions,
  type WatchEvent,
  type WatchOptions,
} from '../../client/index.ts';
import { FakeClock } from '../../util/index.ts';
import { ConfigSources } from './config-sources.ts';
import { podConfigMapNames, podSecretNames } from './referenced-names.ts';
import type { ObjectClient } from './watching-object-cache.ts';

/** An in-memory resource: list/watch/get with namespace and `metadata.name=` selection. */
class FakeObjects<T extends KubeObject> implements ObjectClient<T> {
  private readonly objects = new Map<string, T>();
  private rv = 1;
  private readonly watchers = new Set<{
    ns: string | undefined;
    name: string | undefined;
    push: (e: WatchEvent<T>) => void;
  }>();
  readonly lists: string[] = [];
  readonly gets: string[] = [];
  /** While set, LISTs wait for it. */
  listGate: Promise<void> | undefined;

  private readonly kind: string;

  constructor(kind: string) {
    this.kind = kind;
  }

  get activeWatches(): number {
    return this.watchers.size;
  }

  private emit(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T): void {
    for (const w of this.watchers) {
      if (w.ns !== undefined && w.ns !== obj.metadata?.namespace) continue;
      if (w.name !== undefined && w.name !== obj.metadata?.name) continue;
      w.push({ type, object: obj });
    }
  }

  put(obj: T): void {
    const key = `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
    const existed = this.objects.has(key);
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } };
    this.objects.set(key, stored);
    this.emit(existed ? 'MODIFIED' : 'ADDED', stored);
  }

  remove(ns: string, name: string): void {
    const key = `${ns}/${name}`;
    const obj = this.objects.get(key);
    if (!obj) return;
    this.objects.delete(key);
    this.emit('DELETED', {
      ...obj,
      metadata: { ...obj.metadata, resourceVersion: String(++this.rv) },
    });
  }

  private nameOf(fieldSelector: string | undefined): string | undefined {
    const m = /^metadata\.name=(.*)$/.exec(fieldSelector ?? '');
    return m?.[1];
  }

  async list(opts: ListOptions): Promise<List<T>> {
    const name = this.nameOf(opts.fieldSelector);
    this.lists.push(`${opts.namespace ?? '*'}/${opts.fieldSelector ?? ''}`);
    if (this.listGate) await this.listGate;
    const items = [...this.objects.values()].filter(
      (o) =>
        (opts.namespace === undefined || o.metadata?.namespace === opts.namespace) &&
        (name === undefined || o.metadata?.name === name),
    );
    return { items, metadata: { resourceVersion: String(this.rv) } };
  }

  watch(opts: WatchOptions): Promise<AsyncIterable<WatchEvent<T>>> {
    const queue: WatchEvent<T>[] = [];
    let wake: (() => void) | undefined;
    const w = {
      ns: opts.namespace,
      name: this.nameOf(opts.fieldSelector),
      push: (e: WatchEvent<T>) => {
        queue.push(e);
        wake?.();
      },
    };
    this.watchers.add(w);
    const signal = opts.signal;
    const watchers = this.watchers;
    async function* stream(): AsyncGenerator<WatchEvent<T>> {
      try {
        while (!signal?.aborted) {
          const e = queue.shift();
          if (e) {
            yield e;
            continue;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            signal?.addEventListener(
              'abort',
              () => {
                resolve();
              },
              { once: true },
            );
          });
          wake = undefined;
        }
      } finally {
        watchers.delete(w);
      }
    }
    return Promise.resolve(stream());
  }

  get(name: string, opts: GetOptions): Promise<T> {
    this.gets.push(`${opts.namespace ?? ''}/${name}`);
    const obj = this.objects.get(`${opts.namespace ?? ''}/${name}`);
    if (obj) return Promise.resolve(obj);
    return Promise.reject(
      new ApiStatusError({
        code: 404,
        reason: 'NotFound',
        message: `${this.kind} "${name}" not found`,
      }),
    );
  }
}

const cm = (name: string, data: Record<string, string>, ns = 'default'): ConfigMap => ({
  metadata: { name, namespace: ns },
  data,
});
const secret = (name: string, ns = 'default'): Secret => ({
  metadata: { name, namespace: ns },
  data: { k: Buffer.from('v').toString('base64') },
});

function pod(uid: string, spec: NonNullable<Pod['spec']>, ns = 'default'): Pod {
  return { metadata: { name: uid, namespace: ns, uid }, spec };
}

const envPod = (uid: string, configMap: string, ns = 'default'): Pod =>
  pod(
    uid,
    {
      containers: [
        {
          name: 'c',
          image: 'busybox',
          env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: configMap, key: 'k' } } }],
        },
      ],
    },
    ns,
  );

/** Lets informers and handlers run. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

let clock: FakeClock;
let configMaps: FakeObjects<ConfigMap>;
let secrets: FakeObjects<Secret>;
let changes: string[];
let sources: ConfigSources;

beforeEach(() => {
  clock = new FakeClock(Date.UTC(2026, 0, 1));
  configMaps = new FakeObjects('configmaps');
  secrets = new FakeObjects('secrets');
  changes = [];
  sources = new ConfigSources({
    configMaps,
    secrets,
    clock,
    onPodsChanged: (uids, kind, key) => changes.push(`${kind} ${key}: ${uids.join(',')}`),
  });
});

afterEach(async () => {
  await sources.stop();
});

describe('referenced names', () => {
  it('finds ConfigMaps and Secrets in env, envFrom, volumes, projections and pull secrets', () => {
    const p = pod('u', {
      imagePullSecrets: [{ name: 'pull' }],
      initContainers: [{ name: 'i', image: 'x', envFrom: [{ configMapRef: { name: 'init-cm' } }] }],
      containers: [
        {
          name: 'c',
          image: 'x',
          envFrom: [
            { secretRef: { name: 'env-secret' } },
            { prefix: 'P_', configMapRef: { name: 'from-cm' } },
          ],
          env: [
            { name: 'A', valueFrom: { configMapKeyRef: { name: 'key-cm', key: 'k' } } },
            { name: 'B', valueFrom: { secretKeyRef: { name: 'key-secret', key: 'k' } } },
            { name: 'C', value: 'plain' },
          ],
        },
      ],
      ephemeralContainers: [
        {
          name: 'e',
          image: 'x',
          env: [{ name: 'D', valueFrom: { configMapKeyRef: { name: 'eph-cm', key: 'k' } } }],
        },
      ],
      volumes: [
        { name: 'v1', configMap: { name: 'vol-cm' } },
        { name: 'v2', secret: { secretName: 'vol-secret' } },
        {
          name: 'v3',
          projected: {
            sources: [
              { configMap: { name: 'proj-cm' } },
              { secret: { name: 'proj-secret' } },
              { downwardAPI: { items: [] } },
            ],
          },
        },
        { name: 'v4', emptyDir: {} },
      ],
    });
    expect([...podConfigMapNames(p)].sort()).toEqual([
      'eph-cm',
      'from-cm',
      'init-cm',
      'key-cm',
      'proj-cm',
      'vol-cm',
    ]);
    expect([...podSecretNames(p)].sort()).toEqual([
      'env-secret',
      'key-secret',
      'proj-secret',
      'pull',
      'vol-secret',
    ]);
  });
});

describe('ConfigSources', () => {
  it('watches only the objects pods name, in their namespace, and serves them from the cache', async () => {
    configMaps.put(cm('app', { k: '1' }, 'prod'));
    configMaps.put(cm('other', { k: 'x' }, 'prod'));
    sources.registerPod(envPod('p1', 'app', 'prod'));
    expect(await sources.getConfigMap('prod', 'app')).toMatchObject({ data: { k: '1' } });
    expect(configMaps.lists).toEqual(['prod/metadata.name=app']);
    expect(sources.watched()).toEqual({ configMaps: ['prod/app'], secrets: [] });
    // Cached: no more LISTs or GETs for repeated reads.
    await sources.getConfigMap('prod', 'app');
    expect(configMaps.lists).toHaveLength(1);
    expect(configMaps.gets).toEqual([]);
  });

  it('says a missing object does not exist, and resyncs its pods when it appears', async () => {
    sources.registerPod(envPod('p1', 'late'));
    expect(await sources.getConfigMap('default', 'late')).toBeUndefined();
    await settle();
    configMaps.put(cm('late', { k: 'here' }));
    await settle();
    expect(changes).toEqual(['ConfigMap default/late: p1']);
    expect(await sources.getConfigMap('default', 'late')).toMatchObject({ data: { k: 'here' } });
  });

  it('tells every pod using an object about changes and deletion', async () => {
    configMaps.put(cm('shared', { k: '1' }));
    sources.registerPod(envPod('p1', 'shared'));
    sources.registerPod(envPod('p2', 'shared'));
    sources.registerPod(envPod('p3', 'unrelated'));
    await sources.getConfigMap('default', 'shared');
    await settle();
    changes.length = 0;
    configMaps.put(cm('shared', { k: '2' }));
    await settle();
    expect(changes).toEqual(['ConfigMap default/shared: p1,p2']);
    expect(await sources.getConfigMap('default', 'shared')).toMatchObject({ data: { k: '2' } });
    configMaps.remove('default', 'shared');
    await settle();
    expect(changes).toEqual(['ConfigMap default/shared: p1,p2', 'ConfigMap default/shared: p1,p2']);
    expect(await sources.getConfigMap('default', 'shared')).toBeUndefined();
  });

  it('counts references: the last pod to go stops the watch', async () => {
    sources.registerPod(envPod('p1', 'shared'));
    sources.registerPod(envPod('p2', 'shared'));
    await settle();
    expect(configMaps.activeWatches).toBe(1);
    sources.unregisterPod('p1');
    await settle();
    expect(configMaps.activeWatches).toBe(1);
    sources.unregisterPod('p2');
    sources.unregisterPod('p2');
    await settle();
    expect(configMaps.activeWatches).toBe(0);
    expect(sources.watched()).toEqual({ configMaps: [], secrets: [] });
  });

  it('moves references to a new spec without restarting watches it keeps', async () => {
    sources.registerPod(envPod('p1', 'a'));
    await settle();
    const p1b = envPod('p1', 'a');
    p1b.spec!.volumes = [{ name: 's', secret: { secretName: 'sec' } }];
    sources.registerPod(p1b);
    await settle();
    expect(configMaps.lists).toEqual(['default/metadata.name=a']);
    expect(sources.watched()).toEqual({ configMaps: ['default/a'], secrets: ['default/sec'] });
    sources.registerPod(pod('p1', { containers: [{ name: 'c', image: 'x' }] }));
    await settle();
    expect(sources.watched()).toEqual({ configMaps: [], secrets: [] });
    expect(configMaps.activeWatches + secrets.activeWatches).toBe(0);
  });

  it('stops watching an immutable object once seen and keeps serving it', async () => {
    secrets.put({ ...secret('frozen'), immutable: true });
    sources.registerPod(
      pod('p1', {
        containers: [{ name: 'c', image: 'x' }],
        volumes: [{ name: 's', secret: { secretName: 'frozen' } }],
      }),
    );
    expect(await sources.getSecret('default', 'frozen')).toMatchObject({ immutable: true });
    await settle();
    expect(secrets.activeWatches).toBe(0);
    expect(await sources.getSecret('default', 'frozen')).toMatchObject({ immutable: true });
  });

  it('fails with upstream wording when the first LIST does not finish in time', async () => {
    let release = (): void => undefined;
    configMaps.listGate = new Promise((r) => {
      release = r;
    });
    sources.registerPod(envPod('p1', 'slow'));
    const got = sources.getConfigMap('default', 'slow').catch((e: unknown) => e);
    await settle();
    await clock.step(5000);
    expect(((await got) as Error).message).toBe(
      'failed to sync configmap cache: timed out waiting for the condition',
    );
    configMaps.listGate = undefined;
    release();
    await settle();
    expect(await sources.getConfigMap('default', 'slow')).toBeUndefined();
  });

  it('reads objects no pod registered directly', async () => {
    secrets.put(secret('direct'));
    expect(await sources.getSecret('default', 'direct')).toMatchObject({
      metadata: { name: 'direct' },
    });
    expect(await sources.getSecret('default', 'absent')).toBeUndefined();
    expect(secrets.gets).toEqual(['default/direct', 'default/absent']);
    expect(secrets.lists).toEqual([]);
  });

  it('stop() ends every watch and ignores later registrations', async () => {
    sources.registerPod(envPod('p1', 'a'));
    sources.registerPod(envPod('p2', 'b'));
    await settle();
    expect(configMaps.activeWatches).toBe(2);
    await sources.stop();
    expect(configMaps.activeWatches).toBe(0);
    sources.registerPod(envPod('p3', 'c'));
    await settle();
    expect(configMaps.activeWatches).toBe(0);
  });
});

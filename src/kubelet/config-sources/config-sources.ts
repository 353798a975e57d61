/**
 * The node's ConfigMaps and Secrets (upstream's kubelet configMapManager + secretManager with the
 * Watch strategy): one `WatchingObjectCache` per kind, fed by the pods this node runs.
 *
 *   pod informer add/update ──▶ registerPod(pod)     references of the new spec are added before
 *                                                    the old ones are dropped (no watch restarts)
 *   pod deleted / terminated ──▶ unregisterPod(uid)  its references dropped; unused watches stop
 *   env (envFrom, valueFrom) and volumes ──▶ getConfigMap / getSecret (cached, waits for the
 *                                            first LIST of a new object)
 *   a watched object changes ──▶ onPodsChanged(uids of the pods using it): the node agent
 *                                resyncs them, so a created ConfigMap unblocks a pod in
 *                                CreateContainerConfigError at once and volume files follow
 *                                edits within the watch latency (upstream waits for its ~1 min
 *                                resync; we do not)
 */
import type { ConfigMap, Pod, Secret } from '../../api/index.ts';
import { silentLogger, type Clock, type Logger } from '../../util/index.ts';
import { podConfigMapNames, podSecretNames } from './referenced-names.ts';
import { WatchingObjectCache, type ObjectClient } from './watching-object-cache.ts';

export type ConfigSourceKind = 'ConfigMap' | 'Secret';

export interface ConfigSourcesOptions {
  /** `client.resource(configMapsDef)` of the node's client. */
  readonly configMaps: ObjectClient<ConfigMap>;
  /** `client.resource(secretsDef)` of the node's client. */
  readonly secrets: ObjectClient<Secret>;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Told which pods use an object that was added, changed or deleted. Must be quick. */
  readonly onPodsChanged?: (podUids: string[], kind: ConfigSourceKind, key: string) => void;
  /** See WatchingObjectCacheOptions.syncTimeoutMs. */
  readonly syncTimeoutMs?: number;
}

interface PodRefs {
  readonly namespace: string;
  readonly configMaps: ReadonlySet<string>;
  readonly secrets: ReadonlySet<string>;
}

export class ConfigSources {
  private readonly configMaps: WatchingObjectCache<ConfigMap>;
  private readonly secrets: WatchingObjectCache<Secret>;
  private readonly pods = new Map<string, PodRefs>();
  private readonly opts: ConfigSourcesOptions;

  constructor(opts: ConfigSourcesOptions) {
    this.opts = opts;
    const logger = (opts.logger ?? silentLogger).with({ component: 'config-sources' });
    const common = {
      logger,
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.syncTimeoutMs !== undefined ? { syncTimeoutMs: opts.syncTimeoutMs } : {}),
    };
    this.configMaps = new WatchingObjectCache<ConfigMap>({
      ...common,
      client: opts.configMaps,
      resource: 'configmap',
      onChange: (ns, name) => {
        this.notify('ConfigMap', ns, name);
      },
    });
    this.secrets = new WatchingObjectCache<Secret>({
      ...common,
      client: opts.secrets,
      resource: 'secret',
      onChange: (ns, name) => {
        this.notify('Secret', ns, name);
      },
    });
  }

  /** Starts (or keeps) watching what `pod` uses; replaces what an earlier version used. */
  registerPod(pod: Pod): void {
    const uid = pod.metadata?.uid;
    if (!uid) return;
    const next: PodRefs = {
      namespace: pod.metadata?.namespace ?? '',
      configMaps: podConfigMapNames(pod),
      secrets: podSecretNames(pod),
    };
    const prev = this.pods.get(uid);
    // New references first, so an object used before and after keeps its watch.
    for (const n of next.configMaps) this.configMaps.addReference(next.namespace, n);
    for (const n of next.secrets) this.secrets.addReference(next.namespace, n);
    this.pods.set(uid, next);
    if (prev) this.release(prev);
  }

  /** Drops what the pod used. Idempotent. */
  unregisterPod(uid: string): void {
    const prev = this.pods.get(uid);
    if (!prev) return;
    this.pods.delete(uid);
    this.release(prev);
  }

  private release(refs: PodRefs): void {
    for (const n of refs.configMaps) this.configMaps.deleteReference(refs.namespace, n);
    for (const n of refs.secrets) this.secrets.deleteReference(refs.namespace, n);
  }

  /** Uids of registered pods that use the object. */
  podsUsing(kind: ConfigSourceKind, namespace: string, name: string): string[] {
    const out: string[] = [];
    for (const [uid, refs] of this.pods) {
      if (refs.namespace !== namespace) continue;
      const names = kind === 'ConfigMap' ? refs.configMaps : refs.secrets;
      if (names.has(name)) out.push(uid);
    }
    return out;
  }

  private notify(kind: ConfigSourceKind, namespace: string, name: string): void {
    const uids = this.podsUsing(kind, namespace, name);
    if (uids.length) this.opts.onPodsChanged?.(uids, kind, `${namespace}/${name}`);
  }

  /** Undefined when it does not exist. */
  getConfigMap(
    namespace: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<ConfigMap | undefined> {
    return this.configMaps.get(namespace, name, signal);
  }

  /** Undefined when it does not exist. */
  getSecret(namespace: string, name: string, signal?: AbortSignal): Promise<Secret | undefined> {
    return this.secrets.get(namespace, name, signal);
  }

  /** `namespace/name` of the watched objects, by kind (tests, diagnostics). */
  watched(): { configMaps: string[]; secrets: string[] } {
    return { configMaps: this.configMaps.keys(), secrets: this.secrets.keys() };
  }

  /** Stops all watches. */
  async stop(): Promise<void> {
    await Promise.all([this.configMaps.stop(), this.secrets.stop()]);
  }
}

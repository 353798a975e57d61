/**
 * The namespace controller (upstream `pkg/controller/namespace`): when a namespace is deleted it
 * stays, Terminating, with the `kubernetes` finalizer in spec.finalizers; this controller deletes
 * everything in it, waits until nothing is left (pods may take their grace period; objects may
 * have finalizers), and then removes the finalizer through `namespaces/<name>/finalize`, upon which
 * the API server removes the namespace.
 *
 * While content remains, the namespace's status conditions say so, as upstream's do:
 * NamespaceContentRemaining and NamespaceFinalizersRemaining.
 *
 *   reconcile(name):
 *     1. not terminating, or no `kubernetes` finalizer → done
 *     2. delete every namespaced resource's objects in the namespace (deletecollection)
 *     3. list what is left → something left: update conditions, requeue after a short delay
 *     4. nothing left → finalize
 */
import {
  metaTime,
  type Namespace,
  type NamespaceCondition,
  type KubeObject,
} from '../../api/index.ts';
import {
  Informer,
  WorkQueue,
  isConflict,
  isNotFound,
  runWorkers,
  type ReconcileResult,
  type ResourceRef,
  type RestClient,
} from '../../client/index.ts';
import { realClock, silentLogger, type Clock, type Logger } from '../../util/index.ts';

export const kubernetesFinalizer = 'kubernetes';

export interface NamespaceControllerOptions {
  readonly client: RestClient;
  /**
   * Every namespaced resource the server serves (what a namespace can contain), with its verbs:
   * resources that cannot be listed (bindings) are skipped; those without deletecollection are
   * emptied one object at a time.
   */
  readonly namespacedResources: readonly (ResourceRef & { readonly verbs: readonly string[] })[];
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** How soon to look again while content remains. Default 1 s. */
  readonly recheckMs?: number;
}

const namespacesRef: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'namespaces',
  namespaced: false,
  kind: 'Namespace',
};

export class NamespaceController {
  private readonly opts: NamespaceControllerOptions;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly informer: Informer<Namespace>;
  private readonly queue: WorkQueue;

  constructor(opts: NamespaceControllerOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? realClock;
    this.logger = (opts.logger ?? silentLogger).with({ controller: 'namespace' });
    this.informer = new Informer<Namespace>({
      listerWatcher: opts.client.resource<Namespace>(namespacesRef),
      clock: this.clock,
      logger: this.logger,
      name: 'namespaces',
    });
    this.queue = new WorkQueue({ clock: this.clock, name: 'namespace' });
    const enqueue = (ns: Namespace): void => {
      if (ns.metadata?.deletionTimestamp && ns.metadata.name) this.queue.add(ns.metadata.name);
    };
    this.informer.addEventHandler({
      onAdd: enqueue,
      onUpdate: (_old, ns) => {
        enqueue(ns);
      },
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    const informer = this.informer.run(signal);
    await this.informer.waitForSync(signal);
    signal.addEventListener(
      'abort',
      () => {
        this.queue.shutDown();
      },
      { once: true },
    );
    await Promise.all([
      informer,
      runWorkers({
        queue: this.queue,
        workers: 2,
        reconcile: (name, s) => this.reconcile(name, s),
        signal,
        logger: this.logger,
      }),
    ]);
  }

  /** One pass over a namespace; see the steps at the top of the file. */
  async reconcile(name: string, signal: AbortSignal): Promise<ReconcileResult | undefined> {
    const ns = this.informer.store.get(name);
    if (!ns?.metadata?.deletionTimestamp) return undefined;
    if (!(ns.spec?.finalizers ?? []).includes(kubernetesFinalizer)) return undefined;

    let remaining = 0;
    const withFinalizers = new Set<string>();
    for (const ref of this.opts.namespacedResources) {
      if (!ref.verbs.includes('list') || !ref.verbs.includes('delete')) continue;
      const rc = this.opts.client.resource(ref);
      let items: KubeObject[];
      try {
        items = (await rc.list({ namespace: name, signal })).items;
        if (items.length === 0) continue;
        if (ref.verbs.includes('deletecollection')) {
          await rc.deleteCollection({ namespace: name, propagationPolicy: 'Background', signal });
        } else {
          for (const item of items) {
            try {
              await rc.delete(item.metadata?.name ?? '', {
                namespace: name,
                propagationPolicy: 'Background',
                signal,
              });
            } catch (err) {
              if (!isNotFound(err)) throw err;
            }
          }
        }
        items = (await rc.list({ namespace: name, signal })).items;
      } catch (err) {
        // A resource that cannot be listed or deleted (e.g. not allowed) is skipped, as upstream
        // does for unsupported verbs; anything left in it keeps the namespace alive below.
        if (isNotFound(err)) continue;
        throw err;
      }
      remaining += items.length;
      for (const i of items) for (const f of i.metadata?.finalizers ?? []) withFinalizers.add(f);
    }
    if (remaining > 0) {
      await this.setConditions(ns, remaining, [...withFinalizers], signal);
      return { requeueAfterMs: this.opts.recheckMs ?? 1000 };
    }
    try {
      const finalized: Namespace = {
        ...ns,
        spec: {
          ...ns.spec,
          finalizers: (ns.spec?.finalizers ?? []).filter((f) => f !== kubernetesFinalizer),
        },
      };
      await this.opts.client.json({
        method: 'PUT',
        path: `/api/v1/namespaces/${encodeURIComponent(name)}/finalize`,
        body: JSON.stringify(finalized),
        contentType: 'application/json',
        signal,
      });
      this.logger.info('namespace finalized', { namespace: name });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      if (isConflict(err)) return { requeue: true };
      throw err;
    }
    return undefined;
  }

  private async setConditions(
    ns: Namespace,
    remaining: number,
    finalizers: string[],
    signal: AbortSignal,
  ): Promise<void> {
    const now = metaTime(this.clock.now());
    const want: NamespaceCondition[] = [
      {
        type: 'NamespaceContentRemaining',
        status: 'True',
        reason: 'SomeResourcesRemain',
        message: `Some resources are remaining: ${remaining} objects`,
        lastTransitionTime: now,
      },
      {
        type: 'NamespaceFinalizersRemaining',
        status: finalizers.length ? 'True' : 'False',
        reason: finalizers.length ? 'SomeFinalizersRemain' : 'ContentHasNoFinalizers',
        message: finalizers.length
          ? `Some content in the namespace has finalizers remaining: ${finalizers.sort().join(', ')}`
          : 'All content-preserving finalizers have been removed',
        lastTransitionTime: now,
      },
    ];
    const current = ns.status?.conditions ?? [];
    const same = want.every((w) =>
      current.some((c) => c.type === w.type && c.status === w.status && c.message === w.message),
    );
    if (same) return;
    const kept = current.filter((c) => !want.some((w) => w.type === c.type));
    try {
      await this.opts.client
        .resource<Namespace>(namespacesRef)
        .updateStatus(
          { ...ns, status: { ...ns.status, conditions: [...kept, ...want] } },
          { signal },
        );
    } catch (err) {
      if (!isConflict(err) && !isNotFound(err)) throw err;
    }
  }
}

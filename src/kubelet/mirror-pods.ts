/**
 * Mirror pods (upstream pkg/kubelet/pod/mirror_client.go, the pod manager's mirror bookkeeping and
 * kubelet.go tryReconcileMirrorPods): the API's view of this node's static pods.
 *
 *   informer (pods of this node with kubernetes.io/config.mirror) ─▶ observe / forget
 *   syncPod of a static pod ─▶ syncMirrorPod:
 *       mirror being deleted, or of another hash (the file changed) ─▶ delete it (grace 0, UID
 *         precondition)
 *       none (or just deleted) and the Node is registered ─▶ create it: a copy of the static pod
 *         with `kubernetes.io/config.mirror: <hash>` and a controller ownerReference to the Node
 *   static pod gone (cleanupPod) ─▶ deleteMirrorPodOf; housekeeping ─▶ deleteOrphans (mirrors of
 *       no static pod this agent has, e.g. after a restart without the manifest)
 *
 * A mirror is never run: the static pod is. `kubectl delete` of a mirror only gives it a
 * deletionTimestamp; the next syncPod deletes it for good and creates a new one, while the static
 * pod's containers keep running. Failures are logged and retried on the next sync; they never
 * fail a sync (static pods run without the API).
 */
import { podsDef, type Node, type ObjectMeta, type Pod } from '../api/index.ts';
import {
  isAlreadyExists,
  isConflict,
  isNotFound,
  type ResourceClient,
  type RestClient,
} from '../client/index.ts';
import type { Logger } from '../util/index.ts';
import {
  configMirrorAnnotationKey,
  isMirrorPod,
  isMirrorPodOf,
  mirrorPodHash,
  podFullName,
  staticPodHash,
} from './config/index.ts';
import { errorMessage } from '../util/index.ts';

export interface MirrorPodsOptions {
  /** The API, as this node. */
  readonly client: RestClient;
  readonly nodeName: string;
  /** The Node as registered (its UID goes into the ownerReference); undefined until then. */
  readonly node: () => Node | undefined;
  readonly logger: Logger;
}

function nsName(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

function errMessage(err: unknown): string {
  return errorMessage(err);
}

/** The static pod's metadata without what the API server sets or the mirror replaces. */
function mirrorMetadata(meta: ObjectMeta): ObjectMeta {
  const {
    uid: _uid,
    resourceVersion: _rv,
    creationTimestamp: _created,
    deletionTimestamp: _deleted,
    deletionGracePeriodSeconds: _grace,
    generation: _generation,
    managedFields: _managed,
    selfLink: _selfLink,
    ownerReferences: _owners,
    ...rest
  } = structuredClone(meta);
  return rest;
}

export class MirrorPods {
  private readonly opts: MirrorPodsOptions;
  private readonly pods: ResourceClient<Pod>;
  /** The mirror pods of this node, by pod full name. */
  private readonly byFullName = new Map<string, Pod>();
  /** Mirrors this agent deleted: late events about them must not bring them back. */
  private readonly deletedUids = new Set<string>();
  /** The last creation failure per static pod hash, so a repeated one is not logged every sync. */
  private readonly failures = new Map<string, string>();

  constructor(opts: MirrorPodsOptions) {
    this.opts = opts;
    this.pods = opts.client.resource<Pod>(podsDef);
  }

  /** A mirror pod from the informer (added or changed). Other pods are ignored. */
  observe(mirror: Pod): void {
    if (!isMirrorPod(mirror)) return;
    const uid = mirror.metadata?.uid ?? '';
    if (this.deletedUids.has(uid)) return;
    this.byFullName.set(podFullName(mirror), mirror);
  }

  /** A mirror pod left the API. */
  forget(mirror: Pod): void {
    const key = podFullName(mirror);
    const uid = mirror.metadata?.uid ?? '';
    this.deletedUids.delete(uid);
    if (this.byFullName.get(key)?.metadata?.uid === uid) this.byFullName.delete(key);
  }

  /** The mirror pod of the static pod's name, whatever its hash. */
  get(staticPod: Pod): Pod | undefined {
    return this.byFullName.get(podFullName(staticPod));
  }

  /** The mirror pod of exactly this static pod (same hash), if the API has one. */
  mirrorPodOf(staticPod: Pod): Pod | undefined {
    const m = this.get(staticPod);
    return m && isMirrorPodOf(m, staticPod) ? m : undefined;
  }

  list(): Pod[] {
    return [...this.byFullName.values()];
  }

  /**
   * Makes the API's mirror match the static pod (upstream tryReconcileMirrorPods). Resolves with
   * the mirror it created, if it created one.
   */
  async syncMirrorPod(staticPod: Pod, signal: AbortSignal): Promise<Pod | undefined> {
    const log = this.opts.logger.with({ pod: nsName(staticPod) });
    const mirror = this.get(staticPod);
    let deleted = false;
    if (mirror && (mirror.metadata?.deletionTimestamp || !isMirrorPodOf(mirror, staticPod))) {
      // Semantically not this static pod's mirror (any more): remove it, a new one follows.
      log.info('deleting a mirror pod that does not match the static pod', {
        podUID: mirror.metadata?.uid,
        deleting: !!mirror.metadata?.deletionTimestamp,
      });
      deleted = await this.deleteMirrorPod(mirror, signal);
    }
    if (mirror && !deleted) return undefined;
    const node = this.opts.node();
    if (!node?.metadata?.uid) {
      log.debug('no mirror pod yet: the node is not registered with the API');
      return undefined;
    }
    if (node.metadata.deletionTimestamp) {
      log.debug('no mirror pod: the node is being removed from the cluster');
      return undefined;
    }
    return this.createMirrorPod(staticPod, node, signal);
  }

  private async createMirrorPod(
    staticPod: Pod,
    node: Node,
    signal: AbortSignal,
  ): Promise<Pod | undefined> {
    const hash = staticPodHash(staticPod) ?? '';
    const log = this.opts.logger.with({ pod: nsName(staticPod), podUID: hash });
    const metadata = mirrorMetadata(staticPod.metadata ?? {});
    metadata.annotations = { ...metadata.annotations, [configMirrorAnnotationKey]: hash };
    metadata.ownerReferences = [
      {
        apiVersion: 'v1',
        kind: 'Node',
        name: this.opts.nodeName,
        uid: node.metadata?.uid ?? '',
        controller: true,
      },
    ];
    const copy: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata,
      ...(staticPod.spec ? { spec: structuredClone(staticPod.spec) } : {}),
    };
    try {
      const created = await this.pods.create(copy, {
        namespace: metadata.namespace ?? 'default',
        signal,
      });
      this.failures.delete(hash);
      this.byFullName.set(podFullName(created), created);
      log.info('created a mirror pod for the static pod', { mirrorUID: created.metadata?.uid });
      return created;
    } catch (err) {
      if (isAlreadyExists(err)) {
        // Created meanwhile (a sync raced the informer), or someone else's pod of that name.
        const existing = await this.pods
          .get(metadata.name ?? '', { namespace: metadata.namespace ?? 'default', signal })
          .catch(() => undefined);
        if (existing && isMirrorPodOf(existing, staticPod)) {
          this.observe(existing);
          return undefined;
        }
        this.noteFailure(
          log,
          hash,
          `a pod named ${nsName(staticPod)} already exists in the API and is not this static pod's mirror`,
        );
        return undefined;
      }
      this.noteFailure(log, hash, `failed creating a mirror pod: ${errMessage(err)}`);
      return undefined;
    }
  }

  private noteFailure(log: Logger, hash: string, message: string): void {
    if (this.failures.get(hash) === message) {
      log.debug(message);
      return;
    }
    this.failures.set(hash, message);
    log.warn(message);
  }

  /**
   * Deletes a mirror pod at once (grace 0), only if it is still the one seen (UID precondition).
   * True when this call deleted it; a mirror already gone or replaced is false, as upstream.
   */
  async deleteMirrorPod(mirror: Pod, signal?: AbortSignal): Promise<boolean> {
    const uid = mirror.metadata?.uid ?? '';
    const log = this.opts.logger.with({ pod: nsName(mirror), podUID: uid });
    try {
      await this.pods.delete(mirror.metadata?.name ?? '', {
        namespace: mirror.metadata?.namespace ?? '',
        gracePeriodSeconds: 0,
        preconditions: { uid },
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) {
        log.debug('mirror pod already gone or replaced', { err: errMessage(err) });
      } else {
        log.warn('failed deleting a mirror pod', { err: errMessage(err) });
      }
      return false;
    }
    this.deletedUids.add(uid);
    const key = podFullName(mirror);
    if (this.byFullName.get(key)?.metadata?.uid === uid) this.byFullName.delete(key);
    log.info('deleted a mirror pod');
    return true;
  }

  /** Deletes the mirror of a static pod that is gone (only a mirror of that very hash). */
  async deleteMirrorPodOf(staticPod: Pod, signal?: AbortSignal): Promise<void> {
    this.failures.delete(staticPodHash(staticPod) ?? '');
    const mirror = this.mirrorPodOf(staticPod);
    if (mirror) await this.deleteMirrorPod(mirror, signal);
  }

  /**
   * Housekeeping (upstream deleteOrphanedMirrorPods): deletes mirrors whose static pod this agent
   * does not have (`known(hash)` false). Call only once every pod source has been listed.
   */
  async deleteOrphans(known: (hash: string) => boolean, signal?: AbortSignal): Promise<string[]> {
    const deleted: string[] = [];
    for (const mirror of this.list()) {
      const hash = mirrorPodHash(mirror) ?? '';
      if (known(hash)) continue;
      this.opts.logger.info('deleting an orphaned mirror pod', {
        pod: nsName(mirror),
        podUID: mirror.metadata?.uid,
      });
      if (await this.deleteMirrorPod(mirror, signal)) deleted.push(nsName(mirror));
    }
    return deleted;
  }
}

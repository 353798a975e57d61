/**
 * The status manager (upstream status/status_manager.go): keeps the latest status the kubelet
 * generated for each pod and writes it to the API only when it differs from what the API has.
 *
 *   setPodStatus(pod, status) ─▶ normalise (startTime kept, lastTransitionTime per condition)
 *     ─▶ cache ─▶ differs from the API's status? ─▶ PATCH pods/<name>/status
 *        (strategic merge patch of the changed fields, with metadata.uid so a patch can never
 *        land on a new pod of the same name; a failure stays dirty and is retried by syncAll)
 *   deletePod(pod) ─▶ DELETE with gracePeriodSeconds=0 and a uid precondition, once the pod's
 *     containers are stopped and its final status written (upstream canBeDeleted)
 *
 * A static pod has no API object of its own: its status goes to its mirror pod (the one with its
 * hash, found through `mirrorPodOf`; the patch carries the mirror's uid). Until a mirror exists,
 * or after it was deleted, the status stays dirty and is written to the next mirror. Its first
 * status continues the mirror's (start time, conditions), as upstream.
 *
 * Calls for one pod come from its pod worker, one at a time.
 */
import {
  podsDef,
  type ContainerStatus,
  type Pod,
  type PodCondition,
  type PodIP,
  type PodStatus,
} from '../api/index.ts';
import {
  isConflict,
  isInvalid,
  isNotFound,
  type ResourceClient,
  type RestClient,
} from '../client/index.ts';
import type { Clock, Logger } from '../util/index.ts';
import { isMirrorPod, isStaticPod, staticPodHash } from './config/index.ts';
import { normalizeStatus } from './pod-status.ts';
import { errorMessage } from '../util/index.ts';

interface Entry {
  status: PodStatus;
  /** The pod as last seen, for retries. */
  pod: Pod;
  dirty: boolean;
  /** A static pod's mirror pod as last seen (its status is what the API has). */
  mirror?: Pod | undefined;
}

/** A JSON value with empty objects, arrays and strings dropped, for "did it change" checks. */
function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(prune);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = prune((v as Record<string, unknown>)[k]);
      if (x === undefined || x === null || x === '') continue;
      if (typeof x === 'object' && Object.keys(x).length === 0) continue;
      out[k] = x;
    }
    return out;
  }
  return v;
}

export function statusEqual(a: PodStatus | undefined, b: PodStatus | undefined): boolean {
  return JSON.stringify(prune(a ?? {})) === JSON.stringify(prune(b ?? {}));
}

/**
 * The strategic merge patch from `old` to `next` (upstream CreateTwoWayMergePatch on PodStatus):
 * changed fields set, removed ones nulled; conditions merge by type and podIPs/hostIPs by ip,
 * so entries that went away get `$patch: delete`; container status lists are replaced whole.
 */
export function podStatusPatch(old: PodStatus, next: PodStatus): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(old), ...Object.keys(next)]);
  for (const key of keys) {
    const a = (old as Record<string, unknown>)[key];
    const b = (next as Record<string, unknown>)[key];
    if (JSON.stringify(prune(a)) === JSON.stringify(prune(b))) continue;
    if (b === undefined) {
      patch[key] = null;
      continue;
    }
    if (key === 'conditions') {
      const oldConds = (a as PodCondition[] | undefined) ?? [];
      const nextConds = b as PodCondition[];
      const gone = oldConds
        .filter((c) => !nextConds.some((n) => n.type === c.type))
        .map((c) => ({ type: c.type, $patch: 'delete' }));
      // Conditions merge by type: fields the new one lacks (a reason that no longer applies)
      // must be nulled, or the old value would survive the merge.
      const merged = nextConds.map((n) => {
        const prev = oldConds.find((c) => c.type === n.type);
        const nulls: Record<string, null> = {};
        for (const k of Object.keys(prev ?? {})) {
          if (!(k in n)) nulls[k] = null;
        }
        return { ...nulls, ...n };
      });
      patch[key] = [...merged, ...gone];
    } else if (key === 'podIPs' || key === 'hostIPs') {
      const nextIPs = b as PodIP[];
      const gone = ((a as PodIP[] | undefined) ?? [])
        .filter((x) => !nextIPs.some((n) => n.ip === x.ip))
        .map((x) => ({ ip: x.ip, $patch: 'delete' }));
      patch[key] = [...nextIPs, ...gone];
    } else {
      patch[key] = b;
    }
  }
  return patch;
}

export interface StatusManagerOptions {
  readonly client: RestClient;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The API's mirror pod of a static pod (same hash), if there is one. None: no static pods. */
  readonly mirrorPodOf?: (staticPod: Pod) => Pod | undefined;
}

function stillDirty(entry: Entry): boolean {
  return entry.dirty;
}

export class StatusManager {
  private readonly entries = new Map<string, Entry>();
  private readonly pods: ResourceClient<Pod>;
  private readonly opts: StatusManagerOptions;

  constructor(opts: StatusManagerOptions) {
    this.opts = opts;
    this.pods = opts.client.resource<Pod>(podsDef);
  }

  /** The last status generated for the pod, if any. */
  getPodStatus(uid: string): PodStatus | undefined {
    return this.entries.get(uid)?.status;
  }

  /**
   * Caches the status and writes it when it differs from the API's. Resolves true when the API
   * now has it; false when the write failed (it stays dirty and `syncAll` retries).
   */
  async setPodStatus(pod: Pod, status: PodStatus): Promise<boolean> {
    const uid = pod.metadata?.uid ?? '';
    const prev = this.entries.get(uid);
    // A static pod's own status is the manifest's Pending; the one it had is its mirror's.
    const mirrorStatus = isStaticPod(pod) ? this.opts.mirrorPodOf?.(pod)?.status : undefined;
    const old = prev?.status ?? mirrorStatus ?? pod.status ?? {};
    const normalized = normalizeStatus(status, old, this.opts.clock.now());
    const entry: Entry = { status: normalized, pod, dirty: true, mirror: prev?.mirror };
    this.entries.set(uid, entry);
    return this.sync(uid, entry);
  }

  /**
   * The API object that carries the entry's status: the pod itself, or a static pod's current
   * mirror (the newest copy seen of it); undefined while a static pod has none.
   */
  private apiPodOf(entry: Entry): Pod | undefined {
    if (!isStaticPod(entry.pod)) return entry.pod;
    const latest = this.opts.mirrorPodOf?.(entry.pod);
    if (!latest) {
      entry.mirror = undefined;
      return undefined;
    }
    if (entry.mirror?.metadata?.uid !== latest.metadata?.uid) {
      entry.mirror = latest;
      // A mirror that already has this pod's status (the agent restarted before it saw the
      // mirror): the pod keeps its start time and condition transition times.
      if (latest.status?.startTime) {
        entry.status = normalizeStatus(entry.status, latest.status, this.opts.clock.now());
      }
    }
    return entry.mirror;
  }

  private async sync(uid: string, entry: Entry): Promise<boolean> {
    const target = this.apiPodOf(entry);
    // A static pod without a mirror yet: the status waits for it (stays dirty).
    if (!target) return false;
    const staticPod = target !== entry.pod;
    const current = target.status ?? {};
    if (statusEqual(current, entry.status)) {
      entry.dirty = false;
      return true;
    }
    const name = target.metadata?.name ?? '';
    const namespace = target.metadata?.namespace ?? '';
    const log = this.opts.logger.with({ pod: `${namespace}/${name}` });
    try {
      const updated = await this.pods.patch(
        name,
        'strategic',
        {
          metadata: { uid: staticPod ? (target.metadata?.uid ?? '') : uid },
          status: podStatusPatch(current, entry.status),
        },
        { namespace, subresource: 'status' },
      );
      if (staticPod) entry.mirror = updated;
      else entry.pod = updated;
      entry.dirty = false;
      log.debug('status updated', { phase: entry.status.phase });
      return true;
    } catch (err) {
      if (staticPod && (isNotFound(err) || isConflict(err))) {
        // The mirror was deleted or replaced: the status goes to the next one.
        log.debug('status not written: mirror pod gone or replaced', {
          err: errorMessage(err),
        });
        entry.mirror = undefined;
        return false;
      }
      if (isNotFound(err) || isConflict(err) || isInvalid(err)) {
        // The pod is gone, or a new pod took its name: this status is for nobody.
        log.debug('status not written: pod gone or replaced', {
          err: errorMessage(err),
        });
        entry.dirty = false;
        return false;
      }
      log.warn('status update failed; will retry', {
        err: errorMessage(err),
      });
      return false;
    }
  }

  /** Retries the writes that failed (upstream's periodic syncBatch). */
  async syncAll(): Promise<void> {
    for (const [uid, entry] of [...this.entries]) {
      if (entry.dirty) await this.sync(uid, entry);
    }
  }

  /** Tells the manager what the API has now, so the next comparison is against it. */
  observe(pod: Pod): void {
    if (isMirrorPod(pod)) {
      // A mirror carries its static pod's hash (= the static pod's uid).
      const entry = this.entries.get(staticPodHash(pod) ?? '');
      if (entry?.mirror && entry.mirror.metadata?.uid === pod.metadata?.uid) entry.mirror = pod;
      return;
    }
    const entry = this.entries.get(pod.metadata?.uid ?? '');
    if (entry) entry.pod = pod;
  }

  /**
   * Deletes the API object of a pod whose containers are all stopped (grace period 0, uid
   * precondition). Resolves true when it is gone (also when it already was).
   */
  async deletePod(pod: Pod): Promise<boolean> {
    const uid = pod.metadata?.uid ?? '';
    const entry = this.entries.get(uid);
    if (entry?.dirty) {
      const written = await this.sync(uid, entry);
      // Not written and still dirty: the API did not take it; try again later.
      if (!written && stillDirty(entry)) return false;
    }
    try {
      await this.pods.delete(pod.metadata?.name ?? '', {
        namespace: pod.metadata?.namespace ?? '',
        gracePeriodSeconds: 0,
        preconditions: { uid },
      });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
    return true;
  }

  /** Forgets a pod (it is gone). */
  removePod(uid: string): void {
    this.entries.delete(uid);
  }
}

/** For tests and the log source: the container status of a name in a pod status. */
export function findAPIContainerStatus(
  status: PodStatus | undefined,
  name: string,
): ContainerStatus | undefined {
  return [...(status?.containerStatuses ?? []), ...(status?.initContainerStatuses ?? [])].find(
    (s) => s.name === name,
  );
}

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
import { normalizeStatus } from './pod-status.ts';

interface Entry {
  status: PodStatus;
  /** The pod as last seen, for retries. */
  pod: Pod;
  dirty: boolean;
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
    const old = this.entries.get(uid)?.status ?? pod.status ?? {};
    const normalized = normalizeStatus(status, old, this.opts.clock.now());
    const entry: Entry = { status: normalized, pod, dirty: true };
    this.entries.set(uid, entry);
    return this.sync(uid, entry);
  }

  private async sync(uid: string, entry: Entry): Promise<boolean> {
    const { pod } = entry;
    const current = pod.status ?? {};
    if (statusEqual(current, entry.status)) {
      entry.dirty = false;
      return true;
    }
    const name = pod.metadata?.name ?? '';
    const namespace = pod.metadata?.namespace ?? '';
    const log = this.opts.logger.with({ pod: `${namespace}/${name}` });
    try {
      const updated = await this.pods.patch(
        name,
        'strategic',
        { metadata: { uid }, status: podStatusPatch(current, entry.status) },
        { namespace, subresource: 'status' },
      );
      entry.pod = updated;
      entry.dirty = false;
      log.debug('status updated', { phase: entry.status.phase });
      return true;
    } catch (err) {
      if (isNotFound(err) || isConflict(err) || isInvalid(err)) {
        // The pod is gone, or a new pod took its name: this status is for nobody.
        log.debug('status not written: pod gone or replaced', {
          err: err instanceof Error ? err.message : String(err),
        });
        entry.dirty = false;
        return false;
      }
      log.warn('status update failed; will retry', {
        err: err instanceof Error ? err.message : String(err),
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

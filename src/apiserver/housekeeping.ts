/**
 * The API server's own background duties, as kube-apiserver has them:
 *   - bootstrap: the namespaces every cluster has (default, kube-system, kube-public,
 *     kube-node-lease) exist from the first start;
 *   - compaction: every 5 minutes, history older than the previous round is compacted, so watches
 *     can resume across ~5 minutes of disconnection and the store does not grow forever;
 *   - event expiry: events live one hour after their last occurrence (upstream's --event-ttl).
 */
import type { Event } from '../api/index.ts';
import type { Store } from '../store/index.ts';
import type { Clock, Logger } from '../util/index.ts';
import type { ApiServer } from './api-server.ts';
import { ApiError } from './errors.ts';
import type { WriteContext } from './storage/resource-storage.ts';
import { errorMessage } from '../util/index.ts';

export const systemNamespaces = [
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
] as const;

function systemWrite(clock: Clock): WriteContext {
  return { now: clock.now(), dryRun: false, fieldManager: 'podbay-apiserver', subresource: '' };
}

/** Creates the system namespaces that are missing. Idempotent. */
export async function ensureSystemNamespaces(api: ApiServer, clock: Clock): Promise<void> {
  const namespaces = api.storageOf('', 'namespaces');
  if (!namespaces) throw new Error('namespaces are not served');
  for (const name of systemNamespaces) {
    if (namespaces.getCached('', name)) continue;
    try {
      await namespaces.create(
        '',
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
        systemWrite(clock),
      );
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) throw err;
    }
  }
}

export interface HousekeepingOptions {
  readonly api: ApiServer;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often history is compacted (and how much is kept). Default 5 minutes. */
  readonly compactIntervalMs?: number;
  /** How long an event lives after its last occurrence. Default 1 hour. */
  readonly eventTtlMs?: number;
}

/** Starts the periodic duties; returns a function that stops them. */
export function startHousekeeping(opts: HousekeepingOptions): () => void {
  const compactEvery = opts.compactIntervalMs ?? 5 * 60_000;
  const eventTtl = opts.eventTtlMs ?? 60 * 60_000;
  let stopped = false;
  let cancel: (() => void) | undefined;
  let previousRevision = 0;

  const compact = async (): Promise<void> => {
    const current = await opts.store.currentRevision();
    // Keep everything newer than what was current one interval ago.
    if (previousRevision > 0 && previousRevision > (await opts.store.compactedRevision())) {
      await opts.store.compact(previousRevision);
      opts.logger.debug('compacted store history', { revision: previousRevision });
    }
    previousRevision = current;
  };

  const expireEvents = async (): Promise<void> => {
    const events = opts.api.storageOf('', 'events');
    if (!events) return;
    const cutoff = opts.clock.now() - eventTtl;
    for (const o of events.cache.list()) {
      const e = o.object as Event;
      const last = Date.parse(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? '');
      if (!Number.isFinite(last) || last > cutoff) continue;
      try {
        await events.delete(
          e.metadata.namespace ?? '',
          e.metadata.name ?? '',
          {},
          systemWrite(opts.clock),
        );
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      }
    }
  };

  const tick = (): void => {
    if (stopped) return;
    void (async () => {
      try {
        await compact();
        await expireEvents();
      } catch (err) {
        opts.logger.warn('housekeeping failed', {
          err: errorMessage(err),
        });
      }
      cancel = opts.clock.setTimeout(tick, compactEvery);
    })();
  };
  cancel = opts.clock.setTimeout(tick, compactEvery);
  return () => {
    stopped = true;
    cancel?.();
  };
}

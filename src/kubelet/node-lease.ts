/**
 * The node heartbeat (upstream nodelease controller): a Lease `kube-node-lease/<node>` held by
 * the node, 40 s long, renewed every 10 s (a quarter of it). Created on first use with an owner
 * reference to the Node, so it goes when the Node goes. A failed renewal is retried with back-off
 * (200 ms doubling to 7 s), then the normal interval resumes.
 */
import type { Lease, Node } from '../api/index.ts';
import {
  formatMicroTime,
  isAlreadyExists,
  isConflict,
  isNotFound,
  leasesResource,
  type ResourceClient,
  type RestClient,
} from '../client/index.ts';
import { Backoff, type Clock, type Logger, errorMessage } from '../util/index.ts';

export const nodeLeaseNamespace = 'kube-node-lease';
export const leaseDurationSeconds = 40;

export interface NodeLeaseOptions {
  readonly client: RestClient;
  readonly nodeName: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The Node, for the owner reference. */
  readonly node: () => Node | undefined;
  /** Default 10 s (0.25 × the 40 s duration). */
  readonly renewIntervalMs?: number;
}

function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

export class NodeLease {
  private readonly opts: NodeLeaseOptions;
  private readonly leases: ResourceClient<Lease>;
  private lease: Lease | undefined;

  constructor(opts: NodeLeaseOptions) {
    this.opts = opts;
    this.leases = opts.client.resource<Lease>(leasesResource);
  }

  private desired(base: Lease | undefined): Lease {
    const { nodeName, clock } = this.opts;
    const node = this.opts.node();
    const ownerReferences =
      node?.metadata?.uid && node.metadata.name
        ? [
            {
              apiVersion: 'v1',
              kind: 'Node',
              name: node.metadata.name,
              uid: node.metadata.uid,
            },
          ]
        : (base?.metadata?.ownerReferences ?? []);
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        ...(base?.metadata ?? {}),
        name: nodeName,
        namespace: nodeLeaseNamespace,
        ...(ownerReferences.length ? { ownerReferences } : {}),
      },
      spec: {
        ...(base?.spec ?? {}),
        holderIdentity: nodeName,
        leaseDurationSeconds,
        renewTime: formatMicroTime(clock.now()),
      },
    };
  }

  /** Creates or renews the lease once. */
  async renew(signal?: AbortSignal): Promise<Lease> {
    const { nodeName } = this.opts;
    const opts = signal ? { signal } : {};
    if (!this.lease) {
      try {
        this.lease = await this.leases.get(nodeName, { namespace: nodeLeaseNamespace, ...opts });
      } catch (err) {
        if (!isNotFound(err)) throw err;
        try {
          this.lease = await this.leases.create(this.desired(undefined), opts);
          return this.lease;
        } catch (createErr) {
          if (!isAlreadyExists(createErr)) throw createErr;
          this.lease = await this.leases.get(nodeName, { namespace: nodeLeaseNamespace, ...opts });
        }
      }
    }
    try {
      this.lease = await this.leases.update(this.desired(this.lease), opts);
    } catch (err) {
      // Someone else wrote it (or it was deleted): start from the API's copy next time.
      if (isConflict(err) || isNotFound(err)) this.lease = undefined;
      throw err;
    }
    return this.lease;
  }

  /** Renews every 10 s until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const { clock, logger } = this.opts;
    const backoff = new Backoff({ clock, initialMs: 200, maxMs: 7000 });
    let wait = 0;
    while (!signal.aborted) {
      try {
        if (wait > 0) await clock.sleep(wait, signal);
      } catch {
        return;
      }
      try {
        await this.renew(signal);
        backoff.reset('lease');
        wait = this.opts.renewIntervalMs ?? 10_000;
      } catch (err) {
        if (isAborted(signal)) return;
        wait = backoff.next('lease');
        logger.warn('node lease renewal failed', {
          err: errorMessage(err),
          retryInMs: wait,
        });
      }
    }
  }
}

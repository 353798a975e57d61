/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's `leaderelection` package: of
 * all candidates running `run()` with the same lease, at most one holds it at a time (given clocks
 * that run at about the same rate), and a holder that cannot renew steps down before anyone else
 * may take over.
 *
 *            ┌──────────── retry every retryPeriod (jittered) ───────────┐
 *            ▼                                                           │
 *   run ─▶ ACQUIRE: GET lease ─▶ absent: CREATE ─────────────────┐       │
 *                     │          held by another, not expired ───┼───────┘
 *                     │          free / expired / ours: UPDATE ──┤ (compare-and-swap on
 *                     │                                          │  resourceVersion)
 *                     ▼                                          ▼
 *                            LEADING: onStartedLeading(signal) ─▶ RENEW every retryPeriod;
 *                                                                 each renewal may retry until
 *                                                                 renewDeadline has passed
 *                                  renewal failed past renewDeadline │  run's signal aborted
 *                                                                    ▼  (release if configured)
 *                            STOPPED: leading signal aborted, onStartedLeading awaited,
 *                                     onStoppedLeading(), run() resolves
 *
 * Expiry is judged by the local clock from when this candidate last saw the lease record change
 * (never by comparing the holder's timestamps with ours), so clock skew between machines does not
 * matter, only clock rate. `leaseTransitions` counts holder changes: it is the fencing token of a
 * term, given to `onStartedLeading`, and a leader can stamp writes with it.
 */
import type { Lease, LeaseSpec } from '../api/index.ts';
import { realClock, silentLogger, type Clock, type Logger } from '../util/index.ts';
import { isAborted } from './aborted.ts';
import { isConflict, isNotFound } from './errors.ts';
import { leasesResource, type ResourceClient, type RestClient } from './rest-client.ts';

/** client-go's JitterFactor for the acquire loop. */
const jitterFactor = 1.2;

/** What the elector tells its owner. */
export interface LeaderCallbacks {
  /**
   * Called once when this candidate becomes leader. Run the leader's work until `signal` aborts
   * (leadership lost or shutdown), then return: `run()` waits for the returned promise before it
   * releases the lease, so the next leader never overlaps with this one's work.
   * `leaseTransitions` is this term's fencing token.
   */
  onStartedLeading(
    signal: AbortSignal,
    term: { readonly leaseTransitions: number },
  ): void | Promise<void>;
  /** Called once after leading ended (after `onStartedLeading` returned); not called if this candidate never led. */
  onStoppedLeading?(): void;
  /** Called when the observed holder changes to a new identity (including this candidate's). */
  onNewLeader?(identity: string): void;
}

/**
 * One candidate's settings. Requires leaseDuration > renewDeadline > 1.2 × retryPeriod (the
 * constructor throws `RangeError` otherwise), as client-go does.
 */
export interface LeaderElectorOptions {
  readonly client: RestClient;
  /** Lease namespace and name, e.g. `kube-system` / `kube-scheduler`. */
  readonly namespace: string;
  readonly name: string;
  /** This candidate's unique identity (host name plus a random suffix, usually). */
  readonly identity: string;
  /** How long a lease stays valid after its last observed renewal. Default 15 s. */
  readonly leaseDurationMs?: number;
  /** How long the leader keeps retrying a renewal before it gives up leading. Default 10 s. */
  readonly renewDeadlineMs?: number;
  /** Time between attempts. Default 2 s. */
  readonly retryPeriodMs?: number;
  /** On shutdown, hand the lease back (holder '' and 1 s duration) so a successor need not wait. */
  readonly releaseOnCancel?: boolean;
  readonly callbacks: LeaderCallbacks;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Randomness for jitter, in [0, 1). */
  readonly random?: () => number;
}

/** MicroTime: RFC 3339 with microseconds, `2026-01-01T00:00:00.000000Z`. */
export function formatMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * The elector. Create one per candidate and call `run(signal)` once; it resolves after this
 * candidate stopped leading (lost the lease or was shut down) or, when it never led, once `signal`
 * aborts. Like client-go, it does not try to lead again after losing: the caller decides (most
 * components exit and restart).
 */
export class LeaderElector {
  private readonly opts: LeaderElectorOptions;
  private readonly leases: ResourceClient<Lease>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly random: () => number;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  /** The lease as last read or written by us (its resourceVersion is our CAS precondition). */
  private lease: Lease | undefined;
  private observedSpec: LeaseSpec | undefined;
  private observedRaw = '';
  private observedTime = 0;
  private reportedLeader = '';
  private leading = false;
  private started = false;

  constructor(opts: LeaderElectorOptions) {
    this.opts = opts;
    this.leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    if (this.leaseDurationMs <= this.renewDeadlineMs) {
      throw new RangeError('leaseDuration must be greater than renewDeadline');
    }
    if (this.renewDeadlineMs <= jitterFactor * this.retryPeriodMs) {
      throw new RangeError('renewDeadline must be greater than retryPeriod × 1.2');
    }
    if (this.retryPeriodMs < 1 || !opts.identity)
      throw new RangeError('retryPeriod and identity are required');
    this.leases = opts.client.resource<Lease>(leasesResource);
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
    this.logger = (opts.logger ?? silentLogger).with({
      lease: `${opts.namespace}/${opts.name}`,
      identity: opts.identity,
    });
  }

  /** True while this candidate leads (between onStartedLeading and the end of its term). */
  isLeader(): boolean {
    return this.leading;
  }

  /** The holder this candidate last observed ('' if none or unknown). */
  getLeader(): string {
    return this.observedSpec?.holderIdentity ?? '';
  }

  async run(signal: AbortSignal): Promise<void> {
    if (this.started) throw new Error('leader elector already started');
    this.started = true;
    if (!(await this.acquire(signal))) return;

    const term = new AbortController();
    const termSignal = AbortSignal.any([signal, term.signal]);
    this.leading = true;
    const leaseTransitions = this.observedSpec?.leaseTransitions ?? 0;
    this.logger.info('became leader', { leaseTransitions });
    const work = (async () => {
      await this.opts.callbacks.onStartedLeading(termSignal, { leaseTransitions });
    })().catch((err: unknown) => {
      this.logger.error('onStartedLeading failed', { err });
    });
    try {
      await this.renew(signal);
    } finally {
      term.abort();
      await work;
      this.leading = false;
      if (signal.aborted && this.opts.releaseOnCancel) await this.release();
      try {
        this.opts.callbacks.onStoppedLeading?.();
      } catch (err) {
        this.logger.error('onStoppedLeading failed', { err });
      }
    }
  }

  /** Tries every retryPeriod (jittered) until the lease is ours; false if aborted first. */
  private async acquire(signal: AbortSignal): Promise<boolean> {
    this.logger.info('attempting to acquire leader lease');
    while (!signal.aborted) {
      const ok = await this.tryAcquireOrRenew(signal);
      this.maybeReportTransition();
      if (ok) return true;
      const delayMs = this.retryPeriodMs * (1 + this.random() * jitterFactor);
      if (!(await this.sleep(delayMs, signal))) return false;
    }
    return false;
  }

  /** Renews every retryPeriod until a renewal fails for renewDeadline or `signal` aborts. */
  private async renew(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const renewed = await this.renewWithinDeadline(signal);
      this.maybeReportTransition();
      if (isAborted(signal)) return;
      if (!renewed) {
        this.logger.warn('failed to renew lease; stepping down', {
          renewDeadlineMs: this.renewDeadlineMs,
        });
        return;
      }
      if (!(await this.sleep(this.retryPeriodMs, signal))) return;
    }
  }

  /** Attempts at once and then every retryPeriod until success or renewDeadline has passed. */
  private async renewWithinDeadline(signal: AbortSignal): Promise<boolean> {
    const deadline = new AbortController();
    const cancelTimer = this.clock.setTimeout(() => {
      deadline.abort(new Error('renew deadline exceeded'));
    }, this.renewDeadlineMs);
    const attemptSignal = AbortSignal.any([signal, deadline.signal]);
    try {
      while (!attemptSignal.aborted) {
        if (await this.tryAcquireOrRenew(attemptSignal)) return true;
        if (!(await this.sleep(this.retryPeriodMs, attemptSignal))) return false;
      }
      return false;
    } finally {
      cancelTimer();
    }
  }

  /** Resolves true after `ms`, false if `signal` aborted first. */
  private async sleep(ms: number, signal: AbortSignal): Promise<boolean> {
    try {
      await this.clock.sleep(ms, signal);
      return true;
    } catch {
      return false;
    }
  }

  private holdsObservedLease(): boolean {
    return this.observedSpec?.holderIdentity === this.opts.identity;
  }

  private isLeaseValid(now: number): boolean {
    const durationS = this.observedSpec?.leaseDurationSeconds ?? this.leaseDurationMs / 1000;
    return this.observedTime + durationS * 1000 > now;
  }

  private setObserved(lease: Lease, now: number): void {
    this.lease = lease;
    this.observedSpec = lease.spec ?? {};
    this.observedRaw = JSON.stringify(this.observedSpec);
    this.observedTime = now;
  }

  /**
   * One attempt (client-go tryAcquireOrRenew):
   * Step 1: as the valid holder, update optimistically from the cached lease (no GET).
   * Step 2: otherwise GET the lease; create it when absent.
   * Step 3: note when the record last changed; if another holder's lease is still valid, give up.
   * Step 4: write ourselves as holder with a CAS on the read resourceVersion, keeping
   *         acquireTime and leaseTransitions when renewing, bumping leaseTransitions when taking over.
   */
  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const now = this.clock.now();
    const nowTime = formatMicroTime(now);
    const desired: LeaseSpec = {
      holderIdentity: this.opts.identity,
      leaseDurationSeconds: Math.round(this.leaseDurationMs / 1000),
      acquireTime: nowTime,
      renewTime: nowTime,
    };

    // Step 1
    if (this.holdsObservedLease() && this.isLeaseValid(now) && this.lease) {
      const spec: LeaseSpec = {
        ...desired,
        ...(this.observedSpec?.acquireTime !== undefined
          ? { acquireTime: this.observedSpec.acquireTime }
          : {}),
        leaseTransitions: this.observedSpec?.leaseTransitions ?? 0,
      };
      try {
        this.setObserved(await this.leases.update({ ...this.lease, spec }, { signal }), now);
        return true;
      } catch (err) {
        if (signal.aborted) return false;
        this.logger.debug('optimistic renewal failed; re-reading the lease', { err });
      }
    }

    // Step 2
    let current: Lease;
    try {
      current = await this.leases.get(this.opts.name, { namespace: this.opts.namespace, signal });
    } catch (err) {
      if (signal.aborted) return false;
      if (!isNotFound(err)) {
        this.logger.warn('error retrieving lease', { err });
        return false;
      }
      try {
        const created = await this.leases.create(
          {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name: this.opts.name, namespace: this.opts.namespace },
            spec: { ...desired, leaseTransitions: 0 },
          },
          { signal },
        );
        this.setObserved(created, now);
        return true;
      } catch (createErr) {
        if (!isAborted(signal)) this.logger.info('error creating lease', { err: createErr });
        return false;
      }
    }

    // Step 3
    const spec = current.spec ?? {};
    const raw = JSON.stringify(spec);
    if (raw !== this.observedRaw) {
      this.setObserved(current, now);
    } else {
      this.lease = current;
    }
    if (spec.holderIdentity && this.isLeaseValid(now) && !this.holdsObservedLease()) {
      this.logger.debug('lease is held by another candidate and has not expired', {
        holder: spec.holderIdentity,
      });
      return false;
    }

    // Step 4
    const next: LeaseSpec = this.holdsObservedLease()
      ? {
          ...desired,
          ...(spec.acquireTime !== undefined ? { acquireTime: spec.acquireTime } : {}),
          leaseTransitions: spec.leaseTransitions ?? 0,
        }
      : { ...desired, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 };
    try {
      this.setObserved(await this.leases.update({ ...current, spec: next }, { signal }), now);
      return true;
    } catch (err) {
      if (!signal.aborted) this.logger.info('failed to update lease', { err });
      return false;
    }
  }

  /** Hands the lease back: holder '', duration 1 s, transitions kept (client-go tryRelease). */
  private async release(): Promise<void> {
    const deadline = new AbortController();
    const cancelTimer = this.clock.setTimeout(() => {
      deadline.abort(new Error('release deadline exceeded'));
    }, this.renewDeadlineMs);
    try {
      for (;;) {
        const current = await this.leases.get(this.opts.name, {
          namespace: this.opts.namespace,
          signal: deadline.signal,
        });
        if (current.spec?.holderIdentity !== this.opts.identity) return;
        const now = formatMicroTime(this.clock.now());
        try {
          const released = await this.leases.update(
            {
              ...current,
              spec: {
                holderIdentity: '',
                leaseDurationSeconds: 1,
                acquireTime: now,
                renewTime: now,
                leaseTransitions: current.spec.leaseTransitions ?? 0,
              },
            },
            { signal: deadline.signal },
          );
          this.setObserved(released, this.clock.now());
          this.logger.info('released leader lease');
          return;
        } catch (err) {
          if (deadline.signal.aborted || !isConflict(err)) throw err;
          this.logger.debug('conflict releasing lease; retrying', { err });
        }
      }
    } catch (err) {
      this.logger.warn('failed to release lease', { err });
    } finally {
      cancelTimer();
    }
  }

  private maybeReportTransition(): void {
    const holder = this.observedSpec?.holderIdentity ?? '';
    if (holder === '' || holder === this.reportedLeader) return;
    this.reportedLeader = holder;
    try {
      this.opts.callbacks.onNewLeader?.(holder);
    } catch (err) {
      this.logger.error('onNewLeader failed', { err });
    }
  }
}

/**
 * An in-memory `PodNetwork` for unit and integration tests and for scale simulation: it hands out
 * addresses from 10.244.0.0/24 (10.244.0.2 upwards; .1 is the bridge gateway, as with CNI's bridge),
 * records every attachment, and can be told to fail the next or every `setUp`/`tearDown`.
 *
 * It keeps the real implementation's contract: `setUp` for a sandbox that is already attached
 * returns the same address (a retried sandbox creation must not leak addresses), `tearDown` of an
 * unknown sandbox succeeds, and an exhausted range fails as host-local does.
 */
import { throwIfAborted } from '../../util/index.ts';
import { NetworkError, type PodNetwork, type PodNetworkAttachment } from './types.ts';

export interface FakeNetworkOptions {
  /** The first three octets of the /24 to hand out; default `10.244.0`. */
  readonly subnetPrefix?: string;
}

export type FakeNetworkOperation = 'setUp' | 'tearDown';

export interface FakeNetworkCall {
  readonly op: FakeNetworkOperation;
  readonly sandboxId: string;
}

interface Attached {
  readonly attachment: PodNetworkAttachment;
  readonly ip: string;
}

interface Failure {
  readonly message: string;
  /** Remaining failures; Infinity for "until cleared". */
  remaining: number;
}

export class FakeNetwork implements PodNetwork {
  private readonly prefix: string;
  private readonly attached = new Map<string, Attached>();
  private readonly failures = new Map<FakeNetworkOperation, Failure>();
  private readonly log: FakeNetworkCall[] = [];

  constructor(opts: FakeNetworkOptions = {}) {
    this.prefix = opts.subnetPrefix ?? '10.244.0';
  }

  // async so that every failure is a rejected promise, as with the real implementation.
  // eslint-disable-next-line @typescript-eslint/require-await
  async setUp(attachment: PodNetworkAttachment, signal?: AbortSignal): Promise<{ ips: string[] }> {
    throwIfAborted(signal);
    this.log.push({ op: 'setUp', sandboxId: attachment.sandboxId });
    this.maybeFail('setUp');
    const existing = this.attached.get(attachment.sandboxId);
    if (existing) return { ips: [existing.ip] };
    const ip = this.allocate();
    this.attached.set(attachment.sandboxId, { attachment, ip });
    return { ips: [ip] };
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async tearDown(attachment: PodNetworkAttachment): Promise<void> {
    this.log.push({ op: 'tearDown', sandboxId: attachment.sandboxId });
    this.maybeFail('tearDown');
    this.attached.delete(attachment.sandboxId);
  }

  /**
   * Makes `op` fail with a NetworkError carrying `message`: the next `times` calls (default 1), or
   * every call until `clearFailures` when `times` is Infinity.
   */
  failNext(op: FakeNetworkOperation, message: string, times = 1): void {
    this.failures.set(op, { message, remaining: times });
  }

  clearFailures(): void {
    this.failures.clear();
  }

  /** The current attachments by sandbox id, with their addresses. */
  attachments(): ReadonlyMap<string, { attachment: PodNetworkAttachment; ip: string }> {
    return new Map(this.attached);
  }

  /** The address given to a sandbox, if it is attached. */
  ipOf(sandboxId: string): string | undefined {
    return this.attached.get(sandboxId)?.ip;
  }

  /** Every call so far, in order (also the failed ones). */
  calls(): readonly FakeNetworkCall[] {
    return [...this.log];
  }

  private maybeFail(op: FakeNetworkOperation): void {
    const f = this.failures.get(op);
    if (!f) return;
    f.remaining -= 1;
    if (f.remaining <= 0) this.failures.delete(op);
    throw new NetworkError(f.message);
  }

  private allocate(): string {
    const used = new Set([...this.attached.values()].map((a) => a.ip));
    for (let host = 2; host <= 254; host++) {
      const ip = `${this.prefix}.${host}`;
      if (!used.has(ip)) return ip;
    }
    // host-local's wording when its range is exhausted.
    throw new NetworkError(
      `failed to allocate for range 0: no IP addresses available in range set: ${this.prefix}.1-${this.prefix}.254`,
    );
  }
}

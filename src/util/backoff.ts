import type { Clock } from './clock.ts';

/**
 * Per-key exponential back-off, as the kubelet's `flowcontrol.Backoff`: the first failure waits
 * `initialMs`, each further failure doubles it up to `maxMs`, and a key that has gone `resetAfterMs`
 * without a failure starts again from `initialMs` (kubelet: 10 s doubling, capped at 300 s, reset
 * after 10 minutes of running cleanly).
 */
export interface BackoffOptions {
  clock: Clock;
  initialMs: number;
  maxMs: number;
  /** Quiet time after which a key's back-off resets. Defaults to 2 × maxMs, as upstream. */
  resetAfterMs?: number;
}

interface Entry {
  delayMs: number;
  lastFailure: number;
}

export class Backoff {
  private readonly entries = new Map<string, Entry>();
  private readonly opts: Required<BackoffOptions>;

  constructor(opts: BackoffOptions) {
    this.opts = { resetAfterMs: 2 * opts.maxMs, ...opts };
  }

  /** Records a failure of `key` now and returns the delay before the next attempt. */
  next(key: string): number {
    const now = this.opts.clock.now();
    const e = this.entries.get(key);
    let delayMs: number;
    if (!e || now - e.lastFailure > this.opts.resetAfterMs) delayMs = this.opts.initialMs;
    else delayMs = Math.min(e.delayMs * 2, this.opts.maxMs);
    this.entries.set(key, { delayMs, lastFailure: now });
    return delayMs;
  }

  /** The current delay for `key` (0 if none), without recording anything. */
  get(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  /** True while `key` is inside the back-off window of its last failure. */
  isInBackOff(key: string): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    return this.opts.clock.now() - e.lastFailure < e.delayMs;
  }

  /** Forgets `key` (after a clean run or when the object is gone). */
  reset(key: string): void {
    this.entries.delete(key);
  }
}

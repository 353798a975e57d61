/**
 * The restart back-off of crashing containers and failing image pulls, with the semantics of
 * client-go's flowcontrol.Backoff as the kubelet uses it (doBackOff, EnsureImageExists):
 *
 *   - a container that exited is restarted at once the first time; each later restart waits
 *     10 s, 20 s, 40 s … up to 300 s, counted from the moment the last instance finished;
 *   - an entry whose last update is more than 2 × max (10 minutes) before the event expires, so
 *     a container that ran cleanly for 10 minutes starts again from 10 s;
 *   - keys are per pod and container (`<name>_<namespace>_<uid>_<container>`), or per pod and
 *     image for pulls.
 */
import type { Clock } from '../util/index.ts';

export const containerBackOffPeriodMs = 10_000;
export const maxContainerBackOffMs = 300_000;

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

export interface BackOffOptions {
  readonly clock: Clock;
  readonly initialMs?: number;
  readonly maxMs?: number;
}

export class BackOff {
  private readonly entries = new Map<string, Entry>();
  private readonly clock: Clock;
  readonly initialMs: number;
  readonly maxMs: number;

  constructor(opts: BackOffOptions) {
    this.clock = opts.clock;
    this.initialMs = opts.initialMs ?? containerBackOffPeriodMs;
    this.maxMs = opts.maxMs ?? maxContainerBackOffMs;
  }

  private expired(eventTime: number, lastUpdate: number): boolean {
    return eventTime - lastUpdate > 2 * this.maxMs;
  }

  /** The current back-off of `key` (0 when none). */
  get(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  /** Records an attempt after the event at `eventTime`: the next wait doubles (or resets). */
  next(key: string, eventTime: number): void {
    const e = this.entries.get(key);
    const backoffMs =
      !e || this.expired(eventTime, e.lastUpdate)
        ? this.initialMs
        : Math.min(e.backoffMs * 2, this.maxMs);
    this.entries.set(key, { backoffMs, lastUpdate: this.clock.now() });
  }

  /** True while less than the current back-off has passed since `eventTime`. */
  isInBackOffSince(key: string, eventTime: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(eventTime, e.lastUpdate)) return false;
    return this.clock.now() - eventTime < e.backoffMs;
  }

  /** True while less than the current back-off has passed since the last `next` (image pulls). */
  isInBackOffSinceUpdate(key: string): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    const now = this.clock.now();
    if (this.expired(now, e.lastUpdate)) return false;
    return now - e.lastUpdate < e.backoffMs;
  }

  /** Milliseconds until `isInBackOffSince(key, eventTime)` turns false (0 if it is already). */
  remaining(key: string, eventTime: number): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    return Math.max(0, eventTime + e.backoffMs - this.clock.now());
  }

  /** Milliseconds until `isInBackOffSinceUpdate(key)` turns false. */
  remainingSinceUpdate(key: string): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    return Math.max(0, e.lastUpdate + e.backoffMs - this.clock.now());
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every key starting with `prefix` (a pod that is gone). */
  resetPrefix(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }

  /** Drops entries that expired (upstream GC). */
  gc(): void {
    const now = this.clock.now();
    for (const [k, e] of this.entries) if (this.expired(now, e.lastUpdate)) this.entries.delete(k);
  }
}

/** Go's time.Duration String() for whole seconds or minutes, as in `back-off 5m0s restarting`. */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

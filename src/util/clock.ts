/**
 * Clock: the one source of time for everything that waits or timestamps (resync, back-off, probe
 * periods, grace periods, leases). Production code gets `realClock`; tests get a `FakeClock` and step
 * it, so no test sleeps for real.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /**
   * Calls `fn` once after `ms` milliseconds. Returns a function that cancels it; cancelling twice or
   * after it fired does nothing.
   */
  setTimeout(fn: () => void, ms: number): () => void;
  /** A promise resolved after `ms`, or rejected with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function sleepWith(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      cancel();
      reject(signal?.reason as Error);
    };
    const cancel = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return () => {
      clearTimeout(t);
    };
  },
  sleep(ms, signal) {
    return sleepWith(realClock, ms, signal);
  },
};

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/** A clock that moves only when `step` is called. Timers fire in time order during `step`. */
export class FakeClock implements Clock {
  private time: number;
  private timers: Timer[] = [];
  private seq = 0;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): () => void {
    const timer: Timer = { at: this.time + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }

  /** Number of timers waiting to fire. */
  pending(): number {
    return this.timers.length;
  }

  /**
   * Advances time by `ms`, firing due timers in order. Awaits a macrotask between timers so that
   * promise chains started by one timer run before the next fires, as they would in real time.
   */
  async step(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await new Promise<void>((r) => setImmediate(r));
      const due = this.timers
        .filter((t) => t.at <= end)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.fn();
    }
    this.time = end;
    await new Promise<void>((r) => setImmediate(r));
  }
}

/**
 * Per-key serialisation: operations with the same key run one after another, in call order;
 * different keys run concurrently. CNI ADD and DEL of one sandbox must never overlap (the plugins
 * keep per-container state), while different pods set up in parallel.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    // The stored tail never rejects, so a failure does not poison the key's later operations.
    const tail = next.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }

  /** Keys with an operation queued or running (for tests). */
  get size(): number {
    return this.tails.size;
  }
}

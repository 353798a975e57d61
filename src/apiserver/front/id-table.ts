/**
 * The requests and upgraded sockets in flight, by the id the front gave them: the front's table
 * (front-thread.ts) and the API thread's (https-server.ts).
 *
 * Why not a Map: ids only grow, and entries come and go by the thousand a second while ~64 are in
 * flight. With V8 (Node 20) a Map used so kept dead responses reachable through young-generation
 * collections until the next full one: under 64 clients' creates each of the front's scavenges
 * kept ~2.6 MB of the ~11 MB it went through, against ~0.07 MB with this table (`--trace-gc-nvp`),
 * and the front's GC time fell by ~85% (2026-11-23). An object keyed by the ids (V8 keeps sparse
 * integer keys in a number dictionary) does not do that.
 */
export class IdTable<T extends object> {
  private readonly entries: Record<number, T> = Object.create(null) as Record<number, T>;

  get(id: number): T | undefined {
    return this.entries[id];
  }

  has(id: number): boolean {
    return this.entries[id] !== undefined;
  }

  set(id: number, value: T): void {
    this.entries[id] = value;
  }

  delete(id: number): void {
    Reflect.deleteProperty(this.entries, id);
  }

  /** The entries now, as an array: callers may change the table while they go through it. */
  values(): T[] {
    return Object.values(this.entries);
  }
}

/**
 * One watch on a namespace's pods, as the pod-startup SLO measures ("observed via watch"): the
 * benchmarks ask for the moment a pod had all its containers running, or was gone, and get the
 * time the watch event carrying it arrived (performance.now()), not the time they happened to look.
 */
import type { HttpClient, WatchStream } from './http.ts';

interface ContainerStatusLike {
  readonly name?: string;
  readonly state?: { readonly running?: unknown };
}

export interface PodLike {
  readonly metadata?: { readonly name?: string; readonly resourceVersion?: string };
  readonly spec?: { readonly containers?: readonly unknown[] };
  readonly status?: {
    readonly phase?: string;
    readonly containerStatuses?: readonly ContainerStatusLike[];
  };
}

/** True when every container of the pod's spec has a running state in its status. */
export function allContainersRunning(pod: PodLike): boolean {
  const want = pod.spec?.containers?.length ?? 0;
  const statuses = pod.status?.containerStatuses ?? [];
  return want > 0 && statuses.length === want && statuses.every((s) => s.state?.running);
}

interface Waiter {
  readonly name: string;
  readonly until: 'running' | 'gone';
  readonly resolve: (at: number) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class PodWatch {
  private readonly pods = new Map<string, PodLike>();
  /** When each pod was first seen with all containers running / seen deleted. */
  private readonly runningAt = new Map<string, number>();
  private readonly goneAt = new Map<string, number>();
  private readonly waiters = new Set<Waiter>();
  private stream: WatchStream | undefined;
  private failure: Error | undefined;

  private readonly namespace: string;

  private constructor(namespace: string) {
    this.namespace = namespace;
  }

  /** Lists the namespace's pods, then watches from that revision on. */
  static async start(client: HttpClient, namespace: string): Promise<PodWatch> {
    const w = new PodWatch(namespace);
    const base = `/api/v1/namespaces/${namespace}/pods`;
    const list = (await client.json('GET', base)) as {
      metadata: { resourceVersion: string };
      items: PodLike[];
    };
    for (const pod of list.items) w.observe('ADDED', pod);
    w.stream = await client.stream(
      'GET',
      `${base}?watch=1&allowWatchBookmarks=false&resourceVersion=${list.metadata.resourceVersion}`,
      undefined,
      (line) => {
        w.onLine(line);
      },
    );
    return w;
  }

  private onLine(line: string): void {
    const at = performance.now();
    let event: { type?: string; object?: PodLike };
    try {
      event = JSON.parse(line) as { type?: string; object?: PodLike };
    } catch {
      this.fail(new Error(`watch of ${this.namespace}/pods: not JSON: ${line.slice(0, 200)}`));
      return;
    }
    if (event.type === 'ERROR') {
      this.fail(new Error(`watch of ${this.namespace}/pods ended: ${line.slice(0, 300)}`));
      return;
    }
    if (event.type && event.object) this.observe(event.type, event.object, at);
  }

  private observe(type: string, pod: PodLike, at = performance.now()): void {
    const name = pod.metadata?.name;
    if (!name) return;
    if (type === 'DELETED') {
      this.pods.delete(name);
      this.runningAt.delete(name);
      this.goneAt.set(name, at);
    } else {
      this.pods.set(name, pod);
      this.goneAt.delete(name);
      if (!this.runningAt.has(name) && allContainersRunning(pod)) this.runningAt.set(name, at);
    }
    for (const w of this.waiters) {
      const t = w.until === 'running' ? this.runningAt.get(w.name) : this.goneAt.get(w.name);
      if (w.name === name && t !== undefined) this.settle(w, t);
    }
  }

  private settle(w: Waiter, at: number): void {
    clearTimeout(w.timer);
    this.waiters.delete(w);
    w.resolve(at);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(err);
    }
    this.waiters.clear();
  }

  /**
   * Resolves with the time (performance.now()) the watch showed `name` with every container
   * running, or was already seen so; rejects after `timeoutMs` with the pod's last status.
   */
  running(name: string, timeoutMs: number): Promise<number> {
    return this.wait(name, 'running', timeoutMs);
  }

  /** Resolves with the time the watch delivered `name`'s deletion (at once if it is not there). */
  gone(name: string, timeoutMs: number): Promise<number> {
    if (!this.pods.has(name) && !this.goneAt.has(name)) return Promise.resolve(performance.now());
    return this.wait(name, 'gone', timeoutMs);
  }

  private wait(name: string, until: 'running' | 'gone', timeoutMs: number): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    const seen = until === 'running' ? this.runningAt.get(name) : this.goneAt.get(name);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        name,
        until,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(w);
          const pod = this.pods.get(name);
          reject(
            new Error(
              `pod ${this.namespace}/${name} not ${until} after ${timeoutMs} ms; last status: ` +
                JSON.stringify(pod?.status ?? 'none').slice(0, 1500),
            ),
          );
        }, timeoutMs),
      };
      this.waiters.add(w);
    });
  }

  /** Names of the pods the watch currently knows. */
  names(): string[] {
    return [...this.pods.keys()];
  }

  /** Forgets `name`'s running/deleted times, for a new pod of the same name. */
  forget(name: string): void {
    this.runningAt.delete(name);
    this.goneAt.delete(name);
  }

  close(): void {
    this.stream?.close();
    this.fail(new Error('watch closed'));
  }
}

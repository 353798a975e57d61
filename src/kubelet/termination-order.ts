/**
 * The order in which a pod with sidecars stops (upstream kuberuntime_termination_order.go): every
 * container is told to stop at once and runs its preStop hook at once, but a sidecar (an init
 * container with restartPolicy Always) gets its stop signal only after the app containers and the
 * sidecars declared after it have exited, so sidecars stop in reverse order and outlive what they
 * serve. The time a sidecar waits comes out of its grace period, as upstream.
 */
import type { Pod } from '../api/index.ts';
import type { Clock } from '../util/index.ts';
import { isRestartableInitContainer } from './resources.ts';

export class TerminationOrdering {
  /** Resolves the promise that says the container has exited. */
  private readonly markExited = new Map<string, () => void>();
  /** What a sidecar waits for before its stop signal. */
  private readonly prerequisites = new Map<string, Promise<void>[]>();

  /** `running`: the names of the pod's containers that are running now. */
  constructor(pod: Pod, running: ReadonlySet<string>) {
    const app: Promise<void>[] = [];
    for (const c of pod.spec?.containers ?? []) app.push(this.track(c.name, running.has(c.name)));
    let later: Promise<void> | undefined;
    for (const c of [...(pod.spec?.initContainers ?? [])].reverse()) {
      const exited = this.track(c.name, running.has(c.name));
      if (!isRestartableInitContainer(c)) continue;
      this.prerequisites.set(c.name, later ? [...app, later] : app);
      later = exited;
    }
  }

  /**
   * Waits until `name` may get its stop signal, for at most `graceSeconds`; returns the whole
   * seconds waited (Go's truncation of the duration), which the caller takes off the grace period.
   */
  async waitForTurn(name: string, graceSeconds: number, clock: Clock): Promise<number> {
    const prerequisites = this.prerequisites.get(name);
    if (!prerequisites || prerequisites.length === 0) return 0;
    const started = clock.now();
    let cancel = (): void => undefined;
    const timeout = new Promise<void>((resolve) => {
      cancel = clock.setTimeout(resolve, graceSeconds * 1000);
    });
    await Promise.race([Promise.all(prerequisites), timeout]);
    cancel();
    return Math.floor((clock.now() - started) / 1000);
  }

  /** Marks `name` as exited (or as having failed to stop: nothing should wait on it for ever). */
  terminated(name: string): void {
    this.markExited.get(name)?.();
  }

  /** A promise of `name`'s exit, resolved at once for a container that is not running. */
  private track(name: string, running: boolean): Promise<void> {
    let resolve = (): void => undefined;
    const exited = new Promise<void>((r) => {
      resolve = r;
    });
    this.markExited.set(name, resolve);
    if (!running) resolve();
    return exited;
  }
}

/** An ordering when the pod has sidecars (upstream uses one only then), else undefined. */
export function terminationOrdering(
  pod: Pod | undefined,
  running: ReadonlySet<string>,
): TerminationOrdering | undefined {
  if (!pod?.spec?.initContainers?.some(isRestartableInitContainer)) return undefined;
  return new TerminationOrdering(pod, running);
}

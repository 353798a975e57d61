/**
 * The pod lifecycle event generator (upstream pleg/generic.go): relists the runtime and turns
 * differences from the previous relist into events that wake the pods' workers.
 *
 *   runtime event (conmon exit file, start) ──▶ relist now ─┐
 *   every second ───────────────────────────────▶ relist ───┴─▶ compare each container and
 *     sandbox with its last state ─▶ ContainerStarted | ContainerDied | ContainerRemoved |
 *     ContainerChanged ─▶ onEvent(podUid, …)
 *
 * Relists never overlap: a trigger during a relist runs one more relist after it. An exit is
 * seen within the runtime's event latency, not the relist period.
 */
import type { Clock, Logger } from '../util/index.ts';
import type { ContainerRuntime, ContainerState } from './runtime/index.ts';
import { errorMessage } from '../util/index.ts';

export type PodLifecycleEventType =
  'ContainerStarted' | 'ContainerDied' | 'ContainerRemoved' | 'ContainerChanged';

export interface PodLifecycleEvent {
  readonly podUid: string;
  readonly type: PodLifecycleEventType;
  /** The container (or sandbox) id. */
  readonly id: string;
}

export interface PLEGOptions {
  readonly runtime: ContainerRuntime;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly onEvent: (event: PodLifecycleEvent) => void;
  /** Default 1000 ms, as upstream's relist period. */
  readonly relistPeriodMs?: number;
}

type Seen = 'running' | 'exited' | 'created' | 'unknown';

interface SeenRecord {
  readonly podUid: string;
  readonly state: Seen;
}

function fromContainer(s: ContainerState): Seen {
  return s;
}

export class GenericPLEG {
  private readonly opts: PLEGOptions;
  private records = new Map<string, SeenRecord>();
  private relisting: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private cancelTimer: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  private lastRelist = 0;

  constructor(opts: PLEGOptions) {
    this.opts = opts;
  }

  /** Starts relisting; the first relist records what exists without emitting events. */
  async start(): Promise<void> {
    this.stopped = false;
    this.unsubscribe = this.opts.runtime.subscribe(() => {
      this.trigger();
    });
    await this.relist(true);
    this.schedule();
  }

  /** A trigger came in during the relist (read through a call: it changes while we await). */
  private shouldRelistAgain(): boolean {
    return this.again && !this.stopped;
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.cancelTimer?.();
  }

  /** When the last relist finished (for health checks). */
  lastRelistTime(): number {
    return this.lastRelist;
  }

  /** Relists as soon as possible (coalesced). */
  trigger(): void {
    if (this.stopped) return;
    if (this.relisting) {
      this.again = true;
      return;
    }
    void this.relist(false);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.cancelTimer = this.opts.clock.setTimeout(() => {
      this.trigger();
      this.schedule();
    }, this.opts.relistPeriodMs ?? 1000);
  }

  private relist(initial: boolean): Promise<void> {
    const run = async (): Promise<void> => {
      do {
        this.again = false;
        try {
          await this.relistOnce(initial);
        } catch (err) {
          this.opts.logger.warn('PLEG relist failed', {
            err: errorMessage(err),
          });
        }
      } while (this.shouldRelistAgain());
    };
    const p = run().finally(() => {
      this.relisting = undefined;
    });
    this.relisting = p;
    return p;
  }

  private async relistOnce(initial: boolean): Promise<void> {
    const { runtime } = this.opts;
    const [sandboxes, containers] = await Promise.all([
      runtime.listPodSandboxes(),
      runtime.listContainers(),
    ]);
    const next = new Map<string, SeenRecord>();
    for (const sb of sandboxes) {
      next.set(sb.id, {
        podUid: sb.config.podUid,
        state: sb.state === 'ready' ? 'running' : 'exited',
      });
    }
    for (const c of containers) next.set(c.id, { podUid: c.podUid, state: fromContainer(c.state) });
    const events: PodLifecycleEvent[] = [];
    if (!initial) {
      for (const [id, rec] of next) {
        const old = this.records.get(id);
        if (old?.state === rec.state) continue;
        events.push(...this.eventsFor(id, rec.podUid, old?.state, rec.state));
      }
      for (const [id, old] of this.records) {
        if (!next.has(id)) events.push(...this.eventsFor(id, old.podUid, old.state, undefined));
      }
    }
    this.records = next;
    this.lastRelist = this.opts.clock.now();
    for (const e of events) {
      try {
        this.opts.onEvent(e);
      } catch (err) {
        this.opts.logger.error('PLEG event handler failed', {
          err: errorMessage(err),
        });
      }
    }
  }

  /** Upstream generateEvents. */
  private eventsFor(
    id: string,
    podUid: string,
    oldState: Seen | undefined,
    newState: Seen | undefined,
  ): PodLifecycleEvent[] {
    switch (newState) {
      case 'running':
        return [{ podUid, type: 'ContainerStarted', id }];
      case 'exited':
        return [{ podUid, type: 'ContainerDied', id }];
      case 'unknown':
        return [{ podUid, type: 'ContainerChanged', id }];
      case 'created':
        return oldState === undefined ? [] : [{ podUid, type: 'ContainerChanged', id }];
      case undefined:
        return oldState === 'exited'
          ? [{ podUid, type: 'ContainerRemoved', id }]
          : [
              { podUid, type: 'ContainerDied', id },
              { podUid, type: 'ContainerRemoved', id },
            ];
    }
  }
}

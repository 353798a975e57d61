import type { Container, Pod } from '../../api/index.ts';
import type { EventRecorder } from '../../client/index.ts';
import type { Clock, Logger } from '../../util/index.ts';
import { containerEventRef } from '../prober/index.ts';
import type { HandlerRunner } from './handler-runner.ts';

export interface PreStopOptions {
  readonly handlers: HandlerRunner;
  readonly recorder: EventRecorder;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly pod: Pod;
  readonly container: Container;
  readonly containerId: string;
  readonly podIPs: readonly string[];
  /** The container's whole grace period; the hook gets at most this long. */
  readonly gracePeriodSeconds: number;
}

/**
 * Upstream executePreStopHook: runs the container's preStop handler for at most the grace
 * period and returns the whole seconds it took, which the caller takes off the grace period
 * left for the stop signal. A failed hook is a `FailedPreStopHook` warning ("PreStopHook
 * failed"; the details stay in the log, since they may hold secrets) and does not stop the
 * kill. A hook still running when the grace period ends is cut off.
 */
export async function executePreStopHook(o: PreStopOptions): Promise<number> {
  const handler = o.container.lifecycle?.preStop;
  if (!handler) return 0;
  const { clock } = o;
  const log = o.logger.with({
    pod: `${o.pod.metadata?.namespace ?? ''}/${o.pod.metadata?.name ?? ''}`,
    containerName: o.container.name,
  });
  const start = clock.now();
  const abort = new AbortController();
  log.debug('running preStop hook', { containerId: o.containerId });
  const hook = o.handlers
    .run({
      pod: o.pod,
      container: o.container,
      containerId: o.containerId,
      handler,
      podIPs: o.podIPs,
      signal: abort.signal,
    })
    .then((r) => {
      if (r.ok) return;
      if (abort.signal.aborted) {
        log.info('preStop hook cut off at the end of the grace period');
        return;
      }
      log.warn('preStop hook failed', { err: r.message });
      o.recorder.event(
        containerEventRef(o.pod, o.container),
        'Warning',
        'FailedPreStopHook',
        'PreStopHook failed',
      );
    });
  let cancelTimer: (() => void) | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    cancelTimer = clock.setTimeout(() => {
      resolve('expired');
    }, o.gracePeriodSeconds * 1000);
  });
  const outcome = await Promise.race([hook.then(() => 'done' as const), expired]);
  cancelTimer?.();
  if (outcome === 'expired') {
    log.info('preStop hook not completed in grace period', {
      gracePeriod: o.gracePeriodSeconds,
    });
    abort.abort();
    await hook;
  }
  return Math.floor((clock.now() - start) / 1000);
}

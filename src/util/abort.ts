/** Helpers for AbortSignal-based cancellation, the Node counterpart of Go's context. */
import { setMaxListeners } from 'node:events';

/** Thrown (or used as the abort reason) when work is cancelled on purpose. */
export class AbortError extends Error {
  override readonly name = 'AbortError';
  constructor(message = 'operation aborted') {
    super(message);
  }
}

/**
 * An AbortController for a component's whole life (the node agent, the scheduler, the
 * controllers): everything the component has in flight (requests, waits, commands) listens on its
 * signal, so a burst of pods puts thousands of listeners on it at once, each removed when its work
 * ends. That is not a leak, but Node would say "MaxListenersExceededWarning: Possible EventTarget
 * memory leak" on stderr past 10: this signal takes any number.
 */
export function lifetimeAbortController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

/** Throws the signal's reason when it has aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new AbortError();
}

/** A signal that aborts when any of `signals` aborts. */
export function anySignal(signals: readonly (AbortSignal | undefined)[]): AbortSignal {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  return AbortSignal.any(present);
}

/** True if `err` is the result of an abort (ours or the platform's). */
export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err instanceof AbortError);
}

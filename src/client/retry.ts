/**
 * Retrying read-modify-write cycles, as client-go's `retry.RetryOnConflict`: run `fn`; when it
 * fails with 409 Conflict (someone else wrote first), wait a little and run it again, up to a
 * fixed number of attempts. `fn` must re-read the object each time (GET or the informer cache),
 * apply its change and write with the fresh `resourceVersion`.
 */
import { realClock, type Clock } from '../util/index.ts';
import { isConflict } from './errors.ts';

/** wait.Backoff: `steps` attempts; delays `durationMs × factor^n`, each stretched by up to `jitter`. */
export interface RetryBackoff {
  readonly steps: number;
  readonly durationMs: number;
  readonly factor: number;
  readonly jitter: number;
}

/** client-go `retry.DefaultRetry`: 5 attempts, 10 ms apart, 10% jitter. */
export const defaultRetry: RetryBackoff = { steps: 5, durationMs: 10, factor: 1, jitter: 0.1 };

/** client-go `retry.DefaultBackoff`: 4 attempts, 10 ms growing ×5, 10% jitter. */
export const defaultBackoff: RetryBackoff = { steps: 4, durationMs: 10, factor: 5, jitter: 0.1 };

/** How to wait between attempts; `signal` cancels the waiting. */
export interface RetryOptions {
  readonly backoff?: RetryBackoff;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  /** Source of randomness for jitter, in [0, 1). */
  readonly random?: () => number;
}

/**
 * Runs `fn` until it succeeds, fails with an error `isRetriable` rejects, or the attempts run out
 * (then the last error is thrown). Aborting `signal` stops the waiting and throws its reason.
 */
export async function retryOnError<R>(
  isRetriable: (err: unknown) => boolean,
  fn: () => Promise<R>,
  opts: RetryOptions = {},
): Promise<R> {
  const backoff = opts.backoff ?? defaultRetry;
  const clock = opts.clock ?? realClock;
  const random = opts.random ?? Math.random;
  let delayMs = backoff.durationMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetriable(err) || attempt >= backoff.steps) throw err;
    }
    const wait = backoff.jitter > 0 ? delayMs * (1 + random() * backoff.jitter) : delayMs;
    await clock.sleep(wait, opts.signal);
    delayMs *= backoff.factor;
  }
}

/** `retryOnError` for 409 Conflict, with `defaultRetry` unless told otherwise. */
export function retryOnConflict<R>(fn: () => Promise<R>, opts: RetryOptions = {}): Promise<R> {
  return retryOnError(isConflict, fn, opts);
}

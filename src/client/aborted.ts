/**
 * `signal.aborted`, read through a call: after an `await`, TypeScript still narrows a plain read
 * to what it was before, so loops that check a signal again after waiting use this.
 */
export function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

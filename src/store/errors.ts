import { StoreError, type KeyValue } from './types.ts';

/**
 * Constructors for the store's errors, so every backend words them the same way (the API server
 * shows some of these messages to users, after mapping the code to a status).
 */

export function keyExists(key: string, current: KeyValue): StoreError {
  return new StoreError('KeyExists', `key ${key} already exists`, { current });
}

export function conflict(key: string, expected: number, current: KeyValue): StoreError {
  return new StoreError(
    'Conflict',
    `key ${key} was modified: expected revision ${expected}, current revision ${current.modRevision}`,
    { current },
  );
}

export function notFound(key: string): StoreError {
  return new StoreError('NotFound', `key ${key} not found`);
}

export function compacted(revision: number, compactRevision: number): StoreError {
  return new StoreError(
    'Compacted',
    `revision ${revision} has been compacted (oldest readable revision is ${compactRevision})`,
    { compactRevision },
  );
}

/**
 * A read at a revision the store has not reached yet. `Unavailable` because the right reaction is
 * the one Kubernetes has for a too-large resourceVersion: wait and retry.
 */
export function futureRevision(revision: number, current: number): StoreError {
  return new StoreError(
    'Unavailable',
    `revision ${revision} is newer than the current revision ${current}`,
  );
}

export function closedError(): StoreError {
  return new StoreError('Unavailable', 'the store is closed');
}

/** Rejects revisions that are not non-negative safe integers: they are programming errors. */
export function checkRevision(what: string, revision: number): void {
  if (!Number.isSafeInteger(revision) || revision < 0) {
    throw new RangeError(`${what} must be a non-negative integer, got ${String(revision)}`);
  }
}

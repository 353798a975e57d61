/** Helpers for the patch engine tests. */
import { expect } from 'vitest';
import { PatchError } from '../errors.ts';

/** Freezes a JSON value at every depth, so a test fails if an engine mutates its inputs. */
export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}

/** A frozen deep copy of a JSON value. */
export function frozen<T>(v: T): T {
  return deepFreeze(structuredClone(v));
}

/** Runs `fn`, expects a `PatchError`, checks the given properties and returns it. */
export function expectPatchError(
  fn: () => unknown,
  want: Partial<Pick<PatchError, 'code' | 'reason' | 'kind' | 'message' | 'detail'>>,
): PatchError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(PatchError);
  const err = caught as PatchError;
  expect({
    ...(want.code === undefined ? {} : { code: err.code }),
    ...(want.reason === undefined ? {} : { reason: err.reason }),
    ...(want.kind === undefined ? {} : { kind: err.kind }),
    ...(want.message === undefined ? {} : { message: err.message }),
    ...(want.detail === undefined ? {} : { detail: err.detail }),
  }).toEqual(want);
  return err;
}

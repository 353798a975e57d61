/**
 * JSON Merge Patch (RFC 7386, `application/merge-patch+json`), as the kube-apiserver applies it
 * (evanphx/json-patch v4 `MergePatch`): a member set to `null` is removed, an object merges into an
 * object member by member, anything else replaces the target.
 *
 * One detail differs from the RFC text and is kept, because a real cluster behaves so: a value
 * written where the target had nothing (or `null`, or a non-object) has its `null` members removed
 * at every depth, including inside objects nested in arrays; a value replacing an existing object
 * member with a non-object is written as it is.
 *
 * Inputs are never mutated; unchanged subtrees of `original` are shared with the result.
 */
import { guardDepth } from './errors.ts';
import { type JsonObject, deleteOwn, getOwn, hasOwn, isObject, setOwn } from './json-value.ts';

/** Merges `patch` (an object) into `original` (an object) and returns the result. */
export function applyMergePatch(original: JsonObject, patch: JsonObject): JsonObject {
  return guardDepth(() => mergeObjects(original, patch));
}

function mergeObjects(target: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...target };
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) {
      deleteOwn(out, key);
      continue;
    }
    const current = getOwn(out, key);
    if (!hasOwn(out, key) || current === null) {
      setOwn(out, key, pruneNulls(value));
    } else {
      setOwn(out, key, mergeValue(current, value));
    }
  }
  return out;
}

function mergeValue(current: unknown, patch: unknown): unknown {
  if (!isObject(current)) return pruneNulls(patch);
  if (!isObject(patch)) return patch;
  return mergeObjects(current, patch);
}

/** The value with `null` object members removed at every depth (array elements that are null stay). */
export function pruneNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((item: unknown) => (item === null ? null : pruneNulls(item)));
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const key of Object.keys(v)) {
    const item = v[key];
    if (item !== null) setOwn(out, key, pruneNulls(item));
  }
  return out;
}

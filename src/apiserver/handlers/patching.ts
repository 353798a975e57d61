/**
 * PATCH bodies: JSON patch, merge patch and strategic merge patch are applied to the current
 * object on every attempt of the update loop (a lost race re-applies the patch to the fresh
 * object); server-side apply merges the applied configuration with field ownership, and creates
 * the object when it does not exist yet.
 */
import { groupVersion, type KubeObject } from '../../api/index.ts';
import { apply, ApplyError, decodeApplyPatch } from '../apply/index.ts';
import { ApiError } from '../errors.ts';
import { applyPatch, isPatchError, type PatchType } from '../patch/index.ts';
import type { WriteOptions } from './body.ts';
import type { HandlerContext } from './context.ts';
import { writeContext } from './write.ts';

export interface ParsedPatch {
  readonly type: PatchType | 'apply';
  readonly value: unknown;
  /** Strict-decoding findings in the body itself (duplicate keys), per fieldValidation. */
  readonly strictErrors: readonly string[];
}

/** Applies a json/merge/strategic patch to a copy of `current`. */
export function applyPatchToObject(
  ctx: HandlerContext,
  current: KubeObject,
  patch: ParsedPatch,
): unknown {
  if (patch.type === 'apply') throw new Error('server-side apply is not a plain patch');
  try {
    return applyPatch({
      type: patch.type,
      original: current as Record<string, unknown>,
      patch: patch.value,
      schema: ctx.def.schema,
    });
  } catch (err) {
    if (isPatchError(err)) {
      // Upstream answers some malformed strategic patches (a list item without its merge key, a
      // bad $patch) with a 500; they are the client's mistake, so we answer 422 with the same text.
      if (err.code === 500) throw new ApiError(422, 'Invalid', err.message);
      throw new ApiError(err.code, err.reason || 'Invalid', err.message);
    }
    throw err;
  }
}

/** Server-side apply: returns the stored object and whether it was created. */
export async function serverSideApply(
  ctx: HandlerContext,
  applied: unknown,
  opts: WriteOptions,
): Promise<{ object: KubeObject; created: boolean }> {
  const { storage, def, info } = ctx;
  const wctx = { ...writeContext(ctx, opts), managedFieldsSet: true };
  let config: unknown;
  try {
    config = decodeApplyPatch(applied as Buffer);
  } catch (err) {
    if (err instanceof ApplyError) throw ApiError.fromStatus(err.status);
    throw err;
  }
  const run = (live: KubeObject | undefined): KubeObject => {
    try {
      const result = apply({
        live: live as Record<string, unknown> | undefined,
        applied: config,
        schema: def.schema,
        apiVersion: groupVersion(def),
        kind: def.kind,
        manager: opts.rawFieldManager,
        force: opts.force,
        subresource: info.subresource,
        now: new Date(wctx.now),
      });
      return result.object;
    } catch (err) {
      if (err instanceof ApplyError) throw ApiError.fromStatus(err.status);
      throw err;
    }
  };
  return storage.update(info.namespace, info.name, run, wctx, {
    allowCreate: !info.subresource,
    retryOnConflict: true,
  });
}

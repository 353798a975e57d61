/**
 * Server-side apply and managed fields (upstream kube-apiserver's field manager on top of
 * structured-merge-diff), as pure functions over plain JSON objects and our schemas.
 *
 * Wiring, in the API server's write path:
 *   - Every write: `validateWriteOptions({ kind, apply, fieldManager, force })` first (422).
 *   - create / update / non-apply patch (main resource and subresources): after decoding (and
 *     patching) and defaulting, before mutating admission and the strategy's PrepareFor*:
 *       obj = withManagedFields(obj, updateManagedFields({ live (undefined on create),
 *         updated: obj, schema, manager: fieldManagerFor(query.fieldManager, userAgent),
 *         apiVersion, subresource, now, resetFields }))
 *     `obj.metadata.managedFields` must still be what the request carried (a `[]` resets).
 *     resetFields are what the endpoint's strategy wipes: `status` for the main resource of a
 *     kind with a status subresource, `spec` (and whatever else it restores) for `status`.
 *     For `/scale`, build the parent object with the new replicas and call it on the parent with
 *     subresource `scale` and the parent's apiVersion.
 *   - apply patch (`application/apply-patch+yaml`): `apply({ live, applied:
 *     decodeApplyPatch(body), schema, apiVersion, kind, manager: query.fieldManager, force, now,
 *     resetFields })`, then check name/namespace against the URL, default, admit, validate and
 *     store `result.object` (create when there was no live object; skip the write when
 *     `!result.changed` and the managedFields are equal). Errors carry the Status to answer with
 *     (`err.status`, HTTP code `err.code`).
 *   - Optionally `keepManagedFieldsTimesOnNoop(final, live)` last, so that a write that changes
 *     nothing but managedFields times stays a no-op.
 */
export { apply, decodeApplyPatch, type ApplyOptions, type ApplyResult } from './apply.ts';
export { ApplyConflictError, ApplyError, type ApplyConflict } from './errors.ts';
export {
  defaultFieldManager,
  fieldManagerFor,
  fieldManagerMaxLength,
  validateFieldManager,
  validateWriteOptions,
  type WriteOptions,
} from './field-manager.ts';
export {
  decodeFieldsV1,
  encodeFieldsV1,
  FieldSet,
  FieldSetBuilder,
  FieldsV1Error,
} from './field-set.ts';
export { buildLastApplied, lastAppliedAnnotation } from './last-applied.ts';
export { ancientChangesManager, defaultMaxUpdateManagers } from './managers.ts';
export {
  fieldElement,
  fieldPath,
  indexElement,
  keyElement,
  parsePathElement,
  renderPath,
  valueElement,
  type FieldPath,
  type ParsedPathElement,
  type PathElement,
} from './path-element.ts';
export {
  compareObjects,
  fieldSetOf,
  mergeObjects,
  validateObject,
  type Comparison,
  type ValidationProblem,
} from './typed.ts';
export {
  keepManagedFieldsTimesOnNoop,
  strippedFields,
  updateManagedFields,
  withManagedFields,
  type UpdateManagedFieldsOptions,
} from './update.ts';

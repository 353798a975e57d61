/**
 * Server-side apply and managed fields (upstream kube-apiserver's field manager on top of
 * structured-merge-diff), as pure functions over plain JSON objects and our schemas.
 *
 * Wiring, in the API server's write path:
 *   - create / update / non-apply patch: after decoding (and patching) and defaulting, before
 *     mutating admission and the strategy, set
 *       metadata.managedFields = updateManagedFields({ live, updated, schema, manager:
 *         fieldManagerFor(query.fieldManager, userAgent), apiVersion, subresource, now,
 *         resetFields })
 *     (`withManagedFields` does the assignment). Validate the options first with
 *     `validateWriteOptions`.
 *   - apply patch (`application/apply-patch+yaml`): `apply({ live, applied:
 *     decodeApplyPatch(body), schema, apiVersion, kind, manager: query.fieldManager, force, now,
 *     resetFields })`, then default, admit, validate and store `result.object` (create when there
 *     was no live object). Errors carry the Status to answer with (`err.status`).
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
export { ancientChangesManager, defaultMaxUpdateManagers, formatTime } from './managers.ts';
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

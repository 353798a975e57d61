// The public surface of the patch engines: JSON patch (RFC 6902), JSON merge patch (RFC 7386) and
// strategic merge patch, with the errors a real kube-apiserver answers for each failure.
export {
  type ApplyPatchOptions,
  type DecodePatchOptions,
  type DecodedPatch,
  type FieldValidation,
  type PatchType,
  MAX_REQUEST_BODY_BYTES,
  applyPatch,
  decodePatch,
} from './apply-patch.ts';
export {
  type PatchErrorCode,
  type PatchErrorKind,
  type PatchErrorReason,
  GENERIC_UNPROCESSABLE_MESSAGE,
  PatchError,
  isPatchError,
} from './errors.ts';
export {
  type JsonPatchOptions,
  JSON_PATCH_MAX_COPY_BYTES,
  MAX_JSON_PATCH_OPERATIONS,
  applyJsonPatch,
} from './json-patch.ts';
export type { JsonObject } from './json-value.ts';
export { applyMergePatch } from './merge-patch.ts';
export { applyStrategicMergePatch } from './strategic-merge-patch.ts';

/**
 * `PatchError`: every way a PATCH body can fail, with the HTTP code, reason and message the
 * kube-apiserver (v1.32) answers, so the request handler maps it to a `metav1.Status` without
 * looking at message text.
 *
 * What upstream answers, by failure (`endpoints/handlers/patch.go`, evanphx/json-patch v4,
 * `util/strategicpatch` in v1.32):
 *
 * - body over 3 MiB: 413 RequestEntityTooLarge, `Request entity too large: limit is 3145728`.
 * - JSON patch with more than 10000 operations: 413 RequestEntityTooLarge, `Request entity too
 *   large: The allowed maximum operations in a JSON patch is 10000, got N`.
 * - body that is not JSON, or not the JSON shape the patch type needs: 400 BadRequest with Go's
 *   decoder message; for JSON and merge patches decoded strictly (fieldValidation Warn, the
 *   default, or Strict) prefixed `error decoding patch: `.
 * - merge patch `null` (or, with fieldValidation=Ignore, a scalar or bad JSON): 400 BadRequest,
 *   `Invalid JSON Patch`.
 * - a JSON patch operation that fails (missing path, bad index, failed `test`, unknown `op`,
 *   copies over 3 MiB): 422 Invalid with the generic `the server rejected our request due to an
 *   error in our request` and empty details; the library's message is not sent.
 * - a patched document that is not an object: 422 Invalid, ` "" is invalid: patch: Invalid value:
 *   "<json>": couldn't get version/kind; ...` with a cause on the field `patch`.
 * - strategic merge patch with a malformed `$retainKeys`, `$setElementOrder/` or
 *   `$deleteFromPrimitiveList/` directive: 400 BadRequest, `invalid patch format of ...`.
 * - strategic merge patch with a list of lists: 422 Invalid, the generic message.
 * - any other strategic merge patch failure (missing merge key, bad `$patch`, mixed element types,
 *   order not matching `$setElementOrder`): 500 with no reason and the engine's message, e.g.
 *   `map: map[image:x] does not contain declared merge key: name` (kubectl prints
 *   `Error from server: map: ...`).
 *
 * `detail` always carries the engine's own description (for logs and tests); `message` is what a
 * client sees.
 */
import { goQuote, type Status, type StatusCause } from '../../api/index.ts';

export type PatchErrorCode = 400 | 413 | 422 | 500;

/** `metav1.StatusReason`; `''` is `StatusReasonUnknown`, which upstream gives non-Status errors. */
export type PatchErrorReason = 'BadRequest' | 'Invalid' | 'RequestEntityTooLarge' | '';

/**
 * What went wrong, for callers (and tests) that want to branch without reading messages:
 * - `Decode`: the body is not JSON, or not the JSON shape the patch type needs (400).
 * - `TooLarge`: the body or the number of JSON patch operations is over its limit (413).
 * - `OperationFailed`: a JSON patch operation could not be applied (422).
 * - `TestFailed`: a JSON patch `test` operation did not match (422).
 * - `InvalidFormat`: a strategic merge patch directive is malformed (400).
 * - `Unprocessable`: the patch is well-formed but cannot be applied to this object (422).
 * - `Internal`: a strategic merge patch failure upstream does not classify; it answers 500 with
 *   the raw message (missing merge key, unknown `$patch` value, mixed list element types, ...).
 */
export type PatchErrorKind =
  | 'Decode'
  | 'TooLarge'
  | 'OperationFailed'
  | 'TestFailed'
  | 'InvalidFormat'
  | 'Unprocessable'
  | 'Internal';

/** The message upstream gives every 422 raised through `NewGenericServerResponse`. */
export const GENERIC_UNPROCESSABLE_MESSAGE =
  'the server rejected our request due to an error in our request';

export interface PatchErrorInit {
  readonly code: PatchErrorCode;
  readonly reason: PatchErrorReason;
  readonly kind: PatchErrorKind;
  readonly message: string;
  readonly detail?: string;
  /** `details` of the Status; `{}` for generic 422s, causes for field errors, absent otherwise. */
  readonly details?: { causes?: StatusCause[] };
}

export class PatchError extends Error {
  override readonly name = 'PatchError';
  readonly code: PatchErrorCode;
  readonly reason: PatchErrorReason;
  readonly kind: PatchErrorKind;
  /** The engine's own description of the failure (equal to `message` unless upstream hides it). */
  readonly detail: string;
  readonly details: { causes?: StatusCause[] } | undefined;

  constructor(init: PatchErrorInit) {
    super(init.message);
    this.code = init.code;
    this.reason = init.reason;
    this.kind = init.kind;
    this.detail = init.detail ?? init.message;
    this.details = init.details;
  }

  /** The `metav1.Status` body upstream sends for this error. */
  toStatus(): Status {
    const status: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      code: this.code,
    };
    if (this.reason !== '') status.reason = this.reason;
    if (this.details) {
      status.details = this.details.causes
        ? { causes: this.details.causes.map((c) => ({ ...c })) }
        : {};
    }
    return status;
  }
}

export function isPatchError(e: unknown): e is PatchError {
  return e instanceof PatchError;
}

/** 400 BadRequest, as `errors.NewBadRequest`. */
export function badRequest(message: string, kind: PatchErrorKind = 'Decode'): PatchError {
  return new PatchError({ code: 400, reason: 'BadRequest', kind, message });
}

/** 413, as `errors.NewRequestEntityTooLargeError`. */
export function tooLarge(message: string): PatchError {
  return new PatchError({
    code: 413,
    reason: 'RequestEntityTooLarge',
    kind: 'TooLarge',
    message: `Request entity too large: ${message}`,
  });
}

/** 422 with upstream's generic message; the real cause stays in `detail`. */
export function unprocessable(
  detail: string,
  kind: PatchErrorKind = 'OperationFailed',
): PatchError {
  return new PatchError({
    code: 422,
    reason: 'Invalid',
    kind,
    message: GENERIC_UNPROCESSABLE_MESSAGE,
    detail,
    details: {},
  });
}

/** 500 with no reason: how upstream renders an error that is not an API status. */
export function internal(message: string): PatchError {
  return new PatchError({ code: 500, reason: '', kind: 'Internal', message });
}

/**
 * Runs a patch engine. The engines recurse once per nesting level; a JavaScript stack overflow (a
 * patch or object nested thousands of levels deep, which Go's decoder would still accept up to
 * 10000) becomes a 422 rather than escaping as an unclassified error.
 */
export function guardDepth<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw unprocessable('the patch or the object is nested too deeply to apply', 'Unprocessable');
    }
    throw e;
  }
}

/**
 * 422 Invalid naming the field `patch`, as `errors.NewInvalid(GroupKind{}, "", ...)` renders it
 * when the patched document cannot be decoded into an object.
 */
export function invalidPatchResult(patchedJson: string, detail: string): PatchError {
  const body = `Invalid value: ${goQuote(patchedJson)}: ${detail}`;
  return new PatchError({
    code: 422,
    reason: 'Invalid',
    kind: 'Unprocessable',
    message: ` "" is invalid: patch: ${body}`,
    detail,
    details: { causes: [{ reason: 'FieldValueInvalid', message: body, field: 'patch' }] },
  });
}

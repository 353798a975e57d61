/**
 * The PATCH entry points: `decodePatch` turns a request body into a patch value (or the 400/413 a
 * real cluster answers), `applyPatch` applies a decoded patch of one of the three types to the
 * current object.
 *
 * Contract, for the PATCH handler:
 * 1. `decodePatch({ type, body, fieldValidation })` once per request. It checks the body size
 *    (3 MiB), JSON syntax and nesting (Go's decoder messages) and the JSON shape the patch type
 *    needs; the messages depend on `fieldValidation` exactly as upstream's (with `Warn`, the
 *    default, and `Strict` the body is first decoded strictly and errors read
 *    `error decoding patch: ...`). With `Warn` or `Strict` it also returns the strict-decoding
 *    findings in the body (duplicate keys; unknown JSON patch operation members), worded as
 *    upstream: the handler adds them to what strict decoding of the patched object finds, then
 *    sends them as warnings (`Warn`) or fails with 422 (`Strict`), as for any body.
 * 2. `applyPatch({ type, original, patch, schema, fieldValidation })` for each attempt of the
 *    optimistic-concurrency loop, with the current stored object as `original`. Pure: neither
 *    `original` nor `patch` is changed, so a retry after a 409 can call it again with the same
 *    `patch`. The result may share unchanged subtrees with both; copy before mutating it in place.
 * 3. Decode the result with the kind's schema (strict or not, per `fieldValidation`), default,
 *    validate and store it. The result may hold `null` members (JSON patch can write them, a
 *    `$patch: replace` object keeps them) and, for fields the live object lacked, directive keys
 *    such as `$setElementOrder/...`: upstream decodes the result into Go structs, where `null` means
 *    absent and unknown keys are dropped (or reported under `fieldValidation=Strict`).
 *
 * Both throw only `PatchError` (see `errors.ts` for the codes and messages).
 */
import type { Schema } from '../../api/index.ts';
import { badRequest, invalidPatchResult, tooLarge } from './errors.ts';
import { bodyBytes, goJsonKind, goMarshal, parseGoJson } from './go-json.ts';
import { MAX_JSON_PATCH_OPERATIONS, applyJsonPatch } from './json-patch.ts';
import { type JsonObject, isObject } from './json-value.ts';
import { applyMergePatch, pruneNulls } from './merge-patch.ts';
import { applyStrategicMergePatch } from './strategic-merge-patch.ts';
import { strictFieldFindings } from './strict-fields.ts';

export type PatchType = 'json' | 'merge' | 'strategic';

/** `?fieldValidation=`; upstream treats an absent value as `Warn`. */
export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

/** `MaxRequestBodyBytes`: the largest body the API server reads (3 MiB). */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

export interface DecodePatchOptions {
  readonly type: PatchType;
  /** The raw request body. */
  readonly body: string | Uint8Array;
  readonly fieldValidation?: FieldValidation;
  /** Body size limit in bytes; default `MAX_REQUEST_BODY_BYTES`. */
  readonly maxBytes?: number;
}

export interface DecodedPatch {
  /** The patch, as parsed JSON: pass it to `applyPatch`. */
  readonly patch: unknown;
  /**
   * Strict-decoding findings (`fieldValidation` Warn or Strict only), e.g.
   * `duplicate field "metadata.labels.app"`, `json patch unknown field "[0].vaule"`.
   */
  readonly strictErrors: readonly string[];
}

export interface ApplyPatchOptions {
  readonly type: PatchType;
  /** The current object, as stored (a JSON object). */
  readonly original: JsonObject;
  /** The decoded patch body (`decodePatch(...).patch`, or any parsed JSON value). */
  readonly patch: unknown;
  /** The kind's schema: required for `strategic`, unused otherwise. */
  readonly schema?: Schema;
  readonly fieldValidation?: FieldValidation;
  /** Limit on bytes added by JSON patch `copy` operations; default 3 MiB, 0 for none. */
  readonly maxCopyBytes?: number;
}

const STRICT_PREFIX = 'error decoding patch: ';

function decodesStrictly(fv: FieldValidation | undefined): boolean {
  return fv !== 'Ignore';
}

/**
 * Reads a PATCH body. Throws a 413 `PatchError` for a body over the limit and a 400 for a body
 * that is not valid JSON or not the JSON shape `type` needs; returns the patch and the
 * strict-decoding findings.
 */
export function decodePatch(options: DecodePatchOptions): DecodedPatch {
  const { type, fieldValidation } = options;
  const bytes = bodyBytes(options.body);
  const limit = options.maxBytes ?? MAX_REQUEST_BODY_BYTES;
  if (bytes.length > limit) throw tooLarge(`limit is ${limit}`);
  const parsed = parseGoJson(bytes);
  if (!parsed.ok) {
    const strict = decodesStrictly(fieldValidation);
    switch (type) {
      case 'json':
        throw badRequest(strict ? STRICT_PREFIX + parsed.error : parsed.error);
      case 'merge':
        throw badRequest(strict ? STRICT_PREFIX + parsed.error : 'Invalid JSON Patch');
      case 'strategic':
        throw badRequest(parsed.error);
    }
  }
  checkPatchShape(type, parsed.value, fieldValidation);
  if (!decodesStrictly(fieldValidation)) return { patch: parsed.value, strictErrors: [] };
  const findings = strictFieldFindings(parsed.text, type === 'json');
  return {
    patch: parsed.value,
    strictErrors: type === 'json' ? findings.map((f) => `json patch ${f}`) : findings,
  };
}

function cannotUnmarshal(v: unknown, into: string): string {
  return `json: cannot unmarshal ${goJsonKind(v)} into Go value of type ${into}`;
}

/** The JSON-shape checks upstream's decoders make, in their order and with their messages. */
function checkPatchShape(
  type: PatchType,
  patch: unknown,
  fieldValidation: FieldValidation | undefined,
): void {
  const strict = decodesStrictly(fieldValidation);
  switch (type) {
    case 'json':
      checkJsonPatchShape(patch, strict);
      return;
    case 'merge':
      if (strict && patch !== null && !isObject(patch)) {
        throw badRequest(STRICT_PREFIX + cannotUnmarshal(patch, 'map[string]interface {}'));
      }
      if (patch === null || (!isObject(patch) && !Array.isArray(patch))) {
        throw badRequest('Invalid JSON Patch');
      }
      return;
    case 'strategic':
      if (patch !== null && !isObject(patch)) {
        throw badRequest(cannotUnmarshal(patch, 'map[string]interface {}'));
      }
      return;
  }
}

function checkJsonPatchShape(patch: unknown, strict: boolean): void {
  if (patch === null) return;
  if (!Array.isArray(patch)) {
    throw badRequest(
      strict
        ? STRICT_PREFIX + cannotUnmarshal(patch, '[]handlers.jsonPatchOp')
        : cannotUnmarshal(patch, 'jsonpatch.Patch'),
    );
  }
  for (const op of patch) {
    if (op === null) continue;
    if (!isObject(op)) {
      throw badRequest(
        strict
          ? STRICT_PREFIX + cannotUnmarshal(op, 'handlers.jsonPatchOp')
          : cannotUnmarshal(op, 'jsonpatch.Operation'),
      );
    }
    if (!strict) continue;
    for (const field of Object.keys(op)) {
      if (field !== 'op' && field !== 'path' && field !== 'from') continue;
      const v = op[field];
      if (v !== null && typeof v !== 'string') {
        throw badRequest(
          `${STRICT_PREFIX}json: cannot unmarshal ${goJsonKind(v)} into Go struct field jsonPatchOp.${field} of type string`,
        );
      }
    }
  }
}

/** What decoding a non-object patched document into an API object reports upstream. */
const NOT_AN_OBJECT =
  `couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type ` +
  `struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`;

function requireObjectResult(result: unknown): JsonObject {
  if (isObject(result)) return result;
  throw invalidPatchResult(goMarshal(result), NOT_AN_OBJECT);
}

/**
 * Applies a decoded patch to `original` and returns the patched object. Throws `PatchError`:
 * 400 for a patch of the wrong shape or a malformed strategic directive, 413 for more than 10000
 * JSON patch operations, 422 when a JSON patch operation fails or the result is not an object,
 * 500 (upstream's answer) for the strategic merge patch failures it does not classify.
 */
export function applyPatch(options: ApplyPatchOptions): JsonObject {
  const { type, original, patch, fieldValidation } = options;
  checkPatchShape(type, patch, fieldValidation);
  switch (type) {
    case 'json': {
      const ops: unknown[] = Array.isArray(patch) ? patch : [];
      if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
        throw tooLarge(
          `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`,
        );
      }
      const result = applyJsonPatch(
        original,
        ops,
        options.maxCopyBytes === undefined ? {} : { maxCopyBytes: options.maxCopyBytes },
      );
      return requireObjectResult(result);
    }
    case 'merge':
      if (!isObject(patch)) {
        // Only an array gets here (with fieldValidation=Ignore): it replaces the whole document.
        return requireObjectResult(pruneNulls(patch));
      }
      return applyMergePatch(original, patch);
    case 'strategic':
      if (!options.schema) {
        throw badRequest('strategic merge patch format is not supported', 'InvalidFormat');
      }
      return applyStrategicMergePatch(original, isObject(patch) ? patch : null, options.schema);
  }
}

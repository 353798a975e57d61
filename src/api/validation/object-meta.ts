/**
 * Validation of `metadata` on create and update, with upstream's rules and messages
 * (apimachinery `pkg/api/validation/objectmeta.go` and `pkg/apis/meta/v1/validation`).
 *
 * Called by every kind's `validate` / `validateUpdate` (see `ResourceDef` in scheme.ts) with the
 * kind's scope and name rule; pure, no side effects, never throws.
 */
import type { LabelSelector, ManagedFieldsEntry, ObjectMeta, OwnerReference } from '../meta/v1.ts';
import type { NameRule } from '../scheme.ts';
import type { FieldErrorList } from './field-errors.ts';
import { Path, forbidden, invalid, required, tooLong } from './field-errors.ts';
import {
  type ValidateNameFunc,
  fieldImmutableErrorMsg,
  nameValidatorFor,
  validateNamespaceName,
  validateNonnegativeField,
} from './generic.ts';
import { GoLiteral, goQuote, goStringSlice, utf8Length } from './go-format.ts';
import { isQualifiedName, isValidLabelValue } from './names.ts';

/** Upstream `TotalAnnotationSizeLimitB`: 256 KiB over all keys and values. */
export const totalAnnotationSizeLimitB = 256 * 1024;

/** The finalizers that ask the garbage collector to orphan or delete dependents. */
export const finalizerOrphanDependents = 'orphan';
export const finalizerDeleteDependents = 'foregroundDeletion';

type At = Path | string;
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const asPath = (p: At): Path => (typeof p === 'string' ? Path.root(p) : p);

/** Each key a qualified name, each value a valid label value; errors at `path` itself. */
export function validateLabels(
  labels: Readonly<Record<string, string>> | undefined,
  path: At,
): FieldErrorList {
  const errs: FieldErrorList = [];
  if (!labels) return errs;
  for (const [k, v] of Object.entries(labels)) {
    errs.push(...validateLabelName(k, path));
    for (const m of isValidLabelValue(v)) errs.push(invalid(path, v, m));
  }
  return errs;
}

/** A label key: a qualified name. */
export function validateLabelName(name: string, path: At): FieldErrorList {
  return isQualifiedName(name).map((m) => invalid(path, name, m));
}

/** Keys are qualified names (checked lower-cased); the total size is at most 256 KiB. */
export function validateAnnotations(
  annotations: Readonly<Record<string, string>> | undefined,
  path: At,
): FieldErrorList {
  const errs: FieldErrorList = [];
  if (!annotations) return errs;
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, m));
    total += utf8Length(k) + utf8Length(v);
  }
  if (total > totalAnnotationSizeLimitB) errs.push(tooLong(path, totalAnnotationSizeLimitB));
  return errs;
}

/** Go's `%#v` of an OwnerReference, the bad value upstream shows for owner errors. */
function goOwnerReference(ref: OwnerReference): string {
  const ptr = (v: boolean | undefined): string =>
    v === undefined ? '(*bool)(nil)' : '(*bool)(0xc000000000)';
  return (
    `v1.OwnerReference{APIVersion:${goQuote(text(ref.apiVersion))}, Kind:${goQuote(text(ref.kind))}, ` +
    `Name:${goQuote(text(ref.name))}, UID:${goQuote(text(ref.uid))}, Controller:${ptr(ref.controller)}, ` +
    `BlockOwnerDeletion:${ptr(ref.blockOwnerDeletion)}}`
  );
}

/** `apps/v1` -> group apps, version v1; `v1` -> version v1; more than one `/` -> no version. */
function versionOf(apiVersion: string): { group: string; version: string } {
  const first = apiVersion.indexOf('/');
  if (first < 0) return { group: '', version: apiVersion };
  if (apiVersion.indexOf('/', first + 1) >= 0) return { group: '', version: '' };
  return { group: apiVersion.slice(0, first), version: apiVersion.slice(first + 1) };
}

/**
 * Every reference names an apiVersion with a version, a kind, a name and a uid; Events may not
 * own anything; at most one reference is the controller. Errors are reported at `path` (not per
 * index), as upstream does.
 */
export function validateOwnerReferences(
  refs: readonly OwnerReference[] | undefined,
  path: At,
): FieldErrorList {
  const errs: FieldErrorList = [];
  if (!refs) return errs;
  const p = asPath(path);
  let firstController = '';
  for (const ref of refs) {
    // Required by the schema, but a client may omit them: the decoder reads absent as "".
    const apiVersion = text(ref.apiVersion);
    const kind = text(ref.kind);
    const name = text(ref.name);
    const uid = text(ref.uid);
    const gv = versionOf(apiVersion);
    if (gv.version.length === 0) {
      errs.push(invalid(p.child('apiVersion'), apiVersion, 'version must not be empty'));
    }
    if (kind.length === 0) errs.push(invalid(p.child('kind'), kind, 'kind must not be empty'));
    if (!name) errs.push(invalid(p.child('name'), name, 'name must not be empty'));
    if (!uid) errs.push(invalid(p.child('uid'), uid, 'uid must not be empty'));
    if (gv.group === '' && gv.version === 'v1' && kind === 'Event') {
      errs.push(
        invalid(
          p,
          new GoLiteral(goOwnerReference(ref)),
          '/v1, Kind=Event is disallowed from being an owner',
        ),
      );
    }
    if (ref.controller === true) {
      const current = `${kind}/${name}`;
      if (firstController !== '') {
        errs.push(
          invalid(
            p,
            new GoLiteral(`[]v1.OwnerReference{${refs.map(goOwnerReference).join(', ')}}`),
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
          ),
        );
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

/** Each finalizer a qualified name; `orphan` and `foregroundDeletion` not both. */
export function validateFinalizers(
  finalizers: readonly string[] | undefined,
  path: At,
): FieldErrorList {
  const errs: FieldErrorList = [];
  if (!finalizers) return errs;
  let orphan = false;
  let foreground = false;
  for (const f of finalizers) {
    for (const m of isQualifiedName(f)) errs.push(invalid(path, f, m));
    if (f === finalizerOrphanDependents) orphan = true;
    if (f === finalizerDeleteDependents) foreground = true;
  }
  if (orphan && foreground) {
    errs.push(
      invalid(
        path,
        goStringSlice(finalizers),
        `finalizer ${finalizerOrphanDependents} and ${finalizerDeleteDependents} cannot be both set`,
      ),
    );
  }
  return errs;
}

/** Go's `%#U`: `U+0007`, or `U+00E9 'é'` for printable runes. */
function goRuneDescription(cp: number, ch: string): string {
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch) ? `U+${hex} '${ch}'` : `U+${hex}`;
}

/** A field manager name: at most 128 bytes, printable characters only. */
export function validateFieldManager(manager: string | undefined, path: At): FieldErrorList {
  const errs: FieldErrorList = [];
  if (manager === undefined) return errs;
  if (utf8Length(manager) > 128) errs.push(tooLong(path, 128));
  let offset = 0;
  for (const ch of manager) {
    const cp = ch.codePointAt(0) ?? 0;
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) {
      errs.push(
        invalid(
          path,
          manager,
          `invalid character ${goRuneDescription(cp, ch)} (at position ${offset})`,
        ),
      );
    }
    offset += utf8Length(ch);
  }
  return errs;
}

/** `managedFields`: operation Apply or Update, fieldsType FieldsV1, a valid manager. */
export function validateManagedFields(
  entries: readonly ManagedFieldsEntry[] | undefined,
  path: At,
): FieldErrorList {
  const errs: FieldErrorList = [];
  if (!entries) return errs;
  const p = asPath(path);
  entries.forEach((e, i) => {
    const at = p.index(i);
    // Enum fields hold whatever string the client sent: the decoder does not check enums.
    const operation: string = e.operation ?? '';
    if (operation !== 'Apply' && operation !== 'Update') {
      errs.push(invalid(at.child('operation'), operation, 'must be `Apply` or `Update`'));
    }
    if (e.fieldsType && e.fieldsType !== 'FieldsV1') {
      errs.push(invalid(at.child('fieldsType'), e.fieldsType, 'must be `FieldsV1`'));
    }
    errs.push(...validateFieldManager(e.manager ?? '', at.child('manager')));
    if (e.subresource !== undefined && utf8Length(e.subresource) > 256) {
      errs.push(tooLong(at.child('subresource'), 256));
    }
  });
  return errs;
}

export interface ObjectMetaOptions {
  /** Whether the kind is namespaced: then a namespace is required, else forbidden. */
  readonly namespaced: boolean;
  /** How `name` (and `generateName`) are checked: a `ResourceDef.nameRule` or a function. */
  readonly nameRule: NameRule | ValidateNameFunc;
  /** Where the metadata is; `metadata` by default. */
  readonly path?: Path | string;
}

/**
 * Validation of the metadata of a new object (upstream `ValidateObjectMeta`). By the time this
 * runs a `generateName` has been turned into a `name`, so an empty name is an error.
 */
export function validateObjectMeta(
  meta: ObjectMeta | undefined,
  opts: ObjectMetaOptions,
): FieldErrorList {
  const m = meta ?? {};
  const p = asPath(opts.path ?? 'metadata');
  const nameFn =
    typeof opts.nameRule === 'function' ? opts.nameRule : nameValidatorFor(opts.nameRule);
  const errs: FieldErrorList = [];
  const generateName = m.generateName ?? '';
  if (generateName.length) {
    for (const msg of nameFn(generateName, true)) {
      errs.push(invalid(p.child('generateName'), generateName, msg));
    }
  }
  const name = m.name ?? '';
  if (name.length === 0) {
    errs.push(required(p.child('name'), 'name or generateName is required'));
  } else {
    for (const msg of nameFn(name, false)) errs.push(invalid(p.child('name'), name, msg));
  }
  const namespace = m.namespace ?? '';
  if (opts.namespaced) {
    if (namespace.length === 0) errs.push(required(p.child('namespace'), ''));
    else {
      for (const msg of validateNamespaceName(namespace, false)) {
        errs.push(invalid(p.child('namespace'), namespace, msg));
      }
    }
  } else if (namespace.length) {
    errs.push(forbidden(p.child('namespace'), 'not allowed on this type'));
  }
  errs.push(...validateNonnegativeField(m.generation ?? 0, p.child('generation')));
  errs.push(...validateLabels(m.labels, p.child('labels')));
  errs.push(...validateAnnotations(m.annotations, p.child('annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, p.child('ownerReferences')));
  errs.push(...validateFinalizers(m.finalizers, p.child('finalizers')));
  errs.push(...validateManagedFields(m.managedFields, p.child('managedFields')));
  return errs;
}

export interface ObjectMetaUpdateOptions {
  /** Where the metadata is; `metadata` by default. */
  readonly path?: Path | string;
  /**
   * The kind allows updates without a resourceVersion (upstream `AllowUnconditionalUpdate`): the
   * registry fills it in from the stored object, so an empty one is not an error here.
   */
  readonly allowUnconditionalUpdate?: boolean;
}

/** Go's `time.Time.String()` of an RFC 3339 timestamp, in UTC: `2024-01-02 03:04:05 +0000 UTC`. */
function goTimeString(t: string): string {
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) return t;
  const d = new Date(ms);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const frac = d.getUTCMilliseconds()
    ? '.' + pad(d.getUTCMilliseconds(), 3).replace(/0+$/, '')
    : '';
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${frac} +0000 UTC`
  );
}

const zeroTime = '0001-01-01 00:00:00 +0000 UTC';

function sameInstant(a: string | undefined, b: string | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  const x = Date.parse(a);
  const y = Date.parse(b);
  return !Number.isNaN(x) && x === y;
}

/**
 * Validation of metadata on update (upstream `ValidateObjectMetaUpdate`): no new finalizers once
 * deletion started, resourceVersion present, generation not decreasing, name, namespace, uid,
 * creationTimestamp, deletionTimestamp and deletionGracePeriodSeconds immutable (`field is
 * immutable`), and labels, annotations, ownerReferences and managedFields of the new object valid.
 */
export function validateObjectMetaUpdate(
  newMeta: ObjectMeta | undefined,
  oldMeta: ObjectMeta | undefined,
  opts: ObjectMetaUpdateOptions = {},
): FieldErrorList {
  const n = newMeta ?? {};
  const o = oldMeta ?? {};
  const p = asPath(opts.path ?? 'metadata');
  const errs: FieldErrorList = [];

  if (o.deletionTimestamp !== undefined) {
    const old = new Set(o.finalizers ?? []);
    const extra = [...new Set(n.finalizers ?? [])].filter((f) => !old.has(f)).sort();
    if (extra.length) {
      errs.push(
        forbidden(
          p.child('finalizers'),
          `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra).text}`,
        ),
      );
    }
  }
  if (!opts.allowUnconditionalUpdate && !n.resourceVersion) {
    errs.push(invalid(p.child('resourceVersion'), '', 'must be specified for an update'));
  }
  const newGeneration = n.generation ?? 0;
  if (newGeneration < (o.generation ?? 0)) {
    errs.push(invalid(p.child('generation'), newGeneration, 'must not be decremented'));
  }
  const immutable = (field: string, a: unknown, b: unknown, shown: unknown): void => {
    if (a !== b) errs.push(invalid(p.child(field), shown, fieldImmutableErrorMsg));
  };
  immutable('name', n.name ?? '', o.name ?? '', n.name ?? '');
  immutable('namespace', n.namespace ?? '', o.namespace ?? '', n.namespace ?? '');
  immutable('uid', n.uid ?? '', o.uid ?? '', n.uid ?? '');
  if (!sameInstant(n.creationTimestamp, o.creationTimestamp)) {
    const shown = n.creationTimestamp === undefined ? zeroTime : goTimeString(n.creationTimestamp);
    errs.push(invalid(p.child('creationTimestamp'), new GoLiteral(shown), fieldImmutableErrorMsg));
  }
  if (!sameInstant(n.deletionTimestamp, o.deletionTimestamp)) {
    const shown =
      n.deletionTimestamp === undefined ? null : new GoLiteral(goTimeString(n.deletionTimestamp));
    errs.push(invalid(p.child('deletionTimestamp'), shown, fieldImmutableErrorMsg));
  }
  immutable(
    'deletionGracePeriodSeconds',
    n.deletionGracePeriodSeconds,
    o.deletionGracePeriodSeconds,
    n.deletionGracePeriodSeconds ?? null,
  );

  errs.push(...validateLabels(n.labels, p.child('labels')));
  errs.push(...validateAnnotations(n.annotations, p.child('annotations')));
  errs.push(...validateOwnerReferences(n.ownerReferences, p.child('ownerReferences')));
  errs.push(...validateManagedFields(n.managedFields, p.child('managedFields')));
  return errs;
}

export interface LabelSelectorValidationOptions {
  /** Tolerate label values in matchExpressions that are not valid label values. */
  readonly allowInvalidLabelValueInSelector?: boolean;
  /** Tolerate operators other than In, NotIn, Exists and DoesNotExist. */
  readonly allowUnknownOperatorInRequirement?: boolean;
}

/**
 * A `LabelSelector` in a spec (Deployment, ReplicaSet, Job ... `spec.selector`): labels valid,
 * each requirement's operator and values consistent. A null selector is valid here; whether a
 * kind requires one is the kind's own rule.
 */
export function validateLabelSelector(
  selector: LabelSelector | undefined | null,
  path: At,
  opts: LabelSelectorValidationOptions = {},
): FieldErrorList {
  const errs: FieldErrorList = [];
  if (!selector) return errs;
  const p = asPath(path);
  errs.push(...validateLabels(selector.matchLabels, p.child('matchLabels')));
  (selector.matchExpressions ?? []).forEach((expr, i) => {
    const at = p.child('matchExpressions').index(i);
    const values = expr.values ?? [];
    const operator: string = expr.operator;
    switch (operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) {
          errs.push(
            required(at.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"),
          );
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          errs.push(
            forbidden(
              at.child('values'),
              "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            ),
          );
        }
        break;
      default:
        if (!opts.allowUnknownOperatorInRequirement) {
          errs.push(invalid(at.child('operator'), operator, 'not a valid selector operator'));
        }
    }
    errs.push(...validateLabelName(expr.key, at.child('key')));
    if (!opts.allowInvalidLabelValueInSelector) {
      values.forEach((v, j) => {
        for (const m of isValidLabelValue(v)) errs.push(invalid(at.child('values').index(j), v, m));
      });
    }
  });
  return errs;
}

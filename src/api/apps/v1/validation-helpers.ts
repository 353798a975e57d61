/**
 * Pieces the workload validators of apps/v1 and batch/v1 share:
 *
 *   - how upstream v1.32 prints the bad values it reports for these kinds. Its field errors render
 *     a composite value with Go's `%#v` (a pointer is dereferenced first, a nil one printed as the
 *     string "null"), so a user sees `v1.LabelSelector{MatchLabels:map[string]string{"app":"web"},
 *     MatchExpressions:[]v1.LabelSelectorRequirement(nil)}` or `intstr.IntOrString{Type:1, IntVal:0,
 *     StrVal:"110%"}`; the `goX` functions build exactly that text;
 *   - the equality upstream's immutability checks use (`apiequality.Semantic.DeepEqual`), which
 *     treats a missing map or list like an empty one and compares quantities by value;
 *   - the selector checks every controller kind makes, the metadata checks the generic registry
 *     adds to every update, and the tolerant readers of fields a request body may omit.
 *
 * Pure and cheap: validation runs on every write.
 */
import type { LabelSelector, ObjectMeta } from '../../meta/v1.ts';
import type { NameRule } from '../../scheme.ts';
import { LabelSelectorError, labelSelectorAsSelector } from '../../labels/selector.ts';
import type { LabelsSelector } from '../../labels/selector.ts';
import { Quantity } from '../../quantity/quantity.ts';
import type { FieldErrorList, Path } from '../../validation/field-errors.ts';
import { invalid } from '../../validation/field-errors.ts';
import { GoLiteral, goQuote } from '../../validation/go-format.ts';
import { isValidLabelValue } from '../../validation/names.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/object-meta.ts';

// ---- tolerant readers -------------------------------------------------------------------------

/** A string field that may be missing (Go reads it as ""). */
export function stringOrEmpty(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** An integer field that may be missing (Go reads a non-pointer one as 0). */
export function numberOrZero(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

/** A list field that may be missing. */
export function listOrEmpty<T>(v: readonly T[] | null | undefined): readonly T[] {
  return v ?? [];
}

/**
 * A field the schema types as always present (or never null) that a request body may still
 * omit: validation reads it through this to check.
 */
export function maybe<T>(v: T): T | undefined {
  return v;
}

/** Whether an optional field is set (present and not null). */
export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** Whether a map has no keys (a missing map counts as empty, as Go's `len(nil map)`). */
export function isEmptyMap(m: Readonly<Record<string, unknown>> | null | undefined): boolean {
  if (!m) return true;
  for (const _k in m) return false;
  return true;
}

// ---- Go renderings of bad values ---------------------------------------------------------------

/** The placeholder address a non-nil pointer field shows inside a `%#v` struct. */
const goPointer = '0xc000000000';

/**
 * `%#v` of a `map[string]string`: keys sorted, `map[string]string{"a":"b", "c":"d"}`; a missing
 * map is Go's nil map, `map[string]string(nil)`.
 */
export function goStringMapText(m: Readonly<Record<string, string>> | null | undefined): string {
  if (!m) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort(compareGoStrings);
  return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(m[k] ?? '')}`).join(', ')}}`;
}

/** A `map[string]string` bad value (the labels of a template, ...). */
export function goStringMap(m: Readonly<Record<string, string>> | null | undefined): GoLiteral {
  return new GoLiteral(goStringMapText(m));
}

/** Go's string order (by bytes); label keys are ASCII, where it is also JavaScript's. */
function compareGoStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `%#v` of a `[]string` inside a struct. */
function goStringSliceText(values: readonly string[] | null | undefined): string {
  if (!values) return '[]string(nil)';
  return `[]string{${values.map(goQuote).join(', ')}}`;
}

/** `%#v` of a `metav1.LabelSelector` value (the struct a `*LabelSelector` points to). */
export function goLabelSelectorText(sel: LabelSelector): string {
  const exprs = sel.matchExpressions;
  const exprText = !exprs
    ? '[]v1.LabelSelectorRequirement(nil)'
    : `[]v1.LabelSelectorRequirement{${exprs
        .map(
          (e) =>
            `v1.LabelSelectorRequirement{Key:${goQuote(stringOrEmpty(e.key))}, Operator:${goQuote(
              stringOrEmpty(e.operator),
            )}, Values:${goStringSliceText(e.values)}}`,
        )
        .join(', ')}}`;
  return `v1.LabelSelector{MatchLabels:${goStringMapText(sel.matchLabels)}, MatchExpressions:${exprText}}`;
}

/**
 * A `*metav1.LabelSelector` bad value: the struct it points to, or the string "null" for a nil
 * pointer (what upstream's error renderer prints for nil).
 */
export function goLabelSelector(sel: LabelSelector | null | undefined): GoLiteral | string {
  return sel ? new GoLiteral(goLabelSelectorText(sel)) : 'null';
}

/** An `intstr.IntOrString` as JSON gives it: a number, a string, or nothing (the zero value). */
export type IntOrStringValue = number | string | null | undefined;

/** `%#v` of an `intstr.IntOrString` value: `intstr.IntOrString{Type:1, IntVal:0, StrVal:"25%"}`. */
export function goIntOrStringText(v: IntOrStringValue): string {
  if (typeof v === 'string') return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`;
  const n = typeof v === 'number' ? v : 0;
  return `intstr.IntOrString{Type:0, IntVal:${n}, StrVal:""}`;
}

/** An `intstr.IntOrString` bad value. */
export function goIntOrString(v: IntOrStringValue): GoLiteral {
  return new GoLiteral(goIntOrStringText(v));
}

/** `%#v` text of a nested pointer field: `(*apps.X)(nil)` or `(*apps.X)(0xc000000000)`. */
export function goPointerText(type: string, present: boolean): string {
  return `(*${type})(${present ? goPointer : 'nil'})`;
}

/** `%#v` of an `*intstr.IntOrString` field inside a struct. */
export function goIntOrStringPointerText(v: IntOrStringValue): string {
  return goPointerText('intstr.IntOrString', v !== undefined && v !== null);
}

/**
 * Go's `%#v` of a `metav1.Time` as upstream shows it (the value's `String()`):
 * `2024-01-02 03:04:05 +0000 UTC`.
 */
export function goTime(t: string): GoLiteral {
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) return new GoLiteral(t);
  const d = new Date(ms);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return new GoLiteral(
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
      `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000 UTC`,
  );
}

// ---- semantic equality ---------------------------------------------------------------------------

/**
 * Fields whose value is a Go map (not a struct): in a map a missing key and a key with an empty
 * value differ, while in a struct a missing field is its zero value.
 */
const mapFieldKeys = new Set([
  'labels',
  'annotations',
  'matchLabels',
  'nodeSelector',
  'volumeAttributes',
  'options',
  'parameters',
  'data',
  'binaryData',
  'stringData',
  'deprecatedTopology',
]);
/** Map fields whose values are quantities (resource lists), compared by value. */
const quantityMapKeys = new Set(['limits', 'requests', 'overhead', 'capacity', 'allocatable']);
/** Fields that hold one quantity. */
const quantityFieldKeys = new Set(['sizeLimit']);

type Shape = 'map' | 'quantityMap' | 'quantity' | 'value';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A value Go decodes exactly like a missing one: null, "", 0, false, an empty list, an empty map,
 * or a struct whose fields are all zero.
 */
function isZero(v: unknown, shape: Shape): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (!isPlainObject(v)) return false;
  if (shape === 'map' || shape === 'quantityMap') return isEmptyObject(v);
  for (const k in v) if (!isZero(v[k], shapeOfField(k))) return false;
  return true;
}

function isEmptyObject(v: unknown): boolean {
  if (!isPlainObject(v)) return false;
  for (const k in v) if (v[k] !== undefined && v[k] !== null) return false;
  return true;
}

function quantitiesEqual(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const x = Quantity.tryParse(a);
  const y = Quantity.tryParse(b);
  return x instanceof Quantity && y instanceof Quantity && x.cmp(y) === 0;
}

function shapeOfField(key: string): Shape {
  if (mapFieldKeys.has(key)) return 'map';
  if (quantityMapKeys.has(key)) return 'quantityMap';
  if (quantityFieldKeys.has(key)) return 'quantity';
  return 'value';
}

function equalAt(a: unknown, b: unknown, shape: Shape): boolean {
  if (a === b) return true;
  if (shape === 'quantity' && quantitiesEqual(a, b)) return true;
  const aMissing = a === undefined || a === null;
  const bMissing = b === undefined || b === null;
  if (shape === 'map' || shape === 'quantityMap') {
    // A nil map equals an empty one; otherwise the keys must match exactly.
    if ((aMissing || isEmptyObject(a)) && (bMissing || isEmptyObject(b))) return true;
    if (!isPlainObject(a) || !isPlainObject(b)) return false;
    const child: Shape = shape === 'quantityMap' ? 'quantity' : 'value';
    for (const k in a) {
      if (a[k] === undefined) continue;
      if (!(k in b) || !equalAt(a[k], b[k], child)) return false;
    }
    for (const k in b) if (b[k] !== undefined && !(k in a)) return false;
    return true;
  }
  if (isZero(a, shape) && isZero(b, shape)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equalAt(a[i], b[i], 'value')) return false;
    return true;
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  for (const k in a) if (!equalAt(a[k], b[k], shapeOfField(k))) return false;
  for (const k in b) if (!(k in a) && !equalAt(undefined, b[k], shapeOfField(k))) return false;
  return true;
}

/**
 * Upstream's `apiequality.Semantic.DeepEqual` as it applies to JSON objects: a missing field
 * equals its zero value (Go decodes both alike), and resource quantities compare by value
 * (`1000m` equals `1`).
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return equalAt(a, b, 'value');
}

/** `Invalid value: <new>: field is immutable` when the values differ semantically. */
export function immutableField(
  newValue: unknown,
  oldValue: unknown,
  shown: unknown,
  path: Path,
): FieldErrorList {
  return semanticEqual(newValue, oldValue) ? [] : [invalid(path, shown, 'field is immutable')];
}

// ---- selectors -------------------------------------------------------------------------------

/** Upstream `LabelSelectorAsSelector`; null when it fails (its error is reported elsewhere). */
export function selectorOrNull(sel: LabelSelector | null | undefined): LabelsSelector | null {
  try {
    return labelSelectorAsSelector(sel);
  } catch (e) {
    if (e instanceof LabelSelectorError) return null;
    throw e;
  }
}

/** Whether a selector has a label value that is not a valid label value (upstream's tolerance). */
export function labelSelectorHasInvalidLabelValue(sel: LabelSelector | null | undefined): boolean {
  if (!sel) return false;
  for (const e of listOrEmpty(sel.matchExpressions)) {
    for (const v of listOrEmpty(e.values)) {
      if (isValidLabelValue(v).length > 0) return true;
    }
  }
  return false;
}

// ---- metadata --------------------------------------------------------------------------------

const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** Core's extra finalizer rule: an unqualified finalizer must be one of the standard ones. */
function kubeFinalizerErrors(meta: ObjectMeta | undefined, path: Path): FieldErrorList {
  const errs: FieldErrorList = [];
  listOrEmpty(meta?.finalizers).forEach((f, i) => {
    if (!f.includes('/') && !standardFinalizers.has(f)) {
      errs.push(
        invalid(
          path.index(i),
          f,
          'name is neither a standard finalizer name nor is it fully qualified',
        ),
      );
    }
  });
  return errs;
}

/**
 * Core's `ValidateObjectMeta` (what the workload, batch and discovery kinds call): the generic
 * checks with the kind's name rule, plus the finalizer-name rule.
 */
export function validateWorkloadObjectMeta(
  meta: ObjectMeta | undefined,
  nameRule: NameRule,
  metaPath: Path,
): FieldErrorList {
  const errs = validateObjectMeta(meta, { namespaced: true, nameRule, path: metaPath });
  errs.push(...kubeFinalizerErrors(meta, metaPath.child('finalizers')));
  return errs;
}

/** Core's `ValidateObjectMetaUpdate`: the generic update checks plus the finalizer-name rule. */
export function validateWorkloadObjectMetaUpdate(
  meta: ObjectMeta | undefined,
  old: ObjectMeta | undefined,
  allowUnconditionalUpdate: boolean,
  metaPath: Path,
): FieldErrorList {
  const errs = validateObjectMetaUpdate(meta, old, { allowUnconditionalUpdate, path: metaPath });
  errs.push(...kubeFinalizerErrors(meta, metaPath.child('finalizers')));
  return errs;
}

/**
 * What the generic registry checks on every update before the kind's own rules (upstream
 * `rest.BeforeUpdate`'s common fields): the new metadata with names as path segments, then the
 * generic update rules. Its errors come first in the 422.
 */
export function validateRegistryUpdateFields(
  meta: ObjectMeta | undefined,
  old: ObjectMeta | undefined,
  opts: { readonly namespaced: boolean; readonly allowUnconditionalUpdate: boolean },
  metaPath: Path,
): FieldErrorList {
  const errs = validateObjectMeta(meta, {
    namespaced: opts.namespaced,
    nameRule: 'path-segment',
    path: metaPath,
  });
  errs.push(
    ...validateObjectMetaUpdate(meta, old, {
      allowUnconditionalUpdate: opts.allowUnconditionalUpdate,
      path: metaPath,
    }),
  );
  return errs;
}

/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), applied server-side as the
 * kube-apiserver v1.32 applies it, driven by the schema DSL's `patchStrategy` / `patchMergeKey`.
 *
 * Rules, per field of an object:
 * - `null` removes the field.
 * - A field missing from the object (or of another JSON type there) takes the patch value, with its
 *   `null` members dropped at every depth and any object carrying `$patch` dropped.
 * - Objects merge recursively (unless the field's strategy is `replace`: then the patch value is
 *   taken as it is).
 * - Lists with strategy `merge`: lists of objects merge by `patchMergeKey` (matching items merge,
 *   others are added); lists of scalars merge as sets. Other lists are replaced by the patch list.
 * - Scalars are replaced.
 * Directives:
 * - `$patch: replace` in an object: the object becomes the patch object (without the directive);
 *   `$patch: delete`: the object becomes `{}`. Any other `$patch` value fails.
 * - In a merging list of objects, an item `{<key>: v, $patch: delete}` removes every item with that
 *   key; an item `{$patch: replace}` makes the list exactly the patch's other items;
 *   `$patch: merge` fails ("merging lists cannot yet be specified in the patch").
 * - `$retainKeys: [...]` in an object: fields not listed are cleared (every non-null patch field
 *   must be listed).
 * - `$deleteFromPrimitiveList/<field>: [...]` removes those values from the scalar list `<field>`.
 * - `$setElementOrder/<field>: [...]` fixes the order of the merged list `<field>`: items named in
 *   the directive come in its order, items only the server has keep their place relative to them
 *   (see `normalizeElementOrder`).
 * Order of merged lists without the directive: patch items in patch order, server-only items
 * interleaved by their position in the live list; an item new to the list comes right after the
 * patch item before it, ahead of the server-only items not yet placed (so a lone new item goes
 * first).
 *
 * Fields the schema does not know (and `any` subtrees) have no strategy: they merge as a JSON merge
 * patch does, except that the directives above still apply.
 *
 * Errors follow upstream (see `errors.ts`): malformed directives are 400, a list of lists is 422,
 * everything else (missing merge key, unknown `$patch`, mixed element types, order conflicts) is
 * the 500 with the raw message that a real cluster returns.
 *
 * Inputs are never mutated: every object on a changed path is a new object; unchanged subtrees of
 * `original`, and values taken whole from `patch`, are shared with the result.
 */
import { type Schema, fieldOf } from '../../api/index.ts';
import { type PatchError, badRequest, guardDepth, internal, unprocessable } from './errors.ts';
import { goSliceStable } from './go-sort.ts';
import {
  type JsonObject,
  deleteOwn,
  getOwn,
  goFormat,
  goFormatS,
  goScalarEqual,
  goTypeName,
  hasOwn,
  isObject,
  setOwn,
} from './json-value.ts';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

/** The patch metadata of one field: its strategy (without `retainKeys`) and merge key. */
interface FieldMeta {
  /** Schema of the field's value (an object's fields) or of one list element. */
  readonly schema: Schema | undefined;
  readonly strategy: string;
  readonly mergeKey: string;
}

const NO_META: FieldMeta = { schema: undefined, strategy: '', mergeKey: '' };

/** Element kinds as Go's reflection distinguishes them after decoding JSON. */
type ElementKind = 'map' | 'slice' | 'string' | 'number' | 'bool' | 'nil';

function elementKind(v: unknown): ElementKind {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'object') return 'map';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  return 'bool';
}

/**
 * Applies a strategic merge patch to `original`. `patch` is the decoded body: an object, or `null`
 * (which Go decodes to an empty patch: nothing changes).
 */
export function applyStrategicMergePatch(
  original: JsonObject,
  patch: JsonObject | null,
  schema: Schema | undefined,
): JsonObject {
  if (patch === null) return original;
  return guardDepth(() => mergeMap(original, patch, schema));
}

// ---- schema lookups -------------------------------------------------------------------------

function strategyOf(patchStrategy: string | undefined): string {
  const parts = (patchStrategy ?? '').split(',');
  if (parts.length === 2) return parts[0] === 'retainKeys' ? (parts[1] ?? '') : (parts[0] ?? '');
  const only = parts[0] ?? '';
  return only === 'retainKeys' ? '' : only;
}

/** Metadata for an object-valued field `key` of `schema`. */
function lookupField(schema: Schema | undefined, key: string): FieldMeta {
  if (schema?.kind === 'map') return { schema: schema.values, strategy: '', mergeKey: '' };
  const field = fieldOf(schema, key);
  if (!field) return NO_META;
  return {
    schema: field.schema,
    strategy: strategyOf(field.patchStrategy),
    mergeKey: field.patchMergeKey ?? '',
  };
}

/** Metadata for a list-valued field `key` of `schema`; `schema` of the result is the item's. */
function lookupList(schema: Schema | undefined, key: string): FieldMeta {
  const meta = lookupField(schema, key);
  const items = meta.schema?.kind === 'array' ? meta.schema.items : undefined;
  return { ...meta, schema: items };
}

/** How Go names the element type of a list field in `cannot merge lists without merge key`. */
function goKindName(schema: Schema | undefined): string {
  switch (schema?.kind) {
    case 'object':
    case 'quantity':
    case 'int-or-string':
    case 'time':
      return 'struct';
    case 'map':
      return 'map';
    case 'array':
      return 'slice';
    case 'string':
      return 'string';
    case 'integer':
      return schema.format;
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'any':
    case undefined:
      return 'interface';
  }
}

// ---- errors ---------------------------------------------------------------------------------

function errNoMergeKey(m: JsonObject, key: string): PatchError {
  return internal(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);
}

function errBadArgType(expected: 'map' | 'slice', actual: unknown): PatchError {
  const want = expected === 'map' ? 'map[string]interface {}' : '[]interface {}';
  return internal(`expected a ${want}, but received a ${goTypeName(actual)}`);
}

function errBadPatchType(directive: unknown, m: JsonObject): PatchError {
  return internal(`unknown patch type: ${goFormatS(directive)} in map: ${goFormat(m)}`);
}

/** The field name after `prefix/`; a malformed directive key is a 400. */
function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw badRequest(
      prefix === DELETE_FROM_PRIMITIVE_LIST
        ? 'invalid patch format of primitive list'
        : 'invalid patch format of setElementOrder list',
      'InvalidFormat',
    );
  }
  return key.slice(slash + 1);
}

// ---- objects --------------------------------------------------------------------------------

function mergeMap(original: JsonObject, patch: JsonObject, schema: Schema | undefined): JsonObject {
  if (hasOwn(patch, DIRECTIVE)) return directiveInMap(getOwn(patch, DIRECTIVE), patch);

  const out: JsonObject = { ...original };
  // Patch keys already dealt with before the main loop (directives, ordered lists).
  const done = new Set<string>();
  applyRetainKeys(out, patch, done);
  mergeOrderedLists(out, patch, schema, done);

  for (const patchKey of Object.keys(patch)) {
    if (done.has(patchKey)) continue;
    const patchValue = patch[patchKey];
    let key = patchKey;
    let isDeleteList = false;
    if (patchKey.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      key = extractKey(patchKey, DELETE_FROM_PRIMITIVE_LIST);
      isDeleteList = true;
    }
    if (patchValue === null) {
      deleteOwn(out, key);
      continue;
    }
    if (!hasOwn(out, key) || elementKind(out[key]) !== elementKind(patchValue)) {
      if (!isDeleteList) placeNew(out, key, patchValue);
      continue;
    }
    const current = out[key];
    if (isObject(current) && isObject(patchValue)) {
      const meta = lookupField(schema, key);
      setOwn(
        out,
        key,
        meta.strategy === 'replace' ? patchValue : mergeMap(current, patchValue, meta.schema),
      );
    } else if (Array.isArray(current) && Array.isArray(patchValue)) {
      setOwn(out, key, mergeListField(current, patchValue, lookupList(schema, key), isDeleteList));
    } else {
      setOwn(out, key, patchValue);
    }
  }
  return out;
}

function directiveInMap(directive: unknown, patch: JsonObject): JsonObject {
  if (directive === 'replace') {
    const out = { ...patch };
    deleteOwn(out, DIRECTIVE);
    return out;
  }
  if (directive === 'delete') return {};
  throw errBadPatchType(directive, patch);
}

/** Writes a patch value where the original had nothing comparable: nulls and directives dropped. */
function placeNew(out: JsonObject, key: string, value: unknown): void {
  const [clean, keep] = cleanNewValue(value);
  if (keep) setOwn(out, key, clean);
  else deleteOwn(out, key);
}

/**
 * A patch value as it is stored when it replaces nothing: `null` object members removed at every
 * depth, objects carrying `$patch` removed (and the value dropped when it carries one itself).
 */
function cleanNewValue(v: unknown): [unknown, boolean] {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const item of v) {
      const [clean, keep] = cleanNewValue(item);
      if (keep) out.push(clean);
    }
    return [out, true];
  }
  if (!isObject(v)) return [v, true];
  const keys = Object.keys(v).filter((k) => v[k] !== null);
  if (keys.includes(DIRECTIVE)) return [null, false];
  const out: JsonObject = {};
  for (const k of keys) {
    const [clean, keep] = cleanNewValue(v[k]);
    if (keep) setOwn(out, k, clean);
  }
  return [out, true];
}

/** Drops objects carrying `$patch` (only those), as upstream does for a list that is new. */
function removeDirectives(v: unknown): [unknown, boolean] {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const item of v) {
      const [clean, keep] = removeDirectives(item);
      if (keep) out.push(clean);
    }
    return [out, true];
  }
  if (!isObject(v)) return [v, true];
  if (hasOwn(v, DIRECTIVE)) return [null, false];
  const out: JsonObject = {};
  for (const k of Object.keys(v)) {
    const [clean, keep] = removeDirectives(v[k]);
    if (keep) setOwn(out, k, clean);
  }
  return [out, true];
}

function applyRetainKeys(out: JsonObject, patch: JsonObject, done: Set<string>): void {
  if (!hasOwn(patch, RETAIN_KEYS)) return;
  done.add(RETAIN_KEYS);
  const list = patch[RETAIN_KEYS];
  const invalid = (): PatchError =>
    badRequest('invalid patch format of retainKeys', 'InvalidFormat');
  if (!Array.isArray(list)) throw invalid();
  const retained = new Set<unknown>(list);
  for (const k of Object.keys(patch)) {
    if (k === RETAIN_KEYS) continue;
    if (patch[k] === null) continue;
    if (k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!retained.has(k)) throw invalid();
  }
  for (const k of Object.keys(out)) {
    if (!retained.has(k)) deleteOwn(out, k);
  }
}

// ---- $setElementOrder -----------------------------------------------------------------------

function mergeOrderedLists(
  out: JsonObject,
  patch: JsonObject,
  schema: Schema | undefined,
  done: Set<string>,
): void {
  for (const directiveKey of Object.keys(patch)) {
    if (!directiveKey.startsWith(SET_ELEMENT_ORDER)) continue;
    done.add(directiveKey);
    const order = patch[directiveKey];
    if (!Array.isArray(order)) throw errBadArgType('slice', order);
    const key = extractKey(directiveKey, SET_ELEMENT_ORDER);

    const foundOriginal = hasOwn(out, key);
    const foundPatch = hasOwn(patch, key);
    const originalValue = out[key];
    const patchValue = patch[key];
    if (foundOriginal && !Array.isArray(originalValue)) throw errBadArgType('slice', originalValue);
    if (foundPatch && !Array.isArray(patchValue)) throw errBadArgType('slice', patchValue);
    const originalList: unknown[] = Array.isArray(originalValue) ? originalValue : [];
    const patchList: unknown[] = Array.isArray(patchValue) ? patchValue : [];

    const meta = lookupList(schema, key);
    validateOrderAgainstPatch(patchList, order, meta.mergeKey);

    let merged: unknown[];
    if (foundOriginal && !foundPatch) {
      merged = originalList;
    } else if (!foundOriginal && foundPatch) {
      merged = removeDirectives(patchList)[0] as unknown[];
    } else if (foundOriginal && foundPatch) {
      merged = mergeListField(originalList, patchList, meta, false);
    } else {
      continue;
    }

    const [inOrder, serverOnly] =
      meta.mergeKey === ''
        ? partitionScalars(merged, order)
        : partitionObjects(merged, order, meta.mergeKey);
    const kind = listElementKind(originalList, patchList);
    setOwn(
      out,
      key,
      normalizeElementOrder(inOrder, serverOnly, order, originalList, meta.mergeKey, kind),
    );
    done.add(key);
  }
}

/**
 * The patch list's items (deletions and other directive items aside) must appear in the
 * `$setElementOrder` list, in the same relative order.
 */
function validateOrderAgainstPatch(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey === '' ? patchList : splitDeletions(patchList)[0];
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    const item = items[p];
    if (isObject(item) && hasOwn(item, DIRECTIVE)) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(item, order[o], mergeKey)) p++;
    o++;
  }
  if (p < items.length && o >= order.length) {
    throw internal(
      `The order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goFormat(order)}\n`,
    );
  }
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (mergeKey === '') return goScalarEqual(left, right);
  if (!isObject(left)) throw errBadArgType('map', left);
  if (!isObject(right)) throw errBadArgType('map', right);
  if (!hasOwn(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!hasOwn(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return goScalarEqual(left[mergeKey], right[mergeKey]);
}

// ---- lists ----------------------------------------------------------------------------------

function mergeListField(
  original: unknown[],
  patch: unknown[],
  meta: FieldMeta,
  isDeleteList: boolean,
): unknown[] {
  if (meta.strategy === 'merge' || isDeleteList) {
    return mergeList(original, patch, meta.schema, meta.mergeKey, isDeleteList);
  }
  return patch;
}

/**
 * The one element kind of the given lists; a list of lists is 422, mixed kinds are an error, and
 * so are lists with no elements at all.
 */
function listElementKind(...lists: unknown[][]): ElementKind {
  let kind: ElementKind | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = elementKind(v);
      if (kind === undefined) {
        if (k === 'nil') {
          throw internal('runtime error: invalid memory address or nil pointer dereference');
        }
        if (k === 'slice') throw unprocessable('lists of lists are not supported', 'Unprocessable');
        kind = k;
      } else if (k !== kind) {
        throw internal(`list element types are not identical: ${goFormat(lists)}`);
      }
    }
  }
  if (kind === undefined) throw internal('no elements in any of the given slices');
  return kind;
}

function mergeList(
  original: unknown[],
  patch: unknown[],
  itemSchema: Schema | undefined,
  mergeKey: string,
  isDeleteList: boolean,
): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = listElementKind(original, patch);

  let base = original;
  let patchItems = patch;
  let merged: unknown[];
  if (kind !== 'map') {
    if (isDeleteList) return deleteFromList(original, patch);
    merged = uniqueScalars(original, patch);
  } else {
    if (mergeKey === '') {
      throw internal(`cannot merge lists without merge key for ${goKindName(itemSchema)}`);
    }
    [base, patchItems] = applyListItemDirectives(original, patch, mergeKey);
    merged = mergeObjectItems(base, patchItems, mergeKey, itemSchema);
  }

  const [fromPatch, serverOnly] =
    mergeKey === ''
      ? partitionScalars(merged, patchItems)
      : partitionObjects(merged, patchItems, mergeKey);
  return normalizeElementOrder(fromPatch, serverOnly, patchItems, base, mergeKey, kind);
}

/** The set union of two scalar lists (first occurrences kept). */
function uniqueScalars(a: unknown[], b: unknown[]): unknown[] {
  const seen = new Set<unknown>();
  const out: unknown[] = [];
  for (const list of [a, b]) {
    for (const v of list) {
      if (!seen.has(v)) {
        seen.add(v);
        out.push(v);
      }
    }
  }
  return out;
}

function deleteFromList(current: unknown[], toDelete: unknown[]): unknown[] {
  const drop = new Set<unknown>(toDelete);
  return current.filter((v) => !drop.has(v));
}

/**
 * Handles the items of a patch list that carry `$patch`: deletions are applied to `original`, a
 * `replace` item makes the patch's plain items the whole list. Returns the list to merge into and
 * the plain patch items to merge.
 */
function applyListItemDirectives(
  original: unknown[],
  patch: unknown[],
  mergeKey: string,
): [unknown[], unknown[]] {
  const plain: unknown[] = [];
  // Deletions are independent filters: collect the keys, filter once.
  const deleted = new Set<unknown>();
  let replace = false;
  for (const item of patch) {
    if (!isObject(item)) throw errBadArgType('map', item);
    if (!hasOwn(item, DIRECTIVE)) {
      plain.push(item);
      continue;
    }
    const directive = item[DIRECTIVE];
    if (directive === 'delete') {
      if (!hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
      const key = scalarKey(item[mergeKey]);
      if (key !== undefined) deleted.add(key);
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw internal('merging lists cannot yet be specified in the patch');
    } else {
      throw errBadPatchType(directive, item);
    }
  }
  if (replace) return [plain, []];
  if (deleted.size === 0) return [original, plain];
  const base = original.filter(
    (o) => !(isObject(o) && hasOwn(o, mergeKey) && deleted.has(scalarKey(o[mergeKey]))),
  );
  return [base, plain];
}

function mergeObjectItems(
  original: unknown[],
  patch: unknown[],
  mergeKey: string,
  itemSchema: Schema | undefined,
): unknown[] {
  const out = original.slice();
  const index = new MergeKeyIndex(out, mergeKey);
  for (const item of patch) {
    if (!isObject(item)) throw errBadArgType('map', item);
    if (!hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    const value = item[mergeKey];
    const at = index.find(value);
    if (at >= 0) {
      const merged = mergeMap(out[at] as JsonObject, item, itemSchema);
      out[at] = merged;
      // A `$retainKeys` that omits the merge key removes it: later items no longer match this one.
      if (!hasOwn(merged, mergeKey) || !goScalarEqual(merged[mergeKey], value)) {
        index.rescan(value);
      }
    } else {
      out.push(item);
      index.appended(value, out.length - 1);
    }
  }
  return out;
}

/** The comparable identity of a merge key value: the scalar (null for Go's nil), or undefined. */
function scalarKey(v: unknown): unknown {
  const k = v ?? null;
  return typeof k === 'object' && k !== null ? undefined : k;
}

/**
 * Where the first object with a given merge key value sits in a list: the answer of upstream's
 * linear scan (including its failure when the scan meets an element that is not an object before
 * a match), in constant time.
 */
class MergeKeyIndex {
  private readonly first = new Map<unknown, number>();
  private readonly list: readonly unknown[];
  private readonly mergeKey: string;
  /** Position of the first element that is not an object; -1 when there is none. */
  private readonly firstNonObject: number;

  constructor(list: readonly unknown[], mergeKey: string) {
    this.list = list;
    this.mergeKey = mergeKey;
    let bad = -1;
    list.forEach((v, i) => {
      if (!isObject(v)) {
        if (bad < 0) bad = i;
        return;
      }
      if (!hasOwn(v, mergeKey)) return;
      const k = scalarKey(v[mergeKey]);
      if (k !== undefined && !this.first.has(k)) this.first.set(k, i);
    });
    this.firstNonObject = bad;
  }

  /** Index of the first object whose merge key equals `value`; -1 if none. */
  find(value: unknown): number {
    const k = scalarKey(value);
    const at = k === undefined ? -1 : (this.first.get(k) ?? -1);
    if (this.firstNonObject >= 0 && (at < 0 || at > this.firstNonObject)) {
      throw internal(`value for key ${this.firstNonObject} is not a map`);
    }
    return at;
  }

  appended(value: unknown, at: number): void {
    const k = scalarKey(value);
    if (k !== undefined && !this.first.has(k)) this.first.set(k, at);
  }

  /** Recomputes the entry for `value` after the object at its position changed. */
  rescan(value: unknown): void {
    const k = scalarKey(value);
    if (k === undefined) return;
    this.first.delete(k);
    for (let i = 0; i < this.list.length; i++) {
      const v = this.list[i];
      if (isObject(v) && hasOwn(v, this.mergeKey) && scalarKey(v[this.mergeKey]) === k) {
        this.first.set(k, i);
        return;
      }
    }
  }
}

/** Items of `list` that appear in `by`, and those that do not (each in `list` order). */
function partitionScalars(list: unknown[], by: unknown[]): [unknown[], unknown[]] {
  const inBy = new Set<unknown>(by.map((v) => v ?? null));
  const hit: unknown[] = [];
  const miss: unknown[] = [];
  for (const v of list) (inBy.has(v ?? null) ? hit : miss).push(v);
  return [hit, miss];
}

/** Objects of `list` whose merge key appears among the objects of `by`, and the others. */
function partitionObjects(
  list: unknown[],
  by: unknown[],
  mergeKey: string,
): [unknown[], unknown[]] {
  const hit: unknown[] = [];
  const miss: unknown[] = [];
  const index = new MergeKeyIndex(by, mergeKey);
  for (const v of list) {
    if (!isObject(v)) throw errBadArgType('map', v);
    if (!hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    (index.find(v[mergeKey]) >= 0 ? hit : miss).push(v);
  }
  return [hit, miss];
}

/** Splits off the items carrying `$patch: delete` (every item must be an object). */
function splitDeletions(list: unknown[]): [unknown[], unknown[]] {
  const keep: unknown[] = [];
  const deletions: unknown[] = [];
  for (const v of list) {
    if (!isObject(v)) throw errBadArgType('map', v);
    (getOwn(v, DIRECTIVE) === 'delete' ? deletions : keep).push(v);
  }
  return [keep, deletions];
}

// ---- ordering -------------------------------------------------------------------------------

/**
 * Positions of values in an ordering list, by scalar value or by merge key value: what upstream
 * finds with a linear scan, looked up in constant time (first occurrence wins, as in the scan).
 */
class OrderIndex {
  private readonly positions = new Map<unknown, number>();
  private readonly mergeKey: string;
  private readonly byKey: boolean;

  constructor(order: unknown[], mergeKey: string, kind: ElementKind) {
    this.mergeKey = mergeKey;
    this.byKey = kind === 'map';
    order.forEach((item, i) => {
      const k = this.keyOf(item);
      if (k !== undefined && !this.positions.has(k)) this.positions.set(k, i);
    });
  }

  /** The comparable identity of an item: its scalar or merge key value, or undefined if none. */
  private keyOf(item: unknown): unknown {
    return scalarKey(
      this.byKey ? (isObject(item) ? getOwn(item, this.mergeKey) : undefined) : item,
    );
  }

  indexOf(item: unknown): number {
    const k = this.keyOf(item);
    return k === undefined ? -1 : (this.positions.get(k) ?? -1);
  }
}

/**
 * Orders `patchItems` by `patchOrder` and `serverOnly` by `serverOrder`, then interleaves them:
 * walking both, a server-only item goes first only when both it and the next patch item are in the
 * live list and it came first there. The relative order within each group is kept.
 */
function normalizeElementOrder(
  patchItems: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: ElementKind,
): unknown[] {
  const right = sortByOrder(patchItems, patchOrder, mergeKey, kind);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  const live = new OrderIndex(serverOrder, mergeKey, kind);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = live.indexOf(left[i]);
      const ri = live.indexOf(right[j]);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/**
 * `list` stably sorted by position in `order` (upstream's comparator, including how it treats
 * items `order` lacks); for objects, `$patch: delete` items are moved to the end.
 */
function sortByOrder(
  list: unknown[],
  order: unknown[],
  mergeKey: string,
  kind: ElementKind,
): unknown[] {
  let items = list.slice();
  let deletions: unknown[] = [];
  if (kind === 'map') {
    for (const l of [items, order]) {
      for (const item of l) {
        if (!isObject(item)) throw errBadArgType('map', item);
        if (!hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
      }
    }
    [items, deletions] = splitDeletions(items);
  }
  const index = new OrderIndex(order, mergeKey, kind);
  goSliceStable(items, (a, b) => {
    const ia = index.indexOf(a);
    if (ia >= 0) {
      const ib = index.indexOf(b);
      if (ib >= 0) return ia < ib;
    }
    return true;
  });
  return deletions.length === 0 ? items : items.concat(deletions);
}

/**
 * Schema-aware walks over plain JSON objects, the operations server-side apply is built from
 * (upstream structured-merge-diff `typed`): validating an applied configuration, the set of fields
 * an object sets, comparing two objects, merging an applied configuration into a live object, and
 * removing a set of fields.
 *
 * Conventions: `undefined` means "absent" and `null` means "present but null", as upstream
 * distinguishes a missing value from a null one. Inputs are never modified; outputs may share
 * unchanged subtrees with inputs (callers that mutate results must copy first).
 */
import { goQuote, type Schema } from '../../api/index.ts';
import { FieldSet, FieldSetBuilder, isPlainObject } from './field-set.ts';
import {
  fieldElement,
  keyElement,
  type PathElement,
  renderPathElement,
  valueElement,
} from './path-element.ts';
import {
  anyShape,
  fieldShape,
  itemsShape,
  keyDefault,
  type LeafShape,
  type ListShape,
  shapeOf,
  type Shape,
  valuesShape,
} from './shape.ts';

/** A structural problem with an object (bad list item keys); upstream fails the operation. */
export class TypedError extends Error {
  override readonly name = 'TypedError';
}

// ---- list items -------------------------------------------------------------------------------

type ItemElement = { readonly pe: PathElement } | { readonly error: string };

/** The path element of an item of an associative list, or why it has none. */
export function listItemElement(list: ListShape, item: unknown): ItemElement {
  if (list.relation === 'map') {
    if (item === null) return { error: 'associative list with keys may not have a null element' };
    if (!isPlainObject(item)) {
      return { error: 'associative list with keys may not have non-map elements' };
    }
    const fields: [string, unknown][] = [];
    for (const key of list.keys) {
      const v = item[key];
      if (v !== undefined) fields.push([key, v]);
      else {
        const d = keyDefault(list, key);
        if (d !== undefined && d !== null) fields.push([key, d]);
      }
    }
    if (list.keys.length > 0 && fields.length === 0) {
      return {
        error: `associative list with keys has an element that omits all key fields [${list.keys
          .map(goQuote)
          .join(' ')}] (and doesn't have default values for any key fields)`,
      };
    }
    return { pe: keyElement(fields) };
  }
  if (isPlainObject(item)) {
    return { error: "associative list without keys has an element that's a map type" };
  }
  if (Array.isArray(item))
    return { error: 'not supported: associative list with lists as elements' };
  if (item === null || item === undefined) {
    return { error: "associative list without keys has an element that's an explicit null" };
  }
  return { pe: valueElement(item) };
}

// ---- validation -------------------------------------------------------------------------------

export interface ValidationProblem {
  /** Rendered path of the problem (`.spec.template.spec.containers`), empty at the root. */
  readonly path: string;
  readonly message: string;
}

/**
 * Checks an applied configuration against the schema as upstream does before merging it:
 * undeclared fields, JSON types, list-map keys and duplicate list items. Returns the problems
 * (empty when the object is fine); null values are allowed anywhere.
 */
export function validateObject(value: unknown, schema: Schema): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  validateNode(value, shapeOf(schema), '', problems);
  return problems;
}

/** Upstream's error text for a list of problems (one, or `errors:` followed by each). */
export function formatProblems(problems: readonly ValidationProblem[]): string {
  const one = (p: ValidationProblem): string => (p.path ? `${p.path}: ${p.message}` : p.message);
  if (problems.length === 1 && problems[0] !== undefined) return one(problems[0]);
  return ['errors:', ...problems.map((p) => '  ' + one(p))].join('\n');
}

function validateNode(value: unknown, shape: Shape, path: string, out: ValidationProblem[]): void {
  if (value === null || value === undefined) return;
  switch (shape.kind) {
    case 'leaf': {
      const message = scalarProblem(shape, value);
      if (message !== undefined) out.push({ path, message });
      return;
    }
    case 'struct':
    case 'map': {
      if (!isPlainObject(value)) {
        out.push({ path, message: `expected map, got &{${goV(value)}}` });
        return;
      }
      for (const key of Object.keys(value)) {
        const v = value[key];
        let child: Shape | undefined;
        if (shape.kind === 'map') child = valuesShape(shape);
        else {
          child = fieldShape(shape, key);
          if (child === undefined) {
            if (shape.open) continue;
            out.push({ path: `${path}.${key}`, message: 'field not declared in schema' });
            return;
          }
        }
        validateNode(v, child, `${path}.${key}`, out);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) {
        out.push({ path, message: `expected list, got &{${goV(value)}}` });
        return;
      }
      const items = itemsShape(shape);
      const seen = new Set<PathElement>();
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        let pe: PathElement;
        if (shape.relation === 'atomic') pe = `i:${i}`;
        else {
          const e = listItemElement(shape, item);
          if ('error' in e) {
            out.push({ path, message: `element ${i}: ${e.error}` });
            return;
          }
          pe = e.pe;
          if (seen.has(pe)) {
            out.push({ path, message: `duplicate entries for key ${renderPathElement(pe)}` });
          }
          seen.add(pe);
        }
        validateNode(item, items, path + renderPathElement(pe), out);
      }
      return;
    }
  }
}

function scalarProblem(shape: LeafShape, v: unknown): string | undefined {
  switch (shape.scalar) {
    case 'any':
      return undefined;
    case 'numeric':
      return typeof v === 'number'
        ? undefined
        : `expected numeric (int or float), got ${goType(v)}`;
    case 'string':
      return typeof v === 'string'
        ? undefined
        : `expected string, got &value.valueUnstructured{Value:${goSharpV(v)}}`;
    case 'boolean':
      return typeof v === 'boolean' ? undefined : `expected boolean, got &{${goV(v)}}`;
    case 'untyped':
      return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean'
        ? undefined
        : `expected any scalar, got &{${goV(v)}}`;
  }
}

/** Go's `%T` of a decoded JSON value. */
function goType(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  if (v === null) return '<nil>';
  return 'map[string]interface {}';
}

/** Go's `%v` of a decoded JSON value. */
function goV(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return '[' + v.map(goV).join(' ') + ']';
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return 'map[' + entries.map(([k, x]) => `${k}:${goV(x)}`).join(' ') + ']';
  }
  return '';
}

/** Go's `%#v` of a decoded JSON value. */
function goSharpV(v: unknown): string {
  if (v === null || v === undefined) return 'interface {}(nil)';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return '[]interface {}{' + v.map(goSharpV).join(', ') + '}';
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return (
      'map[string]interface {}{' +
      entries.map(([k, x]) => `${JSON.stringify(k)}:${goSharpV(x)}`).join(', ') +
      '}'
    );
  }
  return '';
}

// ---- field sets -------------------------------------------------------------------------------

/**
 * The fields an object sets, as upstream computes the set an applier owns (`ToFieldSet`): every
 * leaf; every list item (`k:`/`v:` members, so an applier owns the items it lists); struct fields
 * and map entries that are null or empty objects; map entries (not declared struct fields) also
 * as themselves; atomic lists, maps and structs as one leaf. Duplicate list items are owned only
 * as items. List items whose keys cannot be computed are skipped (validate first).
 */
export function fieldSetOf(value: unknown, schema: Schema): FieldSet {
  const root = new FieldSetBuilder();
  toSetChildren(value, shapeOf(schema), root);
  return root.build();
}

/** Adds the fields of `value` (whose own path is `parent` + `pe`) to `parent`. */
function toSet(value: unknown, shape: Shape, parent: FieldSetBuilder, pe: PathElement): void {
  switch (shape.kind) {
    case 'leaf':
      parent.add(pe);
      return;
    case 'list':
      if (shape.relation === 'atomic') {
        parent.add(pe);
        return;
      }
      if (Array.isArray(value) && value.length > 0) toSetChildren(value, shape, parent.child(pe));
      return;
    case 'struct':
    case 'map':
      if (shape.atomic) {
        parent.add(pe);
        return;
      }
      if (isPlainObject(value)) toSetChildren(value, shape, parent.child(pe));
      else if (value !== null && value !== undefined) parent.add(pe);
      return;
  }
}

/** Adds the fields below `value` to `node`, the builder of `value`'s own path. */
function toSetChildren(value: unknown, shape: Shape, node: FieldSetBuilder): void {
  if (shape.kind === 'list') {
    if (!Array.isArray(value)) return;
    const items = itemsShape(shape);
    const pes: (PathElement | undefined)[] = [];
    const seen = new Set<PathElement>();
    const duplicates = new Set<PathElement>();
    for (const item of value) {
      const e = listItemElement(shape, item);
      const pe = 'pe' in e ? e.pe : undefined;
      pes.push(pe);
      if (pe === undefined) continue;
      if (seen.has(pe)) {
        if (!duplicates.has(pe)) {
          node.add(pe);
          duplicates.add(pe);
        }
      } else seen.add(pe);
    }
    for (let i = 0; i < value.length; i++) {
      const pe = pes[i];
      if (pe === undefined || duplicates.has(pe)) continue;
      toSet(value[i], items, node, pe);
      node.add(pe);
    }
    return;
  }
  if ((shape.kind !== 'struct' && shape.kind !== 'map') || !isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (v === undefined) continue;
    const pe = fieldElement(key);
    const declared = shape.kind === 'struct' ? fieldShape(shape, key) : undefined;
    const child = shape.kind === 'map' ? valuesShape(shape) : (declared ?? anyShape);
    toSet(v, child, node, pe);
    if (v === null || (isPlainObject(v) && isEmptyObject(v)) || declared === undefined) {
      node.add(pe);
    }
  }
}

// ---- compare ----------------------------------------------------------------------------------

export interface Comparison {
  /** Fields the right-hand object has and the left-hand one does not. */
  readonly added: FieldSet;
  /** Leaves present on both sides with different values. */
  readonly modified: FieldSet;
  /** Fields the left-hand object has and the right-hand one does not. */
  readonly removed: FieldSet;
}

/**
 * What changed from `lhs` to `rhs` (upstream `Compare`). Containers that appear or disappear are
 * reported themselves as well as everything below them; atomic values and empty containers are
 * compared whole. Objects are compared as upstream's Go objects would be: inside a struct that is
 * present, a missing non-pointer struct counts as `{}` and a missing non-omitempty field as
 * `null` (see `StructShape.zeroFields`). `undefined` for `lhs` means "no object" compared as the
 * empty object (what a create compares against).
 *
 * Throws `TypedError` when a list item's key cannot be computed.
 */
export function compareObjects(lhs: unknown, rhs: unknown, schema: Schema): Comparison {
  const c = new Comparer();
  c.compare(lhs ?? {}, rhs, shapeOf(schema));
  return { added: c.added.build(), modified: c.modified.build(), removed: c.removed.build() };
}

class Comparer {
  readonly added = new FieldSetBuilder();
  readonly modified = new FieldSetBuilder();
  readonly removed = new FieldSetBuilder();
  private readonly path: PathElement[] = [];

  compare(l: unknown, r: unknown, shape: Shape): void {
    if (l === undefined || r === undefined) {
      if (l === r) return;
    } else if (deepEqual(l, r)) {
      // Nothing below differs: skip the walk (the common case for most of an object).
      return;
    }
    switch (shape.kind) {
      case 'leaf':
        this.leaf(l, r);
        return;
      case 'struct':
      case 'map': {
        const lo = isPlainObject(l) ? l : undefined;
        const ro = isPlainObject(r) ? r : undefined;
        const mismatch = (l != null && lo === undefined) || (r != null && ro === undefined);
        if (mismatch || shape.atomic || (isEmptyObject(lo) && isEmptyObject(ro))) {
          this.leaf(l, r);
          return;
        }
        this.mapItems(lo, ro, shape);
        break;
      }
      case 'list': {
        const la = Array.isArray(l) ? l : undefined;
        const ra = Array.isArray(r) ? r : undefined;
        const mismatch = (l != null && la === undefined) || (r != null && ra === undefined);
        if (
          mismatch ||
          shape.relation === 'atomic' ||
          ((la?.length ?? 0) === 0 && (ra?.length ?? 0) === 0)
        ) {
          this.leaf(l, r);
          return;
        }
        this.listItems(la ?? [], ra ?? [], shape);
        break;
      }
    }
    if (l === undefined) this.added.insert(this.path);
    else if (r === undefined) this.removed.insert(this.path);
  }

  private leaf(l: unknown, r: unknown): void {
    if (l === undefined) this.added.insert(this.path);
    else if (r === undefined) this.removed.insert(this.path);
    else if (!deepEqual(l, r)) this.modified.insert(this.path);
  }

  private mapItems(
    lo: Record<string, unknown> | undefined,
    ro: Record<string, unknown> | undefined,
    shape: Shape & { kind: 'struct' | 'map' },
  ): void {
    const zero = shape.kind === 'struct' ? shape.zeroFields : undefined;
    const visit = (key: string, lv: unknown, rv: unknown): void => {
      if (zero !== undefined && (lv === undefined || rv === undefined) && zero.has(key)) {
        const z = zero.get(key);
        if (lv === undefined && lo !== undefined) lv = z;
        if (rv === undefined && ro !== undefined) rv = z;
      }
      const child =
        shape.kind === 'map' ? valuesShape(shape) : (fieldShape(shape, key) ?? anyShape);
      this.path.push(fieldElement(key));
      this.compare(lv, rv, child);
      this.path.pop();
    };
    if (lo !== undefined) {
      for (const key of Object.keys(lo)) visit(key, lo[key], ro?.[key]);
    }
    if (ro !== undefined) {
      for (const key of Object.keys(ro)) {
        if (lo === undefined || lo[key] === undefined) visit(key, undefined, ro[key]);
      }
    }
    // A struct that exists on one side only has its zero-value fields there (a new container
    // has `resources: {}` in Go), which upstream then reports as added or removed.
    if (zero !== undefined && (lo === undefined) !== (ro === undefined)) {
      for (const key of zero.keys()) {
        if (lo?.[key] === undefined && ro?.[key] === undefined) visit(key, undefined, undefined);
      }
    }
  }

  private listItems(la: readonly unknown[], ra: readonly unknown[], shape: ListShape): void {
    const items = itemsShape(shape);
    const order = new Set<PathElement>();
    const lItems = indexItems(shape, la, order);
    const rItems = indexItems(shape, ra, order);
    for (const pe of order) {
      const ls = lItems.get(pe) ?? [];
      const rs = rItems.get(pe) ?? [];
      this.path.push(pe);
      if (ls.length <= 1 && rs.length <= 1) {
        this.compare(ls[0], rs[0], items);
      } else if (ls.length >= 2 && rs.length >= 2) {
        if (ls.length !== rs.length || ls.some((x, i) => !deepEqual(x, rs[i]))) {
          this.modified.insert(this.path);
        }
      } else if (ls.length >= 2) {
        if (rs.length !== 0) this.compare(undefined, rs[0], items);
        this.removed.insert(this.path);
      } else {
        if (ls.length !== 0) this.compare(ls[0], undefined, items);
        this.added.insert(this.path);
      }
      this.path.pop();
    }
  }
}

/** Groups list items by path element (duplicates kept together); new elements go to `order`. */
function indexItems(
  shape: ListShape,
  list: readonly unknown[],
  order: Set<PathElement>,
): Map<PathElement, unknown[]> {
  const byPe = new Map<PathElement, unknown[]>();
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const e = listItemElement(shape, item);
    if ('error' in e) throw new TypedError(`element ${i}: ${e.error}`);
    const prev = byPe.get(e.pe);
    if (prev !== undefined) prev.push(item);
    else {
      byPe.set(e.pe, [item]);
      order.add(e.pe);
    }
  }
  return byPe;
}

// ---- merge ------------------------------------------------------------------------------------

/**
 * Merges an applied configuration into a live object (upstream `Merge`): the applied value wins
 * for every leaf it sets; structs and granular maps merge key by key; list-maps merge items by
 * key and sets by value, the applied items in the applied order with live-only items kept in
 * place around them; atomic values and empty containers are replaced whole. Null results are
 * dropped (a field set to null is unset), as are containers left empty by that. Returns
 * undefined when nothing remains.
 */
export function mergeObjects(live: unknown, applied: unknown, schema: Schema): unknown {
  return mergeNode(live, applied, shapeOf(schema));
}

function mergeNode(l: unknown, r: unknown, shape: Shape): unknown {
  if (r === undefined) return l;
  switch (shape.kind) {
    case 'leaf':
      return r;
    case 'struct':
    case 'map': {
      const lo = isPlainObject(l) ? l : undefined;
      const ro = isPlainObject(r) ? r : undefined;
      const mismatch = (l != null && lo === undefined) || (r != null && ro === undefined);
      if (mismatch || shape.atomic || (isEmptyObject(lo) && isEmptyObject(ro))) return r;
      const out: Record<string, unknown> = {};
      const child = (key: string): Shape =>
        shape.kind === 'map' ? valuesShape(shape) : (fieldShape(shape, key) ?? anyShape);
      if (lo !== undefined) {
        for (const key of Object.keys(lo)) {
          const v = mergeNode(lo[key], ro?.[key], child(key));
          if (v !== undefined && v !== null) out[key] = v;
        }
      }
      if (ro !== undefined) {
        for (const key of Object.keys(ro)) {
          if (lo !== undefined && lo[key] !== undefined) continue;
          const v = mergeNode(undefined, ro[key], child(key));
          if (v !== undefined && v !== null) out[key] = v;
        }
      }
      return isEmptyObject(out) ? undefined : out;
    }
    case 'list': {
      const la = Array.isArray(l) ? l : undefined;
      const ra = Array.isArray(r) ? r : undefined;
      const mismatch = (l != null && la === undefined) || (r != null && ra === undefined);
      if (
        mismatch ||
        shape.relation === 'atomic' ||
        ((la?.length ?? 0) === 0 && (ra?.length ?? 0) === 0)
      ) {
        return r;
      }
      const out = mergeListItems(la ?? [], ra ?? [], shape);
      return out.length > 0 ? out : undefined;
    }
  }
}

/**
 * Orders merged list items as upstream does: walk both lists; items the applied list shares with
 * the live one come in the applied order, live-only items stay where they were relative to them,
 * applied-only items come where the applied list has them.
 */
function mergeListItems(
  la: readonly unknown[],
  ra: readonly unknown[],
  shape: ListShape,
): unknown[] {
  const items = itemsShape(shape);
  const rPes: PathElement[] = [];
  const rByPe = new Map<PathElement, unknown>();
  for (const item of ra) {
    const e = listItemElement(shape, item);
    if ('error' in e) throw new TypedError(e.error);
    if (rByPe.has(e.pe))
      throw new TypedError(`duplicate entries for key ${renderPathElement(e.pe)}`);
    rPes.push(e.pe);
    rByPe.set(e.pe, item);
  }
  const lPes: PathElement[] = [];
  // A duplicated live item merges as if it were null: the applied item replaces all copies.
  const lByPe = new Map<PathElement, unknown>();
  for (const item of la) {
    const e = listItemElement(shape, item);
    if ('error' in e) throw new TypedError(e.error);
    lPes.push(e.pe);
    lByPe.set(e.pe, lByPe.has(e.pe) ? null : item);
  }
  const shared = rPes.filter((pe) => lByPe.has(pe));
  let sharedIdx = 0;
  let nextShared: PathElement | undefined = shared[sharedIdx++];
  const advanceShared = (): void => {
    nextShared = shared[sharedIdx++];
  };
  const merged = new Set<PathElement>();
  const out: unknown[] = [];
  const emit = (v: unknown): void => {
    if (v !== undefined) out.push(v);
  };
  let li = 0;
  let ri = 0;
  while (li < lPes.length || ri < rPes.length) {
    if (li < lPes.length && ri < rPes.length) {
      const pe = lPes[li] as PathElement;
      if (pe === rPes[ri]) {
        merged.add(pe);
        emit(mergeNode(lByPe.get(pe), rByPe.get(pe), items));
        li++;
        ri++;
        advanceShared();
        continue;
      }
      if (rByPe.has(pe) && nextShared !== undefined && nextShared !== pe) {
        li++;
        continue;
      }
    }
    if (li < lPes.length) {
      const pe = lPes[li] as PathElement;
      if (!rByPe.has(pe)) {
        emit(mergeNode(la[li], undefined, items));
        li++;
        continue;
      } else if (merged.has(pe)) {
        li++;
      }
    }
    if (ri < rPes.length) {
      const pe = rPes[ri] as PathElement;
      merged.add(pe);
      emit(mergeNode(lByPe.get(pe), rByPe.get(pe), items));
      ri++;
      if (nextShared === pe) advanceShared();
    }
  }
  return out;
}

// ---- remove -----------------------------------------------------------------------------------

/**
 * The object without the fields of `set` (upstream `RemoveItems`): a member path is removed with
 * everything below it; containers left empty disappear. Returns undefined when nothing remains.
 */
export function removeFields(value: unknown, set: FieldSet, schema: Schema): unknown {
  if (set.isEmpty()) return value;
  return removeNode(value, set, shapeOf(schema));
}

function removeNode(value: unknown, set: FieldSet, shape: Shape): unknown {
  switch (shape.kind) {
    case 'leaf':
      return value;
    case 'list': {
      if (!Array.isArray(value) || value.length === 0 || shape.relation === 'atomic') {
        return undefined;
      }
      const items = itemsShape(shape);
      const out: unknown[] = [];
      for (const item of value as readonly unknown[]) {
        const e = listItemElement(shape, item);
        if ('error' in e) {
          out.push(item);
          continue;
        }
        if (set.members.has(e.pe)) continue;
        const sub = set.children.get(e.pe);
        const kept = sub === undefined ? item : removeNode(item, sub, items);
        if (kept !== undefined) out.push(kept);
      }
      return out.length > 0 ? out : undefined;
    }
    case 'struct':
    case 'map': {
      if (!isPlainObject(value) || isEmptyObject(value) || shape.atomic) return undefined;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        const v = value[key];
        if (v === undefined) continue;
        const pe = fieldElement(key);
        if (set.members.has(pe)) continue;
        const sub = set.children.get(pe);
        if (sub === undefined) {
          out[key] = v;
          continue;
        }
        const child =
          shape.kind === 'map' ? valuesShape(shape) : (fieldShape(shape, key) ?? anyShape);
        const kept = removeNode(v, sub, child);
        if (kept !== undefined && kept !== null) out[key] = kept;
      }
      return isEmptyObject(out) ? undefined : out;
    }
  }
}

/**
 * Makes every declared struct field that has owned paths below it a member too (upstream
 * `EnsureNamedFieldsAreMembers`), so that removing the set removes emptied structs as well.
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, schema: Schema): FieldSet {
  return ensureNode(set, shapeOf(schema));
}

function ensureNode(set: FieldSet, shape: Shape | undefined): FieldSet {
  if (set.children.size === 0) return set;
  let members: Set<PathElement> | undefined;
  let children: Map<PathElement, FieldSet> | undefined;
  for (const [pe, c] of set.children) {
    let childShape: Shape | undefined;
    if (pe.startsWith('f:')) {
      if (shape?.kind === 'struct') {
        childShape = fieldShape(shape, pe.slice(2));
        if (childShape !== undefined && !set.members.has(pe))
          (members ??= new Set(set.members)).add(pe);
      } else if (shape?.kind === 'map') childShape = valuesShape(shape);
    } else if (pe.startsWith('k:') && shape?.kind === 'list') childShape = itemsShape(shape);
    const e = ensureNode(c, childShape);
    if (e !== c) (children ??= new Map(set.children)).set(pe, e);
  }
  if (members === undefined && children === undefined) return set;
  return new FieldSet(members ?? set.members, children ?? set.children);
}

// ---- values -----------------------------------------------------------------------------------

function isEmptyObject(o: Record<string, unknown> | undefined): boolean {
  if (o === undefined) return true;
  for (const k in o) if (o[k] !== undefined) return false;
  return true;
}

/** Equality of JSON values: objects by their (defined) keys in any order, arrays in order. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let n = 0;
  for (const k in ao) {
    const av = ao[k];
    if (av === undefined) continue;
    n++;
    if (!deepEqual(av, bo[k])) return false;
  }
  for (const k in bo) if (bo[k] !== undefined) n--;
  return n === 0;
}

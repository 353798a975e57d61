/**
 * Path elements: the steps of a field path inside an object, in the serialized form that
 * `metadata.managedFields[].fieldsV1` uses as object keys (structured-merge-diff's FieldsV1):
 *
 *   f:<name>             a struct field or a map key             f:spec, f:app.kubernetes.io/name
 *   k:<json object>      a list-map item, by its key fields      k:{"containerPort":80,"protocol":"TCP"}
 *   v:<json value>       a set item, by its value                v:"example.com/cleanup"
 *   i:<n>                a list item by index (never produced for typed objects; decoded only)
 *
 * Inside a FieldsV1 trie the key `.` means "the element itself" (see field-set.ts).
 *
 * We keep path elements as these strings everywhere (they are cheap map keys and need no
 * re-encoding). `k:` keys list their fields sorted by name and values are JSON as Go's
 * encoding/json writes them (HTML-safe escapes), so the same element always has the same string.
 *
 * Two more renderings exist: the order upstream sorts elements in (fields, then keys, then values,
 * then indexes; `comparePathElements`) and the human form used in conflict messages
 * (`.spec.containers[name="app"].image`; `renderPath`).
 */
import { goQuote } from '../../api/index.ts';
import { errorMessage } from '../../util/index.ts';

/** One serialized path element: `f:spec`, `k:{"name":"app"}`, `v:"x"`, `i:0`. */
export type PathElement = string;

/** A path from the object root: `['f:spec', 'f:replicas']`. */
export type FieldPath = readonly PathElement[];

/** A parsed path element. Values of `key` and `value` elements are JSON values. */
export type ParsedPathElement =
  | { readonly type: 'field'; readonly name: string }
  | { readonly type: 'key'; readonly fields: readonly (readonly [string, unknown])[] }
  | { readonly type: 'value'; readonly value: unknown }
  | { readonly type: 'index'; readonly index: number };

export function fieldElement(name: string): PathElement {
  return 'f:' + name;
}

/**
 * A list-map item element from its key fields (name → value, in any order): fields are sorted by
 * name as upstream does.
 */
export function keyElement(fields: Iterable<readonly [string, unknown]>): PathElement {
  const sorted = [...fields].sort((a, b) => compareStrings(a[0], b[0]));
  let s = 'k:{';
  for (let i = 0; i < sorted.length; i++) {
    const [name, value] = sorted[i] as readonly [string, unknown];
    if (i > 0) s += ',';
    s += goJsonString(name) + ':' + goJson(value);
  }
  return s + '}';
}

export function valueElement(value: unknown): PathElement {
  return 'v:' + goJson(value);
}

export function indexElement(index: number): PathElement {
  return 'i:' + String(index);
}

/** Builds a path from field names: `fieldPath('spec', 'replicas')`. */
export function fieldPath(...names: string[]): FieldPath {
  return names.map(fieldElement);
}

export class PathElementError extends Error {
  override readonly name = 'PathElementError';
}

/** Parses a serialized element; throws `PathElementError` when it is malformed. */
export function parsePathElement(pe: string): ParsedPathElement {
  if (pe.length < 2) throw new PathElementError('key must be 2 characters long');
  if (pe[1] !== ':') throw new PathElementError(`missing colon: ${pe}`);
  const body = pe.slice(2);
  switch (pe.charAt(0)) {
    case 'f':
      return { type: 'field', name: body };
    case 'v':
      return { type: 'value', value: parseJson(body) };
    case 'k': {
      const parsed = parseJson(body);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new PathElementError(`key element must be a JSON object: ${pe}`);
      }
      const fields = Object.entries(parsed as Record<string, unknown>).sort((a, b) =>
        compareStrings(a[0], b[0]),
      );
      return { type: 'key', fields };
    }
    case 'i': {
      if (!/^-?\d+$/.test(body)) throw new PathElementError(`invalid index: ${pe}`);
      return { type: 'index', index: Number(body) };
    }
    default:
      throw new UnknownPathElementTypeError(`unknown path element type: ${pe}`);
  }
}

/** Upstream skips (rather than rejects) elements of an unknown type when decoding FieldsV1. */
export class UnknownPathElementTypeError extends PathElementError {}

/**
 * The canonical string of a decoded element (sorted key fields, Go JSON). Decoding FieldsV1 runs
 * every `k:` and `v:` key through this so that client-written keys compare equal to ours.
 */
export function canonicalPathElement(pe: string): PathElement {
  const parsed = parsePathElement(pe);
  switch (parsed.type) {
    case 'field':
      return pe;
    case 'key':
      return keyElement(parsed.fields);
    case 'value':
      return valueElement(parsed.value);
    case 'index':
      return indexElement(parsed.index);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new PathElementError(errorMessage(e));
  }
}

// ---- ordering ---------------------------------------------------------------------------------

const typeRank: Readonly<Record<string, number>> = { f: 0, k: 1, v: 2, i: 3 };

/**
 * Upstream's order of path elements: field names (byte order), then list-map keys, then set
 * values, then indexes. This is the order FieldsV1 keys are written in and conflicts are listed in.
 */
export function comparePathElements(a: PathElement, b: PathElement): number {
  if (a === b) return 0;
  const ra = typeRank[a[0] ?? ''] ?? 4;
  const rb = typeRank[b[0] ?? ''] ?? 4;
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (ra === 0 || ra === 4) return compareStrings(a, b);
  const pa = parsedForOrder(a);
  const pb = parsedForOrder(b);
  if (pa.type === 'key' && pb.type === 'key') return compareKeyFields(pa.fields, pb.fields);
  if (pa.type === 'value' && pb.type === 'value') return compareValues(pa.value, pb.value);
  if (pa.type === 'index' && pb.type === 'index') return Math.sign(pa.index - pb.index);
  return compareStrings(a, b);
}

const parsedCache = new Map<string, ParsedPathElement>();
const parsedCacheLimit = 4096;

/** Parses for sorting, remembering recent elements (sorting compares each many times). */
function parsedForOrder(pe: PathElement): ParsedPathElement {
  let p = parsedCache.get(pe);
  if (p === undefined) {
    p = parsePathElement(pe);
    if (parsedCache.size >= parsedCacheLimit) parsedCache.clear();
    parsedCache.set(pe, p);
  }
  return p;
}

function compareKeyFields(
  a: readonly (readonly [string, unknown])[],
  b: readonly (readonly [string, unknown])[],
): number {
  for (let i = 0; ; i++) {
    const fa = a[i];
    const fb = b[i];
    if (fa === undefined && fb === undefined) return 0;
    if (fa === undefined) return -1;
    if (fb === undefined) return 1;
    const c = compareStrings(fa[0], fb[0]);
    if (c !== 0) return c;
    const v = compareValues(fa[1], fb[1]);
    if (v !== 0) return v;
  }
}

function valueRank(v: unknown): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null && typeof v === 'object') return 4;
  return 5; // null
}

/** Upstream's total order of values: numbers, strings, booleans, lists, maps, null. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = valueRank(a);
  const rb = valueRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; ; i++) {
      if (i >= a.length && i >= b.length) return 0;
      if (i >= a.length) return -1;
      if (i >= b.length) return 1;
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c;
    }
  }
  if (ra === 4) {
    const ea = Object.entries(a as Record<string, unknown>).sort((x, y) =>
      compareStrings(x[0], y[0]),
    );
    const eb = Object.entries(b as Record<string, unknown>).sort((x, y) =>
      compareStrings(x[0], y[0]),
    );
    return compareKeyFields(ea, eb);
  }
  return 0;
}

/** Compares strings by code point, which is the byte order of their UTF-8 (Go's string order). */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    const sa = ca >= 0xd800 && ca <= 0xdfff;
    const sb = cb >= 0xd800 && cb <= 0xdfff;
    // A surrogate stands for a code point above U+FFFF, beyond every BMP character.
    if (sa !== sb) return sa ? 1 : -1;
    return ca < cb ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

// ---- rendering ----------------------------------------------------------------------------------

/**
 * The human form of a path, as upstream prints it in conflict messages and causes:
 * `.spec.template.spec.containers[name="app"].image`, `.metadata.finalizers[="x"]`,
 * `.spec.template.spec.containers[name="app"].ports[containerPort=80,protocol="TCP"]`.
 */
export function renderPath(path: FieldPath): string {
  let s = '';
  for (const pe of path) s += renderPathElement(pe);
  return s;
}

export function renderPathElement(pe: PathElement): string {
  let parsed: ParsedPathElement;
  try {
    parsed = parsePathElement(pe);
  } catch {
    return '{{invalid path element}}';
  }
  switch (parsed.type) {
    case 'field':
      return '.' + parsed.name;
    case 'key':
      return '[' + parsed.fields.map(([k, v]) => `${k}=${goValueString(v)}`).join(',') + ']';
    case 'value':
      return '[=' + goValueString(parsed.value) + ']';
    case 'index':
      return `[${parsed.index}]`;
  }
}

/** A value as upstream renders it inside a path: strings Go-quoted, the rest bare. */
function goValueString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return goFloatString(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return '[' + v.map(goValueString).join(',') + ']';
  if (typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>)
      .sort((a, b) => compareStrings(a[0], b[0]))
      .map(([k, x]) => `${k}=${goValueString(x)}`)
      .join('');
  }
  return '';
}

/** Go's `%v` of a float64 (the shortest form, exponent outside [1e-4, 1e21)). */
function goFloatString(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    const [mant = '', exp = '0'] = n.toExponential().split('e');
    const e = Number(exp);
    return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return String(n);
}

// ---- Go-compatible JSON -----------------------------------------------------------------------

const htmlUnsafe = /[<>&\u2028\u2029]/;
const htmlUnsafeGlobal = /[<>&\u2028\u2029]/g;

/** A JSON string as Go's encoding/json writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped. */
export function goJsonString(s: string): string {
  const json = JSON.stringify(s);
  if (!htmlUnsafe.test(json)) return json;
  return json.replace(
    htmlUnsafeGlobal,
    (c) => '\\u' + (c.codePointAt(0) ?? 0).toString(16).padStart(4, '0'),
  );
}

/** A JSON value as Go's encoding/json writes it: map keys sorted, HTML-safe strings, no spaces. */
export function goJson(v: unknown): string {
  if (typeof v === 'string') return goJsonString(v);
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return '[' + v.map(goJson).join(',') + ']';
  if (v === null || typeof v !== 'object') return 'null';
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort((a, b) => compareStrings(a[0], b[0]));
  return '{' + entries.map(([k, x]) => goJsonString(k) + ':' + goJson(x)).join(',') + '}';
}

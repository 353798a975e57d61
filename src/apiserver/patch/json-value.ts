/**
 * Helpers over plain JSON values (what `JSON.parse` returns), shared by the three patch engines.
 *
 * Objects are read and written only through own properties (`getOwn`, `hasOwn`, `setOwn`): a patch
 * may carry keys such as `__proto__` or `constructor`, and those must behave like any other key, never
 * reach `Object.prototype`.
 *
 * The `go*` formatters reproduce how Go's `fmt` prints the decoded values (`%v`, `%s`, type names),
 * because upstream error messages embed them (`map: map[image:nginx] does not contain declared
 * merge key: name`).
 */

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function hasOwn(o: JsonObject, k: string): boolean {
  return Object.hasOwn(o, k);
}

/** The own property `k` of `o`; `undefined` when absent (never an inherited member). */
export function getOwn(o: JsonObject, k: string): unknown {
  return Object.hasOwn(o, k) ? o[k] : undefined;
}

/** Sets own property `k`, also when `k` is `__proto__`. */
export function setOwn(o: JsonObject, k: string, v: unknown): void {
  if (k === '__proto__') {
    Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  } else {
    o[k] = v;
  }
}

/** Removes own property `k`. */
export function deleteOwn(o: JsonObject, k: string): void {
  Reflect.deleteProperty(o, k);
}

/** A shallow copy that keeps a `__proto__` own key as data (spread does too; assignment would not). */
export function shallowCopy(o: JsonObject): JsonObject {
  return { ...o };
}

/** Structural equality of two JSON values (numbers by value, objects regardless of key order). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) {
      if (!hasOwn(b, k) || !jsonEqual(a[k], b[k])) return false;
    }
    return true;
  }
  return false;
}

/**
 * Go's `==` on two decoded JSON values held in `interface{}`: scalars compare by value, `nil`
 * equals `nil` (a missing key and JSON null are both `nil`), containers never compare equal (Go
 * would panic comparing maps).
 */
export function goScalarEqual(a: unknown, b: unknown): boolean {
  const an = a ?? null;
  const bn = b ?? null;
  if (an === null || bn === null) return an === bn;
  if (typeof an === 'object' || typeof bn === 'object') return false;
  return an === bn;
}

/** Go's `reflect.TypeOf(v).String()` for a decoded JSON value (`int64` for integers, as decoded). */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

/** Go's `%v` of a float64: shortest digits, exponent form below 1e-4 and from 1e6 (as `%g`). */
function goFloat(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa = '0', expText = '0'] = n.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const abs = Math.abs(exp);
    return `${mantissa}e${sign}${abs < 10 ? '0' : ''}${abs}`;
  }
  return String(n);
}

function goNumber(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 2 ** 63 ? BigInt(n).toString() : goFloat(n);
}

function sortedKeys(o: JsonObject): string[] {
  return Object.keys(o).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
}

/** Go's `fmt.Sprintf("%v", v)` of a decoded JSON value: `map[a:1 b:[x y]]`, `<nil>`. */
export function goFormat(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return goNumber(v);
  if (Array.isArray(v)) return '[' + v.map(goFormat).join(' ') + ']';
  if (isObject(v)) {
    return (
      'map[' +
      sortedKeys(v)
        .map((k) => `${k}:${goFormat(v[k])}`)
        .join(' ') +
      ']'
    );
  }
  return '';
}

/** Go's `fmt.Sprintf("%s", v)`: strings as they are, other scalars as `%!s(int64=5)`. */
export function goFormatS(v: unknown): string {
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'number')
    return `%!s(${goTypeName(v)}=${goFormat(v)})`;
  if (Array.isArray(v)) return '[' + v.map(goFormatS).join(' ') + ']';
  if (isObject(v)) {
    return (
      'map[' +
      sortedKeys(v)
        .map((k) => `${k}:${goFormatS(v[k])}`)
        .join(' ') +
      ']'
    );
  }
  return '';
}

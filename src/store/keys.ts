/**
 * Key ordering shared by every backend, so that paging (`startAfter`) and list order are the same
 * whether keys live in a JS array or in a SQLite index.
 *
 * SQLite's BINARY collation compares the UTF-8 bytes of a key, which is Unicode code point order.
 * JavaScript's `<` on strings compares UTF-16 code units, which agrees with code point order except
 * when one side is a surrogate (astral character) and the other is in U+E000..U+FFFF. `compareKeys`
 * fixes that case, so all backends sort keys exactly like SQLite does.
 */

/** Negative, zero or positive as `a` sorts before, equal to or after `b` (code point order). */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // Below U+D800 code units and code points order the same way; above it, surrogates
      // (U+D800..U+DFFF) stand for code points beyond U+FFFF and must sort after U+E000..U+FFFF.
      if (x >= 0xd800 && y >= 0xd800) return rank(x) - rank(y);
      return x - y;
    }
  }
  return a.length - b.length;
}

function rank(unit: number): number {
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/** True when `key` belongs to the range listed or watched under `prefix`. */
export function hasPrefix(key: string, prefix: string): boolean {
  return key.startsWith(prefix);
}

/**
 * The smallest string greater than every string that starts with `prefix` (in code point order),
 * or undefined when there is none (empty prefix, or a prefix of only U+10FFFF characters).
 * Range queries use `key >= prefix AND key < prefixEnd(prefix)`.
 */
export function prefixEnd(prefix: string): string | undefined {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = points.pop() ?? '';
    const cp = last.codePointAt(0) ?? 0;
    if (cp < 0x10ffff) {
      // Skip the surrogate block: it holds no code points of its own.
      const next = cp + 1 === 0xd800 ? 0xe000 : cp + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

/** Index of the first element of the sorted `keys` that is greater than (or, if `inclusive`, equal to) `key`. */
export function lowerBound(keys: readonly string[], key: string, inclusive: boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareKeys(keys[mid] ?? '', key);
    if (c < 0 || (!inclusive && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

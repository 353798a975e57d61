/**
 * Go's value formatting, as far as upstream messages show it: `strconv.Quote` (`%q`), `%v` of
 * floats, and `%#v` of the few composite values validation reports (`[]string{"a", "b"}`).
 *
 * Messages in a 4xx `Status` embed values rendered this way, and users (and tests, and tools that
 * parse messages) see the difference between `"a\u00e9"` and `"aé"`, so we reproduce Go's rules.
 */

const hex = '0123456789abcdef';

/** Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

function isGoPrint(cp: number, ch: string): boolean {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f;
  return printable.test(ch);
}

function needsQuoting(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f || c === 0x22 || c === 0x5c) return true;
  }
  return false;
}

function hexDigits(n: number, width: number): string {
  let out = '';
  for (let i = width - 1; i >= 0; i--) out += hex.charAt((n >>> (i * 4)) & 0xf);
  return out;
}

/**
 * Go's `strconv.Quote(s)`, i.e. `fmt.Sprintf("%q", s)`: double-quoted, with `\"`, `\\`, the C
 * escapes `\a\b\f\n\r\t\v`, `\xHH` for other control characters, `\uHHHH`/`\UHHHHHHHH` for
 * non-printable code points, and printable Unicode kept as it is. A lone surrogate (which a Go
 * string could not hold) is rendered as `\ufffd`, the replacement character Go's decoders produce.
 */
export function goQuote(s: string): string {
  if (!needsQuoting(s)) return `"${s}"`;
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    switch (cp) {
      case 0x22:
        out += '\\"';
        continue;
      case 0x5c:
        out += '\\\\';
        continue;
      case 0x07:
        out += '\\a';
        continue;
      case 0x08:
        out += '\\b';
        continue;
      case 0x0c:
        out += '\\f';
        continue;
      case 0x0a:
        out += '\\n';
        continue;
      case 0x0d:
        out += '\\r';
        continue;
      case 0x09:
        out += '\\t';
        continue;
      case 0x0b:
        out += '\\v';
        continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      out += '\ufffd';
    } else if (isGoPrint(cp, ch)) {
      out += ch;
    } else if (cp < 0x20 || cp === 0x7f) {
      out += '\\x' + hexDigits(cp, 2);
    } else if (cp < 0x10000) {
      out += '\\u' + hexDigits(cp, 4);
    } else {
      out += '\\U' + hexDigits(cp, 8);
    }
  }
  return out + '"';
}

/** Go's `%v` of a float64 (`strconv.FormatFloat(f, 'g', -1, 64)`): `0.5`, `1e+06`, `1e-05`. */
export function goFormatFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const e = n.toExponential();
  const at = e.indexOf('e');
  const exp = Number(e.slice(at + 1));
  if (exp < -4 || exp >= 6) {
    const mantissa = e.slice(0, at);
    const sign = exp < 0 ? '-' : '+';
    const digits = String(Math.abs(exp));
    return `${mantissa}e${sign}${digits.length < 2 ? '0' + digits : digits}`;
  }
  // -4 <= exp < 6: plain decimal notation; JS switches to exponents only further out.
  return String(n);
}

/**
 * A value that renders as the given Go syntax in messages (what `%#v` or a `String()` method
 * would print), for bad values that are not plain strings, numbers or booleans.
 */
export class GoLiteral {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  toString(): string {
    return this.text;
  }
}

/** `%#v` of a `[]string`: `[]string{"a", "b"}`, `[]string{}`, or `[]string(nil)` for null. */
export function goStringSlice(values: readonly string[] | null | undefined): GoLiteral {
  if (values === null || values === undefined) return new GoLiteral('[]string(nil)');
  return new GoLiteral(`[]string{${values.map(goQuote).join(', ')}}`);
}

/**
 * Go's `len(s)` of a string: its length in UTF-8 bytes. A lone surrogate counts 3, as the U+FFFD
 * that Go's JSON decoder puts in its place.
 */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

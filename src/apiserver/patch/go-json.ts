/**
 * JSON as the kube-apiserver's Go decoder sees it.
 *
 * `scanGoJson` checks a body the way Go's `encoding/json` scanner does before it decodes anything,
 * and returns the same error text (`invalid character 'x' looking for beginning of value`,
 * `unexpected end of JSON input`, `invalid character '[' exceeded max depth`), so a malformed
 * PATCH body gets the message a real cluster gives. The scanner is a byte state machine; it never
 * recurses, so any nesting is safe to check. Nesting deeper than 10000 is rejected, as in Go.
 *
 * `goEncodedLength` is the length of Go's `json.Marshal` output for a value (compact, with `<`,
 * `>`, `&`, U+2028 and U+2029 escaped), which is what the JSON patch copy limit counts;
 * `goMarshal` is that output itself (map keys sorted), for messages that quote a document.
 */
import { goQuote } from '../../api/index.ts';
import { isObject } from './json-value.ts';

/** Go's `encoding/json` nesting limit. */
export const MAX_JSON_NESTING_DEPTH = 10000;

const St = {
  beginValue: 0,
  beginValueOrEmpty: 1,
  beginStringOrEmpty: 2,
  beginString: 3,
  inString: 4,
  inStringEsc: 5,
  inStringEscU: 6,
  neg: 7,
  zero: 8,
  one: 9,
  dot: 10,
  dot0: 11,
  exp: 12,
  expSign: 13,
  exp0: 14,
  literal: 15,
  endValue: 16,
  endTop: 17,
} as const;
type State = (typeof St)[keyof typeof St];

const objectKey = 0;
const objectValue = 1;
const arrayValue = 2;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** Go's `quoteChar`: the offending byte as it appears in a syntax error. */
function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  const q = goQuote(String.fromCharCode(c));
  return `'${q.slice(1, -1)}'`;
}

class SyntaxFailure extends Error {}

/**
 * Scans `data` as Go's `checkValid` does. Returns `undefined` when it is one valid JSON value
 * nested at most 10000 deep, or Go's error text.
 */
export function scanGoJson(data: Uint8Array): string | undefined {
  let state: State = St.beginValue;
  const stack: number[] = [];
  // Set once the top-level value is complete (an object, so closures may update it).
  const finished = { value: false };
  const isFinished = (): boolean => finished.value;
  let literal = '';
  let literalPos = 0;
  let escU = 0;

  const fail = (c: number, context: string): never => {
    throw new SyntaxFailure(`invalid character ${quoteChar(c)} ${context}`);
  };

  const push = (c: number, kind: number): void => {
    stack.push(kind);
    if (stack.length > MAX_JSON_NESTING_DEPTH) fail(c, 'exceeded max depth');
  };

  const pop = (): void => {
    stack.pop();
    if (stack.length === 0) {
      state = St.endTop;
      finished.value = true;
    } else {
      state = St.endValue;
    }
  };

  const beginValue = (c: number): void => {
    if (isSpace(c)) return;
    switch (c) {
      case 0x7b: // {
        state = St.beginStringOrEmpty;
        push(c, objectKey);
        return;
      case 0x5b: // [
        state = St.beginValueOrEmpty;
        push(c, arrayValue);
        return;
      case 0x22:
        state = St.inString;
        return;
      case 0x2d:
        state = St.neg;
        return;
      case 0x30:
        state = St.zero;
        return;
      case 0x74:
        startLiteral('true');
        return;
      case 0x66:
        startLiteral('false');
        return;
      case 0x6e:
        startLiteral('null');
        return;
    }
    if (c >= 0x31 && c <= 0x39) {
      state = St.one;
      return;
    }
    fail(c, 'looking for beginning of value');
  };

  const startLiteral = (word: string): void => {
    state = St.literal;
    literal = word;
    literalPos = 1;
  };

  const endTopStep = (c: number): void => {
    if (!isSpace(c)) fail(c, 'after top-level value');
  };

  const endValue = (c: number): void => {
    const n = stack.length;
    if (n === 0) {
      state = St.endTop;
      finished.value = true;
      endTopStep(c);
      return;
    }
    if (isSpace(c)) {
      state = St.endValue;
      return;
    }
    const top = stack[n - 1];
    if (top === objectKey) {
      if (c === 0x3a) {
        stack[n - 1] = objectValue;
        state = St.beginValue;
        return;
      }
      fail(c, 'after object key');
    } else if (top === objectValue) {
      if (c === 0x2c) {
        stack[n - 1] = objectKey;
        state = St.beginString;
        return;
      }
      if (c === 0x7d) {
        pop();
        return;
      }
      fail(c, 'after object key:value pair');
    } else {
      if (c === 0x2c) {
        state = St.beginValue;
        return;
      }
      if (c === 0x5d) {
        pop();
        return;
      }
      fail(c, 'after array element');
    }
  };

  const step = (c: number): void => {
    switch (state) {
      case St.beginValue:
        beginValue(c);
        return;
      case St.beginValueOrEmpty:
        if (isSpace(c)) return;
        if (c === 0x5d) endValue(c);
        else beginValue(c);
        return;
      case St.beginStringOrEmpty:
        if (isSpace(c)) return;
        if (c === 0x7d) {
          stack[stack.length - 1] = objectValue;
          endValue(c);
          return;
        }
        if (c === 0x22) state = St.inString;
        else fail(c, 'looking for beginning of object key string');
        return;
      case St.beginString:
        if (isSpace(c)) return;
        if (c === 0x22) state = St.inString;
        else fail(c, 'looking for beginning of object key string');
        return;
      case St.inString:
        if (c === 0x22) state = St.endValue;
        else if (c === 0x5c) state = St.inStringEsc;
        else if (c < 0x20) fail(c, 'in string literal');
        return;
      case St.inStringEsc:
        if ('bfnrt\\/"'.includes(String.fromCharCode(c))) state = St.inString;
        else if (c === 0x75) {
          state = St.inStringEscU;
          escU = 0;
        } else fail(c, 'in string escape code');
        return;
      case St.inStringEscU:
        if (!isHex(c)) fail(c, 'in \\u hexadecimal character escape');
        escU++;
        if (escU === 4) state = St.inString;
        return;
      case St.neg:
        if (c === 0x30) state = St.zero;
        else if (c >= 0x31 && c <= 0x39) state = St.one;
        else fail(c, 'in numeric literal');
        return;
      case St.one:
        if (isDigit(c)) return;
        zero(c);
        return;
      case St.zero:
        zero(c);
        return;
      case St.dot:
        if (isDigit(c)) state = St.dot0;
        else fail(c, 'after decimal point in numeric literal');
        return;
      case St.dot0:
        if (isDigit(c)) return;
        if (c === 0x65 || c === 0x45) state = St.exp;
        else endValue(c);
        return;
      case St.exp:
        if (c === 0x2b || c === 0x2d) {
          state = St.expSign;
          return;
        }
        expSign(c);
        return;
      case St.expSign:
        expSign(c);
        return;
      case St.exp0:
        if (!isDigit(c)) endValue(c);
        return;
      case St.literal: {
        const want = literal.charCodeAt(literalPos);
        if (c !== want) {
          fail(c, `in literal ${literal} (expecting ${quoteChar(want)})`);
        }
        literalPos++;
        if (literalPos === literal.length) state = St.endValue;
        return;
      }
      case St.endValue:
        endValue(c);
        return;
      case St.endTop:
        endTopStep(c);
        return;
    }
  };

  const zero = (c: number): void => {
    if (c === 0x2e) state = St.dot;
    else if (c === 0x65 || c === 0x45) state = St.exp;
    else endValue(c);
  };

  const expSign = (c: number): void => {
    if (isDigit(c)) state = St.exp0;
    else fail(c, 'in exponent of numeric literal');
  };

  try {
    for (const c of data) step(c);
    if (isFinished()) return undefined;
    step(0x20);
    if (isFinished()) return undefined;
    return 'unexpected end of JSON input';
  } catch (e) {
    if (e instanceof SyntaxFailure) return e.message;
    throw e;
  }
}

const encoder = new TextEncoder();
// Keep a leading byte-order mark: Go rejects it, so must we.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** UTF-8 bytes of a body given as text or bytes. */
export function bodyBytes(body: string | Uint8Array): Uint8Array {
  return typeof body === 'string' ? encoder.encode(body) : body;
}

/**
 * Decodes one JSON value as Go would accept it: syntax errors (and nesting beyond 10000) are
 * returned as Go's message instead of a value.
 */
export function parseGoJson(
  body: string | Uint8Array,
): { ok: true; value: unknown; text: string } | { ok: false; error: string } {
  const bytes = bodyBytes(body);
  const text = typeof body === 'string' ? body : decoder.decode(body);
  // Fast path: JSON.parse agrees with Go on what is valid; only depth needs its own check, and only
  // a body longer than the limit can nest past it.
  try {
    const value: unknown = JSON.parse(text);
    if (bytes.length > MAX_JSON_NESTING_DEPTH) {
      const err = scanGoJson(bytes);
      if (err !== undefined) return { ok: false, error: err };
    }
    return { ok: true, value, text };
  } catch {
    return { ok: false, error: scanGoJson(bytes) ?? 'unexpected end of JSON input' };
  }
}

/** Go's JSON kind name in `cannot unmarshal <kind> into ...` messages. */
export function goJsonKind(v: unknown): 'object' | 'array' | 'string' | 'number' | 'bool' | 'null' {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (isObject(v)) return 'object';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  return 'bool';
}

/**
 * Byte length Go's `json.Marshal` gives a value whose compact JSON text (as `JSON.stringify` writes
 * it) is `text`: UTF-8, with `<`, `>`, `&` (6 bytes each) and U+2028, U+2029 escaped.
 */
export function goEncodedLength(text: string): number {
  let extra = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3c || c === 0x3e || c === 0x26) extra += 5;
    else if (c === 0x2028 || c === 0x2029) extra += 3;
  }
  return Buffer.byteLength(text, 'utf8') + extra;
}

function goMarshalInto(v: unknown, out: string[]): void {
  if (Array.isArray(v)) {
    out.push('[');
    v.forEach((item, i) => {
      if (i > 0) out.push(',');
      goMarshalInto(item, out);
    });
    out.push(']');
  } else if (isObject(v)) {
    out.push('{');
    Object.keys(v)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .forEach((k, i) => {
        if (i > 0) out.push(',');
        out.push(JSON.stringify(k), ':');
        goMarshalInto(v[k], out);
      });
    out.push('}');
  } else {
    out.push(JSON.stringify(v ?? null));
  }
}

/** Go's `json.Marshal` of a decoded value: compact, map keys sorted, HTML characters escaped. */
export function goMarshal(v: unknown): string {
  const out: string[] = [];
  goMarshalInto(v, out);
  return out
    .join('')
    .replace(/[<>&\u2028\u2029]/g, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'));
}

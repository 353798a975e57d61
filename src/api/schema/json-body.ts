/**
 * `parseJsonBody`: JSON parsing for request bodies, with what `JSON.parse` cannot tell us:
 *
 *   - duplicate keys, with their upstream strict-decoding paths (`JSON.parse` silently keeps the
 *     last value; upstream reports `duplicate field "spec.replicas"` under fieldValidation);
 *   - Go's syntax error messages (`invalid character '}' after object key`), with positions;
 *   - a nesting limit (10,000, as Go's scanner), enforced without recursion;
 *   - the literal text of numbers whose JS value loses it (`1.0`, `1e3`, `2^63-1`), so integer
 *     fields can reject `1.0` and quantities keep `1e3`, as upstream does.
 *
 * Strings are decoded as Go does: invalid UTF-8 and lone `\ud800` escapes become U+FFFD.
 * Iterative, one pass, no regular expressions in the hot path; a second pass runs only for bodies
 * that contain duplicates (to record key order).
 */
import type { DuplicateField, ParsedBody } from './body.ts';
import { BodySyntaxError, strictPath } from './body.ts';
import { goQuoteChar, MAX_JSON_NESTING_DEPTH } from './go-json-scan.ts';

export interface JsonBodyOptions {
  /** Maximum nesting of objects and arrays; 10,000 (Go's limit) by default. */
  readonly maxDepth?: number;
  /** Invalid UTF-8: replaced by U+FFFD (upstream's behaviour, the default) or rejected. */
  readonly invalidUtf8?: 'replace' | 'reject';
}

const replacingDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Byte offset, line and column (1-based) of UTF-16 index `i` in `text`. */
function positionOf(text: string, i: number): { offset: number; line: number; column: number } {
  let offset = 0;
  let line = 1;
  let column = 1;
  for (let k = 0; k < i && k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c < 0x80) offset += 1;
    else if (c < 0x800) offset += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      offset += 4;
      k++;
    } else offset += 3;
    if (c === 0x0a) {
      line++;
      column = 1;
    } else column++;
  }
  return { offset, line, column };
}

/** Go's `quoteChar` of the byte at `i` (the first UTF-8 byte for a non-ASCII character). */
function quoteChar(text: string, i: number): string {
  const cp = text.codePointAt(i) ?? 0;
  if (cp < 0x80) return goQuoteChar(cp);
  if (cp < 0x800) return goQuoteChar(0xc0 | (cp >> 6));
  if (cp < 0x10000) return goQuoteChar(0xe0 | (cp >> 12));
  return goQuoteChar(0xf0 | (cp >> 18));
}

interface Frame {
  readonly container: Record<string, unknown> | unknown[];
  readonly isArray: boolean;
  /** Pending key (objects) or current index (arrays). */
  key: string;
  index: number;
  /** Per-object key positions, when recording order. */
  readonly order: Map<string, number> | undefined;
}

const hexValue = (c: number): number =>
  c >= 0x30 && c <= 0x39
    ? c - 0x30
    : c >= 0x61 && c <= 0x66
      ? c - 0x57
      : c >= 0x41 && c <= 0x46
        ? c - 0x37
        : -1;

class JsonParser {
  private readonly text: string;
  private readonly n: number;
  private readonly maxDepth: number;
  private readonly recordOrder: boolean;
  private i = 0;
  private seq = 0;
  readonly duplicates: DuplicateField[] = [];
  numberLiterals: WeakMap<object, Map<string | number, string>> | undefined;
  keyOrder: WeakMap<object, Map<string, number>> | undefined;
  private readonly stack: Frame[] = [];

  constructor(text: string, maxDepth: number, recordOrder: boolean) {
    this.text = text;
    this.n = text.length;
    this.maxDepth = maxDepth;
    this.recordOrder = recordOrder;
    if (recordOrder) this.keyOrder = new WeakMap();
  }

  private fail(context: string, at = this.i): never {
    if (at >= this.n) {
      throw new BodySyntaxError('unexpected end of JSON input', 'eof', positionOf(this.text, at));
    }
    throw new BodySyntaxError(
      `invalid character ${quoteChar(this.text, at)} ${context}`,
      context === 'exceeded max depth' ? 'depth' : 'syntax',
      positionOf(this.text, at),
    );
  }

  /**
   * A failure inside a number, a literal or a string escape. At the end of the input Go's scanner
   * is fed one space, which fails there, so `tru` reports `invalid character ' ' in literal true
   * (expecting 'e')` rather than `unexpected end of JSON input`.
   */
  private failInToken(context: string, at: number): never {
    if (at >= this.n) {
      throw new BodySyntaxError(
        `invalid character ' ' ${context}`,
        'syntax',
        positionOf(this.text, at),
      );
    }
    this.fail(context, at);
  }

  private skipSpace(): number {
    const t = this.text;
    let i = this.i;
    for (; i < this.n; i++) {
      const c = t.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    }
    this.i = i;
    return i < this.n ? t.charCodeAt(i) : -1;
  }

  parse(): unknown {
    let c = this.skipSpace();
    let value: unknown;
    for (;;) {
      // Parse one value starting at this.i (whitespace skipped, c is its first character).
      switch (c) {
        case 0x7b /* { */: {
          if (this.stack.length >= this.maxDepth) this.fail('exceeded max depth');
          const obj: Record<string, unknown> = {};
          const order = this.recordOrder ? new Map<string, number>() : undefined;
          if (order) this.keyOrder?.set(obj, order);
          this.i++;
          c = this.skipSpace();
          if (c === 0x7d /* } */) {
            this.i++;
            value = obj;
            break;
          }
          const frame: Frame = { container: obj, isArray: false, key: '', index: 0, order };
          this.stack.push(frame);
          this.readKey(frame, c, 'looking for beginning of object key string');
          c = this.skipSpace();
          continue;
        }
        case 0x5b /* [ */: {
          if (this.stack.length >= this.maxDepth) this.fail('exceeded max depth');
          const arr: unknown[] = [];
          this.i++;
          c = this.skipSpace();
          if (c === 0x5d /* ] */) {
            this.i++;
            value = arr;
            break;
          }
          this.stack.push({ container: arr, isArray: true, key: '', index: 0, order: undefined });
          continue;
        }
        case 0x22 /* " */:
          value = this.readString();
          break;
        case 0x74 /* t */:
          this.literal('true', 'in literal true');
          value = true;
          break;
        case 0x66 /* f */:
          this.literal('false', 'in literal false');
          value = false;
          break;
        case 0x6e /* n */:
          this.literal('null', 'in literal null');
          value = null;
          break;
        default:
          if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
            value = this.readNumber();
            break;
          }
          this.fail('looking for beginning of value');
      }
      // A value is complete: store it in its container, then find what comes next.
      for (;;) {
        const frame = this.stack[this.stack.length - 1];
        if (frame === undefined) {
          if (this.skipSpace() !== -1) this.fail('after top-level value');
          return value;
        }
        if (frame.isArray) {
          (frame.container as unknown[]).push(value);
          c = this.skipSpace();
          if (c === 0x2c /* , */) {
            this.i++;
            frame.index++;
            c = this.skipSpace();
            break;
          }
          if (c === 0x5d /* ] */) {
            this.i++;
            this.stack.pop();
            value = frame.container;
            continue;
          }
          this.fail('after array element');
        }
        const obj = frame.container as Record<string, unknown>;
        const key = frame.key;
        if (key === '__proto__') {
          Object.defineProperty(obj, key, {
            value,
            writable: true,
            enumerable: true,
            configurable: true,
          });
        } else {
          obj[key] = value;
        }
        c = this.skipSpace();
        if (c === 0x2c /* , */) {
          this.i++;
          c = this.skipSpace();
          this.readKey(frame, c, 'looking for beginning of object key string');
          c = this.skipSpace();
          break;
        }
        if (c === 0x7d /* } */) {
          this.i++;
          this.stack.pop();
          value = obj;
          continue;
        }
        this.fail('after object key:value pair');
      }
    }
  }

  /** Reads `"key"` and the `:` after it into `frame.key`, noting duplicates. */
  private readKey(frame: Frame, c: number, context: string): void {
    if (c !== 0x22) this.fail(context);
    const key = this.readString();
    const seq = this.seq++;
    const obj = frame.container as Record<string, unknown>;
    if (Object.hasOwn(obj, key)) {
      const segments = this.segments(key);
      this.duplicates.push({ path: strictPath(segments), segments, seq });
      // The earlier value is replaced: forget any number text noted for it.
      this.numberLiterals?.get(obj)?.delete(key);
    } else if (frame.order) {
      frame.order.set(key, seq);
    }
    frame.key = key;
    if (this.skipSpace() !== 0x3a /* : */) this.fail('after object key');
    this.i++;
  }

  private segments(last: string): (string | number)[] {
    const out: (string | number)[] = [];
    for (let k = 0; k < this.stack.length - 1; k++) {
      const f = this.stack[k];
      if (f) out.push(f.isArray ? f.index : f.key);
    }
    out.push(last);
    return out;
  }

  private literal(word: string, context: string): void {
    const t = this.text;
    for (let k = 1; k < word.length; k++) {
      const at = this.i + k;
      if (at >= this.n || t.charCodeAt(at) !== word.charCodeAt(k)) {
        this.failInToken(`${context} (expecting '${word[k] ?? ''}')`, at);
      }
    }
    this.i += word.length;
  }

  private readNumber(): number {
    const t = this.text;
    const start = this.i;
    let i = start;
    let plain = true;
    if (t.charCodeAt(i) === 0x2d) {
      i++;
      const d = i < this.n ? t.charCodeAt(i) : -1;
      if (d < 0x30 || d > 0x39) this.failInToken('in numeric literal', i);
    }
    if (t.charCodeAt(i) === 0x30) i++;
    else while (i < this.n && isDigit(t.charCodeAt(i))) i++;
    if (i < this.n && t.charCodeAt(i) === 0x2e /* . */) {
      plain = false;
      i++;
      if (i >= this.n || !isDigit(t.charCodeAt(i)))
        this.failInToken('after decimal point in numeric literal', i);
      while (i < this.n && isDigit(t.charCodeAt(i))) i++;
    }
    if (i < this.n && (t.charCodeAt(i) === 0x65 || t.charCodeAt(i) === 0x45) /* e E */) {
      plain = false;
      i++;
      if (i < this.n && (t.charCodeAt(i) === 0x2b || t.charCodeAt(i) === 0x2d)) i++;
      if (i >= this.n || !isDigit(t.charCodeAt(i))) {
        this.failInToken('in exponent of numeric literal', i);
      }
      while (i < this.n && isDigit(t.charCodeAt(i))) i++;
    }
    this.i = i;
    const literal = t.slice(start, i);
    const v = Number(literal);
    if (!plain || !Number.isSafeInteger(v) || Object.is(v, -0)) this.noteLiteral(literal);
    return v;
  }

  /** Remembers a number's text against its container and key, for decoding. */
  private noteLiteral(literal: string): void {
    const frame = this.stack[this.stack.length - 1];
    if (!frame) return;
    this.numberLiterals ??= new WeakMap();
    let m = this.numberLiterals.get(frame.container);
    if (!m) {
      m = new Map();
      this.numberLiterals.set(frame.container, m);
    }
    m.set(frame.isArray ? frame.index : frame.key, literal);
  }

  private readString(): string {
    const t = this.text;
    const start = this.i + 1;
    let i = start;
    // Fast path: no escapes.
    for (; i < this.n; i++) {
      const c = t.charCodeAt(i);
      if (c === 0x22) {
        this.i = i + 1;
        return t.slice(start, i);
      }
      if (c === 0x5c || c < 0x20) break;
    }
    let out = t.slice(start, i);
    for (;;) {
      if (i >= this.n) this.fail('', i);
      const c = t.charCodeAt(i);
      if (c === 0x22) {
        this.i = i + 1;
        return out;
      }
      if (c < 0x20) this.fail('in string literal', i);
      if (c !== 0x5c) {
        const runStart = i;
        while (i < this.n) {
          const d = t.charCodeAt(i);
          if (d === 0x22 || d === 0x5c || d < 0x20) break;
          i++;
        }
        out += t.slice(runStart, i);
        continue;
      }
      i++;
      if (i >= this.n) this.failInToken('in string escape code', i);
      const e = t.charCodeAt(i);
      switch (e) {
        case 0x22:
          out += '"';
          break;
        case 0x5c:
          out += '\\';
          break;
        case 0x2f:
          out += '/';
          break;
        case 0x62:
          out += '\b';
          break;
        case 0x66:
          out += '\f';
          break;
        case 0x6e:
          out += '\n';
          break;
        case 0x72:
          out += '\r';
          break;
        case 0x74:
          out += '\t';
          break;
        case 0x75: {
          const u = this.hex4(i + 1);
          i += 4;
          if (u >= 0xd800 && u <= 0xdbff) {
            // A high surrogate needs a following \uDC00-\uDFFF escape; otherwise U+FFFD, as Go.
            if (t.charCodeAt(i + 1) === 0x5c && t.charCodeAt(i + 2) === 0x75) {
              const lo = this.hex4Lenient(i + 3);
              if (lo >= 0xdc00 && lo <= 0xdfff) {
                out += String.fromCharCode(u, lo);
                i += 6;
                break;
              }
            }
            out += '\ufffd';
          } else if (u >= 0xdc00 && u <= 0xdfff) {
            out += '\ufffd';
          } else {
            out += String.fromCharCode(u);
          }
          break;
        }
        default:
          this.fail('in string escape code', i);
      }
      i++;
    }
  }

  /** Four hex digits at `at`, failing as Go's scanner does. */
  private hex4(at: number): number {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const h = at + k < this.n ? hexValue(this.text.charCodeAt(at + k)) : -1;
      if (h < 0) this.failInToken('in \\u hexadecimal character escape', at + k);
      v = v * 16 + h;
    }
    return v;
  }

  /** Four hex digits at `at`, or -1 (the scanner checks them when it gets there). */
  private hex4Lenient(at: number): number {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const h = at + k < this.n ? hexValue(this.text.charCodeAt(at + k)) : -1;
      if (h < 0) return -1;
      v = v * 16 + h;
    }
    return v;
  }
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

function decodeText(bytes: Uint8Array | string, invalidUtf8: 'replace' | 'reject'): string {
  if (typeof bytes === 'string') return bytes;
  if (invalidUtf8 === 'replace') return replacingDecoder.decode(bytes);
  try {
    return strictDecoder.decode(bytes);
  } catch {
    // Locate the first bad byte for the error position.
    const good = replacingDecoder.decode(bytes);
    const at = good.indexOf('\ufffd');
    throw new BodySyntaxError(
      'invalid UTF-8 in request body',
      'encoding',
      positionOf(good, at < 0 ? 0 : at),
    );
  }
}

/**
 * Parses a JSON request body. Throws `BodySyntaxError` (message as upstream's Go decoder:
 * `invalid character ...`, `unexpected end of JSON input`, `invalid character '[' exceeded max
 * depth`) for malformed input. The returned value is fresh: the caller owns it.
 */
export function parseJsonBody(bytes: Uint8Array | string, opts: JsonBodyOptions = {}): ParsedBody {
  const text = decodeText(bytes, opts.invalidUtf8 ?? 'replace');
  const maxDepth = opts.maxDepth ?? MAX_JSON_NESTING_DEPTH;
  let parser = new JsonParser(text, maxDepth, false);
  let value = parser.parse();
  if (parser.duplicates.length) {
    // Rare: parse again recording key order, so strict errors come out in document order.
    parser = new JsonParser(text, maxDepth, true);
    value = parser.parse();
  }
  const result: ParsedBody = {
    value,
    format: 'json',
    duplicates: parser.duplicates,
    ...(parser.numberLiterals ? { numberLiterals: parser.numberLiterals } : {}),
    ...(parser.keyOrder ? { keyOrder: parser.keyOrder } : {}),
  };
  return result;
}

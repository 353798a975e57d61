/**
 * Go's `encoding/json` syntax check (`checkValid`, which `json.Unmarshal` runs before it decodes
 * anything), with Go's error texts: `invalid character 'x' looking for beginning of value`,
 * `unexpected end of JSON input`, `invalid character '[' exceeded max depth`, ...
 *
 * Go's scanner is a state machine fed one byte at a time, so we scan UTF-8 bytes too: the
 * offending character of a message is the first byte of a multi-byte character, quoted as Go
 * quotes a byte (`é` is 0xC3 0xA9, reported as `'Ã'`). At the end of the input Go feeds the
 * machine one space, so a value cut short inside a number, literal or escape reports that space
 * (`-` gives `invalid character ' ' in numeric literal`); elsewhere it is `unexpected end of JSON
 * input`. The scanner never recurses, so any nesting is safe to check; nesting deeper than 10000
 * is rejected, as in Go.
 */
import { goQuote } from '../validation/go-format.ts';

/** Go's `encoding/json` nesting limit. */
export const MAX_JSON_NESTING_DEPTH = 10000;

/**
 * Go's `quoteChar`: the byte `c` as `encoding/json` shows it in a syntax error, single-quoted. The
 * byte is read as the code point of the same value (0xC3 is `Ã`) and escaped as `strconv.Quote`
 * escapes it, except that `'` is escaped and `"` is not.
 */
export function goQuoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  return `'${goQuote(String.fromCharCode(c)).slice(1, -1)}'`;
}

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

/** What the innermost open container expects next. */
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

/** `b f n r t \ / "`: the one-character escapes. */
function isSimpleEscape(c: number): boolean {
  return (
    c === 0x62 ||
    c === 0x66 ||
    c === 0x6e ||
    c === 0x72 ||
    c === 0x74 ||
    c === 0x5c ||
    c === 0x2f ||
    c === 0x22
  );
}

class SyntaxFailure extends Error {}

class Scanner {
  private state: State = St.beginValue;
  /** Open containers, outermost first. */
  private readonly stack: number[] = [];
  /** The top-level value is complete. */
  private endTop = false;
  /** The literal (`true`, `false`, `null`) being read, and how much of it has been seen. */
  private literal = '';
  private literalPos = 0;
  /** Hex digits seen of a `\u` escape. */
  private escU = 0;

  private fail(c: number, context: string): never {
    throw new SyntaxFailure(`invalid character ${goQuoteChar(c)} ${context}`);
  }

  private push(c: number, kind: number): void {
    this.stack.push(kind);
    if (this.stack.length > MAX_JSON_NESTING_DEPTH) this.fail(c, 'exceeded max depth');
  }

  private pop(): void {
    this.stack.pop();
    if (this.stack.length === 0) {
      this.state = St.endTop;
      this.endTop = true;
    } else {
      this.state = St.endValue;
    }
  }

  private startLiteral(word: string): void {
    this.state = St.literal;
    this.literal = word;
    this.literalPos = 1;
  }

  private beginValue(c: number): void {
    if (isSpace(c)) return;
    switch (c) {
      case 0x7b: // {
        this.state = St.beginStringOrEmpty;
        this.push(c, objectKey);
        return;
      case 0x5b: // [
        this.state = St.beginValueOrEmpty;
        this.push(c, arrayValue);
        return;
      case 0x22: // "
        this.state = St.inString;
        return;
      case 0x2d: // -
        this.state = St.neg;
        return;
      case 0x30: // 0
        this.state = St.zero;
        return;
      case 0x74:
        this.startLiteral('true');
        return;
      case 0x66:
        this.startLiteral('false');
        return;
      case 0x6e:
        this.startLiteral('null');
        return;
    }
    if (c >= 0x31 && c <= 0x39) {
      this.state = St.one;
      return;
    }
    this.fail(c, 'looking for beginning of value');
  }

  private endTopStep(c: number): void {
    if (!isSpace(c)) this.fail(c, 'after top-level value');
  }

  private endValue(c: number): void {
    const n = this.stack.length;
    if (n === 0) {
      this.state = St.endTop;
      this.endTop = true;
      this.endTopStep(c);
      return;
    }
    if (isSpace(c)) {
      this.state = St.endValue;
      return;
    }
    const top = this.stack[n - 1];
    if (top === objectKey) {
      if (c !== 0x3a) this.fail(c, 'after object key');
      this.stack[n - 1] = objectValue;
      this.state = St.beginValue;
    } else if (top === objectValue) {
      if (c === 0x2c) {
        this.stack[n - 1] = objectKey;
        this.state = St.beginString;
      } else if (c === 0x7d) {
        this.pop();
      } else {
        this.fail(c, 'after object key:value pair');
      }
    } else if (c === 0x2c) {
      this.state = St.beginValue;
    } else if (c === 0x5d) {
      this.pop();
    } else {
      this.fail(c, 'after array element');
    }
  }

  /** After the integer part of a number (`0`, or `12` that met a non-digit). */
  private afterInteger(c: number): void {
    if (c === 0x2e) this.state = St.dot;
    else if (c === 0x65 || c === 0x45) this.state = St.exp;
    else this.endValue(c);
  }

  /** After `e` or `e+`: an exponent digit must follow. */
  private exponentDigit(c: number): void {
    if (isDigit(c)) this.state = St.exp0;
    else this.fail(c, 'in exponent of numeric literal');
  }

  /** Whether the top-level value is complete. */
  finished(): boolean {
    return this.endTop;
  }

  step(c: number): void {
    switch (this.state) {
      case St.beginValue:
        this.beginValue(c);
        return;
      case St.beginValueOrEmpty:
        if (isSpace(c)) return;
        if (c === 0x5d) this.endValue(c);
        else this.beginValue(c);
        return;
      case St.beginStringOrEmpty:
        if (isSpace(c)) return;
        if (c === 0x7d) {
          this.stack[this.stack.length - 1] = objectValue;
          this.endValue(c);
          return;
        }
        if (c === 0x22) this.state = St.inString;
        else this.fail(c, 'looking for beginning of object key string');
        return;
      case St.beginString:
        if (isSpace(c)) return;
        if (c === 0x22) this.state = St.inString;
        else this.fail(c, 'looking for beginning of object key string');
        return;
      case St.inString:
        if (c === 0x22) this.state = St.endValue;
        else if (c === 0x5c) this.state = St.inStringEsc;
        else if (c < 0x20) this.fail(c, 'in string literal');
        return;
      case St.inStringEsc:
        if (isSimpleEscape(c)) {
          this.state = St.inString;
        } else if (c === 0x75) {
          this.state = St.inStringEscU;
          this.escU = 0;
        } else {
          this.fail(c, 'in string escape code');
        }
        return;
      case St.inStringEscU:
        if (!isHex(c)) this.fail(c, 'in \\u hexadecimal character escape');
        this.escU++;
        if (this.escU === 4) this.state = St.inString;
        return;
      case St.neg:
        if (c === 0x30) this.state = St.zero;
        else if (c >= 0x31 && c <= 0x39) this.state = St.one;
        else this.fail(c, 'in numeric literal');
        return;
      case St.one:
        if (!isDigit(c)) this.afterInteger(c);
        return;
      case St.zero:
        this.afterInteger(c);
        return;
      case St.dot:
        if (isDigit(c)) this.state = St.dot0;
        else this.fail(c, 'after decimal point in numeric literal');
        return;
      case St.dot0:
        if (isDigit(c)) return;
        if (c === 0x65 || c === 0x45) this.state = St.exp;
        else this.endValue(c);
        return;
      case St.exp:
        if (c === 0x2b || c === 0x2d) this.state = St.expSign;
        else this.exponentDigit(c);
        return;
      case St.expSign:
        this.exponentDigit(c);
        return;
      case St.exp0:
        if (!isDigit(c)) this.endValue(c);
        return;
      case St.literal: {
        const want = this.literal.charCodeAt(this.literalPos);
        if (c !== want) {
          this.fail(c, `in literal ${this.literal} (expecting ${goQuoteChar(want)})`);
        }
        this.literalPos++;
        if (this.literalPos === this.literal.length) this.state = St.endValue;
        return;
      }
      case St.endValue:
        this.endValue(c);
        return;
      case St.endTop:
        this.endTopStep(c);
        return;
    }
  }
}

/**
 * Checks `data` as Go's `checkValid` does: `undefined` when it is exactly one JSON value (with
 * optional surrounding whitespace) nested at most 10000 deep, else Go's error text.
 */
export function scanGoJson(data: Uint8Array): string | undefined {
  const scanner = new Scanner();
  try {
    for (const c of data) scanner.step(c);
    if (scanner.finished()) return undefined;
    // The end of input, as Go signals it: one more space, which completes a number or fails.
    scanner.step(0x20);
    return scanner.finished() ? undefined : 'unexpected end of JSON input';
  } catch (e) {
    if (e instanceof SyntaxFailure) return e.message;
    throw e;
  }
}

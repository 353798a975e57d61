import { describe, it, expect } from 'vitest';
import { MAX_JSON_NESTING_DEPTH, goQuoteChar, scanGoJson } from './go-json-scan.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const scan = (s: string): string | undefined => scanGoJson(enc(s));
const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...enc(p)] : p)));

describe('goQuoteChar', () => {
  it.each([
    [0x61, `'a'`],
    [0x20, `' '`],
    [0x27, `'\\''`],
    [0x22, `'"'`],
    [0x5c, `'\\\\'`],
    [0x00, `'\\x00'`],
    [0x01, `'\\x01'`],
    [0x07, `'\\a'`],
    [0x08, `'\\b'`],
    [0x09, `'\\t'`],
    [0x0a, `'\\n'`],
    [0x0b, `'\\v'`],
    [0x0c, `'\\f'`],
    [0x0d, `'\\r'`],
    [0x1f, `'\\x1f'`],
    [0x7f, `'\\x7f'`],
    // Bytes from 0x80 are read as the code point of the same value, as Go's string(rune(b)).
    [0x80, `'\\u0080'`],
    [0x9f, `'\\u009f'`],
    [0xa0, `'\\u00a0'`],
    [0xa1, `'¡'`],
    [0xad, `'\\u00ad'`],
    [0xc3, `'Ã'`],
    [0xe2, `'â'`],
    [0xef, `'ï'`],
    [0xf0, `'ð'`],
    [0xff, `'ÿ'`],
  ])('byte 0x%s is quoted as %s', (b, want) => {
    expect(goQuoteChar(b)).toBe(want);
  });
});

describe('scanGoJson: valid input', () => {
  it.each([
    '{}',
    '[]',
    '0',
    '-0',
    '-0.5',
    '12.50e+10',
    '1E-2',
    '0e0',
    '"x"',
    '""',
    'true',
    'false',
    'null',
    ' \t\r\n{ "a" : [ 1 , 2.5 , -3e-2 , true , false , null , "s" , { } , [ ] ] } \n',
    '{"a":{"b":{"c":[{"d":"e"}]}}}',
    '"esc \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\ude00"',
    '"raw: é 日本 😀 \u007f"',
  ])('accepts %s', (text) => {
    expect(scan(text)).toBeUndefined();
  });

  it('accepts bytes that are not UTF-8 inside strings, as Go does', () => {
    expect(scanGoJson(bytes('"a', [0xff, 0xc3], 'b"'))).toBeUndefined();
  });
});

describe('scanGoJson: syntax errors', () => {
  it.each([
    // Beginning of a value.
    ['{"a":}', "invalid character '}' looking for beginning of value"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['NaN', "invalid character 'N' looking for beginning of value"],
    ['+1', "invalid character '+' looking for beginning of value"],
    ['.5', "invalid character '.' looking for beginning of value"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
    ['\\', "invalid character '\\\\' looking for beginning of value"],
    ['\v1', "invalid character '\\v' looking for beginning of value"],
    ['\f1', "invalid character '\\f' looking for beginning of value"],
    ['\u00001', "invalid character '\\x00' looking for beginning of value"],
    // Objects.
    ['{,}', "invalid character ',' looking for beginning of object key string"],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ['{a:1}', "invalid character 'a' looking for beginning of object key string"],
    ['{1:1}', "invalid character '1' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a",1}', "invalid character ',' after object key"],
    ['{"a":1 "b":2}', "invalid character '\"' after object key:value pair"],
    ['{"a":1]', "invalid character ']' after object key:value pair"],
    // Arrays.
    ['[1 2]', "invalid character '2' after array element"],
    ['[1}', "invalid character '}' after array element"],
    ['[1:2]', "invalid character ':' after array element"],
    // After the top-level value.
    ['01', "invalid character '1' after top-level value"],
    ['{"a":1}x', "invalid character 'x' after top-level value"],
    ['{}{}', "invalid character '{' after top-level value"],
    ['1 2', "invalid character '2' after top-level value"],
    ['null,', "invalid character ',' after top-level value"],
    ['"a""b"', "invalid character '\"' after top-level value"],
    // Numbers.
    ['-a', "invalid character 'a' in numeric literal"],
    ['--1', "invalid character '-' in numeric literal"],
    ['1.a', "invalid character 'a' after decimal point in numeric literal"],
    ['1.e5', "invalid character 'e' after decimal point in numeric literal"],
    ['1ex', "invalid character 'x' in exponent of numeric literal"],
    ['1e+-1', "invalid character '-' in exponent of numeric literal"],
    ['1.5E.', "invalid character '.' in exponent of numeric literal"],
    ['1.5.2', "invalid character '.' after top-level value"],
    // Literals, naming the byte expected.
    ['tx', "invalid character 'x' in literal true (expecting 'r')"],
    ['trx', "invalid character 'x' in literal true (expecting 'u')"],
    ['trux', "invalid character 'x' in literal true (expecting 'e')"],
    ['fx', "invalid character 'x' in literal false (expecting 'a')"],
    ['fals_', "invalid character '_' in literal false (expecting 'e')"],
    ['nUll', "invalid character 'U' in literal null (expecting 'u')"],
    ['nulL', "invalid character 'L' in literal null (expecting 'l')"],
    ['True', "invalid character 'T' looking for beginning of value"],
    // Strings.
    ['"a\u0001"', "invalid character '\\x01' in string literal"],
    ['"a\tb"', "invalid character '\\t' in string literal"],
    ['"a\nb"', "invalid character '\\n' in string literal"],
    ['"\\q"', "invalid character 'q' in string escape code"],
    ['"\\U0041"', "invalid character 'U' in string escape code"],
    ['"\\\'"', "invalid character '\\'' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ['"\\u"', "invalid character '\"' in \\u hexadecimal character escape"],
  ])('%s: %s', (text, want) => {
    expect(scan(text)).toBe(want);
  });

  it('reports the first error only', () => {
    expect(scan('[1}]x')).toBe("invalid character '}' after array element");
    expect(scan('{"a":tru}')).toBe("invalid character '}' in literal true (expecting 'e')");
  });
});

describe('scanGoJson: end of input', () => {
  it.each([
    '',
    '   ',
    '{',
    '{ ',
    '{"a"',
    '{"a":',
    '{"a":1',
    '{"a":1,',
    '[',
    '[1',
    '[1,',
    '[[]',
    '"abc',
    '"\\u00e9',
    '[true',
  ])('%j is unexpected end of JSON input', (text) => {
    expect(scan(text)).toBe('unexpected end of JSON input');
  });

  // Go's scanner signals the end with one space; inside a number, a literal or an escape the
  // space itself is the offending character.
  it.each([
    ['-', "invalid character ' ' in numeric literal"],
    ['[-', "invalid character ' ' in numeric literal"],
    ['1.', "invalid character ' ' after decimal point in numeric literal"],
    ['1e', "invalid character ' ' in exponent of numeric literal"],
    ['1e+', "invalid character ' ' in exponent of numeric literal"],
    ['t', "invalid character ' ' in literal true (expecting 'r')"],
    ['tru', "invalid character ' ' in literal true (expecting 'e')"],
    ['{"a":nul', "invalid character ' ' in literal null (expecting 'l')"],
    ['fals', "invalid character ' ' in literal false (expecting 'e')"],
    ['"\\', "invalid character ' ' in string escape code"],
    ['"\\u12', "invalid character ' ' in \\u hexadecimal character escape"],
  ])('%j: %s', (text, want) => {
    expect(scan(text)).toBe(want);
  });

  it('accepts a number that ends the input (the space completes it)', () => {
    expect(scan('123')).toBeUndefined();
    expect(scan('-0.5e-7')).toBeUndefined();
  });
});

describe('scanGoJson: bytes, not characters', () => {
  it.each([
    // The first UTF-8 byte of the offending character is reported.
    ['é', "invalid character 'Ã' looking for beginning of value"],
    ['{“a”:1}', "invalid character 'â' looking for beginning of object key string"],
    ['[1 😀]', "invalid character 'ð' after array element"],
    ['\ufeff{}', "invalid character 'ï' looking for beginning of value"],
    ['{"a":1}\u00a0', "invalid character 'Â' after top-level value"],
    ['-é', "invalid character 'Ã' in numeric literal"],
    ['"\\é"', "invalid character 'Ã' in string escape code"],
    ['"\\u00é"', "invalid character 'Ã' in \\u hexadecimal character escape"],
    ['tré', "invalid character 'Ã' in literal true (expecting 'u')"],
    // Multi-byte characters before the error do not move it.
    ['["日本語", "é" 1]', "invalid character '1' after array element"],
    ['{"😀":"ü" x}', "invalid character 'x' after object key:value pair"],
  ])('%s: %s', (text, want) => {
    expect(scan(text)).toBe(want);
  });

  it('quotes bytes that are not UTF-8 by their value', () => {
    expect(scanGoJson(bytes([0xff]))).toBe("invalid character 'ÿ' looking for beginning of value");
    expect(scanGoJson(bytes('[1', [0x80]))).toBe("invalid character '\\u0080' after array element");
    expect(scanGoJson(bytes('{', [0xad]))).toBe(
      "invalid character '\\u00ad' looking for beginning of object key string",
    );
  });
});

describe('scanGoJson: nesting depth', () => {
  it('is 10000, as in Go', () => {
    expect(MAX_JSON_NESTING_DEPTH).toBe(10000);
  });

  it('accepts arrays and objects nested 10000 deep', () => {
    const n = MAX_JSON_NESTING_DEPTH;
    expect(scan('['.repeat(n) + ']'.repeat(n))).toBeUndefined();
    expect(scan('{"a":'.repeat(n - 1) + '{}' + '}'.repeat(n - 1))).toBeUndefined();
    expect(scan('[{"a":'.repeat(n / 2 - 1) + '[{}]' + '}]'.repeat(n / 2 - 1))).toBeUndefined();
  });

  it('rejects the 10001st open bracket, before reading on', () => {
    const n = MAX_JSON_NESTING_DEPTH + 1;
    expect(scan('['.repeat(n) + ']'.repeat(n))).toBe("invalid character '[' exceeded max depth");
    expect(scan('['.repeat(n))).toBe("invalid character '[' exceeded max depth");
    expect(scan('{"a":'.repeat(n - 1) + '{}' + '}'.repeat(n - 1))).toBe(
      "invalid character '{' exceeded max depth",
    );
    expect(scan('['.repeat(n - 1) + '{' + 'x')).toBe("invalid character '{' exceeded max depth");
  });

  it('counts open containers, not all brackets seen', () => {
    const body = '[' + '[],'.repeat(3 * MAX_JSON_NESTING_DEPTH) + '[]]';
    expect(scan(body)).toBeUndefined();
  });

  it('scans very deep input without recursion', () => {
    expect(scan('['.repeat(1_000_000))).toBe("invalid character '[' exceeded max depth");
    // Opens alternate `{`, `[`: the 10001st is a `{`.
    expect(scan('{"a":['.repeat(1_000_000))).toBe("invalid character '{' exceeded max depth");
  });
});

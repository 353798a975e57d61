import { describe, it, expect } from 'vitest';
import { BodySyntaxError, strictPath } from './body.ts';
import { parseJsonBody } from './json-body.ts';
import { scanGoJson } from './go-json-scan.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('parseJsonBody: values', () => {
  it.each([
    '{}',
    '[]',
    '0',
    '-0.5',
    '1e3',
    '"x"',
    'true',
    'false',
    'null',
    ' { "a" : [ 1 , 2.5 , -3e-2 , true , false , null , "s" , { } , [ ] ] } ',
    '{"a":{"b":{"c":[{"d":"e"}]}}}',
    '"esc \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00"',
    '"raw unicode: é 日本 😀"',
    '[1.7976931348623157e308, 5e-324, 123456789012345678901234567890]',
    '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"busybox","args":["sh","-c","echo hi"],"resources":{"limits":{"cpu":"500m","memory":"64Mi"}}}]}}',
  ])('%s parses as JSON.parse does', (text) => {
    expect(parseJsonBody(enc(text)).value).toEqual(JSON.parse(text));
    expect(parseJsonBody(text).value).toEqual(JSON.parse(text));
  });
  it('keeps the last value of a duplicate key', () => {
    expect(parseJsonBody('{"a":1,"a":2}').value).toEqual({ a: 2 });
  });
  it('stores __proto__ as an own property, never as the prototype', () => {
    const v = parseJsonBody('{"__proto__":{"polluted":true},"a":1}').value as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.hasOwn(v, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(v)).toBe('{"__proto__":{"polluted":true},"a":1}');
  });
  it('decodes lone surrogate escapes and invalid UTF-8 to U+FFFD, as Go', () => {
    expect(parseJsonBody('"\\ud800"').value).toBe('\ufffd');
    expect(parseJsonBody('"\\udc00x"').value).toBe('\ufffdx');
    expect(parseJsonBody('"\\ud800\\u0041"').value).toBe('\ufffdA');
    expect(parseJsonBody(new Uint8Array([0x22, 0x61, 0xff, 0x62, 0x22])).value).toBe('a\ufffdb');
  });
  it('can reject invalid UTF-8', () => {
    expect(() =>
      parseJsonBody(new Uint8Array([0x22, 0x61, 0xff, 0x22]), { invalidUtf8: 'reject' }),
    ).toThrow('invalid UTF-8 in request body');
  });
  it('parses a large array', () => {
    const text = '[' + new Array(200_000).fill('0').join(',') + ']';
    expect((parseJsonBody(text).value as unknown[]).length).toBe(200_000);
  });
});

describe('parseJsonBody: duplicates', () => {
  it.each([
    ['{"a":1,"b":2}', []],
    ['{"a":1,"a":2}', ['a']],
    ['{"spec":{"replicas":1,"replicas":2}}', ['spec.replicas']],
    ['{"spec":{"containers":[{"name":"a"},{"name":"b","name":"c"}]}}', ['spec.containers[1].name']],
    [
      '{"metadata":{"labels":{"app":"a","app":"b","app":"c"}}}',
      ['metadata.labels.app', 'metadata.labels.app'],
    ],
    ['{"a":{"x":1},"a":{"x":1,"x":2}}', ['a', 'a.x']],
    ['[{"a":1,"a":1}]', ['[0].a']],
    ['{"":1,"":2}', ['']],
  ])('%s', (text, paths) => {
    expect(parseJsonBody(text).duplicates.map((d) => d.path)).toEqual(paths);
  });
  it('reports positions among all keys and the key order of every object', () => {
    const parsed = parseJsonBody('{"a":1,"b":{"c":1,"d":2},"a":3}');
    expect(parsed.duplicates).toEqual([{ path: 'a', segments: ['a'], seq: 4 }]);
    const v = parsed.value as Record<string, Record<string, unknown>>;
    expect([...(parsed.keyOrder?.get(v) ?? [])]).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
    expect([...(parsed.keyOrder?.get(v.b!) ?? [])]).toEqual([
      ['c', 2],
      ['d', 3],
    ]);
  });
  it('records no key order without duplicates', () => {
    expect(parseJsonBody('{"a":1}').keyOrder).toBeUndefined();
  });
});

describe('parseJsonBody: number literals', () => {
  it('remembers the text of numbers whose value hides it', () => {
    const parsed = parseJsonBody(
      '{"a":1.0,"b":1e3,"c":5,"d":-0,"e":9223372036854775807,"f":[2.50,7]}',
    );
    const v = parsed.value as Record<string, unknown>;
    const lit = parsed.numberLiterals?.get(v);
    expect(lit?.get('a')).toBe('1.0');
    expect(lit?.get('b')).toBe('1e3');
    expect(lit?.has('c')).toBe(false);
    expect(lit?.get('d')).toBe('-0');
    expect(lit?.get('e')).toBe('9223372036854775807');
    expect(parsed.numberLiterals?.get(v.f as object)?.get(0)).toBe('2.50');
    expect(parsed.numberLiterals?.get(v.f as object)?.has(1)).toBe(false);
  });
  it('forgets the text of a number replaced by a duplicate', () => {
    const parsed = parseJsonBody('{"a":1.0,"a":1}');
    expect(parsed.numberLiterals?.get(parsed.value as object)?.has('a')).toBe(false);
  });
  it('has no table when every number is plain', () => {
    expect(parseJsonBody('{"a":1,"b":[2,3]}').numberLiterals).toBeUndefined();
  });
});

describe('parseJsonBody: syntax errors (Go messages)', () => {
  it.each([
    ['', 'unexpected end of JSON input'],
    ['   ', 'unexpected end of JSON input'],
    ['{', 'unexpected end of JSON input'],
    ['{"a":1', 'unexpected end of JSON input'],
    ['{"a"', 'unexpected end of JSON input'],
    ['"abc', 'unexpected end of JSON input'],
    ['[1,', 'unexpected end of JSON input'],
    // Cut short inside a literal, number or escape: Go's scanner is fed one space at the end.
    ['tru', "invalid character ' ' in literal true (expecting 'e')"],
    ['[n', "invalid character ' ' in literal null (expecting 'u')"],
    ['{"a":fal', "invalid character ' ' in literal false (expecting 's')"],
    ['-', "invalid character ' ' in numeric literal"],
    ['1.', "invalid character ' ' after decimal point in numeric literal"],
    ['1e', "invalid character ' ' in exponent of numeric literal"],
    ['[1e+', "invalid character ' ' in exponent of numeric literal"],
    ['"\\', "invalid character ' ' in string escape code"],
    ['"\\u12', "invalid character ' ' in \\u hexadecimal character escape"],
    ['[1', 'unexpected end of JSON input'],
    ['{"a":}', "invalid character '}' looking for beginning of value"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', "invalid character '\"' after object key:value pair"],
    ['[1 2]', "invalid character '2' after array element"],
    ['{,}', "invalid character ',' looking for beginning of object key string"],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ['{a:1}', "invalid character 'a' looking for beginning of object key string"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['01', "invalid character '1' after top-level value"],
    ['-a', "invalid character 'a' in numeric literal"],
    ['1.a', "invalid character 'a' after decimal point in numeric literal"],
    ['1ex', "invalid character 'x' in exponent of numeric literal"],
    ['trux', "invalid character 'x' in literal true (expecting 'e')"],
    ['fals_', "invalid character '_' in literal false (expecting 'e')"],
    ['nulL', "invalid character 'L' in literal null (expecting 'l')"],
    ['nUll', "invalid character 'U' in literal null (expecting 'u')"],
    ['"a\u0001"', "invalid character '\\x01' in string literal"],
    ['"a\tb"', "invalid character '\\t' in string literal"],
    ['"a\nb"', "invalid character '\\n' in string literal"],
    ['"\\q"', "invalid character 'q' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ['NaN', "invalid character 'N' looking for beginning of value"],
    ['Infinity', "invalid character 'I' looking for beginning of value"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
    ['{"a":1}x', "invalid character 'x' after top-level value"],
    ['{}{}', "invalid character '{' after top-level value"],
    ['\ufeff{}', "invalid character 'ï' looking for beginning of value"],
    ['é', "invalid character 'Ã' looking for beginning of value"],
    ['\u00a0{}', "invalid character 'Â' looking for beginning of value"],
    ['{"a":1}\u0000', "invalid character '\\x00' after top-level value"],
  ])('%j', (text, message) => {
    let err: unknown;
    try {
      parseJsonBody(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BodySyntaxError);
    expect((err as BodySyntaxError).message).toBe(message);
  });
  it('reports the position', () => {
    let err: BodySyntaxError | undefined;
    try {
      parseJsonBody('{\n  "a": 1,\n  "é": x\n}');
    } catch (e) {
      err = e as BodySyntaxError;
    }
    expect(err?.kind).toBe('syntax');
    expect(err?.line).toBe(3);
    expect(err?.column).toBe(8);
    expect(err?.offset).toBe(20);
    expect(err?.describe()).toBe(
      "invalid character 'x' looking for beginning of value (line 3, column 8, byte 20)",
    );
  });
  it('classifies end of input', () => {
    try {
      parseJsonBody('[');
    } catch (e) {
      expect((e as BodySyntaxError).kind).toBe('eof');
    }
  });
});

describe('parseJsonBody: depth', () => {
  it('accepts 10,000 levels and rejects 10,001', () => {
    expect(() => parseJsonBody('['.repeat(10_000) + ']'.repeat(10_000))).not.toThrow();
    let err: BodySyntaxError | undefined;
    try {
      parseJsonBody('['.repeat(10_001) + ']'.repeat(10_001));
    } catch (e) {
      err = e as BodySyntaxError;
    }
    expect(err?.message).toBe("invalid character '[' exceeded max depth");
    expect(err?.kind).toBe('depth');
    expect(err?.offset).toBe(10_000);
  });
  it('counts empty containers and objects', () => {
    expect(() => parseJsonBody('{"a":'.repeat(10_000) + '{}' + '}'.repeat(10_000))).toThrow(
      "invalid character '{' exceeded max depth",
    );
    expect(() => parseJsonBody('[[[]]]', { maxDepth: 2 })).toThrow('exceeded max depth');
    expect(() => parseJsonBody('[[1]]', { maxDepth: 2 })).not.toThrow();
  });
  it('does not recurse (a million levels fail fast, without a stack overflow)', () => {
    expect(() => parseJsonBody('['.repeat(1_000_000), { maxDepth: 2_000_000 })).toThrow(
      'unexpected end of JSON input',
    );
  });
});

describe('strictPath', () => {
  it.each([
    [['a'], 'a'],
    [['spec', 'containers', 0, 'name'], 'spec.containers[0].name'],
    [[0, 'a'], '[0].a'],
    [['', 'a'], '.a'],
    [['a', 0, 1], 'a[0][1]'],
  ])('%j -> %s', (segments, path) => {
    expect(strictPath(segments)).toBe(path);
  });
});

describe('parseJsonBody: the same syntax errors as the Go scanner of go-json-scan', () => {
  it('agrees on every truncation and one-character change of a few documents', () => {
    const docs = [
      '{"a":[1,-2.5e+3,true,false,null,"x\\u00e9\\n"],"b":{"c":{}},"d":[]}',
      '[{"k":"v"}, 0, -0.1, 1E9]',
      '"é😀\\"\\\\"',
      ' 12 ',
    ];
    const changes = ['', ' ', '"', '\\', 'u', '1', '-', '.', 'e', '+', '{', '}', '[', ']', ':'];
    const messageOf = (text: string): string | undefined => {
      try {
        parseJsonBody(text);
        return undefined;
      } catch (e) {
        return (e as BodySyntaxError).message;
      }
    };
    let compared = 0;
    for (const doc of docs) {
      const chars = Array.from(doc); // whole code points: a lone surrogate is not text a body has
      for (let i = 0; i <= chars.length; i++) {
        for (const c of changes) {
          const head = chars.slice(0, i).join('') + c;
          for (const text of [head, head + chars.slice(i + 1).join('')]) {
            expect(messageOf(text), JSON.stringify(text)).toBe(scanGoJson(Buffer.from(text)));
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });
});

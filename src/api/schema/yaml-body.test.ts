import { describe, it, expect } from 'vitest';
import { BodySyntaxError } from './body.ts';
import { maxYamlDepth, parseYamlBody } from './yaml-body.ts';

const value = (src: string): unknown => parseYamlBody(src).value;

function errorOf(src: string, opts: Parameters<typeof parseYamlBody>[1] = {}): BodySyntaxError {
  try {
    parseYamlBody(src, opts);
  } catch (e) {
    if (e instanceof BodySyntaxError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('parseYamlBody: scalar resolution (go-yaml v2, YAML 1.1)', () => {
  it.each([
    ['a: b', { a: 'b' }],
    ['a: "b"', { a: 'b' }],
    ["a: 'it''s'", { a: "it's" }],
    ['a: yes', { a: true }],
    ['a: Yes', { a: true }],
    ['a: on', { a: true }],
    ['a: ON', { a: true }],
    ['a: y', { a: true }],
    ['a: no', { a: false }],
    ['a: off', { a: false }],
    ['a: n', { a: false }],
    ['a: true', { a: true }],
    ['a: False', { a: false }],
    ['a: tRue', { a: 'tRue' }],
    ['a: "yes"', { a: 'yes' }],
    ['a: ~', { a: null }],
    ['a: null', { a: null }],
    ['a: NULL', { a: null }],
    ['a:', { a: null }],
    ['a: 12', { a: 12 }],
    ['a: -12', { a: -12 }],
    ['a: +12', { a: 12 }],
    ['a: 012', { a: 10 }],
    ['a: 0o17', { a: 15 }],
    ['a: 0x1F', { a: 31 }],
    ['a: -0x10', { a: -16 }],
    ['a: 0b101', { a: 5 }],
    ['a: -0b101', { a: -5 }],
    ['a: 1_000', { a: 1000 }],
    ['a: 08', { a: 8 }],
    ['a: 1.5', { a: 1.5 }],
    ['a: 1.', { a: 1 }],
    ['a: .5', { a: 0.5 }],
    ['a: -.5', { a: -0.5 }],
    ['a: 1e3', { a: 1000 }],
    ['a: 1E-2', { a: 0.01 }],
    ['a: 6.02e+23', { a: 6.02e23 }],
    ['a: 1:30', { a: '1:30' }],
    ['a: 0x', { a: '0x' }],
    ['a: 2001-12-14', { a: '2001-12-14' }],
    ['a: 2001-12-14t21:59:43.10-05:00', { a: '2001-12-14t21:59:43.10-05:00' }],
    ['a: .e3', { a: '.e3' }],
    ['a: "1"', { a: '1' }],
    ['a: |\n  line1\n  line2\n', { a: 'line1\nline2\n' }],
    ['a: >-\n  folded\n  text\n', { a: 'folded text' }],
    ['a: !!str 12', { a: '12' }],
    ['a: !!int "12"', { a: 12 }],
    ['a: !!float 1', { a: 1 }],
    ['a: !!bool "yes"', { a: true }],
    ['a: !!null ""', { a: null }],
    ['a: !!binary aGVsbG8=', { a: 'hello' }],
    ['a: !!timestamp 2001-12-14', { a: '2001-12-14' }],
    ['a: !custom 12', { a: '12' }],
    ['a: !!python/object:os.system {b: 1}', { a: { b: 1 } }],
    ['a: !!js/function "function(){}"', { a: 'function(){}' }],
    ['a: <<', { a: '<<' }],
  ])('%j', (src, expected) => {
    expect(value(src)).toEqual(expected);
  });
  it('keeps big integers exactly through number literals', () => {
    const parsed = parseYamlBody('a: 9223372036854775807\nb: [18446744073709551615]');
    const v = parsed.value as { a: number; b: number[] };
    expect(parsed.numberLiterals?.get(v)?.get('a')).toBe('9223372036854775807');
    expect(parsed.numberLiterals?.get(v.b)?.get(0)).toBe('18446744073709551615');
    expect(value('a: 18446744073709551616')).toEqual({ a: 18446744073709551616 });
  });
});

describe('parseYamlBody: structure', () => {
  it('converts a manifest', () => {
    expect(
      value(`apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: c
    image: busybox
    args: [sh, -c, "echo hi"]
    ports:
    - containerPort: 80
`),
    ).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'busybox',
            args: ['sh', '-c', 'echo hi'],
            ports: [{ containerPort: 80 }],
          },
        ],
      },
    });
  });
  it('stringifies non-string keys as upstream', () => {
    expect(value('1: a\ntrue: b\n1.5: c\n0x10: d\n')).toEqual({
      '1': 'a',
      true: 'b',
      '1.5': 'c',
      '16': 'd',
    });
    expect(value('0.1: a')).toEqual({ '0.1': 'a' });
  });
  it('reads only the first document', () => {
    expect(value('a: 1\n---\nb: 2\n')).toEqual({ a: 1 });
    expect(value('a: 1\n---\n: : : [[[ broken\n')).toEqual({ a: 1 });
    expect(value('---\na: 1\n')).toEqual({ a: 1 });
  });
  it('gives null for an empty body', () => {
    expect(value('')).toBeNull();
    expect(value('# just a comment\n')).toBeNull();
  });
  it('expands aliases and applies merge keys positionally', () => {
    expect(value('base: &b {p: 1, q: 2}\nuse: *b')).toEqual({
      base: { p: 1, q: 2 },
      use: { p: 1, q: 2 },
    });
    expect(value('base: &b {p: 1, q: 2}\nm:\n  <<: *b\n  q: 3')).toEqual({
      base: { p: 1, q: 2 },
      m: { p: 1, q: 3 },
    });
    expect(value('base: &b {p: 1}\nm:\n  p: 0\n  <<: *b')).toEqual({ base: { p: 1 }, m: { p: 1 } });
    expect(value('a: &a {p: 1}\nb: &b {p: 2, q: 2}\nm:\n  <<: [*a, *b]')).toEqual({
      a: { p: 1 },
      b: { p: 2, q: 2 },
      m: { p: 1, q: 2 },
    });
    expect(value('m:\n  <<: {p: 1}\n  "<<": 2')).toEqual({ m: { p: 1, '<<': 2 } });
  });
  it('resolves keys like values: y and on become "true", as upstream', () => {
    expect(value('y: 1\non: 2\nn: 3')).toEqual({ true: 2, false: 3 });
  });
  it('binds an alias to the latest anchor before it', () => {
    expect(value('a: &x 1\nb: *x\nc: &x 2\nd: *x')).toEqual({ a: 1, b: 1, c: 2, d: 2 });
  });
  it('keeps __proto__ as an own key', () => {
    const v = value('__proto__: {polluted: true}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.hasOwn(v, '__proto__')).toBe(true);
  });
});

describe('parseYamlBody: JSON bodies', () => {
  it.each([
    '{"a":1,"b":"x","c":[true,false,null],"d":{"e":"\\u00e9"}}',
    '  {"spec":{"replicas":3}}',
    '{"a":1.5}',
    '{"a":9223372036854775807}',
  ])('%s reads as the same data', (src) => {
    const parsed = parseYamlBody(src);
    expect(parsed.format).toBe('yaml');
    expect(parsed.value).toEqual(JSON.parse(src));
  });
  it('reads JSON with YAML semantics where they differ', () => {
    // duplicates in a JSON body sent as YAML carry go-yaml's messages
    expect(parseYamlBody('{"a":1,"a":2}').duplicates[0]?.yamlMessage).toBe(
      'line 1: key "a" already set in map',
    );
  });
});

describe('parseYamlBody: duplicates', () => {
  it('reports duplicate keys with upstream messages and keeps the last value', () => {
    const parsed = parseYamlBody('spec:\n  replicas: 1\n  replicas: 2\n');
    expect(parsed.value).toEqual({ spec: { replicas: 2 } });
    expect(parsed.duplicates.map((d) => [d.path, d.line, d.yamlMessage])).toEqual([
      ['spec.replicas', 3, 'line 3: key "replicas" already set in map'],
    ]);
  });
  it('reports nested duplicates before their parent, as go-yaml', () => {
    const parsed = parseYamlBody('a: 1\na:\n  b: 1\n  b: 2\n');
    expect(parsed.duplicates.map((d) => d.yamlMessage)).toEqual([
      'line 4: key "b" already set in map',
      'line 3: key "a" already set in map',
    ]);
  });
  it('shows non-string keys as Go does', () => {
    expect(parseYamlBody('1: a\n1: b').duplicates[0]?.yamlMessage).toBe(
      'line 2: key 1 already set in map',
    );
  });
  it('treats keys of different types as different, as go-yaml does', () => {
    expect(parseYamlBody('1: a\n"1": b').duplicates).toEqual([]);
  });
  it('reports merge keys that override', () => {
    expect(
      parseYamlBody('b: &b {x: 1}\nm:\n  x: 0\n  <<: *b').duplicates.map((d) => d.path),
    ).toEqual(['m.x']);
  });
  it('reports duplicates in sequences of maps', () => {
    expect(parseYamlBody('items:\n- a: 1\n  a: 2').duplicates.map((d) => d.path)).toEqual([
      'items[0].a',
    ]);
  });
});

describe('parseYamlBody: errors', () => {
  it('rejects billion laughs as excessive aliasing', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    const names = 'abcdefghi';
    for (let k = 1; k < names.length; k++) {
      const prev = names[k - 1]!;
      lines.push(
        `${names[k]!}: &${names[k]!} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`,
      );
    }
    expect(errorOf(lines.join('\n')).message).toBe('yaml: document contains excessive aliasing');
  });
  it('allows moderate alias use', () => {
    const src = 'a: &a {x: 1}\n' + Array.from({ length: 200 }, (_, i) => `k${i}: *a`).join('\n');
    expect(Object.keys(value(src) as object)).toHaveLength(201);
  });
  it.each([
    ['a: *nope', "yaml: unknown anchor 'nope' referenced"],
    ['a: !!int abc', 'yaml: cannot decode !!str `abc` as a !!int'],
    ['a: !!bool 1', 'yaml: cannot decode !!int `1` as a !!bool'],
    ['a: !!float abc', 'yaml: cannot decode !!str `abc` as a !!float'],
    ['a: !!binary "not base64!"', 'yaml: !!binary value contains invalid base64 data'],
    ['a: .inf', 'json: unsupported value: +Inf'],
    ['a: -.inf', 'json: unsupported value: -Inf'],
    ['a: .nan', 'json: unsupported value: NaN'],
    ['m:\n  <<: 1', 'yaml: map merge requires map or sequence of maps as the value'],
    ['m:\n  <<: [1]', 'yaml: map merge requires map or sequence of maps as the value'],
    ['~: 1', 'unsupported map key of type: %!s(<nil>), key: <nil>'],
    ['? [a]\n: 1', 'yaml: invalid map key: a mapping or sequence cannot be a key'],
  ])('%j', (src, message) => {
    expect(errorOf(src).message).toBe(message);
  });
  it('rejects a self-referencing anchor', () => {
    const err = errorOf('a: &x [1, *x]');
    expect(err.message).toMatch(
      /^yaml: (unknown anchor 'x' referenced|anchor 'x' value contains itself)$/,
    );
  });
  it('reports syntax errors with go-yaml style lines', () => {
    const err = errorOf('a: 1\nb: [1, 2\nc: 3\n');
    expect(err.kind).toBe('yaml');
    expect(err.message).toMatch(/^yaml: line \d+: /);
    expect(errorOf('a:\n\tb: 1').message).toMatch(/^yaml: line 2: /);
  });
  it('rejects custom tags on request', () => {
    expect(errorOf('a: !!python/object:x {}', { customTags: 'reject' }).message).toBe(
      'yaml: unsupported tag !!python/object:x',
    );
    expect(errorOf('a: !foo 1', { customTags: 'reject' }).message).toBe(
      'yaml: unsupported tag !foo',
    );
    expect(parseYamlBody('a: !!str 1', { customTags: 'reject' }).value).toEqual({ a: '1' });
  });
  it('rejects invalid UTF-8', () => {
    expect(errorOf(new Uint8Array([0x61, 0x3a, 0x20, 0xff]) as unknown as string).message).toBe(
      'yaml: invalid leading UTF-8 octet',
    );
  });
  it('refuses nesting beyond the composable depth without overflowing the stack', () => {
    const ok = '['.repeat(maxYamlDepth) + ']'.repeat(maxYamlDepth);
    expect(() => parseYamlBody(ok)).not.toThrow();
    const deep = '['.repeat(maxYamlDepth + 1) + ']'.repeat(maxYamlDepth + 1);
    expect(errorOf(deep).message).toBe(
      `yaml: nesting deeper than ${maxYamlDepth} levels is not supported`,
    );
    const block = Array.from({ length: 20_000 }, (_, i) => ' '.repeat(i) + 'a:').join('\n');
    expect(errorOf(block).message).toBe(
      `yaml: nesting deeper than ${maxYamlDepth} levels is not supported`,
    );
  });
});

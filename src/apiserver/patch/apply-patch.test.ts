import { describe, it, expect } from 'vitest';
import { applyPatch, decodePatch, type FieldValidation, type PatchType } from './apply-patch.ts';
import { GENERIC_UNPROCESSABLE_MESSAGE, PatchError } from './errors.ts';
import type { JsonObject } from './json-value.ts';
import { expectPatchError } from './testing/helpers.ts';
import { podSchema } from './testing/schemas.ts';

function decodeError(
  type: PatchType,
  body: string | Uint8Array,
  fieldValidation?: FieldValidation,
): string {
  const err = expectPatchError(
    () => decodePatch({ type, body, ...(fieldValidation ? { fieldValidation } : {}) }),
    { code: 400, reason: 'BadRequest', kind: 'Decode' },
  );
  return err.message;
}

describe('decodePatch: body size', () => {
  it('answers 413 above 3 MiB, as the API server body limit', () => {
    const body = new Uint8Array(3 * 1024 * 1024 + 1).fill(0x20);
    expectPatchError(() => decodePatch({ type: 'merge', body }), {
      code: 413,
      reason: 'RequestEntityTooLarge',
      kind: 'TooLarge',
      message: 'Request entity too large: limit is 3145728',
    });
    expectPatchError(() => decodePatch({ type: 'merge', body: '{"a":1}', maxBytes: 4 }), {
      code: 413,
      message: 'Request entity too large: limit is 4',
    });
  });
});

describe('decodePatch: JSON syntax, with Go decoder messages', () => {
  const cases: [string, string][] = [
    ['', 'unexpected end of JSON input'],
    ['   ', 'unexpected end of JSON input'],
    ['{"a":1', 'unexpected end of JSON input'],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', "invalid character '\"' after object key:value pair"],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ["{'a':1}", "invalid character '\\'' looking for beginning of object key string"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['[1 2]', "invalid character '2' after array element"],
    ['{"a":1}x', "invalid character 'x' after top-level value"],
    ['01', "invalid character '1' after top-level value"],
    ['-', "invalid character ' ' in numeric literal"],
    ['-x', "invalid character 'x' in numeric literal"],
    ['1.', "invalid character ' ' after decimal point in numeric literal"],
    ['1e+', "invalid character ' ' in exponent of numeric literal"],
    ['nope', "invalid character 'o' in literal null (expecting 'u')"],
    ['tru', "invalid character ' ' in literal true (expecting 'e')"],
    ['fals3', "invalid character '3' in literal false (expecting 'e')"],
    ['"\\q"', "invalid character 'q' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ['"a\tb"', "invalid character '\\t' in string literal"],
    ['"a\u0001b"', "invalid character '\\x01' in string literal"],
    ['{"a":1}}', "invalid character '}' after top-level value"],
    ['@', "invalid character '@' looking for beginning of value"],
  ];

  it.each(cases)('strategic %j → %s', (body, message) => {
    expect(decodeError('strategic', body)).toBe(message);
  });

  it('reports a byte-order mark as Go does', () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]);
    expect(decodeError('strategic', bom)).toBe(
      "invalid character 'ï' looking for beginning of value",
    );
  });

  it('prefixes the message by patch type and fieldValidation as upstream', () => {
    expect(decodeError('json', '[{"op":}]')).toBe(
      "error decoding patch: invalid character '}' looking for beginning of value",
    );
    expect(decodeError('json', '[{"op":}]', 'Strict')).toBe(
      "error decoding patch: invalid character '}' looking for beginning of value",
    );
    expect(decodeError('json', '[{"op":}]', 'Ignore')).toBe(
      "invalid character '}' looking for beginning of value",
    );
    expect(decodeError('merge', '{x}')).toBe(
      "error decoding patch: invalid character 'x' looking for beginning of object key string",
    );
    expect(decodeError('merge', '{x}', 'Ignore')).toBe('Invalid JSON Patch');
    expect(decodeError('strategic', '{x}', 'Ignore')).toBe(
      "invalid character 'x' looking for beginning of object key string",
    );
  });

  it('accepts nesting 10000 deep and rejects deeper, as Go', () => {
    const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);
    expect(
      decodePatch({ type: 'json', body: `[{"op":"test","path":"/a","value":${deep(9998)}}]` })
        .patch,
    ).toHaveLength(1);
    expect(decodeError('json', deep(10001), 'Ignore')).toBe(
      "invalid character '[' exceeded max depth",
    );
    expect(decodeError('strategic', `{"a":${deep(10000)}}`)).toBe(
      "invalid character '[' exceeded max depth",
    );
  });

  it('decodes bytes as UTF-8', () => {
    const body = new TextEncoder().encode('{"metadata":{"labels":{"name":"café"}}}');
    expect(decodePatch({ type: 'strategic', body }).patch).toEqual({
      metadata: { labels: { name: 'café' } },
    });
  });
});

describe('decodePatch: JSON shape per patch type', () => {
  it('JSON patch must be a list of objects with string op, path and from', () => {
    expect(decodeError('json', '{}')).toBe(
      'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp',
    );
    expect(decodeError('json', '{}', 'Ignore')).toBe(
      'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    );
    expect(decodeError('json', '[{"op":"add","path":"/a"},"x"]')).toBe(
      'error decoding patch: json: cannot unmarshal string into Go value of type handlers.jsonPatchOp',
    );
    expect(decodeError('json', '[[]]', 'Ignore')).toBe(
      'json: cannot unmarshal array into Go value of type jsonpatch.Operation',
    );
    expect(decodeError('json', '[{"op":1,"path":"/a"}]')).toBe(
      'error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string',
    );
    expect(decodeError('json', '[{"op":"move","path":"/a","from":true}]', 'Strict')).toBe(
      'error decoding patch: json: cannot unmarshal bool into Go struct field jsonPatchOp.from of type string',
    );
    expect(
      decodePatch({ type: 'json', body: '[{"op":1,"path":"/a"}]', fieldValidation: 'Ignore' })
        .patch,
    ).toEqual([{ op: 1, path: '/a' }]);
  });

  it('a null JSON patch is an empty one', () => {
    const { patch } = decodePatch({ type: 'json', body: 'null' });
    expect(applyPatch({ type: 'json', original: { a: 1 }, patch })).toEqual({ a: 1 });
  });

  it('merge patch must be an object', () => {
    expect(decodeError('merge', 'null')).toBe('Invalid JSON Patch');
    expect(decodeError('merge', '3')).toBe(
      'error decoding patch: json: cannot unmarshal number into Go value of type map[string]interface {}',
    );
    expect(decodeError('merge', '"x"', 'Ignore')).toBe('Invalid JSON Patch');
  });

  it('strategic merge patch must be an object; null changes nothing', () => {
    expect(decodeError('strategic', '[]')).toBe(
      'json: cannot unmarshal array into Go value of type map[string]interface {}',
    );
    expect(decodeError('strategic', 'true', 'Ignore')).toBe(
      'json: cannot unmarshal bool into Go value of type map[string]interface {}',
    );
    const { patch } = decodePatch({ type: 'strategic', body: 'null' });
    expect(applyPatch({ type: 'strategic', original: { a: 1 }, patch, schema: podSchema })).toEqual(
      { a: 1 },
    );
  });
});

describe('decodePatch: strict-decoding findings (fieldValidation Warn and Strict)', () => {
  const strictErrors = (
    type: PatchType,
    body: string,
    fieldValidation?: FieldValidation,
  ): readonly string[] =>
    decodePatch({ type, body, ...(fieldValidation ? { fieldValidation } : {}) }).strictErrors;

  it('finds duplicate keys anywhere, with upstream paths', () => {
    expect(
      strictErrors(
        'strategic',
        '{"metadata":{"labels":{"app":"a","app":"b"}},"spec":{"containers":[{"name":"x","name":"y","env":[{},{"k":1,"k":2}]}]},"spec":{}}',
      ),
    ).toEqual([
      'duplicate field "metadata.labels.app"',
      'duplicate field "spec.containers[0].name"',
      'duplicate field "spec.containers[0].env[1].k"',
      'duplicate field "spec"',
    ]);
    expect(strictErrors('merge', '{"a":1,"a":2,"a":3}', 'Strict')).toEqual(['duplicate field "a"']);
    expect(strictErrors('merge', '{"a\\u0062":1,"ab":2}')).toEqual(['duplicate field "ab"']);
  });

  it('finds unknown and duplicate JSON patch operation members, but not inside unknown ones', () => {
    expect(
      strictErrors(
        'json',
        '[{"op":"add","path":"/a","vaule":{"x":1,"x":2}},{"op":"test","op":"test","path":"/b","value":{"y":1,"y":1}}]',
      ),
    ).toEqual([
      'json patch unknown field "[0].vaule"',
      'json patch duplicate field "[1].op"',
      'json patch duplicate field "[1].value.y"',
    ]);
  });

  it('reports nothing with fieldValidation=Ignore', () => {
    expect(strictErrors('merge', '{"a":1,"a":2}', 'Ignore')).toEqual([]);
    expect(strictErrors('json', '[{"op":"add","path":"/a","Op":1}]', 'Ignore')).toEqual([]);
  });

  it('keeps at most 100 distinct findings', () => {
    const members = Array.from({ length: 150 }, (_, i) => `"k${i}":1,"k${i}":2`).join(',');
    const found = strictErrors('strategic', `{${members}}`);
    expect(found).toHaveLength(100);
    expect(found[99]).toBe('duplicate field "k99"');
  });
});

describe('PatchError.toStatus', () => {
  function statusOf(fn: () => unknown): unknown {
    try {
      fn();
    } catch (e) {
      if (e instanceof PatchError) return e.toStatus();
    }
    throw new Error('expected a PatchError');
  }

  it('renders a 400 as errors.NewBadRequest does', () => {
    expect(statusOf(() => decodePatch({ type: 'merge', body: 'null' }))).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Invalid JSON Patch',
      reason: 'BadRequest',
      code: 400,
    });
  });

  it('renders a failed JSON patch operation as the generic 422 with empty details', () => {
    expect(
      statusOf(() =>
        applyPatch({ type: 'json', original: {}, patch: [{ op: 'remove', path: '/x' }] }),
      ),
    ).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: GENERIC_UNPROCESSABLE_MESSAGE,
      reason: 'Invalid',
      details: {},
      code: 422,
    });
  });

  it('renders unclassified strategic merge patch errors as a 500 without a reason', () => {
    expect(
      statusOf(() =>
        applyPatch({
          type: 'strategic',
          original: { spec: { containers: [{ name: 'a' }] } },
          patch: { spec: { containers: [{ image: 'x' }] } },
          schema: podSchema,
        }),
      ),
    ).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'map: map[image:x] does not contain declared merge key: name',
      code: 500,
    });
  });

  it('renders an undecodable result as a 422 with a cause on the field patch', () => {
    expect(
      statusOf(() =>
        applyPatch({ type: 'json', original: {}, patch: [{ op: 'replace', path: '', value: [] }] }),
      ),
    ).toMatchObject({
      code: 422,
      reason: 'Invalid',
      details: { causes: [{ reason: 'FieldValueInvalid', field: 'patch' }] },
    });
  });
});

describe('hostile input', () => {
  const nest = (n: number, leaf: string): string => '{"a":'.repeat(n) + leaf + '}'.repeat(n);

  it('applies patches nested a thousand levels deep', () => {
    const body = nest(1000, '{"x":null,"y":1}');
    const original = JSON.parse(nest(1001, '{"x":1}')) as JsonObject;
    for (const type of ['strategic', 'merge'] as const) {
      const { patch } = decodePatch({ type, body });
      const out = applyPatch({ type, original, patch, schema: podSchema });
      let node: unknown = out;
      for (let i = 0; i < 1000; i++) node = (node as JsonObject).a;
      expect(node).toEqual({ y: 1, a: { x: 1 } });
    }
  });

  it('answers nesting too deep for the stack with a 422, never an unclassified error', () => {
    const body = nest(9990, '{"x":null}');
    for (const type of ['strategic', 'merge'] as const) {
      const { patch } = decodePatch({ type, body });
      try {
        const out = applyPatch({ type, original: {}, patch, schema: podSchema });
        expect(out).toHaveProperty('a');
      } catch (e) {
        expect(e).toBeInstanceOf(PatchError);
        expect((e as PatchError).code).toBe(422);
        expect((e as PatchError).detail).toBe(
          'the patch or the object is nested too deeply to apply',
        );
      }
    }
  });

  it('never reaches Object.prototype through __proto__ in a JSON pointer', () => {
    expect(() =>
      applyPatch({
        type: 'json',
        original: {},
        patch: [{ op: 'add', path: '/__proto__/polluted', value: 1 }],
      }),
    ).toThrow(PatchError);
    const out = applyPatch({
      type: 'json',
      original: {},
      patch: [{ op: 'add', path: '/__proto__', value: { polluted: 1 } }],
    });
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as JsonObject).polluted).toBeUndefined();
  });
});

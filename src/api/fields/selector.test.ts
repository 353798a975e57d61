import { describe, it, expect } from 'vitest';
import {
  FieldLabelNotSupportedError,
  FieldSelectorError,
  FieldsSelector,
  defaultFieldSelectorConversion,
  escapeFieldValue,
  fieldSelectorConversion,
  fieldsSelectorFromSet,
  parseAndTransformFieldSelector,
  parseFieldSelector,
  unescapeFieldValue,
} from './selector.ts';

const getter =
  (fields: Record<string, string>) =>
  (f: string): string | undefined =>
    Object.hasOwn(fields, f) ? fields[f] : undefined;

describe('parseFieldSelector: round trip', () => {
  it.each([
    ['', ''],
    ['a=b', 'a=b'],
    ['a==b', 'a=b'],
    ['a!=b', 'a!=b'],
    ['x=a,y=b,z=c', 'x=a,y=b,z=c'],
    ['z=c,x=a', 'x=a,z=c'],
    ['x=a,', 'x=a'],
    [',x=a,,', 'x=a'],
    ['a=', 'a='],
    ['a!=', 'a!='],
    ['metadata.name=web,spec.nodeName=node-1', 'metadata.name=web,spec.nodeName=node-1'],
    ['a=b\\,c', 'a=b\\,c'],
    ['a=b\\=c', 'a=b\\=c'],
    ['a=b\\\\c', 'a=b\\\\c'],
    ['a=x\\,y,b=z', 'a=x\\,y,b=z'],
    ['a=b c', 'a=b c'],
    ['a b=c', 'a b=c'],
  ])('%j -> %j', (input, expected) => {
    expect(parseFieldSelector(input).toString()).toBe(expected);
  });
  it('splits at the first operator', () => {
    expect(parseFieldSelector('a!=\\=b').terms).toEqual([
      { field: 'a', operator: '!=', value: '=b' },
    ]);
    expect(parseFieldSelector('a==\\=b').terms).toEqual([
      { field: 'a', operator: '==', value: '=b' },
    ]);
    expect(parseFieldSelector('a=\\=b').terms).toEqual([
      { field: 'a', operator: '=', value: '=b' },
    ]);
  });
  it('unescapes values', () => {
    expect(parseFieldSelector('a=x\\,y\\=z\\\\').terms).toEqual([
      { field: 'a', operator: '=', value: 'x,y=z\\' },
    ]);
  });
});

describe('parseFieldSelector: errors', () => {
  it.each([
    ['a', "invalid selector: 'a'; can't understand 'a'"],
    ['x=a,b', "invalid selector: 'x=a,b'; can't understand 'b'"],
    ['a!b', "invalid selector: 'a!b'; can't understand 'a!b'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a!==b', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
    ['a=b\\n', 'invalid field selector: invalid escape sequence: \\n'],
    ['a>b', "invalid selector: 'a>b'; can't understand 'a>b'"],
  ])('%j', (input, message) => {
    expect(() => parseFieldSelector(input)).toThrow(FieldSelectorError);
    expect(() => parseFieldSelector(input)).toThrow(message);
  });
});

describe('matching', () => {
  const pod = getter({ 'metadata.name': 'web', 'status.phase': 'Running', 'spec.nodeName': '' });
  it.each([
    ['', true],
    ['metadata.name=web', true],
    ['metadata.name==web', true],
    ['metadata.name=db', false],
    ['metadata.name!=db', true],
    ['metadata.name!=web', false],
    ['metadata.name=web,status.phase=Running', true],
    ['metadata.name=web,status.phase!=Running', false],
    ['spec.nodeName=', true],
    ['spec.nodeName!=', false],
    ['missing=', true],
    ['missing!=x', true],
    ['missing=x', false],
  ])('%j = %s', (sel, expected) => {
    expect(parseFieldSelector(sel).matches(pod)).toBe(expected);
  });
  it('Nothing matches nothing, Everything everything', () => {
    expect(FieldsSelector.nothing().matches(pod)).toBe(false);
    expect(FieldsSelector.nothing().empty()).toBe(false);
    expect(FieldsSelector.everything().matches(pod)).toBe(true);
    expect(FieldsSelector.everything().empty()).toBe(true);
  });
});

describe('requiresExactMatch', () => {
  it.each([
    ['metadata.name=web', 'metadata.name', 'web'],
    ['metadata.name==web', 'metadata.name', 'web'],
    ['metadata.name!=web', 'metadata.name', undefined],
    ['a=b,metadata.name=web', 'metadata.name', 'web'],
    ['a=b', 'metadata.name', undefined],
  ])('%j', (sel, field, value) => {
    expect(parseFieldSelector(sel).requiresExactMatch(field)).toBe(value);
  });
});

describe('escaping', () => {
  it.each([
    ['', ''],
    ['abc', 'abc'],
    ['a,b', 'a\\,b'],
    ['a=b', 'a\\=b'],
    ['a\\b', 'a\\\\b'],
    ['\\=,', '\\\\\\=\\,'],
  ])('%j <-> %j', (raw, escaped) => {
    expect(escapeFieldValue(raw)).toBe(escaped);
    expect(unescapeFieldValue(escaped)).toBe(raw);
  });
});

describe('transform and conversions', () => {
  const podFields = fieldSelectorConversion({
    labels: ['spec.nodeName', 'status.phase'],
    aliases: { 'spec.host': 'spec.nodeName' },
  });
  it('passes supported labels and renames aliases', () => {
    expect(
      parseAndTransformFieldSelector('spec.host=n1,metadata.name=a', podFields).toString(),
    ).toBe('metadata.name=a,spec.nodeName=n1');
  });
  it('rejects unsupported labels with upstream messages', () => {
    let err: unknown;
    try {
      parseAndTransformFieldSelector('spec.foo=x', podFields);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FieldLabelNotSupportedError);
    expect((err as FieldLabelNotSupportedError).message).toBe(
      'field label not supported: spec.foo',
    );
    expect((err as FieldLabelNotSupportedError).label).toBe('spec.foo');
    expect(() => parseFieldSelector('spec.x=1').transform(defaultFieldSelectorConversion)).toThrow(
      '"spec.x" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
  });
  it('cluster-scoped conversions do not accept metadata.namespace', () => {
    const nodes = fieldSelectorConversion({ labels: ['spec.unschedulable'], namespaced: false });
    expect(() => parseFieldSelector('metadata.namespace=x').transform(nodes)).toThrow(
      'field label not supported: metadata.namespace',
    );
  });
  it('drops terms transformed to nothing', () => {
    const s = parseFieldSelector('a=1,b=2').transform((f, v) =>
      f === 'a' ? { field: '', value: '' } : { field: f, value: v },
    );
    expect(s.toString()).toBe('b=2');
    expect(
      parseFieldSelector('a=1')
        .transform(() => ({ field: '', value: '' }))
        .empty(),
    ).toBe(true);
  });
  it('fieldsSelectorFromSet', () => {
    expect(fieldsSelectorFromSet({ 'metadata.name': 'a,b' }).toString()).toBe(
      'metadata.name=a\\,b',
    );
    expect(fieldsSelectorFromSet(undefined).empty()).toBe(true);
  });
});
